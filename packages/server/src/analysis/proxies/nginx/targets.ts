/**
Where a `proxy_pass` goes: through `set` variables and `upstream` blocks to a compose service or a Navidrome, by the
deployment's one linking rule (`model/links.ts` `upstream`: the file's own stack first). When the address names
nothing known and the stack has exactly one Navidrome that fits, the target is marked `assumed` so that findings can
say so instead of silently guessing.
*/
import type { Directive } from '../../formats/nginx/index.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import { resolvePath } from '../../files.js';
import type { Deployment, NavidromeInstance, ParsedFile, ServiceRef } from '../../model/deployment.js';
import type { Links, ProxySite } from '../../model/links.js';
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
	/** The file and the services mounting it, for `links.upstream`. */
	site: ProxySite;
};

/** The scope of an nginx file: its own stack (`model/links.ts` `stackOf`: the projects of the services that mount it, else the nearest compose files; instances near it). */
export function targetScope(file: string, deployment: Deployment): TargetScope {
	const links = deployment.links;
	const owners = links.mounting(file);
	const site: ProxySite = { file, proxies: owners };
	const stack = links.stackOf(site);
	return { composeFiles: stack.composeFiles, instances: stack.instances, nginxService: owners[0]?.service, links, site };
}

/** nginx's configuration prefix in the official image (`nginx -V`: `--conf-path=/etc/nginx/nginx.conf`). */
export const nginxPrefix = '/etc/nginx';

/**
Host paths an `include` names inside the container, through the bind mounts of the services that mount the including
file (every matching mount, in order). A relative path is resolved against nginx's prefix, as nginx does.
*/
export function containerIncludePaths(path: string, file: string, deployment: Deployment): string[] {
	const links = deployment.links;
	const inContainer = path.startsWith('/') ? path : resolvePath(nginxPrefix, path);
	return links.mounting(file).flatMap(({ service }) => links.hostPaths(service, inContainer));
}

/**
Drops the parser's "included file not found" for an `include` that the container's mounts resolve: nginx reads that
file, so the error was the host layout's, not the config's.
*/
export function dropResolvedIncludeError(file: ParsedFile, include: Directive): void {
	const arg = include.args[0];
	if (!arg) return;
	file.errors = file.errors.filter((error) => (error as { code?: string }).code !== 'include-not-found' || (error.file ?? file.path) !== include.file || error.span.start !== arg.span.start || error.span.end !== arg.span.end);
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

/** Through the deployment's one linking rule (`model/links.ts` `upstream`): the file's own stack first. */
function resolveHost(host: string, port: number, scope: TargetScope): Pick<ProxyTarget, 'instance' | 'assumed' | 'service'> {
	const link = scope.links.upstream({ host, port }, scope.site);
	return { instance: link.instance, assumed: link.guessed, service: link.service };
}
