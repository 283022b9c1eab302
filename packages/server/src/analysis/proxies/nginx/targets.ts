/**
Where a `proxy_pass` goes: through `set` variables and `upstream` blocks to a compose service (by service name,
`container_name`, `hostname` or network alias, and port) or, on loopback, to a Navidrome listening on the host. When
the address names nothing known and the deployment has exactly one Navidrome on that port, the target is marked
`assumed` so that findings can say so instead of silently guessing.
*/
import type { Directive } from '../../formats/nginx/index.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import type { NavidromeInstance, ServiceRef } from '../../model/deployment.js';
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
};

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
	for (const compose of scope.composeFiles) {
		for (const service of compose.services) {
			if (!serviceAnswersTo(compose, service, host)) continue;
			const instance = scope.instances.find((candidate) => candidate.service === service);
			return { instance: instance && instance.port === port ? instance : undefined, assumed: false, service: { compose, service } };
		}
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

/** Docker's DNS names for a service: its name, `container_name`, `hostname` and network aliases (case-insensitive). */
function serviceAnswersTo(compose: ComposeFile, service: ComposeService, host: string): boolean {
	if (service.name.toLowerCase() === host || service.containerName?.toLowerCase() === host) return true;
	try {
		const hostname = compose.document.getIn(['services', service.name, 'hostname']);
		if (typeof hostname === 'string' && hostname.toLowerCase() === host) return true;
		for (const network of service.networks ?? []) {
			const aliases = compose.document.getIn(['services', service.name, 'networks', network.name, 'aliases']) as { items?: unknown[] } | undefined;
			for (const item of aliases?.items ?? []) {
				const value = typeof item === 'object' && item !== null && 'value' in item ? (item as { value: unknown }).value : item;
				if (typeof value === 'string' && value.toLowerCase() === host) return true;
			}
		}
	} catch {
		// A document the compose parser could read partly: names and container names still count.
	}
	return false;
}
