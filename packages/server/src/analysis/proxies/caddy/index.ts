/**
The Caddy adapter: links every Caddyfile to its compose service, resolves the Caddy version, builds the route model of
each site (proxies.md §2) and adds one `ProxyRoute` per (site, request set) that reaches Navidrome. The full model is
kept in `deployment.caddy` for the Caddy rules.
*/
import type { Location } from '../../findings.js';
import { parseCaddyfile, type CaddyfileParseResult, type Directive, type SiteBlock } from '../../formats/caddyfile/index.js';
import type { ParseContext } from '../../formats/handler.js';
import { filesOfKind, type Deployment, type ParsedFile, type ProxyRoute } from '../../model/deployment.js';
import type { ProxyAdapter } from '../index.js';
import { compileBlock, directiveOrder, type CompileContext, type HandlerRoute } from './chain.js';
import { alignStripFix, headerUpStripFix, matcherNames, orderOptionFix, renameCopyFix, stripPublicFix, wrapInRouteFix } from './fixes.js';
import { findCaddyService, parseUpstream, resolveUpstream, serviceEnvironment } from './link.js';
import { witnessPaths } from './paths.js';
import { analyzeSite, directiveHead, type ProxyTarget } from './site.js';
import type { CaddyAnalysis, CaddyFileAnalysis, CaddyRoute, CaddyRouteFixes, HeaderOrigin, HeaderValue } from './types.js';
import { caddyVersionRange, copyHeadersEras, rangeAtLeast, rangeBelow, underscoreDropFrom } from './version.js';

export const caddyAdapter: ProxyAdapter = (deployment, context) => {
	const files = filesOfKind<CaddyfileParseResult>(deployment, 'caddyfile').filter((file) => file.data?.ast);
	if (files.length === 0) return;
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
	deployment.caddy = analysis;
	for (const fileAnalysis of analysis.files) {
		for (const site of fileAnalysis.sites) for (const route of site.routes) deployment.routes.push(route.proxyRoute);
	}
};

function analyzeFile(file: ParsedFile<CaddyfileParseResult>, deployment: Deployment, context: ParseContext): CaddyFileAnalysis {
	const service = findCaddyService(deployment, file.path);
	const env = serviceEnvironment(service, deployment, context);
	let parse = file.data;
	// `{$VAR}` comes from the Caddy container's environment, known only now.
	if (env && parse.ast.env.some((substitution) => !substitution.resolved)) {
		parse = parseCaddyfile(file.text, {
			file: file.path,
			env,
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
				const instance = address ? resolveUpstream(address, deployment, service) : undefined;
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
		const witnesses = witnessPaths(compile.patterns);
		const analyzed = analyzeSite({ file: file.path, site, routes: chain, targets, paths: witnesses.paths, patterns: [...compile.patterns], eras, version, underscoreDropped });
		const approximations = [...compile.approximations, ...analyzed.approximations];
		if (witnesses.truncated) approximations.push('too many path patterns to tell every request set apart');
		const routes: CaddyRoute[] = analyzed.routes.map((partial) => ({ ...partial, approximations, proxyRoute: undefined as unknown as ProxyRoute, fixes: {} }));
		for (const route of routes) {
			route.proxyRoute = toProxyRoute(route);
			route.fixes = routeFixes(route, routes, chain, site, parse, file.path, text, names);
		}
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

function toProxyRoute(route: CaddyRoute): ProxyRoute {
	const locations: Location[] = [directiveHead(route.proxy)];
	const add = (location: Location | undefined): void => {
		if (location && !locations.some((known) => known.file === location.file && known.span.start === location.span.start)) locations.push(location);
	};
	for (const step of route.authSteps) add(directiveHead(step.directive));
	for (const step of route.skippedAuth) add(step.matcherToken ? { file: step.matcherToken.file, span: step.matcherToken.span } : directiveHead(step.directive));
	add(originLocation(valueOrigin(route.value)));
	add(originLocation(route.lostAuth));
	for (const strip of route.skippedStrips) add(originLocation(strip));
	const conditional = `${route.conditional.length > 0 ? ` (depending on ${route.conditional.join(', ')})` : ''}${route.approximations.length > 0 ? ` (approximate: ${route.approximations.join('; ')})` : ''}`;
	return {
		proxy: 'caddy',
		location: directiveHead(route.proxy),
		requests: `${route.requests}${conditional}`,
		upstream: route.upstream,
		target: route.target,
		authenticated: route.authenticated,
		header: { fate: route.fate, detail: describeRoute(route), locations },
	};
}

function valueOrigin(value: HeaderValue): HeaderOrigin | undefined {
	if (value.kind === 'client') return value.via;
	return value.by;
}

function originLocation(origin: HeaderOrigin | undefined): Location | undefined {
	return origin ? { file: origin.token.file, span: origin.token.span } : undefined;
}

/** `request_header -Remote-User`, `forward_auth @protected authelia:9091` (the head of a directive, shortened). */
export function directiveText(directive: Directive): string {
	const text = [directive.nameToken, ...directive.args].map((token) => token.raw).join(' ');
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** One sentence on what happens to the user header along the route, for hovers and messages. */
export function describeRoute(route: CaddyRoute): string {
	const header = route.userHeader;
	const value = route.value;
	const auth = route.authSteps.map((step) => directiveText(step.directive)).join(', ');
	if (!route.authenticated) {
		const skipped = route.skippedAuth.length > 0 ? ` (${route.skippedAuth.map((step) => directiveText(step.directive)).join(', ')} does not match)` : '';
		if (value.kind === 'client') {
			if (value.via) return `no auth step runs${skipped}, and ${directiveText(value.via.directive)} copies the client's ${value.header} into ${header}`;
			return `no auth step runs${skipped} and nothing strips ${header}: the client's value reaches Navidrome`;
		}
		if (value.kind === 'absent' || (value.kind === 'literal' && value.text === '')) return `no auth step runs${skipped}; ${value.by ? directiveText(value.by.directive) : 'the proxy'} removes the client's ${header}`;
		return `no auth step runs${skipped}; ${header} is set to the fixed text ${value.kind === 'literal' || value.kind === 'placeholder' ? value.text : ''}`;
	}
	switch (value.kind) {
		case 'auth':
			if (value.by.kind === 'copy_headers') return `${auth} authenticates the request and copies the auth answer's ${value.header} into ${header}`;
			return `${auth} authenticates the request and ${directiveText(value.by.directive)} sets ${header} from the auth answer's ${value.header}`;
		case 'client':
			if (value.via) return `${auth} runs, but ${directiveText(value.via.directive)} copies the client's ${value.header} into ${header}`;
			return `${auth} runs but never sets ${header}, and nothing strips it: the client's value reaches Navidrome`;
		case 'absent':
		case 'literal':
			if (route.lostAuth) return `${auth} sets ${header}, then ${directiveText(route.lostAuth.directive)} removes it`;
			if (value.kind === 'literal' && value.text !== '') return `${auth} runs, then ${header} is set to the fixed text ${value.text}`;
			return `${auth} runs but never sets ${header}, so Navidrome never sees the user`;
		case 'placeholder':
			return `${auth} runs, then ${header} is set to the literal text ${value.text}`;
	}
}
