/**
Links a Caddyfile to the compose service that runs it (a bind mount of the file or of its folder) and resolves
`reverse_proxy` upstreams to Navidrome instances: by compose service or container name, else (no compose link) by
name or port when exactly one instance fits. Every lookup goes through the deployment's indexes (`model/links.ts`).
*/
import type { ComposeFile } from '../../formats/compose/types.js';
import { parseDotenv } from '../../formats/dotenv/parse.js';
import type { ParseContext } from '../../formats/handler.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import { looksLikeCaddyService } from './version.js';

/** The service mounting `file` (directly or through its folder); a Caddy-looking one wins. */
export function findCaddyService(deployment: Deployment, file: string): ServiceRef | undefined {
	const mounting = deployment.links.mounting(file);
	const caddyLike = mounting.find(({ service }) => looksLikeCaddyService(service));
	if (caddyLike) return caddyLike;
	if (mounting.length > 0) return mounting[0];
	// No mount: a single Caddy service in a compose file next to (or above) the Caddyfile.
	const nearby = deployment.links.servicesAbove(file).filter(({ service }) => looksLikeCaddyService(service));
	return nearby.length === 1 ? nearby[0] : undefined;
}

/** Environment of the Caddy container: `env_file` entries, then `environment` (which wins). */
export function serviceEnvironment(service: ServiceRef | undefined, deployment: Deployment, context: ParseContext): Record<string, string> | undefined {
	if (!service) return undefined;
	const env: Record<string, string> = Object.create(null);
	for (const envFile of service.service.envFiles) {
		let parsed = deployment.dotenvFiles.get(envFile.path);
		if (!parsed) {
			const text = context.readText(envFile.path);
			if (text !== undefined) parsed = parseDotenv(text);
		}
		for (const entry of parsed?.values.values() ?? []) if (!entry.fromShell) env[entry.name] = entry.value;
	}
	for (const entry of service.service.environment) if (entry.value !== undefined) env[entry.key] = entry.value;
	return env;
}

export type UpstreamAddress = { host: string; port: number | undefined };

/** `navidrome:4533`, `http://navidrome:4533`, `[::1]:4533`, `h2c://x`, `{env.X}` (runtime env). */
export function parseUpstream(text: string, env: Record<string, string> | undefined): UpstreamAddress | undefined {
	let value = text.trim();
	const runtime = /^\{env\.([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
	if (runtime) value = env?.[runtime[1]!] ?? '';
	if (value === '' || value.includes('{') || value.length > 512) return undefined;
	let defaultPort: number | undefined;
	const scheme = /^([a-z0-9+.-]+):\/\//i.exec(value);
	if (scheme) {
		const name = scheme[1]!.toLowerCase();
		if (name.startsWith('unix')) return undefined;
		defaultPort = name === 'https' ? 443 : 80;
		value = value.slice(scheme[0].length);
	}
	if (value.startsWith('unix/')) return undefined;
	value = value.split('/')[0]!;
	let host = value;
	let portText: string | undefined;
	if (value.startsWith('[')) {
		const close = value.indexOf(']');
		host = value.slice(1, close < 0 ? undefined : close);
		portText = close >= 0 && value[close + 1] === ':' ? value.slice(close + 2) : undefined;
	} else {
		const colon = value.lastIndexOf(':');
		if (colon >= 0 && value.indexOf(':') === colon) {
			host = value.slice(0, colon);
			portText = value.slice(colon + 1);
		}
	}
	const port = portText !== undefined && /^\d{1,5}$/.test(portText) ? Number(portText) : defaultPort;
	if (host === '') host = 'localhost';
	return { host: host.toLowerCase(), port };
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::', 'host.docker.internal']);

/** The Navidrome instance an upstream reaches, if the model can tell. */
export function resolveUpstream(address: UpstreamAddress, deployment: Deployment, caddyService: ServiceRef | undefined): NavidromeInstance | undefined {
	const links = deployment.links;
	// The assumed Navidrome (none in view) is behind any upstream that looks like one: `navidrome…` or port 4533.
	if (links.assumed) return looksLikeNavidrome(address) ? links.assumed : undefined;
	// By compose service or container name: the Caddy service's own project first, else the only one anywhere.
	const named = (within: ComposeFile | undefined, limit: number): NavidromeInstance[] => {
		const found: NavidromeInstance[] = [];
		for (const ref of links.named(address.host, within)) {
			const instance = links.instanceOf(ref.service);
			if (instance && !found.includes(instance)) found.push(instance);
			if (found.length >= limit) break;
		}
		return found;
	};
	if (caddyService) {
		const sameProject = named(caddyService.compose, 1);
		if (sameProject.length > 0) return sameProject[0];
	}
	const anywhere = named(undefined, 2);
	if (anywhere.length === 1) return anywhere[0];
	if (anywhere.length > 1) return undefined;
	if (loopbackHosts.has(address.host) || /^\d{1,3}(\.\d{1,3}){3}$/.test(address.host)) {
		const byPort = address.port === undefined ? [] : links.instancesOnPort(address.port);
		return byPort.length === 1 ? byPort[0] : undefined;
	}
	if (address.host.includes('navidrome')) {
		const candidates = address.port === undefined ? deployment.navidromes : links.instancesOnPort(address.port);
		return candidates.length === 1 ? candidates[0] : undefined;
	}
	return undefined;
}

/** An upstream that names Navidrome or its default port (4533). */
export function looksLikeNavidrome(address: UpstreamAddress): boolean {
	return address.host.includes('navidrome') || address.port === 4533;
}
