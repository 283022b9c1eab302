/**
From a Traefik service to the compose service it reaches, and whether Navidrome would trust Traefik's address.
Docker-provider services run in the labelled container (port from `loadbalancer.server.port`, else the container's
exposed port); file-provider services name `loadBalancer.servers[].url`, whose host is a compose service name, a
network alias, a `container_name` or a pinned address.
*/
import type { Location } from '../../findings.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import { getValue, mapPairs, scalarText, seqItems } from '../../formats/yaml-nodes.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import { splitQualified } from '../../formats/traefik/dynamic.js';
import type { TraefikService } from './model.js';

export type Endpoint = {
	compose: ComposeFile;
	service: ComposeService;
	/** `undefined`: Traefik picks the container's exposed port. */
	port: number | undefined;
	/** The upstream as written (`http://navidrome:4533`, `navidrome container, port 4533`). */
	description: string;
	location: Location | undefined;
};

const maxServiceDepth = 8;

/** Every compose service a Traefik service sends requests to (weighted/failover services followed). */
export function resolveEndpoints(scope: readonly ServiceRef[], services: Map<string, TraefikService>, qualified: string, depth = 0, seen = new Set<string>()): Endpoint[] {
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
			const target = resolveUrl(scope, server.url.value);
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
		endpoints.push(...resolveEndpoints(scope, services, next, depth + 1, seen));
	}
	return endpoints;
}

/** `http://navidrome:4533` → the compose service answering to that host, with the port. */
export function resolveUrl(scope: readonly ServiceRef[], url: string): { compose: ComposeFile; service: ComposeService; port: number | undefined } | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return undefined;
	}
	const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
	const port = parsed.port === '' ? defaultPort : Number.parseInt(parsed.port, 10);
	const service = findComposeService(scope, host);
	return service ? { ...service, port } : undefined;
}

export function findComposeService(scope: readonly ServiceRef[], host: string): ServiceRef | undefined {
	const wanted = host.toLowerCase();
	for (const ref of scope) {
		const { service } = ref;
		if (service.name.toLowerCase() === wanted || service.containerName?.toLowerCase() === wanted) return ref;
	}
	for (const ref of scope) {
		if (aliasesOf(ref).includes(wanted)) return ref;
		if ((ref.service.networks ?? []).some((network) => network.ipv4Address?.value.trim() === wanted || network.ipv6Address?.value.trim().toLowerCase() === wanted)) return ref;
	}
	return undefined;
}

/** `services.<name>.networks.<net>.aliases` (not in the compose model, read from the document). */
function aliasesOf(ref: ServiceRef): string[] {
	const aliases: string[] = [];
	const services = getValue(ref.compose.document.contents, 'services');
	const node = getValue(services, ref.service.name);
	for (const pair of mapPairs(getValue(node, 'networks'))) {
		for (const item of seqItems(getValue(pair.value, 'aliases'))) {
			// Aliases are strings, so the scalar's value is all that is needed (no source text).
			const value = scalarText(item, '')?.value;
			if (value) aliases.push(value.toLowerCase());
		}
	}
	return aliases;
}

export function instanceFor(deployment: Deployment, endpoint: Endpoint): NavidromeInstance | undefined {
	const instance = deployment.navidromes.find((candidate) => candidate.service === endpoint.service);
	if (!instance) return undefined;
	if (endpoint.port !== undefined && endpoint.port !== instance.port) return undefined;
	return instance;
}

/**
Whether Navidrome trusts Traefik's connections. With a pinned Traefik address on a network Navidrome joins, the
TrustedSources matcher decides; when the address cannot be known, any usable TrustedSources entry counts as trusting
it (the usual case: Docker assigns the proxy an address from a trusted range).
*/
export function peerTrust(instance: NavidromeInstance, proxies: readonly ServiceRef[]): { trusted: boolean; address: string | undefined } {
	const usable = instance.trust.entries.some((entry) => entry.honoured && entry.kind === 'cidr');
	if (!usable) return { trusted: false, address: undefined };
	const addresses: string[] = [];
	let unknown = proxies.length === 0;
	for (const proxy of proxies) {
		if (proxy.compose !== instance.compose || proxy.service.networkMode?.value === 'host') {
			unknown = true;
			continue;
		}
		const shared = (proxy.service.networks ?? [{ name: 'default', ipv4Address: undefined, ipv6Address: undefined }]).filter((network) => instance.networks.includes(network.name));
		const pinned = shared.map((network) => network.ipv4Address?.value.trim() ?? network.ipv6Address?.value.trim()).filter((value): value is string => Boolean(value));
		if (pinned.length === 0) unknown = true;
		addresses.push(...pinned);
	}
	const options = { address: instance.intended.settings.address.value };
	const trusted = addresses.find((address) => instance.trust.matches(address, options));
	if (trusted) return { trusted: true, address: trusted };
	return { trusted: unknown, address: addresses[0] };
}
