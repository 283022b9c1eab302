/**
The proxies of one `haproxy.cfg` with what they inherit (configuration manual §4): every `frontend`, `backend` and
`listen` takes its settings from a `defaults` section, the last one before it or the one named with `from`, which may
itself take them from another. `http-request` rules of a (named) defaults section run before the proxy's own.
*/
import type { HaproxyAcl, HaproxyConfig, HaproxyRule, HaproxySection, HaproxySwitch } from '../../formats/haproxy/index.js';

export type HaproxyProxy = {
	section: HaproxySection;
	kind: 'frontend' | 'backend' | 'listen';
	name: string;
	/** The defaults sections it inherits from, nearest first. */
	defaults: HaproxySection[];
	/** `http` or `tcp` (HAProxy's default). */
	mode: string;
	/** Inherited rules first (outermost defaults first), then its own. */
	rules: HaproxyRule[];
	acls: Map<string, HaproxyAcl[]>;
	defaultBackend: HaproxySwitch | undefined;
};

export type HaproxyProgram = {
	file: string;
	config: HaproxyConfig;
	proxies: HaproxyProxy[];
	/** Proxies with the backend capability, by name. */
	backends: Map<string, HaproxyProxy>;
	userlists: Map<string, HaproxySection>;
};

/** Resolves the sections of one file into proxies. */
export function buildProgram(config: HaproxyConfig): HaproxyProgram {
	const named = new Map<string, HaproxySection>();
	const parents = new Map<HaproxySection, HaproxySection | undefined>();
	const proxies: HaproxyProxy[] = [];
	const backends = new Map<string, HaproxyProxy>();
	const userlists = new Map<string, HaproxySection>();
	let last: HaproxySection | undefined;
	for (const section of config.sections) {
		if (section.kind === 'userlist' && section.name) userlists.set(section.name, section);
		if (section.kind === 'defaults') {
			parents.set(section, section.from ? named.get(section.from) : undefined);
			if (section.name) named.set(section.name, section);
			last = section;
			continue;
		}
		if (section.kind !== 'frontend' && section.kind !== 'backend' && section.kind !== 'listen') continue;
		const chain: HaproxySection[] = [];
		for (let current = section.from ? named.get(section.from) : last; current && !chain.includes(current) && chain.length < 16; current = parents.get(current)) chain.push(current);
		const acls = new Map<string, HaproxyAcl[]>();
		for (const source of [...chain].reverse().concat(section)) {
			for (const acl of source.acls) {
				const list = acls.get(acl.name);
				if (list) list.push(acl);
				else acls.set(acl.name, [acl]);
			}
		}
		const proxy: HaproxyProxy = {
			section,
			kind: section.kind,
			name: section.name ?? '',
			defaults: chain,
			mode: section.mode ?? chain.find((entry) => entry.mode)?.mode ?? 'tcp',
			rules: [...[...chain].reverse().flatMap((entry) => entry.httpRequest), ...section.httpRequest],
			acls,
			defaultBackend: section.kind === 'backend' ? undefined : (section.defaultBackend ?? chain.find((entry) => entry.defaultBackend)?.defaultBackend),
		};
		proxies.push(proxy);
		if (section.kind !== 'frontend' && section.name && !backends.has(section.name)) backends.set(section.name, proxy);
	}
	return { file: config.file, config, proxies, backends, userlists };
}
