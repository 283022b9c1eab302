/**
Builds the Traefik model of a deployment: finds the traefik container and its static configuration (a mounted
`traefik.yml`/`traefik.toml`, else CLI flags, else `TRAEFIK_*` variables: Traefik uses the first of these it finds and
ignores the others), reads dynamic configuration from Docker labels and file-provider files, and links routers to
middlewares, services, compose services and Navidrome instances.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import { basename, dirname } from '../../files.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import {
	decodeLabels,
	parseGoBool,
	parseGoInt,
	parseRule,
	parseTraefikFile,
	readDynamic,
	readEnvConfig,
	readFlags,
	readStatic,
	rulePriority,
	splitQualified,
	walkNodes,
	type ConfigNode,
	type DynamicConfig,
	type RouterDef,
	type StaticConfig,
	type TraefikFile,
} from '../../formats/traefik/index.js';
import { getValue, scalarText } from '../../formats/yaml-nodes.js';
import { filesOfKind, type Deployment, type ServiceRef } from '../../model/deployment.js';
import { analyseHeader, expandChain, middlewareRefs, qualify, type ChainExpansion } from './chain.js';
import type { MiddlewareRef, NavidromeRoute, Origin, RouterView, StaticSource, TraefikMiddleware, TraefikModel, TraefikRouter, TraefikService } from './model.js';
import { buildReachTable, reachOf } from './reach.js';
import { peerTrust } from '../../model/peer.js';
import { instanceFor, resolveEndpoints } from './targets.js';

export type ReadText = (path: string) => string | undefined;

export function isTraefikService(service: ComposeService): boolean {
	const repository = service.image?.repository.toLowerCase();
	if (repository) return repository === 'traefik' || repository.endsWith('/traefik');
	return service.name.toLowerCase() === 'traefik';
}

function hasTraefikLabels(service: ComposeService): boolean {
	return service.labels.some((entry) => typeof entry.key === 'string' && entry.key.toLowerCase().startsWith('traefik.'));
}

/**
One model per compose project folder: Traefik files belong to the deepest folder holding a compose file above them
(files elsewhere form a model of their own), and only that folder's services are containers Traefik can see. A
workspace with several example deployments thus never mixes their labels.
*/
export function buildTraefikModels(deployment: Deployment, readText: ReadText = () => undefined): TraefikModel[] {
	const files = filesOfKind<TraefikFile>(deployment, 'traefik')
		.map((file) => file.data)
		.filter((data): data is TraefikFile => Boolean(data?.root));
	const folders = [...new Set(deployment.composeFiles.map((compose) => dirname(compose.path)))].sort((a, b) => b.length - a.length);
	const scopes = new Map<string, Scope>();
	for (const folder of folders) scopes.set(folder, { services: [...deployment.links.servicesIn(folder)], files: [] });
	const loose: Scope = { services: [], files: [] };
	for (const file of files) {
		const folder = folders.find((candidate) => file.path.startsWith(candidate === '/' ? '/' : `${candidate}/`));
		(folder === undefined ? loose : scopes.get(folder)!).files.push(file);
	}
	const models: TraefikModel[] = [];
	for (const scope of [...scopes.values(), loose]) {
		const model = buildTraefikModel(deployment, scope, readText);
		if (model) models.push(model);
	}
	return models;
}

/** The containers and Traefik files of one deployment. */
export type Scope = { services: ServiceRef[]; files: TraefikFile[] };

export function buildTraefikModel(deployment: Deployment, scope: Scope, readText: ReadText = () => undefined): TraefikModel | undefined {
	const files = scope.files;
	const proxies = scope.services.filter((ref) => isTraefikService(ref.service));
	const labelled = scope.services.filter((ref) => hasTraefikLabels(ref.service));
	if (files.length === 0 && proxies.length === 0 && labelled.length === 0) return undefined;

	const staticSource = resolveStatic(deployment, proxies, files, readText);
	const config = staticSource.config;
	const dockerEnabled = staticSource.known ? Boolean(config.docker?.enabled) : true;
	// Dynamic sections of a static file are read only when the file provider itself points at that file.
	const providerFile = config.file?.filename?.value;
	const dynamicFiles = files.filter((file) => file.isDynamic && (!file.isStatic || (providerFile !== undefined && basename(providerFile) === basename(file.path))));
	const fileEnabled = staticSource.known ? Boolean(config.file?.enabled) : dynamicFiles.length > 0;
	const model: TraefikModel = {
		scope,
		proxies,
		static: staticSource,
		routers: [],
		middlewares: new Map(),
		services: new Map(),
		routes: [],
		dockerEnabled,
		fileEnabled,
		labelErrors: [],
	};

	const routerDefs: PendingRouter[] = [];
	if (dockerEnabled) collectDocker(deployment, scope, model, routerDefs);
	if (fileEnabled) {
		// One namespace for every file of the provider; the first definition of a name wins.
		const signatures = new Map<string, string>();
		for (const file of [...dynamicFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) {
			const dynamic = readDynamic(file.root);
			const origin: Origin = { kind: 'file', path: file.path, format: file.format };
			register(model, dynamic, 'file', origin, undefined, signatures);
			for (const def of dynamic.routers) routerDefs.push({ def, name: def.name, provider: 'file', origin, defaultService: undefined, serviceError: undefined, container: undefined });
		}
	}
	const seenRouters = new Set<string>();
	for (const entry of routerDefs) {
		const router = makeRouter(entry, model);
		// The file provider keeps the first of two routers with one name.
		if (seenRouters.has(router.qualifiedName)) continue;
		seenRouters.add(router.qualifiedName);
		model.routers.push(router);
	}
	linkRoutes(deployment, model);
	return model;
}

/** `provider.Normalize`: runs of non-alphanumerics become `-`. */
function normalizeName(name: string): string {
	return name.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join('-');
}

function projectName(compose: ComposeFile): string {
	const name = scalarText(getValue(compose.document.contents, 'name'), '')?.value;
	return (name && name !== '' ? name : basename(dirname(compose.path))).toLowerCase();
}

function composeText(deployment: Deployment, compose: ComposeFile): string {
	return deployment.files.get(compose.path)?.text ?? '';
}

type PendingRouter = {
	def: RouterDef | undefined;
	name: string;
	provider: string;
	origin: Origin;
	/** The service a router without `service` uses. */
	defaultService: string | undefined;
	serviceError: string | undefined;
	/** Docker: the container's service name and container name, for the default rule template. */
	container: { serviceName: string; containerName: string } | undefined;
};

function collectDocker(deployment: Deployment, scope: Scope, model: TraefikModel, pending: PendingRouter[]): void {
	const exposedByDefault = parseGoBool(model.static.config.docker?.exposedByDefault?.value) ?? true;
	const signatures = new Map<string, string>();
	const conflicts = new Set<string>();
	const routerSignatures = new Map<string, string>();
	const containerRouters: PendingRouter[] = [];
	for (const { compose, service } of scope.services) {
		const decoded = decodeLabels(compose.path, composeText(deployment, compose), service.labels);
		const enable = decoded.enable ? parseGoBool(decoded.enable.value) : undefined;
		if (enable === false || (enable === undefined && !exposedByDefault)) continue;
		if (decoded.error) {
			model.labelErrors.push({ message: decoded.error.message, location: { file: compose.path, span: decoded.error.entry.keySpan } });
			continue;
		}
		// Without router labels only a known, enabled Docker provider makes a default router (below).
		if (!decoded.root && (!model.static.known || isTraefikService(service))) continue;
		const dynamic = readDynamic(decoded.root);
		const origin: Origin = { kind: 'labels', compose, service };
		const containerService = normalizeName(`${service.name}_${projectName(compose)}`);
		register(model, dynamic, 'docker', origin, { compose, service }, signatures, conflicts);
		if (dynamic.services.length === 0) {
			const qualifiedName = `${containerService}@docker`;
			if (!model.services.has(qualifiedName)) model.services.set(qualifiedName, { name: containerService, provider: 'docker', qualifiedName, def: undefined, origin, container: { compose, service } });
		}
		const defaultService = dynamic.services.length === 0 ? containerService : dynamic.services.length === 1 ? dynamic.services[0]!.name : undefined;
		const serviceError = dynamic.services.length > 1 ? 'the container defines several services and the router names none' : undefined;
		const container = { serviceName: containerService, containerName: service.containerName ?? `${projectName(compose)}-${service.name}-1` };
		if (dynamic.routers.length === 0) {
			// The Docker provider gives every exposed container a router of its own (BuildRouterConfiguration).
			if (model.static.known && dynamic.services.length <= 1) {
				containerRouters.push({ def: undefined, name: containerService, provider: 'docker', origin: { kind: 'default', compose, service }, defaultService, serviceError: undefined, container });
			}
			continue;
		}
		for (const def of dynamic.routers) {
			const signature = nodeSignature(def.node);
			const previous = routerSignatures.get(def.name);
			if (previous !== undefined && previous !== signature) conflicts.add(`router:${def.name}`);
			routerSignatures.set(def.name, signature);
			containerRouters.push({ def, name: def.name, provider: 'docker', origin, defaultService, serviceError, container });
		}
	}
	// provider.Merge: the same name defined differently by two containers is dropped entirely.
	for (const key of conflicts) {
		const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
		if (kind === 'middleware') model.middlewares.delete(`${name}@docker`);
		if (kind === 'service') model.services.delete(`${name}@docker`);
	}
	const seen = new Set<string>();
	for (const router of containerRouters) {
		if (conflicts.has(`router:${router.name}`) || seen.has(router.name)) continue;
		seen.add(router.name);
		pending.push(router);
	}
}

function defaultRule(config: StaticConfig, name: string, containerName: string): string | undefined {
	const template = config.docker?.defaultRule?.value ?? 'Host(`{{ normalize .Name }}`)';
	const rule = template
		.replace(/\{\{-?\s*normalize\s+\.Name\s*-?\}\}/g, normalizeName(name))
		.replace(/\{\{-?\s*\.Name\s*-?\}\}/g, name)
		.replace(/\{\{-?\s*\.ContainerName\s*-?\}\}/g, containerName);
	return rule.includes('{{') ? undefined : rule;
}

function nodeSignature(node: ConfigNode): string {
	const parts: string[] = [];
	for (const child of walkNodes(node)) if (child.scalar) parts.push(`${child.name.toLowerCase()}=${child.scalar.value}`);
	return parts.sort().join('\u0000');
}

function register(
	model: TraefikModel,
	dynamic: DynamicConfig,
	provider: string,
	origin: Origin,
	container: TraefikService['container'],
	signatures: Map<string, string>,
	conflicts?: Set<string>,
): void {
	for (const def of dynamic.middlewares) {
		const qualifiedName = `${def.name}@${provider}`;
		const signature = nodeSignature(def.node);
		const previous = signatures.get(`middleware:${def.name}`);
		if (previous !== undefined) {
			if (previous !== signature) conflicts?.add(`middleware:${def.name}`);
			continue;
		}
		signatures.set(`middleware:${def.name}`, signature);
		model.middlewares.set(qualifiedName, { name: def.name, provider, qualifiedName, def, origin } satisfies TraefikMiddleware);
	}
	for (const def of dynamic.services) {
		const qualifiedName = `${def.name}@${provider}`;
		const signature = nodeSignature(def.node);
		const previous = signatures.get(`service:${def.name}`);
		if (previous !== undefined) {
			if (previous !== signature) conflicts?.add(`service:${def.name}`);
			continue;
		}
		signatures.set(`service:${def.name}`, signature);
		model.services.set(qualifiedName, { name: def.name, provider, qualifiedName, def, origin, container });
	}
}

function makeRouter(pending: PendingRouter, model: TraefikModel): TraefikRouter {
	const { def, name, provider, origin, defaultService, serviceError, container } = pending;
	const composeAnchor = origin.kind === 'file' ? undefined : { file: origin.compose.path, span: origin.service.nameSpan };
	const ruleScalar = def?.rule;
	const anchor = ruleScalar?.location ?? def?.node.keyLocation ?? def?.node.location ?? composeAnchor ?? { file: '', span: { start: 0, end: 0 } };
	const router: TraefikRouter = {
		name,
		provider,
		qualifiedName: `${name}@${provider}`,
		def,
		origin,
		anchor,
		rule: ruleScalar?.value ?? '',
		ruleLocation: ruleScalar?.location,
		ruleTree: undefined,
		ruleOpaque: false,
		priority: 0,
		priorityExplicit: false,
		priorityLocation: def?.priority?.location,
		entryPoints: [],
		tls: def?.tls ?? false,
		middlewareRefs: middlewareRefs(def?.middlewares, provider, 'router'),
		serviceName: undefined,
		serviceLocation: def?.service?.location,
		disabled: undefined,
	};
	if (!ruleScalar && container) {
		// A Docker router without a rule (or the container's default router) gets the provider's default rule.
		const text = defaultRule(model.static.config, container.serviceName, container.containerName);
		if (text === undefined) router.ruleOpaque = true;
		else router.rule = text;
	}
	if (!router.ruleOpaque) {
		const parsed = parseRule(router.rule);
		if (parsed.tree) router.ruleTree = parsed.tree;
		else router.disabled = `its rule does not parse (${parsed.error?.message ?? 'empty'})`;
	}
	const explicit = def?.priority ? parseGoInt(def.priority.value) : undefined;
	if (def?.priority && explicit === undefined) router.disabled ??= `priority '${def.priority.value}' is not an integer`;
	// `priority: 0` means "use the rule length" (pkg/server/router/router.go).
	if (explicit !== undefined && explicit !== 0) {
		router.priority = explicit;
		router.priorityExplicit = true;
	} else router.priority = rulePriority(router.rule);
	router.entryPoints = effectiveEntryPoints(router, model);
	const written = def?.service?.value;
	if (written !== undefined && written !== '') router.serviceName = qualify(written, provider);
	else if (serviceError) router.disabled ??= serviceError;
	else if (defaultService) router.serviceName = `${defaultService}@${provider}`;
	else if (provider === 'file') router.disabled ??= 'it names no service';
	if (router.serviceName && !model.services.has(router.serviceName)) {
		const serviceProvider = splitQualified(router.serviceName).provider ?? '';
		if (providerVisible(model, serviceProvider)) router.disabled ??= `service "${router.serviceName}" does not exist`;
	}
	return router;
}

function effectiveEntryPoints(router: TraefikRouter, model: TraefikModel): string[] {
	const written = router.def?.entryPoints?.items.map((item) => item.value).filter((name) => name !== '') ?? [];
	if (!model.static.known) return written.length > 0 ? written : ['*'];
	const defined = model.static.config.entryPoints.map((entryPoint) => entryPoint.name);
	// Without any entrypoint in the static configuration Traefik listens on `http` (:80).
	const available = defined.length > 0 ? defined : ['http'];
	if (written.length === 0) {
		const defaults = model.static.config.entryPoints.filter((entryPoint) => entryPoint.asDefault).map((entryPoint) => entryPoint.name);
		return defaults.length > 0 ? defaults : available;
	}
	const resolved = written.map((name) => available.find((candidate) => candidate.toLowerCase() === name.toLowerCase())).filter((name): name is string => name !== undefined);
	if (resolved.length === 0) router.disabled ??= `none of its entrypoints (${written.join(', ')}) exists`;
	return [...new Set(resolved)];
}

/** Whether every object of a provider is in view, so a missing name really is missing (and Traefik drops the router). */
export function providerVisible(model: TraefikModel, provider: string): boolean {
	if (provider === 'docker') return model.dockerEnabled;
	if (provider === 'file') return model.fileEnabled && model.scope.files.some((file) => file.isDynamic);
	return false;
}

function entryPointRefs(model: TraefikModel, entryPoint: string, provider: string): MiddlewareRef[] {
	const def = model.static.config.entryPoints.find((candidate) => candidate.name.toLowerCase() === entryPoint.toLowerCase());
	return middlewareRefs(def?.middlewares, provider, 'entrypoint');
}

function entryPointTls(model: TraefikModel, entryPoint: string): boolean {
	return model.static.config.entryPoints.find((candidate) => candidate.name.toLowerCase() === entryPoint.toLowerCase())?.tls ?? false;
}

/** Chains per entrypoint, reach per entrypoint, and a route for every router that reaches Navidrome. */
function linkRoutes(deployment: Deployment, model: TraefikModel): void {
	const lookup = { middleware: (qualified: string) => model.middlewares.get(qualified), providerVisible: (provider: string) => providerVisible(model, provider) };
	const chains = new Map<TraefikRouter, Map<string, ChainExpansion>>();
	const groups = new Map<string, TraefikRouter[]>();
	for (const router of model.routers) {
		if (router.disabled) continue;
		const perEntryPoint = new Map<string, ChainExpansion>();
		for (const entryPoint of router.entryPoints) {
			const expansion = expandChain([...entryPointRefs(model, entryPoint, router.provider), ...router.middlewareRefs], lookup);
			perEntryPoint.set(entryPoint, expansion);
			if (expansion.error) continue;
			const key = `${entryPoint.toLowerCase()}\u0000${router.tls || entryPointTls(model, entryPoint) ? 'tls' : 'plain'}`;
			const group = groups.get(key) ?? [];
			group.push(router);
			groups.set(key, group);
		}
		if ([...perEntryPoint.values()].every((expansion) => expansion.error)) router.disabled = [...perEntryPoint.values()][0]?.error ?? 'it has no usable entrypoint';
		chains.set(router, perEntryPoint);
	}
	const extraPaths = deployment.navidromes.flatMap((instance) => {
		const base = instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
		return base ? [`${base}/`, `${base}/app/`, `${base}/rest/ping.view`, `${base}/share/abc`] : [];
	});
	// A group's reach table is built when a router of it leads to Navidrome (most groups never do).
	const tables = new Map<string, ReturnType<typeof buildReachTable>>();
	const tableFor = (key: string): ReturnType<typeof buildReachTable> => {
		let table = tables.get(key);
		if (!table) tables.set(key, (table = buildReachTable(groups.get(key) ?? [], extraPaths)));
		return table;
	};

	for (const router of model.routers) {
		if (router.disabled || !router.serviceName) continue;
		const endpoints = resolveEndpoints(model.scope.services, model.services, router.serviceName, deployment.links);
		const seen = new Set<string>();
		for (const endpoint of endpoints) {
			const instance = instanceFor(deployment, endpoint);
			if (!instance || seen.has(instance.id)) continue;
			seen.add(instance.id);
			const header = canonicalHeaderName(instance.intended.settings.userHeader.value);
			const views: RouterView[] = [];
			for (const [entryPoint, expansion] of chains.get(router) ?? []) {
				if (expansion.error) continue;
				const key = `${entryPoint.toLowerCase()}\u0000${router.tls || entryPointTls(model, entryPoint) ? 'tls' : 'plain'}`;
				const table = tableFor(key);
				views.push({ entryPoint, chain: expansion.steps, header: analyseHeader(expansion.steps, header), reach: reachOf(router, table) });
			}
			const route: NavidromeRoute = {
				router,
				instance,
				header,
				upstream: endpoint.description,
				upstreamLocation: endpoint.location,
				views,
				peer: peerTrust(instance, model.proxies),
			};
			model.routes.push(route);
		}
	}
}

const defaultStaticPaths = ['/etc/traefik/traefik.toml', '/etc/traefik/traefik.yaml', '/etc/traefik/traefik.yml'];

function emptyStatic(): StaticConfig {
	return { entryPoints: [], docker: undefined, file: undefined };
}

function resolveStatic(deployment: Deployment, proxies: readonly ServiceRef[], files: readonly TraefikFile[], readText: ReadText): StaticSource {
	const workspaceStatic = [...files].filter((file) => file.isStatic).sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : 1));
	for (const { compose, service } of proxies) {
		const text = composeText(deployment, compose);
		const flags = readFlags(compose.path, text, service.command);
		const wanted = flags.configFile ? [flags.configFile.value] : defaultStaticPaths;
		for (const target of wanted) {
			const hostPath = deployment.links.hostPath(service, target);
			if (!hostPath) continue;
			const file = files.find((candidate) => candidate.path === hostPath) ?? readStaticFile(hostPath, readText);
			if (!file) continue;
			const otherFlags = flags.flags.filter((flag) => !/^(traefik\.)?configfile$/i.test(flag.name));
			return { config: readStatic(file.root), known: true, kind: 'file', file: file.path, ignoredFlags: otherFlags[0]?.location };
		}
		if (flags.root) return { config: readStatic(flags.root), known: true, kind: 'flags', file: undefined, ignoredFlags: undefined };
		const env = readEnvConfig(compose.path, service.environment);
		if (env) return { config: readStatic(env), known: true, kind: 'env', file: undefined, ignoredFlags: undefined };
	}
	const file = workspaceStatic[0];
	if (file) return { config: readStatic(file.root), known: true, kind: 'file', file: file.path, ignoredFlags: undefined };
	return { config: emptyStatic(), known: false, kind: 'none', file: undefined, ignoredFlags: undefined };
}

function rank(path: string): number {
	return /\/traefik\.(ya?ml|toml)$/i.test(path) ? 0 : 1;
}

function readStaticFile(path: string, readText: ReadText): TraefikFile | undefined {
	let text: string | undefined;
	try {
		text = readText(path);
	} catch {
		text = undefined;
	}
	if (typeof text !== 'string') return undefined;
	return parseTraefikFile(path, text).file;
}

