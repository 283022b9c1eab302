/**
Which sections apply to a request, in the order Apache merges them (httpd docs "How the sections are merged"):
`<Directory>` and `<Files>` never apply to a proxied request (its file name is `proxy:<url>`), `<Proxy>`/`<ProxyMatch>`
apply by the backend URL and merge first, then `<Location>`/`<LocationMatch>` in the order they appear, then `<If>`;
within each group the main server's sections come before the virtual host's. Which backend a path goes to follows
mod_proxy and mod_rewrite: a `RewriteRule … [P]` of the virtual host first (mod_rewrite translates before mod_proxy),
then a `ProxyPass` inside the last matching `<Location>`, then the `ProxyPass`/`ProxyPassMatch` list in order (the first
match wins; `!` excludes).
*/
import { compileGlob } from '../../glob.js';
import { compileGoRegexp } from '../../regexp/index.js';
import type { ApacheDirective } from '../../formats/apache/index.js';
import { serverItems, type Item, type Section, type Server } from './config.js';

/** Whether a `<Location>`-style path covers `path`: a prefix ending at a `/`, or a whole-path wildcard match. */
export function locationCovers(pattern: string, path: string): boolean {
	if (/[*?[]/.test(pattern)) return compileGlob(pattern)?.test(path) ?? false;
	if (pattern === path || pattern === '/') return true;
	return path.startsWith(pattern.endsWith('/') ? pattern : `${pattern}/`);
}

/** `true`/`false`, or `undefined` when the regex cannot be run here. */
export function regexMatches(pattern: string, subject: string, fold = false): boolean | undefined {
	return compileGoRegexp(fold ? `(?i)${pattern}` : pattern)?.matches(subject);
}

function sectionApplies(section: Section, path: string, backend: string | undefined): boolean {
	const args = section.node.args.map((arg) => arg.value);
	const regex = args[0] === '~';
	const pattern = regex ? (args[1] ?? '') : (args[0] ?? '');
	switch (section.kind) {
		case 'location':
			return regex ? regexMatches(pattern, path) === true : locationCovers(pattern, path);
		case 'locationmatch':
			return regexMatches(pattern, path) === true;
		case 'proxy':
		case 'proxymatch': {
			if (!backend) return false;
			if (section.kind === 'proxymatch' || regex) return regexMatches(pattern, backend) === true;
			if (pattern === '*') return true;
			const prefix = pattern.replace(/\*+$/, '').toLowerCase();
			return backend.toLowerCase().startsWith(prefix);
		}
		case 'if':
			return true;
		default:
			return false;
	}
}

export type Applied = {
	/** Sections that apply, in merge order. */
	sections: Section[];
	/** Directives in merge order: main server, virtual host, then the sections. */
	items: Array<Item & { server: 'main' | 'vhost' }>;
};

/** The sections and directives in effect for `path` on `server` (`main`: the main server, when `server` is a vhost). */
export function applied(server: Server, main: Server | undefined, path: string, backend: string | undefined): Applied {
	const servers = main && main !== server ? [main, server] : [server];
	const groups: Section[][] = [[], [], []];
	for (const current of servers) {
		for (const section of current.sections) {
			const group = section.kind === 'proxy' || section.kind === 'proxymatch' ? 0 : section.kind === 'location' || section.kind === 'locationmatch' ? 1 : section.kind === 'if' ? 2 : -1;
			if (group < 0) continue;
			let ok = sectionApplies(section, path, backend);
			for (let parent = section.parent; ok && parent; parent = parent.parent) ok = sectionApplies(parent, path, backend);
			if (ok) groups[group]!.push(section);
		}
	}
	const sections = groups.flat();
	const items: Applied['items'] = [];
	for (const current of servers) for (const item of serverItems(current)) items.push({ ...item, server: current === server ? 'vhost' : 'main' });
	for (const section of sections) {
		const owner = servers.find((current) => current.sections.includes(section)) === server ? 'vhost' : 'main';
		for (const item of (owner === 'vhost' ? server : main!).items) if (item.section === section) items.push({ ...item, server: owner });
	}
	return { sections, items };
}

export type ProxyChoice = {
	/** The deciding directive: `ProxyPass`, `ProxyPassMatch` or `RewriteRule`. */
	directive: ApacheDirective;
	/** The backend URL, `$n` references substituted where the match tells them. */
	url: string;
	/** The path the backend receives. `undefined` when it cannot be told. */
	sent: string | undefined;
	/** `RewriteCond` lines the model does not decide. */
	conditions: string[];
};

const lower = (directive: ApacheDirective): string => directive.name.toLowerCase();

/** Where `path` is proxied on `server`, or `undefined` when it is not (`!`, no rule). */
export function chooseProxy(server: Server, main: Server | undefined, path: string): ProxyChoice | undefined {
	const rewrite = rewriteProxy(server, path);
	if (rewrite) return rewrite;
	// ProxyPass inside a <Location>: the last matching one that has any.
	const inLocation = applied(server, main, path, undefined).items.filter((item) => item.section && (item.section.kind === 'location' || item.section.kind === 'locationmatch') && lower(item.directive) === 'proxypass');
	const last = inLocation[inLocation.length - 1];
	if (last) {
		const url = last.directive.args[0]?.value ?? '';
		if (url === '!') return undefined;
		const section = last.section!;
		const prefix = section.kind === 'location' && section.node.args[0]?.value !== '~' ? (section.node.args[0]?.value ?? '/') : undefined;
		return { directive: last.directive, url, sent: prefix !== undefined ? mapPrefix(prefix, url, path) : undefined, conditions: [] };
	}
	const servers = main && main !== server ? [server, main] : [server];
	for (const current of servers) {
		for (const item of serverItems(current)) {
			const name = lower(item.directive);
			const [first, second] = item.directive.args.map((arg) => arg.value);
			if (name === 'proxypass' && first !== undefined && second !== undefined) {
				if (!path.startsWith(first)) continue;
				if (second === '!') return undefined;
				return { directive: item.directive, url: second, sent: mapPrefix(first, second, path), conditions: [] };
			}
			if (name === 'proxypassmatch' && first !== undefined && second !== undefined) {
				if (regexMatches(first, path) !== true) continue;
				if (second === '!') return undefined;
				return { directive: item.directive, url: second, sent: mapRegex(first, second, path), conditions: [] };
			}
		}
	}
	return undefined;
}

/** `ProxyPass /rest/ http://nd:4533/rest/`: the backend path for `path`. */
function mapPrefix(prefix: string, url: string, path: string): string | undefined {
	const rest = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(url)?.[1];
	if (rest === undefined) return undefined;
	return `${rest}${path.slice(prefix.length)}`.replace(/^(?!\/)/, '/');
}

/**
The backend path of a regex rule: kept when the URL's path is only a capture (`http://nd:4533$1`), or mapped when the
pattern is a literal prefix and one `(.*)` (`^/rest/(.*)$` → `http://nd:4533/rest/$1`); else unknown.
*/
function mapRegex(pattern: string, url: string, path: string): string | undefined {
	const rest = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(.*)$/i.exec(url)?.[1];
	if (rest === undefined) return undefined;
	if (rest === '' || rest === '/$1' || rest === '$1') return pattern.startsWith('^/(') || pattern.startsWith('^(') || pattern === '(.*)' ? path : rest === '' ? path : undefined;
	const prefix = /^\^(\/[A-Za-z0-9/_.-]*)\(\.\*\)\$?$/.exec(pattern)?.[1];
	const target = /^([^$]*)\$1$/.exec(rest)?.[1];
	if (prefix !== undefined && target !== undefined && path.startsWith(prefix)) return `${target}${path.slice(prefix.length)}`;
	return rest.includes('$') ? undefined : rest;
}

/** A `RewriteRule pattern url [P]` of the server itself (rewrite settings are not inherited by virtual hosts). */
function rewriteProxy(server: Server, path: string): ProxyChoice | undefined {
	const items = serverItems(server);
	const engine = items.filter((item) => lower(item.directive) === 'rewriteengine').pop();
	if (!engine || engine.directive.args[0]?.value.toLowerCase() !== 'on') return undefined;
	let conditions: string[] = [];
	for (const item of items) {
		const name = lower(item.directive);
		if (name === 'rewritecond') {
			conditions.push(`RewriteCond ${item.directive.args.map((arg) => arg.raw).join(' ')}`);
			continue;
		}
		if (name !== 'rewriterule') continue;
		const [pattern = '', target = '', flags = ''] = item.directive.args.map((arg) => arg.value);
		const held = conditions;
		conditions = [];
		const negated = pattern.startsWith('!');
		const fold = /\b(NC|nocase)\b/i.test(flags);
		const matched = regexMatches(negated ? pattern.slice(1) : pattern, path, fold);
		if (matched === undefined || matched === negated) continue;
		if (!/(^|[\[,])\s*(P|proxy)\s*([\],]|$)/i.test(flags)) continue;
		return { directive: item.directive, url: target, sent: negated ? undefined : mapRegex(pattern, target, path), conditions: held };
	}
	return undefined;
}

/** The section of a route that decides: the last `<Location>`-like one, else the last `<Proxy>`-like one. */
export function decidingSection(app: Applied): Section | undefined {
	const locations = app.sections.filter((section) => section.kind === 'location' || section.kind === 'locationmatch');
	return locations[locations.length - 1] ?? app.sections.filter((section) => section.kind !== 'if').pop();
}
