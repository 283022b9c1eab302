/**
The parts of Traefik's static configuration that decide what reaches Navidrome: entrypoints (their `http.middlewares`,
which Traefik prepends to every router on the entrypoint, `forwardedHeaders`, `asDefault`, `http.tls`) and the Docker
and file providers. The same tree comes from `traefik.yml`/`traefik.toml`, CLI flags or `TRAEFIK_*` variables.
*/
import { field, fieldPath, parseGoBool, readList, type ConfigNode, type ConfigScalar, type ListValue } from './config-node.js';

export type EntryPointDef = {
	name: string;
	node: ConfigNode;
	address: ConfigScalar | undefined;
	asDefault: boolean;
	/** `http.middlewares`: prepended to the middlewares of every router on this entrypoint. */
	middlewares: ListValue | undefined;
	trustedIPs: ListValue | undefined;
	insecure: ConfigScalar | undefined;
	/** `http.tls` is set: every router on the entrypoint serves TLS. */
	tls: boolean;
};

export type ProviderDef = { node: ConfigNode; enabled: boolean };

export type StaticConfig = {
	entryPoints: EntryPointDef[];
	docker: (ProviderDef & { exposedByDefault: ConfigScalar | undefined; defaultRule: ConfigScalar | undefined }) | undefined;
	file: (ProviderDef & { directory: ConfigScalar | undefined; filename: ConfigScalar | undefined }) | undefined;
};

/** Keys only a static configuration has at its top level. */
const staticKeys = ['entrypoints', 'providers', 'api', 'log', 'accesslog', 'certificatesresolvers', 'global', 'serverstransport', 'ping', 'metrics', 'tracing', 'experimental'];

export function looksStatic(root: ConfigNode | undefined): boolean {
	return Boolean(root?.children.some((child) => staticKeys.includes(child.name.toLowerCase())));
}

export function looksDynamic(root: ConfigNode | undefined): boolean {
	return Boolean(root?.children.some((child) => ['http', 'tcp', 'udp', 'tls'].includes(child.name.toLowerCase())));
}

export function readStatic(root: ConfigNode | undefined): StaticConfig {
	const config: StaticConfig = { entryPoints: [], docker: undefined, file: undefined };
	for (const node of field(root, 'entryPoints')?.children ?? []) {
		const http = field(node, 'http');
		const tls = field(http, 'tls');
		config.entryPoints.push({
			name: node.name,
			node,
			address: field(node, 'address')?.scalar,
			asDefault: parseGoBool(field(node, 'asDefault')?.scalar?.value) === true,
			middlewares: readList(field(http, 'middlewares')),
			trustedIPs: readList(fieldPath(node, 'forwardedHeaders', 'trustedIPs')),
			insecure: fieldPath(node, 'forwardedHeaders', 'insecure')?.scalar,
			tls: tls !== undefined && (tls.children.length > 0 || parseGoBool(tls.scalar?.value) !== false),
		});
	}
	const providers = field(root, 'providers');
	const docker = field(providers, 'docker');
	if (docker) {
		config.docker = {
			node: docker,
			enabled: enabled(docker),
			exposedByDefault: field(docker, 'exposedByDefault')?.scalar,
			defaultRule: field(docker, 'defaultRule')?.scalar,
		};
	}
	const file = field(providers, 'file');
	if (file) config.file = { node: file, enabled: enabled(file), directory: field(file, 'directory')?.scalar, filename: field(file, 'filename')?.scalar };
	return config;
}

/** A provider section is on when present, unless written as `false` (`--providers.docker=false`). */
function enabled(node: ConfigNode): boolean {
	if (node.children.length > 0) return true;
	return parseGoBool(node.scalar?.value) !== false;
}
