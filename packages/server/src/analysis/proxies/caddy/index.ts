/**
The Caddy adapter: links every Caddyfile to its compose service, resolves the Caddy version, builds the route model of
each site (proxies.md §2) and lowers each (site, request set) that reaches Navidrome into a neutral `ProxyRoute`
(lower.ts). The full model stays available through `caddyAnalysis(deployment)` for the Caddy syntax rule and features.
*/
import { parseCaddyfile, type CaddyfileParseResult, type SiteBlock } from '../../formats/caddyfile/index.js';
import type { ParseContext } from '../../formats/handler.js';
import { filesOfKind, type Deployment, type ParsedFile, type ProxyRoute } from '../../model/deployment.js';
import { compileBlock, directiveOrder, type CompileContext, type HandlerRoute } from './chain.js';
import { alignStripFix, headerUpStripFix, matcherNames, orderOptionFix, renameCopyFix, stripPublicFix, wrapInRouteFix } from './fixes.js';
import { findCaddyService, mountPaths, parseUpstream, resolveMountedImports, resolveUpstream, serviceEnvironment } from './link.js';
import { lowerCaddy } from './lower.js';
import { witnessPaths } from './paths.js';
import { analyzeSite, type ProxyTarget } from './site.js';
import type { CaddyAnalysis, CaddyFileAnalysis, CaddyRoute, CaddyRouteFixes } from './types.js';
import { caddyVersionRange, copyHeadersEras, rangeAtLeast, rangeBelow, underscoreDropFrom } from './version.js';

export { describeRoute, directiveText } from './lower.js';

const analyses = new WeakMap<Deployment, CaddyAnalysis>();

/** The Caddy route model of a deployment (undefined when it holds no Caddyfile). */
export function caddyAnalysis(deployment: Deployment): CaddyAnalysis | undefined {
	return analyses.get(deployment);
}

/** The Caddy `ProxyAdapter` (proxies/index.ts). */
export function caddyAdapter(deployment: Deployment, context: ParseContext): void {
	const files = filesOfKind<CaddyfileParseResult>(deployment, 'caddyfile').filter((file) => file.data?.ast);
	if (files.length === 0) return;
	// Imports resolve as in the container, through its mounts (`import /etc/caddy/snippets/*`).
	for (const file of files) resolveMountedImports(file, deployment, context);
	// A file another Caddyfile imports is analysed as part of it, not on its own.
	const imported = new Set(files.flatMap((file) => file.data.ast.imports.flatMap((record) => record.files)));
	const analysis: CaddyAnalysis = { files: [] };
	for (const file of files) {
		if (imported.has(file.path)) continue;
		try {
			analysis.files.push(analyzeFile(file, deployment, context));
		} catch (error) {
			// The model is written never to throw; a bug must not hide every other finding.
			analysis.files.push({
				file: file.path,
				parse: file.data,
				version: caddyVersionRange(undefined, deployment.options.caddyVersion),
				sites: [],
				features: [],
				failure: `internal error in the Caddy route model: ${(error as Error)?.message ?? error}`,
			});
		}
	}
	analyses.set(deployment, analysis);
	try {
		deployment.routes.push(...lowerCaddy(analysis, deployment));
	} catch (error) {
		for (const fileAnalysis of analysis.files) fileAnalysis.failure ??= `internal error lowering the Caddy routes: ${(error as Error)?.message ?? error}`;
	}
}

function analyzeFile(file: ParsedFile<CaddyfileParseResult>, deployment: Deployment, context: ParseContext): CaddyFileAnalysis {
	const service = findCaddyService(deployment, file.path);
	const env = serviceEnvironment(service, deployment, context);
	let parse = file.data;
	// `{$VAR}` comes from the Caddy container's environment, known only now.
	if (env && parse.ast.env.some((substitution) => !substitution.resolved)) {
		parse = parseCaddyfile(file.text, {
			file: file.path,
			env,
			importPaths: mountPaths(service),
			readFile: (path) => context.readText(path),
			listFiles: (glob) => {
				try {
					return context.workspace.listFiles(glob);
				} catch {
					return [];
				}
			},
		});
	}
	const version = caddyVersionRange(service, deployment.options.caddyVersion);
	const eras = copyHeadersEras(version);
	const underscoreDropped = rangeAtLeast(version, underscoreDropFrom);
	const order = directiveOrder(parse.ast);
	const namedRoutes = new Map(parse.ast.namedRoutes.map((route) => [route.name, route.block]));
	const text = file.text;
	const names = matcherNames(parse.ast);
	const misreadBlocks = new Set(
		rangeBelow(version, [2, 7, 0]) ? parse.features.filter((feature) => feature.kind === 'brace-on-new-line').map((feature) => `${feature.file}:${feature.span.start}`) : [],
	);
	const result: CaddyFileAnalysis = { file: file.path, parse, version, sites: [], features: parse.features };
	if (service) result.service = service;
	for (const site of parse.ast.sites) {
		const compile: CompileContext = { order, version, namedRoutes, patterns: new Set(), approximations: new Set(), nextId: 0, matcherCache: new Map(), invoking: new Set(), misreadBlocks };
		const chain = compileBlock(site.block, new Map(), true, compile);
		const targets = new Map<number, ProxyTarget>();
		forEachProxy(chain, (route) => {
			if (route.handler.kind !== 'proxy') return;
			for (const token of route.handler.upstreams) {
				const address = parseUpstream(token.text, env);
				const instance = address ? resolveUpstream(address, deployment, service, file.path) : undefined;
				if (instance) {
					targets.set(route.id, { instance, token, upstream: token.text });
					return;
				}
			}
		});
		if (targets.size === 0) {
			result.sites.push({ site, routes: [], approximations: [...compile.approximations] });
			continue;
		}
		const witnesses = witnessPaths(compile.patterns, [...targets.values()].map((target) => target.instance.intended.settings.baseUrl.value));
		const analyzed = analyzeSite({ file: file.path, site, routes: chain, targets, paths: witnesses.paths, patterns: [...compile.patterns], eras, version, underscoreDropped });
		const approximations = [...compile.approximations, ...analyzed.approximations];
		if (witnesses.truncated) approximations.push('too many path patterns to tell every request set apart');
		// `proxyRoute` is set when the whole deployment is lowered (lower.ts).
		const routes: CaddyRoute[] = analyzed.routes.map((partial) => ({ ...partial, approximations, proxyRoute: undefined as unknown as ProxyRoute, fixes: {} }));
		for (const route of routes) route.fixes = routeFixes(route, routes, chain, site, parse, file.path, text, names);
		result.sites.push({ site, routes, approximations });
	}
	return result;
}

function forEachProxy(routes: readonly HandlerRoute[], visit: (route: HandlerRoute) => void, depth = 0): void {
	if (depth > 64) return;
	for (const route of routes) {
		visit(route);
		if (route.handler.kind === 'subroute') forEachProxy(route.handler.routes, visit, depth + 1);
	}
}

function routeFixes(route: CaddyRoute, siblings: CaddyRoute[], chain: HandlerRoute[], site: SiteBlock, parse: CaddyfileParseResult, file: string, text: string, names: Set<string>): CaddyRouteFixes {
	const fixes: CaddyRouteFixes = {};
	if (site.file !== file) return fixes;
	if (!route.authenticated && route.fate === 'passthrough') {
		const stripPublic = stripPublicFix(route, text, names);
		if (stripPublic) fixes.stripPublic = stripPublic;
		const headerUp = headerUpStripFix(route, siblings, text);
		if (headerUp) fixes.headerUpStrip = headerUp;
		if (route.skippedStrips.length > 0) {
			const align = alignStripFix(route, text);
			if (align) fixes.alignStrip = align;
		}
	}
	if (route.lostAuth?.kind === 'request_header') {
		const wrap = wrapInRouteFix(route, chain, text);
		if (wrap) fixes.wrapInRoute = wrap;
		const order = orderOptionFix(parse.ast, file, text);
		if (order) fixes.orderOption = order;
	}
	if (route.authenticated && route.fate !== 'authenticated' && !route.lostAuth) {
		const step = route.authSteps.find((candidate) => candidate.kind === 'forward_auth');
		const rename = step ? renameCopyFix(step, route.userHeader, file) : undefined;
		if (rename) fixes.renameCopy = rename;
	}
	return fixes;
}
