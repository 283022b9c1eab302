/**
Turns a site's directives into Caddy's handler chain (proxies.md §2.3): handler directives sorted by the directive order
(changed by global `order` options) and, for same-named directives, by matcher specificity with Go's stable sort;
`route` keeps written order; `handle`/`handle_path` (and `rewrite`) routes of one block are mutually exclusive, the
first match winning; named matchers are visible in the block that defines them and in nested blocks.
*/
import { canonicalHeaderName, compareVersions, type Version } from '@navidrome-extauth/core';
import {
	directiveMatcher,
	matcherDefinitionsIn,
	type Block,
	type CaddyfileAst,
	type Directive,
	type Token,
} from '../../formats/caddyfile/index.js';
import { compileMatcherToken, type CompiledMatcher } from './conditions.js';
import { goSliceStable } from './go-sort.js';
import { parseHeaderOp, type HeaderOp } from './headers.js';
import type { AuthStep, CopiedHeader } from './types.js';

/** Caddy's default directive order (newest release; the relative order of what the model uses is the same since 2.5). */
export const defaultDirectiveOrder: readonly string[] = [
	'tracing', 'map', 'vars', 'fs', 'root', 'log_append', 'log_skip', 'log_name', 'skip_log',
	'header', 'copy_response_headers', 'request_body',
	'redir',
	'method', 'rewrite', 'uri', 'try_files',
	'basic_auth', 'forward_auth', 'request_header', 'encode', 'push', 'intercept', 'templates',
	'invoke', 'handle', 'handle_path', 'route',
	'abort', 'error', 'copy_response', 'respond', 'metrics', 'reverse_proxy', 'php_fastcgi', 'file_server', 'acme_server',
];

/** Compiled routes at most (snippets imported many times can multiply a small file). */
const maxCompiledRoutes = 20_000;

const terminalDirectives = new Set(['abort', 'error', 'respond', 'static_response', 'redir', 'metrics', 'php_fastcgi', 'file_server', 'acme_server', 'copy_response']);

export type Handler =
	| { kind: 'headers'; ops: HeaderOp[] }
	| { kind: 'auth'; step: AuthStep }
	| { kind: 'proxy'; upstreams: Token[]; headerUp: HeaderOp[] }
	| { kind: 'subroute'; routes: HandlerRoute[]; stripPrefix?: string }
	| { kind: 'terminal' }
	/** Changes the path: `to` computes the new one, or undefined when it cannot be known. */
	| { kind: 'rewrite'; to: ((path: string) => string) | undefined }
	| { kind: 'noop' };

export type HandlerRoute = {
	id: number;
	directive: Directive;
	/** Normalised name used for sorting and grouping (`handle_path` sorts and groups as `handle`). */
	name: string;
	matcher: CompiledMatcher;
	matcherToken?: Token;
	/** Routes sharing a group are mutually exclusive: only the first matching one runs. */
	group?: string;
	handler: Handler;
};

export type CompileContext = {
	order: readonly string[];
	version: { low: Version; high: Version };
	namedRoutes: ReadonlyMap<string, Block>;
	/** Path patterns seen (with the `handle_path` prefix of their block), for witness generation. */
	patterns: Set<string>;
	/** Reasons the model approximated. */
	approximations: Set<string>;
	nextId: number;
	matcherCache: Map<Directive, CompiledMatcher>;
	/** Named routes being compiled (an `invoke` cycle is not followed). */
	invoking: Set<string>;
	/**
	Blocks opened by a `{` on its own line, as `file:offset` of the brace: Caddy before 2.7 reads their lines as more
	arguments of the directive (proxies.md §2.4), so the model ignores them there.
	*/
	misreadBlocks: ReadonlySet<string>;
};

/** The directive order after the global options' `order A before|after B|first|last` lines. */
export function directiveOrder(ast: CaddyfileAst): string[] {
	const order = [...defaultDirectiveOrder];
	for (const option of ast.globalOptions?.block.directives ?? []) {
		if (option.name !== 'order') continue;
		const [nameToken, position, other] = option.args;
		if (!nameToken || !position) continue;
		const name = normalizeName(nameToken.text);
		const existing = order.indexOf(name);
		if (existing >= 0) order.splice(existing, 1);
		if (position.text === 'first') order.unshift(name);
		else if (position.text === 'last') order.push(name);
		else if ((position.text === 'before' || position.text === 'after') && other) {
			const index = order.indexOf(normalizeName(other.text));
			if (index < 0) {
				// Caddy refuses an unknown anchor; keep the default order.
				if (existing >= 0) order.splice(existing, 0, name);
				continue;
			}
			order.splice(position.text === 'before' ? index : index + 1, 0, name);
		} else if (existing >= 0) order.splice(existing, 0, name);
	}
	return order;
}

function normalizeName(name: string): string {
	if (name === 'basicauth') return 'basic_auth';
	if (name === 'skip_log') return 'log_skip';
	return name;
}

/** Compile one block's directives: sorted (site, `handle`) or as written (`route`). */
/** Named matchers visible in a block: its own, then its ancestors' (a chain, so nesting never copies maps). */
export type MatcherScope = { get(name: string): Directive | undefined };

function childScope(parent: MatcherScope, own: Map<string, Directive>): MatcherScope {
	if (own.size === 0) return parent;
	return { get: (name) => own.get(name) ?? parent.get(name) };
}

export function compileBlock(block: Block, parentScope: MatcherScope, sort: boolean, context: CompileContext, prefix = '', depth = 0): HandlerRoute[] {
	if (context.nextId > maxCompiledRoutes) {
		context.approximations.add('the configuration is too large to model completely');
		return [];
	}
	const scope = childScope(parentScope, matcherDefinitionsIn(block));
	const blockId = context.nextId++;
	const routes: HandlerRoute[] = [];
	for (const directive of block.directives) {
		if (directive.matcherDefinition || directive.name.startsWith('@')) continue;
		const route = compileDirective(directive, scope, context, prefix, depth);
		if (route) routes.push(route);
	}
	if (sort) sortRoutes(routes, context);
	for (const route of routes) {
		if (route.name === 'handle') route.group = `${blockId}:handle`;
		else if (route.name === 'rewrite') route.group = `${blockId}:rewrite`;
	}
	return routes;
}

function compileDirective(written: Directive, scope: MatcherScope, context: CompileContext, prefix: string, depth: number): HandlerRoute | undefined {
	const open = written.block?.open;
	const directive = open && context.misreadBlocks.has(`${open.file}:${open.span.start}`) ? { ...written, block: undefined } : written;
	const rawName = normalizeName(directive.name);
	const name = rawName === 'handle_path' ? 'handle' : rawName;
	const isHandler = context.order.includes(rawName) || terminalDirectives.has(rawName);
	if (!isHandler) return undefined;
	const matcherRef = directiveMatcher(directive);
	const matcherToken = matcherRef?.token;
	const matcher = compileMatcherToken(matcherToken, scope, context.matcherCache);
	for (const pattern of matcher.patterns) context.patterns.add(withPrefix(prefix, pattern));
	const args = matcherToken ? directive.args.slice(1) : directive.args;
	const route: HandlerRoute = { id: context.nextId++, directive, name, matcher, handler: { kind: 'noop' } };
	if (matcherToken) route.matcherToken = matcherToken;
	if (depth > 40) {
		context.approximations.add('blocks nested too deeply');
		return route;
	}
	switch (rawName) {
		case 'request_header': {
			const ops: HeaderOp[] = [];
			const op = parseHeaderOp(directive, args, 'request_header');
			if (op) ops.push(op);
			for (const line of directive.block?.directives ?? []) {
				const lineOp = parseHeaderOp(line, [line.nameToken, ...line.args], 'request_header');
				if (lineOp) ops.push(lineOp);
			}
			route.handler = { kind: 'headers', ops };
			break;
		}
		case 'forward_auth':
		case 'basic_auth':
			route.handler = { kind: 'auth', step: authStep(directive, rawName, args, matcherToken, context) };
			break;
		case 'reverse_proxy': {
			const upstreams = [...args];
			const headerUp: HeaderOp[] = [];
			for (const line of directive.block?.directives ?? []) {
				if (line.name === 'to') upstreams.push(...line.args);
				else if (line.name === 'header_up') {
					const op = parseHeaderOp(line, line.args, 'header_up');
					if (op) headerUp.push(op);
				}
			}
			route.handler = { kind: 'proxy', upstreams, headerUp };
			break;
		}
		case 'route':
		case 'handle':
			route.handler = { kind: 'subroute', routes: directive.block ? compileBlock(directive.block, scope, rawName === 'handle', context, prefix, depth + 1) : [] };
			break;
		case 'handle_path': {
			// The path prefix is stripped before the block runs, so its matchers see the rest.
			const pattern = matcherToken?.text.startsWith('/') ? matcherToken.text : undefined;
			const strip = pattern ? pattern.replace(/\*+$/, '') : undefined;
			const inner = strip !== undefined ? withPrefix(prefix, strip.endsWith('/') ? strip.slice(0, -1) : strip) : prefix;
			const routes = directive.block ? compileBlock(directive.block, scope, true, context, inner, depth + 1) : [];
			route.handler = strip !== undefined ? { kind: 'subroute', routes, stripPrefix: strip.endsWith('/') ? strip.slice(0, -1) : strip } : { kind: 'subroute', routes };
			break;
		}
		case 'invoke': {
			const targetName = args[0]?.text;
			const target = targetName !== undefined && !context.invoking.has(targetName) ? context.namedRoutes.get(targetName) : undefined;
			if (target) {
				context.invoking.add(targetName!);
				route.handler = { kind: 'subroute', routes: compileBlock(target, new Map(), false, context, prefix, depth + 1) };
				context.invoking.delete(targetName!);
			}
			break;
		}
		case 'rewrite':
			route.handler = { kind: 'rewrite', to: rewriteTarget(args[0]?.text) };
			break;
		case 'uri':
			route.handler = { kind: 'rewrite', to: uriTarget(args) };
			break;
		case 'try_files':
			route.handler = { kind: 'rewrite', to: undefined };
			break;
		default:
			if (terminalDirectives.has(rawName)) route.handler = { kind: 'terminal' };
	}
	if (route.handler.kind === 'rewrite' && !route.handler.to) context.approximations.add(`${directive.name} makes the request path unknown to later matchers`);
	return route;
}

function withPrefix(prefix: string, pattern: string): string {
	return prefix !== '' && pattern.startsWith('/') ? `${prefix}${pattern}` : pattern;
}

function authStep(directive: Directive, name: 'forward_auth' | 'basic_auth', args: readonly Token[], matcherToken: Token | undefined, context: CompileContext): AuthStep {
	const step: AuthStep = { kind: name, directive, copies: [], copyDirectives: [] };
	if (matcherToken) step.matcherToken = matcherToken;
	if (name === 'forward_auth' && args[0]) step.upstream = args[0].text;
	// Caddy canonicalises copy_headers names since 2.6.2 (proxies.md §2.2).
	const canonical = compareVersions(context.version.low, [2, 6, 2]) >= 0;
	for (const line of directive.block?.directives ?? []) {
		if (name !== 'forward_auth' || line.name !== 'copy_headers') continue;
		step.copyDirectives.push(line);
		const fields = [...line.args, ...(line.block?.directives.flatMap((field) => [field.nameToken, ...field.args]) ?? [])];
		for (const token of fields) {
			const copy = copiedHeader(token, canonical);
			if (copy) step.copies.push(copy);
		}
	}
	return step;
}

function copiedHeader(token: Token, canonical: boolean): CopiedHeader | undefined {
	const parts = token.text.split('>');
	const from = parts[0] ?? '';
	const to = parts.length > 1 ? (parts[1] ?? '') : from;
	if (from === '' || to === '') return undefined;
	return { from: canonical ? canonicalHeaderName(from) : from, to: canonical ? canonicalHeaderName(to) : to, token };
}

/** `rewrite /index.html`, `rewrite * /app{uri}` … → a function of the path, or undefined when it depends on more. */
function rewriteTarget(to: string | undefined): ((path: string) => string) | undefined {
	if (to === undefined) return undefined;
	const target = to.split('?')[0]!;
	const rest = target.replace(/\{(path|uri|http\.request\.uri\.path|http\.request\.uri)\}/g, '');
	if (rest.includes('{') || !target.startsWith('/')) return undefined;
	return (path) => target.replace(/\{(path|uri|http\.request\.uri\.path|http\.request\.uri)\}/g, () => path);
}

function uriTarget(args: readonly Token[]): ((path: string) => string) | undefined {
	const [operation, first, second] = args.map((arg) => arg.text);
	if (!first || first.includes('{')) return undefined;
	if (operation === 'strip_prefix') {
		const prefix = first.startsWith('/') ? first : `/${first}`;
		return (path) => (path.toLowerCase().startsWith(prefix.toLowerCase()) ? cleanRest(path.slice(prefix.length)) : path);
	}
	if (operation === 'strip_suffix') return (path) => (path.endsWith(first) ? cleanRest(path.slice(0, -first.length)) : path);
	if (operation === 'replace' && second !== undefined && !second.includes('{')) return (path) => cleanRest(path.split(first).join(second));
	return undefined;
}

function cleanRest(path: string): string {
	if (path === '') return '/';
	return path.startsWith('/') ? path : `/${path}`;
}

/** Caddy's `sortRoutes` comparator (httpcaddyfile), applied with Go's stable sort. */
function sortRoutes(routes: HandlerRoute[], context: CompileContext): void {
	const positions = new Map<string, number>();
	context.order.forEach((name, index) => positions.set(name, index));
	// [S] PR #7015 compares trimmed wildcard paths and breaks ties lexically in newer releases.
	const trimmedComparison = compareVersions(context.version.high, [2, 10, 1]) >= 0;
	goSliceStable(routes, (a, b) => {
		if (a.name !== b.name) return (positions.get(a.name) ?? 0) < (positions.get(b.name) ?? 0);
		const aPath = a.matcher.paths?.length === 1 ? a.matcher.paths[0]! : undefined;
		const bPath = b.matcher.paths?.length === 1 ? b.matcher.paths[0]! : undefined;
		let aLength = aPath ? utf8Length(aPath) : 0;
		let bLength = bPath ? utf8Length(bPath) : 0;
		let byPath: boolean;
		if (aLength > 0 && bLength > 0) {
			const aTrimmed = aPath!.replace(/\*$/, '');
			const bTrimmed = bPath!.replace(/\*$/, '');
			if (aTrimmed === bTrimmed) byPath = aLength < bLength;
			else if (trimmedComparison) {
				aLength = utf8Length(aTrimmed);
				bLength = utf8Length(bTrimmed);
				byPath = aLength === bLength ? aTrimmed < bTrimmed : aLength > bLength;
			} else byPath = aLength > bLength;
		} else byPath = a.matcher.hasSet && !b.matcher.hasSet;
		return a.name === 'vars' ? !byPath : byPath;
	});
}

function utf8Length(text: string): number {
	let length = 0;
	for (const char of text) {
		const code = char.codePointAt(0)!;
		length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
	}
	return length;
}
