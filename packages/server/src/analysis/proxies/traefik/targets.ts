/**
From a Traefik service to the compose service it reaches (through the deployment's indexes, `model/links.ts`).
Docker-provider services run in the labelled container (port from `loadbalancer.server.port`, else the container's
exposed port); file-provider services name `loadBalancer.servers[].url`, whose host is a compose service name, a
network alias, a `container_name` or a pinned address.
*/
import type { Location } from '../../findings.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import { buildLinks, type Links } from '../../model/links.js';
import { splitQualified } from '../../formats/traefik/dynamic.js';
import type { TraefikService } from './model.js';

export type Endpoint = {
	/** The compose service reached (none for a Navidrome of no compose file, or the assumed one). */
	compose?: ComposeFile;
	service?: ComposeService;
	/** The Navidrome the deployment's linking rule picked for a file-provider URL (`model/links.ts` `upstream`). */
	instance?: NavidromeInstance;
	/** `undefined`: Traefik picks the container's exposed port. */
	port: number | undefined;
	/** The upstream as written (`http://navidrome:4533`, `navidrome container, port 4533`). */
	description: string;
	location: Location | undefined;
};

const maxServiceDepth = 8;

/** Every compose service a Traefik service sends requests to (weighted/failover services followed). */
export function resolveEndpoints(scope: readonly ServiceRef[], services: Map<string, TraefikService>, qualified: string, links?: Links, depth = 0, seen = new Set<string>()): Endpoint[] {
	if (depth > maxServiceDepth || seen.has(qualified)) return [];
	seen.add(qualified);
	const service = services.get(qualified);
	if (!service) return [];
	const endpoints: Endpoint[] = [];
	const def = service.def;
	if (service.container && (!def || def.servers.length === 0)) {
		endpoints.push({ ...service.container, port: undefined, description: `${service.container.service.name} container`, location: undefined });
	}
	for (const server of def?.servers ?? []) {
		if (server.url && server.url.value !== '') {
			const target = resolveUrl(scope, server.url.value, links, server.url.location?.file);
			if (target) endpoints.push({ ...target, description: server.url.value, location: server.url.location });
			continue;
		}
		if (service.container) {
			const port = server.port ? Number.parseInt(server.port.value, 10) : undefined;
			endpoints.push({
				...service.container,
				port: Number.isFinite(port) ? port : undefined,
				description: `${service.container.service.name} container${server.port ? `, port ${server.port.value}` : ''}`,
				location: server.port?.location,
			});
		}
	}
	for (const ref of def?.refs ?? []) {
		const next = splitQualified(ref.name).provider ? ref.name : `${ref.name}@${service.provider}`;
		endpoints.push(...resolveEndpoints(scope, services, next, links, depth + 1, seen));
	}
	return endpoints;
}

/**
`http://navidrome:4533` → the compose service answering to that host, with the port. With `links` and the file that
names the URL, by the deployment's one linking rule (the file's own stack first, `model/links.ts` `upstream`), which
also finds a Navidrome of no compose file and the assumed one; else within `scope` only.
*/
export function resolveUrl(scope: readonly ServiceRef[], url: string, links?: Links, file?: string): Omit<Endpoint, 'description' | 'location'> | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return undefined;
	}
	const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
	const port = parsed.port === '' ? defaultPort : Number.parseInt(parsed.port, 10);
	if (links && file !== undefined) {
		const link = links.upstream({ host, port }, { file, proxies: links.mounting(file) });
		if (!link.service && !link.instance) return undefined;
		return { ...(link.service ?? {}), ...(link.instance ? { instance: link.instance } : {}), port };
	}
	const service = findComposeService(scope, host, links);
	return service ? { ...service, port } : undefined;
}

/**
The service of `scope` answering to `host`: by service name or `container_name`, else by network alias or pinned
address (in scope order within each). Looked up in `links` (the deployment's indexes) when given, else in an index of
`scope` alone.
*/
export function findComposeService(scope: readonly ServiceRef[], host: string, links: Links = linksOf(scope)): ServiceRef | undefined {
	const members = memberSet(scope);
	const first = (refs: ServiceRef[]): ServiceRef | undefined => {
		let best: ServiceRef | undefined;
		for (const ref of refs) if (members.has(ref) && (!best || members.get(ref)! < members.get(best)!)) best = ref;
		return best;
	};
	return first(links.named(host)) ?? first([...links.aliased(host), ...links.addressed(host)]);
}

const scopeMembers = new WeakMap<readonly ServiceRef[], Map<ServiceRef, number>>();
const scopeLinks = new WeakMap<readonly ServiceRef[], Links>();

function memberSet(scope: readonly ServiceRef[]): Map<ServiceRef, number> {
	let members = scopeMembers.get(scope);
	if (!members) scopeMembers.set(scope, (members = new Map(scope.map((ref, index) => [ref, index]))));
	return members;
}

function linksOf(scope: readonly ServiceRef[]): Links {
	let links = scopeLinks.get(scope);
	if (!links) scopeLinks.set(scope, (links = buildLinks(scope, [...new Set(scope.map((ref) => ref.compose))], [])));
	return links;
}

export function instanceFor(deployment: Deployment, endpoint: Endpoint): NavidromeInstance | undefined {
	if (endpoint.instance) return endpoint.instance;
	if (!endpoint.service) return undefined;
	const instance = deployment.links.instanceOf(endpoint.service);
	if (!instance) return undefined;
	if (endpoint.port !== undefined && endpoint.port !== instance.port) return undefined;
	return instance;
}
