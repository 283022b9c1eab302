/**
Where a `proxy_pass` goes: through `set` variables and `upstream` blocks to a compose service (by service name,
`container_name`, `hostname` or network alias, and port; looked up in the deployment's indexes, `model/links.ts`) or,
on loopback, to a Navidrome listening on the host. When
the address names nothing known and the deployment has exactly one Navidrome on that port, the target is marked
`assumed` so that findings can say so instead of silently guessing.
*/
import type { Directive } from '../../formats/nginx/index.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import { dirname } from '../../files.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import type { Links } from '../../model/links.js';
import { chain, httpOf, own, type Level } from './levels.js';

export type ProxyTarget = {
	/** The `proxy_pass` argument as written. */
	written: string;
	/** After `set` variables were substituted. */
	url: string;
	host: string | undefined;
	port: number | undefined;
	instance: NavidromeInstance | undefined;
	/** The instance was picked because it is the only one on that port, not because the address names it. */
	assumed: boolean;
	/** The compose service the address names, Navidrome or not. */
	service: ServiceRef | undefined;
};

/** The compose projects and Navidrome instances an nginx file can reach. */
export type TargetScope = {
	composeFiles: readonly ComposeFile[];
	instances: readonly NavidromeInstance[];
	/** The compose service running this nginx (it bind-mounts the file), when known. */
	nginxService: ComposeService | undefined;
	/** The deployment's indexes (`model/links.ts`). */
	links: Links;
};

/**
The scope of an nginx file: the compose projects of the services that bind-mount it, else the compose files of the
deepest folder above it, else every compose file; their Navidrome instances, and standalone ones near the file.
*/
export function targetScope(file: string, deployment: Deployment): TargetScope {
	const links = deployment.links;
	const owners = links.mounting(file);
	let composeFiles: ComposeFile[] = [...new Set(owners.map((owner) => owner.compose))];
	if (composeFiles.length === 0) composeFiles = [...links.nearestComposeFiles(file)];
	if (composeFiles.length === 0) composeFiles = [...deployment.composeFiles];
	const fileDir = dirname(file);
	const standalone = links.standalone.filter((instance) => {
		const tomlDir = dirname(instance.tomlFile ?? instance.id);
		return isWithin(fileDir, tomlDir) || isWithin(tomlDir, fileDir) || deployment.composeFiles.length === 0;
	});
	// Deployment order: compose instances by compose file, then standalone ones (as `findNavidromes` lists them).
	const instances = [...composeFiles.flatMap((compose) => links.instancesIn(compose)), ...standalone];
	return { composeFiles, instances, nginxService: owners[0]?.service, links };
}

function isWithin(path: string, dir: string): boolean {
	return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

/**
Host paths an absolute `include` names inside the container, through the bind mounts of the services that mount the
including file (every matching mount, in order).
*/
export function containerIncludePaths(path: string, file: string, deployment: Deployment): string[] {
	const links = deployment.links;
	return links.mounting(file).flatMap(({ service }) => links.hostPaths(service, path));
}

const maxSubstitutions = 8;
/** `set $a "$a$a"` doubles a value each round; past this a value is no address anyway. */
const maxUrlLength = 4096;

/** Replace `$var`/`${var}` with the value of a `set $var …` in effect at `level` (innermost first). */
export function substituteVariables(value: string, level: Level): string {
	let result = value;
	for (let round = 0; round < maxSubstitutions && result.includes('$') && result.length <= maxUrlLength; round++) {
		let changed = false;
		let length = result.length;
		result = result.replace(/\$\{?([A-Za-z0-9_]+)\}?/g, (whole, name: string) => {
			const set = findSet(level, name);
			if (set === undefined || length + set.length > maxUrlLength) return whole;
			length += set.length;
			changed = true;
			return set;
		});
		if (!changed) break;
	}
	return result;
}

function findSet(level: Level, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const current of chain(level)) {
		const found = own(current, 'set').find((directive) => directive.args[0]?.value.toLowerCase() === `$${wanted}`);
		if (found) return found.args[1]?.value ?? '';
	}
	return undefined;
}

type ParsedUrl = { host: string; port: number | undefined; rest: string };

/** `http://host:port/path` → parts; `undefined` for variables left in the host, `unix:` sockets and other schemes. */
export function parseProxyUrl(url: string): ParsedUrl | undefined {
	const match = /^(https?):\/\/([^/?#]*)(.*)$/is.exec(url.trim());
	if (!match) return undefined;
	const authority = match[2]!;
	if (authority.includes('$') || authority.toLowerCase().startsWith('unix:')) return undefined;
	let host = authority;
	let port: number | undefined;
	const bracket = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(authority);
	if (bracket) {
		host = bracket[1]!;
		port = bracket[2] ? Number(bracket[2]) : undefined;
	} else {
		const colon = authority.lastIndexOf(':');
		if (colon >= 0 && authority.indexOf(':') === colon) {
			const digits = authority.slice(colon + 1);
			if (!/^\d{1,5}$/.test(digits)) return undefined;
			host = authority.slice(0, colon);
			port = Number(digits);
		}
	}
	if (!host) return undefined;
	return { host: host.toLowerCase(), port, rest: match[3]! };
}

/** Every address a `proxy_pass` can send to (several for an `upstream` with several servers). */
export function resolveProxyPass(proxyPass: Directive, level: Level, scope: TargetScope): ProxyTarget[] {
	const written = proxyPass.args[0]?.value ?? '';
	const url = substituteVariables(written, level);
	const parsed = parseProxyUrl(url);
	const base = { written, url, host: parsed?.host, port: parsed?.port, instance: undefined, assumed: false, service: undefined };
	if (!parsed) return [base];
	const isHttps = /^https:/i.test(url);
	if (parsed.port === undefined) {
		const upstream = findUpstream(level, parsed.host);
		if (upstream) {
			const targets: ProxyTarget[] = [];
			for (const server of own(upstream, 'server')) {
				const address = server.args[0]?.value ?? '';
				const inner = parseProxyUrl(`http://${address}`);
				if (!inner) continue;
				targets.push({ ...base, host: inner.host, port: inner.port ?? 80, ...resolveHost(inner.host, inner.port ?? 80, scope) });
			}
			return targets.length > 0 ? targets : [base];
		}
	}
	const port = parsed.port ?? (isHttps ? 443 : 80);
	return [{ ...base, port, ...resolveHost(parsed.host, port, scope) }];
}

/** An `upstream name { … }` block at the `http` level (nginx compares the names case-insensitively). */
function findUpstream(level: Level, host: string): (Level & { kind: 'http' }) | undefined {
	const http = httpOf(level);
	const block = http.directives.find((directive) => directive.name === 'upstream' && directive.block && directive.args[0]?.value.toLowerCase() === host);
	if (!block?.block) return undefined;
	return { kind: 'http', block, parent: undefined, directives: block.block, children: [], root: http.root };
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function resolveHost(host: string, port: number, scope: TargetScope): Pick<ProxyTarget, 'instance' | 'assumed' | 'service'> {
	const none = { instance: undefined, assumed: false, service: undefined };
	if (isLoopback(host)) {
		// Inside a container, loopback is the container itself: only host networking reaches the host's Navidrome.
		if (scope.nginxService && scope.nginxService.networkMode?.value !== 'host') return none;
		const instance = scope.instances.find((candidate) => (!candidate.service || candidate.hostNetwork ? candidate.port === port : candidate.publishedPorts.some((p) => publishedCovers(p.published, port))));
		return { ...none, instance };
	}
	const { links, composeFiles } = scope;
	const answering = (within: ComposeFile | undefined): ServiceRef[] => [...links.named(host, within), ...links.hostnamed(host, within), ...links.aliased(host, within)];
	// Per compose file when the scope is a few projects (every stack of a tree names its service `navidrome`).
	let inScope: ServiceRef[];
	if (composeFiles.length <= 8) inScope = composeFiles.flatMap(answering);
	else {
		const wanted = new Set(composeFiles);
		inScope = answering(undefined).filter((ref) => wanted.has(ref.compose));
	}
	const ref = inScope.length > 1 ? firstInScope(inScope, scope.composeFiles) : inScope[0];
	if (ref) {
		const instance = links.instanceOf(ref.service);
		return { instance: instance && instance.port === port ? instance : undefined, assumed: false, service: ref };
	}
	const only = scope.instances.length === 1 ? scope.instances[0]! : undefined;
	if (only && (only.port === port || host.includes('navidrome'))) return { instance: only, assumed: true, service: undefined };
	return none;
}

function publishedCovers(published: string | undefined, port: number): boolean {
	if (!published) return false;
	const [low = '', high = low] = published.split('-');
	const from = Number.parseInt(low, 10);
	const to = Number.parseInt(high, 10);
	return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

/** The first service of the scope's compose files (in their order, then service order) among `refs`. */
function firstInScope(refs: ServiceRef[], composeFiles: readonly ComposeFile[]): ServiceRef {
	const rank = (ref: ServiceRef): number => composeFiles.indexOf(ref.compose) * 1e6 + ref.compose.services.indexOf(ref.service);
	return refs.reduce((best, ref) => (rank(ref) < rank(best) ? ref : best));
}
