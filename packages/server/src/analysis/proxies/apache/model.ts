/**
The Apache httpd model of a deployment: its root files, their servers, and for every path a virtual host proxies to
Navidrome what happens to the user header there. Paths that share the deciding `ProxyPass` and the same sections
form one route; the adapter lowers each into a neutral `ProxyRoute` (`lower.ts`).
*/
import type { ParseContext } from '../../formats/handler.js';
import type { ApacheConfig, ApacheDirective } from '../../formats/apache/index.js';
import { filesOfKind, type Deployment, type ProxyRoute } from '../../model/deployment.js';
import { loadedModules, serversOf, type Server } from './config.js';
import { authFacts, environment, headerOps, simulate, type HeaderOp } from './headers.js';
import { lowerRoute, type ApacheRouteFacts } from './lower.js';

export type { ApacheRouteFacts } from './lower.js';
import { applied, chooseProxy, type Applied } from './select.js';
import { resolveTarget, scopeOf } from './targets.js';

export type ApacheRoute = ApacheRouteFacts & { route: ProxyRoute };

export type ApacheModel = { roots: Array<{ file: string; servers: Server[] }>; routes: ApacheRoute[] };

/** Typical Navidrome request paths (BasePath-relative): the UI, Subsonic, a share, the native API, login, health. */
export const typicalPaths: readonly string[] = ['/app/', '/rest/ping.view', '/share/abc', '/api/song', '/auth/login', '/ping'];
const secondaryPaths: readonly string[] = ['/rest/stream.view', '/share/def', '/api/album'];
const maxWitnesses = 12;

const models = new WeakMap<Deployment, ApacheModel>();

/** Adds one `ProxyRoute` per group of Apache paths that reach Navidrome (proxies/index.ts registers it). */
export function apacheAdapter(deployment: Deployment, context: ParseContext): void {
	let model: ApacheModel;
	try {
		model = buildApacheModel(deployment, context);
	} catch {
		model = { roots: [], routes: [] };
	}
	models.set(deployment, model);
	for (const route of model.routes) deployment.routes.push(route.route);
}

/** The model the adapter built for this deployment (built on demand when it did not run). */
export function apacheModel(deployment: Deployment): ApacheModel {
	let model = models.get(deployment);
	if (!model) {
		const readText = (path: string): string | undefined => deployment.files.get(path)?.text;
		model = buildApacheModel(deployment, { workspace: { readFile: readText, listFiles: () => [] }, options: deployment.options, readText });
		models.set(deployment, model);
	}
	return model;
}

export function buildApacheModel(deployment: Deployment, context: ParseContext): ApacheModel {
	const readText = (path: string): string | undefined => {
		try {
			const text = context.readText(path);
			return typeof text === 'string' ? text : undefined;
		} catch {
			return undefined;
		}
	};
	const files = filesOfKind<ApacheConfig>(deployment, 'apache').filter((file) => Array.isArray(file.data?.nodes));
	const included = new Set<string>();
	for (const file of files) for (const path of file.data.files.slice(1)) if (path !== file.path) included.add(path);
	const roots = files.filter((file) => !included.has(file.path));
	const modules = loadedModules(roots.map((file) => file.data));
	const ssl = modules === undefined || modules.has('ssl_module');
	const model: ApacheModel = { roots: [], routes: [] };
	for (const root of roots) {
		const servers = serversOf(root.path, root.data, modules);
		model.roots.push({ file: root.path, servers });
		const main = servers[0]!;
		const scope = scopeOf(root.path, deployment);
		// With virtual hosts, requests are answered by them; the main server's directives are their base.
		const answering = servers.length > 1 ? servers.slice(1) : servers;
		for (const server of answering) {
			for (const facts of routesOf(server, main === server ? undefined : main, servers, scope, ssl)) {
				const proxyServices = deployment.links.mounting(root.path).filter((ref) => isApacheImage(ref.service.image?.repository) && !deployment.links.instanceOf(ref.service));
				const route = lowerRoute(facts, { readText, proxyServices, deployment });
				model.routes.push({ ...facts, route });
			}
		}
	}
	return model;
}

/** Images that run Apache httpd (`httpd`, `bitnami/apache`, `ubuntu/apache2`, `*apache*`). */
export function isApacheImage(repository: string | undefined): boolean {
	const last = repository?.toLowerCase().split('/').pop() ?? '';
	return last === 'httpd' || last.includes('apache');
}

function candidatePaths(server: Server, main: Server | undefined, base: string): string[] {
	const candidates = new Set([...typicalPaths, ...secondaryPaths].map((path) => `${base}${path}`));
	for (const current of main ? [main, server] : [server]) {
		for (const item of current.items) {
			const name = item.directive.name.toLowerCase();
			const first = item.directive.args[0]?.value;
			if (name === 'proxypass' && !item.section && first?.startsWith('/')) candidates.add(first);
		}
		for (const section of current.sections) {
			const path = section.node.args[0]?.value;
			if (section.kind === 'location' && path?.startsWith('/') && !/[*?[]/.test(path)) candidates.add(path);
		}
	}
	return [...candidates];
}

function routesOf(server: Server, main: Server | undefined, servers: readonly Server[], scope: ReturnType<typeof scopeOf>, ssl: boolean): ApacheRouteFacts[] {
	const groups = new Map<string, ApacheRouteFacts>();
	const bases = new Set(scope.instances.map((instance) => instance.intended.settings.baseUrl.value.replace(/\/+$/, '')));
	if (bases.size === 0) bases.add('');
	const paths = [...bases].flatMap((base) => candidatePaths(server, main, base));
	for (const path of [...new Set(paths)]) {
		const choice = chooseProxy(server, main, path);
		if (!choice) continue;
		const target = resolveTarget(choice.url, servers, scope);
		if (!target) continue;
		const backend = `${choice.url.replace(/\/+$/, '')}${choice.sent ?? path}`;
		const app = applied(server, main, path, backend);
		const auth = authFacts(app);
		if (auth.denied) continue;
		const key = `${choice.directive.file}:${choice.directive.span.start}|${app.sections.map((section) => section.order).join(',')}`;
		let facts = groups.get(key);
		if (!facts) {
			const userHeader = target.instance.intended.settings.userHeader.value || 'Remote-User';
			const ops = headerOps(app, userHeader);
			const context = { auth, ssl, env: environment(app) };
			const state = simulate(ops, context);
			facts = {
				server,
				main,
				choice,
				target,
				applied: app,
				auth,
				userHeader,
				ops,
				state,
				userElsewhere: userElsewhere(app, userHeader, context),
				stripsInServer: stripsIn(server, main, userHeader),
				paths: [],
				witnesses: [],
				ssl,
			};
			groups.set(key, facts);
		}
		facts.paths.push(path);
		const sent = choice.sent;
		if (sent !== undefined && facts.witnesses.length < maxWitnesses && !facts.witnesses.includes(sent)) facts.witnesses.push(sent);
	}
	return [...groups.values()];
}

/** `RequestHeader set <other> <the user>` lines in effect: the user goes out under another name. */
function userElsewhere(app: Applied, userHeader: string, context: Parameters<typeof simulate>[1]): HeaderOp[] {
	const names = new Set<string>();
	for (const item of app.items) {
		const words = item.directive.args.map((arg) => arg.value);
		if (item.directive.name.toLowerCase() === 'requestheader' && words[0]?.toLowerCase() === 'set' && words[1] && words[1].toLowerCase() !== userHeader.toLowerCase()) names.add(words[1]);
	}
	const found: HeaderOp[] = [];
	for (const name of names) {
		const ops = headerOps(app, name);
		const state = simulate(ops, context);
		if (state.value?.source.kind === 'user') found.push(state.value.op);
	}
	return found;
}

function stripsIn(server: Server, main: Server | undefined, header: string): ApacheDirective[] {
	const found: ApacheDirective[] = [];
	for (const current of main ? [main, server] : [server]) {
		for (const item of current.items) {
			const words = item.directive.args.map((arg) => arg.value.toLowerCase());
			if (item.directive.name.toLowerCase() === 'requestheader' && words[1] === header.toLowerCase() && words[0] === 'unset') found.push(item.directive);
		}
	}
	return found;
}
