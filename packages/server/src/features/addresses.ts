/**
Who is who in the deployment, for hovers and completion: which compose service a pinned address belongs to, which
services are reverse proxies in front of a Navidrome instance, and which headers an auth service sends.
*/
import type { Location } from '../analysis/findings.js';
import type { ComposeFile, ComposeService } from '../analysis/formats/compose/types.js';
import type { Deployment, NavidromeInstance } from '../analysis/model/deployment.js';
import { caddyAnalysis } from '../analysis/proxies/caddy/index.js';
import { identifyAuthService, type AuthService } from '../analysis/model/auth-services.js';

/** A service pinned to an address with `ipv4_address`/`ipv6_address` on one of its networks. */
export type PinnedAddress = {
	address: string;
	service: ComposeService;
	compose: ComposeFile;
	network: string;
	/** The `ipv4_address` value. */
	location: Location;
	/** Whether the service looks like a reverse proxy (a Caddyfile mount, a Traefik or nginx image…). */
	proxy: boolean;
};

const proxyImage = /caddy|nginx|openresty|traefik|haproxy|swag|envoy/i;

/** Every pinned address of every compose file, each with its service. */
export function pinnedAddresses(deployment: Deployment): PinnedAddress[] {
	const caddyServices = new Set((caddyAnalysis(deployment)?.files ?? []).map((file) => file.service?.service).filter((service) => service !== undefined));
	const found: PinnedAddress[] = [];
	for (const compose of deployment.composeFiles) {
		for (const service of compose.services) {
			const proxy = caddyServices.has(service) || proxyImage.test(service.image?.repository ?? '') || service.labels.some((label) => /^traefik\.(entrypoints|providers)/i.test(label.key)) || service.command.some((arg) => /--providers\.docker/i.test(arg.value));
			for (const network of service.networks ?? []) {
				for (const pinned of [network.ipv4Address, network.ipv6Address]) {
					// Only address literals: a value built from other text (interpolation, a typo) is neither shown nor offered.
					if (!pinned || !/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i.test(pinned.value.trim())) continue;
					found.push({ address: pinned.value.trim(), service, compose, network: network.name, location: { file: compose.path, span: pinned.span }, proxy });
				}
			}
		}
	}
	return found;
}

/** The services pinned to `address` (compared as written, IPv6 without regard to case). */
export function ownersOf(deployment: Deployment, address: string): PinnedAddress[] {
	const wanted = address.toLowerCase();
	return pinnedAddresses(deployment).filter((pinned) => pinned.address.toLowerCase() === wanted);
}

/**
The pinned addresses of reverse proxies that share a network with `instance`, so Navidrome sees them as the peer:
what `ExtAuth.TrustedSources` should list as `/32` (`/128`).
*/
export function proxyAddressesFor(deployment: Deployment, instance: NavidromeInstance): PinnedAddress[] {
	if (!instance.service) return [];
	const own = instance.service;
	return pinnedAddresses(deployment).filter((pinned) => pinned.proxy && pinned.service !== own && pinned.compose === instance.compose && instance.networks.includes(pinned.network));
}

/** `remote-user` → `Remote-User`, the spelling proxies and docs use. */
export function headerCase(name: string): string {
	return name
		.split('-')
		.map((part) => (part ? part[0]!.toUpperCase() + part.slice(1) : part))
		.join('-');
}

/**
The auth service an upstream (`authelia:9091`, `http://authentik-outpost:9000/outpost.goauthentik.io/auth/traefik`)
names, directly or through the image of the compose service it points at.
*/
export function authServiceOf(deployment: Deployment, upstream: string): AuthService | undefined {
	const words = [upstream];
	const host = /^(?:[a-z]+:\/\/)?([^/:\s]+)/i.exec(upstream.trim())?.[1]?.toLowerCase();
	if (host) {
		for (const { service } of deployment.services) {
			if (service.name.toLowerCase() === host || service.containerName?.toLowerCase() === host) words.push(service.image?.repository ?? '', service.name);
		}
	}
	return identifyAuthService(words);
}
