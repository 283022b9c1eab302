/**
The nginx location model of a deployment: which nginx files are roots, their levels, and for every location that
proxies to Navidrome what happens to the user header there (proxies.md §3). The adapter lowers each such location into
one neutral `ProxyRoute` (`lower.ts`); the nginx-specific rules, hovers and the simulation read the richer
`NginxRoute`s through `nginxModel`.
*/
import { basename, dirname, resolvePath } from '../../files.js';
import { compileGlob } from '../../glob.js';
import { guessConfigRoot, isGlob, parseNginx, walkDirectives, type Directive, type NginxConfig } from '../../formats/nginx/index.js';
import type { ParseContext } from '../../formats/handler.js';
import { filesOfKind, type Deployment, type ProxyRoute, type ServiceRef } from '../../model/deployment.js';
import { identifyAuthService, type AuthService } from '../../model/auth-services.js';
import { analyseUserHeader } from './header.js';
import { buildLevels, descendants, httpOf, own, serverOf, type Level } from './levels.js';
import { lowerRoute, type NginxRouteFacts } from './lower.js';
import { containerIncludePaths, dropResolvedIncludeError, parseProxyUrl, resolveProxyPass, substituteVariables, targetScope, type TargetScope } from './targets.js';

/** One location that proxies to a Navidrome instance, and its neutral route. */
export type NginxRoute = NginxRouteFacts & { route: ProxyRoute };

export type NginxModel = {
	/** Root files (not included by another analysed nginx file) and their `http` levels. */
	roots: Array<{ file: string; context: 'main' | 'http'; levels: Level[] }>;
	routes: NginxRoute[];
	/** Text of a file (roots, includes), for fixes that need indentation. */
	readText(path: string): string | undefined;
};

const models = new WeakMap<Deployment, NginxModel>();

/** Adds one `ProxyRoute` per nginx location that reaches Navidrome (proxies/index.ts registers it). */
export function nginxAdapter(deployment: Deployment, context: ParseContext): void {
	let model: NginxModel;
	try {
		model = buildNginxModel(deployment, context);
	} catch {
		// The model is written never to throw; this keeps one bug from hiding every other finding.
		model = { roots: [], routes: [], readText: () => undefined };
	}
	models.set(deployment, model);
	for (const route of model.routes) deployment.routes.push(route.route);
}

/** The model the adapter built for this deployment (built on demand when the adapter did not run). */
export function nginxModel(deployment: Deployment): NginxModel {
	let model = models.get(deployment);
	if (!model) {
		const readText = (path: string): string | undefined => deployment.files.get(path)?.text;
		model = buildNginxModel(deployment, { workspace: { readFile: readText, listFiles: () => [] }, options: deployment.options, readText });
		models.set(deployment, model);
	}
	return model;
}

export function buildNginxModel(deployment: Deployment, context: ParseContext): NginxModel {
	const readText = (path: string): string | undefined => {
		try {
			const text = context.readText(path);
			return typeof text === 'string' ? text : undefined;
		} catch {
			return undefined;
		}
	};
	const files = filesOfKind<NginxConfig>(deployment, 'nginx').filter((file) => Array.isArray(file.data?.directives));
	const trees = new Map<string, NginxConfig>(files.map((file) => [file.path, file.data]));
	const treeOf = (path: string): NginxConfig | undefined => {
		let tree = trees.get(path);
		if (tree) return tree;
		const text = readText(path);
		if (text === undefined) return undefined;
		const io = { readFile: readText, listFiles: (glob: string) => safeList(context, glob) };
		tree = parseNginx(text, { ...io, file: path, root: guessConfigRoot(path, io) }).ast;
		trees.set(path, tree);
		return tree;
	};

	// Files included by another analysed file are part of it, not roots; that includes absolute container paths
	// (`include /etc/nginx/conf.d/*.conf;`) mapped back to the workspace through compose bind mounts.
	const included = new Set<string>();
	const virtual = new Map<Directive, string[]>();
	for (const file of files) {
		for (const { directive } of walkDirectives(file.data.directives)) {
			if (directive.name !== 'include') continue;
			for (const path of directive.included ?? []) if (path !== file.path) included.add(path);
			if (directive.included?.length) continue;
			const mapped = mapContainerInclude(directive, file.path, deployment, context, files.map((f) => f.path)).filter((path) => path !== file.path);
			if (mapped.length === 0) continue;
			virtual.set(directive, mapped);
			dropResolvedIncludeError(file, directive);
			for (const path of mapped) included.add(path);
		}
	}

	const model: NginxModel = { roots: [], routes: [], readText };
	for (const file of files) {
		if (included.has(file.path)) continue;
		const rootContext = file.data.directives.some((directive) => directive.name === 'http') ? 'main' : 'http';
		const levels = buildLevels({
			root: file.path,
			directives: file.data.directives,
			context: rootContext,
			virtualInclude: (directive) => virtual.get(directive)?.flatMap((path) => treeOf(path)?.directives ?? []),
		});
		model.roots.push({ file: file.path, context: rootContext, levels });
	}

	const capturedNames = new Set<string>();
	for (const root of model.roots) {
		for (const http of root.levels) {
			for (const level of descendants(http)) {
				for (const capture of own(level, 'auth_request_set')) {
					const name = capture.args[0]?.value.toLowerCase();
					if (name?.startsWith('$')) capturedNames.add(name.slice(1));
				}
			}
		}
	}

	for (const root of model.roots) {
		const scope = scopeFor(root.file, deployment);
		// One lookup per server and auth URI: every location of a large server asks the same question.
		const authCache = new Map<Level | undefined, Map<string, AuthService | undefined>>();
		const authService = (level: Level, uri: string): AuthService | undefined => {
			const server = serverOf(level);
			let byUri = authCache.get(server);
			if (!byUri) authCache.set(server, (byUri = new Map()));
			if (!byUri.has(uri)) byUri.set(uri, authServiceFor(level, uri, scope));
			return byUri.get(uri);
		};
		const proxyServices = servicesMounting(root.file, deployment);
		for (const http of root.levels) {
			for (const level of descendants(http)) {
				if (level.kind !== 'location' || !level.block) continue;
				const facts = routeFor(level, scope, capturedNames, authService);
				if (!facts) continue;
				const services = facts.location.file === root.file ? proxyServices : unique([...proxyServices, ...servicesMounting(facts.location.file, deployment)]);
				const route = lowerRoute(facts, { readText, proxyServices: services.filter((ref) => !deployment.links.instanceOf(ref.service)) });
				model.routes.push({ ...facts, route });
			}
		}
	}
	return model;
}

function routeFor(level: Level, scope: TargetScope, capturedNames: Set<string>, authService: (level: Level, uri: string) => AuthService | undefined): NginxRouteFacts | undefined {
	const location = level.block!;
	// `internal` locations (auth endpoints) and ones that `return` before proxying take no client requests to Navidrome.
	if (own(level, 'internal').length > 0 || own(level, 'return').length > 0) return undefined;
	const proxyPass = own(level, 'proxy_pass')[0];
	if (!proxyPass) return undefined;
	const target = resolveProxyPass(proxyPass, level, scope).find((candidate) => candidate.instance);
	if (!target?.instance) return undefined;
	const instance = target.instance;
	const userHeader = instance.intended.settings.userHeader.value || 'Remote-User';
	const header = analyseUserHeader(level, httpOf(level), {
		userHeader,
		authService,
		capturedAnywhere: (name) => capturedNames.has(name),
	});
	return { level, server: serverOf(level), location, proxyPass, target: { ...target, instance }, userHeader, header };
}

/** The compose services that bind-mount `file` (the file itself or a folder holding it). */
function servicesMounting(file: string, deployment: Deployment): ServiceRef[] {
	return deployment.links.mounting(file);
}

function unique<T>(items: T[]): T[] {
	return [...new Set(items)];
}

/** The location an `auth_request` URI lands on (exact match first, then the longest plain prefix) and who answers it. */
function authServiceFor(level: Level, uri: string, scope: TargetScope): AuthService | undefined {
	const server = serverOf(level);
	if (!server) return identifyAuthService([uri]);
	let exact: Level | undefined;
	let prefix: Level | undefined;
	let prefixLength = -1;
	for (const candidate of descendants(server)) {
		if (candidate.kind !== 'location' || !candidate.block) continue;
		const args = candidate.block.args.map((arg) => arg.value);
		const [modifier, path] = args.length >= 2 ? [args[0], args[1]!] : [undefined, args[0] ?? ''];
		if (modifier === '=' && path === uri) exact = candidate;
		else if ((modifier === undefined || modifier === '^~') && uri.startsWith(path) && path.length > prefixLength) {
			prefix = candidate;
			prefixLength = path.length;
		}
	}
	const authLocation = exact ?? prefix;
	const words = [uri];
	const proxyPass = authLocation ? own(authLocation, 'proxy_pass')[0] : undefined;
	if (authLocation && proxyPass) {
		const url = substituteVariables(proxyPass.args[0]?.value ?? '', authLocation);
		words.push(url);
		const host = parseProxyUrl(url)?.host;
		const upstream = host ? httpOf(authLocation).directives.find((d) => d.name === 'upstream' && d.args[0]?.value.toLowerCase() === host) : undefined;
		for (const server of upstream?.block ?? []) if (server.name === 'server') words.push(server.args[0]?.value ?? '');
		for (const target of resolveProxyPass(proxyPass, authLocation, scope)) {
			if (target.service?.service.image) words.push(target.service.service.image.repository);
		}
	}
	return identifyAuthService(words);
}

/** The compose projects and Navidrome instances near an nginx file (see `TargetScope`). */
function scopeFor(file: string, deployment: Deployment): TargetScope {
	return targetScope(file, deployment);
}

function safeList(context: ParseContext, glob: string): string[] {
	try {
		const listed = context.workspace.listFiles(glob);
		return Array.isArray(listed) ? listed.filter((path): path is string => typeof path === 'string') : [];
	} catch {
		return [];
	}
}

/**
Workspace files an unresolved `include` names inside the container (a relative one against nginx's prefix): through a
bind mount of the service that mounts the including file, else `/etc/nginx/…` read as the including file's own
directory (the official image's layout).
*/
function mapContainerInclude(include: Directive, file: string, deployment: Deployment, context: ParseContext, nginxFiles: string[]): string[] {
	const path = include.args[0]?.value ?? '';
	if (path === '') return [];
	const hostPaths = containerIncludePaths(path, file, deployment);
	if (hostPaths.length === 0 && path.startsWith('/etc/nginx/')) hostPaths.push(resolvePath(dirname(file), path.slice('/etc/nginx/'.length)));
	const found = new Set<string>();
	for (const hostPath of hostPaths) {
		if (isGlob(hostPath)) {
			const pattern = compileGlob(hostPath);
			for (const candidate of [...safeList(context, hostPath), ...nginxFiles]) {
				if (pattern?.test(candidate) && !basename(candidate).startsWith('.')) found.add(candidate);
			}
		} else if (nginxFiles.includes(hostPath) || context.readText(hostPath) !== undefined) found.add(hostPath);
	}
	return [...found].sort();
}

