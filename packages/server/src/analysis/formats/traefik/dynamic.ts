/**
Traefik's dynamic HTTP configuration (routers, middlewares, services) read from a config tree, whichever way it was
written (labels, YAML, TOML). Field names match case-insensitively (paerser); names of routers, middlewares, services
and headers are kept as written. Only what the external-auth analysis needs is read (proxies.md §4.1–§4.4).
*/
import type { Location } from '../../findings.js';
import { field, fieldPath, readList, type ConfigNode, type ConfigScalar, type ListValue } from './config-node.js';

export type RouterDef = {
	name: string;
	node: ConfigNode;
	rule: ConfigScalar | undefined;
	priority: ConfigScalar | undefined;
	entryPoints: ListValue | undefined;
	middlewares: ListValue | undefined;
	service: ConfigScalar | undefined;
	/** The router asks for TLS (`tls` set), so it serves HTTPS requests on its entrypoints. */
	tls: boolean;
};

export type HeaderEntry = { name: string; value: ConfigScalar | undefined; node: ConfigNode };

export type ForwardAuthDef = {
	node: ConfigNode;
	address: ConfigScalar | undefined;
	authResponseHeaders: ListValue | undefined;
	authResponseHeadersRegex: ConfigScalar | undefined;
	trustForwardHeader: ConfigScalar | undefined;
};

export type MiddlewareKind = 'headers' | 'forwardAuth' | 'chain' | 'basicAuth' | 'digestAuth' | 'plugin' | 'other' | 'none' | 'multiple';

export type MiddlewareDef = {
	name: string;
	node: ConfigNode;
	kind: MiddlewareKind;
	/** The type's node (`forwardAuth`, `headers`, …) and its spelling. */
	typeNode: ConfigNode | undefined;
	/** `headers.customRequestHeaders`, in source order. */
	customRequestHeaders: HeaderEntry[];
	customRequestHeadersNode: ConfigNode | undefined;
	forwardAuth: ForwardAuthDef | undefined;
	/** `chain.middlewares`. */
	chain: ListValue | undefined;
	/** `basicAuth.headerField` / `digestAuth.headerField`. */
	headerField: ConfigScalar | undefined;
};

export type ServerDef = { url: ConfigScalar | undefined; port: ConfigScalar | undefined; node: ConfigNode };

export type ServiceDef = {
	name: string;
	node: ConfigNode;
	kind: 'loadBalancer' | 'weighted' | 'mirroring' | 'failover' | 'other' | 'none';
	servers: ServerDef[];
	/** Services this one sends traffic to (weighted, mirroring, failover). */
	refs: Array<{ name: string; location: Location | undefined }>;
};

export type DynamicConfig = { routers: RouterDef[]; middlewares: MiddlewareDef[]; services: ServiceDef[] };

const middlewareKinds = new Map<string, MiddlewareKind>([
	['headers', 'headers'],
	['forwardauth', 'forwardAuth'],
	['chain', 'chain'],
	['basicauth', 'basicAuth'],
	['digestauth', 'digestAuth'],
	['plugin', 'plugin'],
]);

/** Reads `http.*` below `root` (the file's top level, or the `traefik` label root). */
export function readDynamic(root: ConfigNode | undefined): DynamicConfig {
	const config: DynamicConfig = { routers: [], middlewares: [], services: [] };
	const http = field(root, 'http');
	if (!http) return config;
	for (const node of field(http, 'routers')?.children ?? []) config.routers.push(readRouter(node));
	for (const node of field(http, 'middlewares')?.children ?? []) config.middlewares.push(readMiddleware(node));
	for (const node of field(http, 'services')?.children ?? []) config.services.push(readService(node));
	return config;
}

function readRouter(node: ConfigNode): RouterDef {
	const tls = field(node, 'tls');
	return {
		name: node.name,
		node,
		rule: field(node, 'rule')?.scalar,
		priority: field(node, 'priority')?.scalar,
		entryPoints: readList(field(node, 'entryPoints')),
		middlewares: readList(field(node, 'middlewares')),
		service: field(node, 'service')?.scalar,
		tls: tls !== undefined && (tls.children.length > 0 || (tls.scalar !== undefined && tls.scalar.value.toLowerCase() !== 'false')),
	};
}

function readMiddleware(node: ConfigNode): MiddlewareDef {
	const middleware: MiddlewareDef = {
		name: node.name,
		node,
		kind: 'none',
		typeNode: undefined,
		customRequestHeaders: [],
		customRequestHeadersNode: undefined,
		forwardAuth: undefined,
		chain: undefined,
		headerField: undefined,
	};
	const types = new Map<string, ConfigNode>();
	for (const child of node.children) types.set(child.name.toLowerCase(), child);
	if (types.size === 0) return middleware;
	if (types.size > 1) {
		// Traefik: "multi-types middleware not supported"; the middleware fails and so do routers using it.
		middleware.kind = 'multiple';
		return middleware;
	}
	const [lower, typeNode] = [...types][0]!;
	middleware.typeNode = typeNode;
	middleware.kind = middlewareKinds.get(lower) ?? 'other';
	switch (middleware.kind) {
		case 'headers': {
			const headers = field(typeNode, 'customRequestHeaders');
			middleware.customRequestHeadersNode = headers;
			for (const header of headers?.children ?? []) middleware.customRequestHeaders.push({ name: header.name, value: header.scalar, node: header });
			break;
		}
		case 'forwardAuth':
			middleware.forwardAuth = {
				node: typeNode!,
				address: field(typeNode, 'address')?.scalar,
				authResponseHeaders: readList(field(typeNode, 'authResponseHeaders')),
				authResponseHeadersRegex: field(typeNode, 'authResponseHeadersRegex')?.scalar,
				trustForwardHeader: field(typeNode, 'trustForwardHeader')?.scalar,
			};
			break;
		case 'chain':
			middleware.chain = readList(field(typeNode, 'middlewares'));
			break;
		case 'basicAuth':
		case 'digestAuth':
			middleware.headerField = field(typeNode, 'headerField')?.scalar;
			break;
		default:
			break;
	}
	return middleware;
}

function readService(node: ConfigNode): ServiceDef {
	const service: ServiceDef = { name: node.name, node, kind: 'none', servers: [], refs: [] };
	const loadBalancer = field(node, 'loadBalancer');
	if (loadBalancer) {
		service.kind = 'loadBalancer';
		// Labels write one server (`loadbalancer.server.port`); files write `servers` as a list.
		const single = field(loadBalancer, 'server');
		if (single) service.servers.push({ url: field(single, 'url')?.scalar, port: field(single, 'port')?.scalar, node: single });
		const servers = field(loadBalancer, 'servers');
		for (const item of servers?.items ?? (servers ? [servers] : [])) {
			service.servers.push({ url: field(item, 'url')?.scalar, port: field(item, 'port')?.scalar, node: item });
		}
		return service;
	}
	const weighted = field(node, 'weighted');
	if (weighted) {
		service.kind = 'weighted';
		for (const item of field(weighted, 'services')?.items ?? []) pushRef(service, field(item, 'name')?.scalar);
		return service;
	}
	const mirroring = field(node, 'mirroring');
	if (mirroring) {
		service.kind = 'mirroring';
		// Mirrors get copies; the client's answer comes from the main service only.
		pushRef(service, field(mirroring, 'service')?.scalar);
		return service;
	}
	const failover = field(node, 'failover');
	if (failover) {
		service.kind = 'failover';
		pushRef(service, field(failover, 'service')?.scalar);
		pushRef(service, field(failover, 'fallback')?.scalar);
		return service;
	}
	if (node.children.length > 0) service.kind = 'other';
	return service;
}

function pushRef(service: ServiceDef, scalar: ConfigScalar | undefined): void {
	if (scalar && scalar.value !== '') service.refs.push({ name: scalar.value, location: scalar.location });
}

/** `name@provider` → parts; no `@` means the referring object's provider. */
export function splitQualified(name: string): { name: string; provider: string | undefined } {
	const at = name.lastIndexOf('@');
	if (at <= 0) return { name, provider: undefined };
	return { name: name.slice(0, at), provider: name.slice(at + 1) };
}

export { fieldPath };
