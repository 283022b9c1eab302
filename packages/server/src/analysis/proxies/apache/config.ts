/**
An Apache configuration as the request sees it: the main server and each `<VirtualHost>`, with every directive tied
to the section that holds it. Conditional containers are decided here the way Apache decides them when it reads the
file: `<IfModule>` by the `LoadModule` lines in view (every module counts as loaded when the configuration loads none
itself, as a `sites-enabled` file does), `<IfDefine>` by `Define` (an unknown name is not defined); `<IfVersion>`,
`<IfFile>`, `<IfDirective>` and `<IfSection>` are taken to hold.
*/
import type { ApacheConfig, ApacheDirective, ApacheNode, ApacheSection } from '../../formats/apache/index.js';

export type SectionKind = 'location' | 'locationmatch' | 'proxy' | 'proxymatch' | 'if' | 'directory' | 'files' | 'other';

/** A section that selects requests (by URL, backend URL, expression, file system path). */
export type Section = {
	node: ApacheSection;
	kind: SectionKind;
	/** The enclosing selecting section (an `<If>` inside a `<Location>`). */
	parent: Section | undefined;
	/** Position in the configuration: sections of one group merge in this order. */
	order: number;
};

/** One directive and where it sits. `limit`: inside `<Limit>`/`<LimitExcept>` (it holds for some methods only). */
export type Item = { directive: ApacheDirective; section: Section | undefined; limit?: ApacheSection; requireContainer?: ApacheSection };

export type Server = {
	/** The root file this server was read from. */
	root: string;
	/** `undefined` for the main server. */
	vhost: ApacheSection | undefined;
	/** Directives and sections in configuration order. */
	items: Item[];
	sections: Section[];
	/** `ServerName` and `ServerAlias` values. */
	names: string[];
};

const conditionalContainers = new Set(['ifmodule', 'ifdefine', 'ifversion', 'iffile', 'ifdirective', 'ifsection']);
const requireContainers = new Set(['requireall', 'requireany', 'requirenone']);
const limitContainers = new Set(['limit', 'limitexcept']);

/** Module names a configuration loads (`headers_module`, `mod_headers.c`), or `undefined` when it loads none itself. */
export function loadedModules(configs: readonly ApacheConfig[]): Set<string> | undefined {
	const modules = new Set<string>();
	const visit = (nodes: readonly ApacheNode[]): void => {
		for (const node of nodes) {
			if (node.kind === 'section') visit(node.children);
			else if (node.name.toLowerCase() === 'loadmodule' && node.args[0]) {
				const name = node.args[0].value.toLowerCase();
				modules.add(name);
				modules.add(`mod_${name.replace(/_module$/, '')}.c`);
			}
		}
	};
	for (const config of configs) visit(config.nodes);
	return modules.size > 0 ? modules : undefined;
}

/** Whether a conditional container's test holds. */
function holds(section: ApacheSection, modules: Set<string> | undefined, defines: Record<string, string>): boolean {
	const name = section.name.toLowerCase();
	const word = section.args[0]?.value ?? '';
	const negated = word.startsWith('!');
	const subject = (negated ? word.slice(1) : word).toLowerCase();
	if (name === 'ifmodule') return (modules === undefined || modules.has(subject) || modules.has(`${subject.replace(/\.c$/, '').replace(/^mod_/, '')}_module`)) !== negated;
	if (name === 'ifdefine') return Object.keys(defines).some((key) => key.toLowerCase() === subject) !== negated;
	return true;
}

function sectionKind(name: string): SectionKind {
	switch (name) {
		case 'location':
			return 'location';
		case 'locationmatch':
			return 'locationmatch';
		case 'proxy':
			return 'proxy';
		case 'proxymatch':
			return 'proxymatch';
		case 'if':
		case 'elseif':
		case 'else':
			return 'if';
		case 'directory':
		case 'directorymatch':
			return 'directory';
		case 'files':
		case 'filesmatch':
			return 'files';
		default:
			return 'other';
	}
}

/** The servers of one root file (the main server first, then each virtual host). */
export function serversOf(root: string, config: ApacheConfig, modules: Set<string> | undefined): Server[] {
	const main: Server = { root, vhost: undefined, items: [], sections: [], names: [] };
	const servers: Server[] = [main];
	let order = 0;
	const walk = (nodes: readonly ApacheNode[], server: Server, section: Section | undefined, limit: ApacheSection | undefined, requireContainer: ApacheSection | undefined): void => {
		for (const node of nodes) {
			if (node.kind === 'directive') {
				server.items.push({ directive: node, section, ...(limit ? { limit } : {}), ...(requireContainer ? { requireContainer } : {}) });
				const lower = node.name.toLowerCase();
				if (lower === 'servername' || lower === 'serveralias') server.names.push(...node.args.map((arg) => arg.value.toLowerCase()));
				continue;
			}
			const name = node.name.toLowerCase();
			if (conditionalContainers.has(name)) {
				if (holds(node, modules, config.defines)) walk(node.children, server, section, limit, requireContainer);
			} else if (name === 'virtualhost' && server === main && !section) {
				const vhost: Server = { root, vhost: node, items: [], sections: [], names: [] };
				servers.push(vhost);
				walk(node.children, vhost, undefined, undefined, undefined);
			} else if (requireContainers.has(name)) walk(node.children, server, section, limit, requireContainer ?? node);
			else if (limitContainers.has(name)) walk(node.children, server, section, node, requireContainer);
			else {
				const child: Section = { node, kind: sectionKind(name), parent: section, order: order++ };
				server.sections.push(child);
				walk(node.children, server, child, limit, requireContainer);
			}
		}
	};
	walk(config.nodes, main, undefined, undefined, undefined);
	return servers;
}

/** Directives of `server` outside any selecting section. */
export function serverItems(server: Server): Item[] {
	return server.items.filter((item) => !item.section);
}

/** `<Location /rest/>` as written. */
export function sectionHead(section: ApacheSection): string {
	return `<${section.name}${section.args.map((arg) => ` ${arg.raw}`).join('')}>`;
}

/** `<VirtualHost *:80>` of music.example.com, or "the main server". */
export function describeServer(server: Server): string {
	if (!server.vhost) return 'the main server';
	const name = server.names[0];
	return name ? `${sectionHead(server.vhost)} of ${name}` : sectionHead(server.vhost);
}
