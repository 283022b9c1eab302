/**
Request matchers as conditions the route model can evaluate (proxies.md §2.4 "Matchers"). Path matchers are decided
exactly on witness paths. A CEL or `vars` test of an auth-response placeholder (`{http.reverse_proxy.header.X} !=
null`, the Navidrome-docs workaround, §2.1 C6) depends on the auth scenario. Every other matcher (header, method,
query, host, remote_ip, regexps, other expressions…) is an opaque atom whose both outcomes are explored: clients
control most of them, so the model stays conservative and names them in its results.
*/
import type { Directive, MatcherDefinition, MatcherEntry, Token } from '../../formats/caddyfile/index.js';
import { matchLowerPath } from './paths.js';

export type Condition =
	| { kind: 'all' }
	/** Any of the patterns (Caddy merges every `path` of one matcher set); `lower` holds them in lower case. */
	| { kind: 'path'; patterns: string[]; lower: string[] }
	| { kind: 'and'; items: Condition[] }
	/** True when none of the sets match (Caddy's `not`). */
	| { kind: 'not'; sets: Condition[] }
	/** Undecidable for the model: both outcomes are explored. */
	| { kind: 'atom'; key: string; text: string }
	/** Whether the latest auth response carried header `header` (`{http.reverse_proxy.header.X} != null`). */
	| { kind: 'auth-header'; header: string }
	/** Whether the request carries `header` (any value). */
	| { kind: 'has-header'; header: string };

export type ConditionEnvironment = {
	/** The request path as matchers see it, in lower case, or undefined when a rewrite made it unknown. */
	path: string | undefined;
	/** Decide an opaque atom (the same key always gets the same answer within one run). */
	choose(key: string, text: string): boolean;
	authHeader(name: string): boolean;
	hasHeader(name: string): boolean;
};

/** A compiled matcher plus what Caddy's directive sorting looks at (§2.3 "Same-named directives"). */
export type CompiledMatcher = {
	condition: Condition;
	/** The matcher set's `path` list when it is the only set (Caddy sorts by it), else undefined. */
	paths: string[] | undefined;
	/** False for no matcher and for `*` (no matcher set at all). */
	hasSet: boolean;
	/** Path patterns used, for witness generation. */
	patterns: string[];
};

const maxDepth = 32;

/** Compile the matcher token of a directive (`*`, `/path`, `@name`) against the named matchers in scope. */
export function compileMatcherToken(token: Token | undefined, scope: { get(name: string): Directive | undefined }, cache: Map<Directive, CompiledMatcher>): CompiledMatcher {
	if (!token || token.text === '*') return { condition: { kind: 'all' }, paths: undefined, hasSet: false, patterns: [] };
	if (token.text.startsWith('/')) return { condition: pathCondition([token.text]), paths: [token.text], hasSet: true, patterns: [token.text] };
	const definition = scope.get(token.text);
	if (!definition?.matcherDefinition) {
		return { condition: { kind: 'atom', key: `undefined ${token.text}`, text: `${token.text} (not defined)` }, paths: undefined, hasSet: true, patterns: [] };
	}
	let compiled = cache.get(definition);
	if (!compiled) {
		compiled = compileDefinition(definition.matcherDefinition);
		cache.set(definition, compiled);
	}
	return compiled;
}

export function compileDefinition(definition: MatcherDefinition): CompiledMatcher {
	const patterns: string[] = [];
	const condition = compileSet(definition.matchers, patterns, 0);
	const pathEntries = definition.matchers.filter((entry) => entry.type === 'path');
	const paths = pathEntries.length > 0 ? pathEntries.flatMap((entry) => entry.args.map((arg) => arg.text)) : undefined;
	return { condition, paths, hasSet: true, patterns };
}

/** Entries of one matcher set: paths merged (ORed), everything ANDed. */
function compileSet(entries: readonly MatcherEntry[], patterns: string[], depth: number): Condition {
	if (depth > maxDepth) return { kind: 'atom', key: 'too deep', text: 'deeply nested matchers' };
	const items: Condition[] = [];
	const paths: string[] = [];
	let hasPath = false;
	for (const entry of entries) {
		if (entry.type === 'path') {
			hasPath = true;
			for (const arg of entry.args) paths.push(arg.text);
			continue;
		}
		items.push(compileEntry(entry, patterns, depth));
	}
	if (hasPath) {
		const literal = paths.filter((path) => !path.includes('{'));
		patterns.push(...literal);
		if (literal.length === paths.length) items.unshift(pathCondition(paths));
		else items.unshift(atomOf('path', paths));
	}
	if (items.length === 0) return { kind: 'all' };
	return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function compileEntry(entry: MatcherEntry, patterns: string[], depth: number): Condition {
	const texts = entry.args.map((arg) => arg.text);
	switch (entry.type) {
		case 'not':
			return { kind: 'not', sets: [compileSet(entry.not ?? [], patterns, depth + 1)] };
		case 'expression':
			return authHeaderExpression(texts.join(' ')) ?? atomOf('expression', texts);
		case 'header': {
			const [field, ...values] = texts;
			if (field && !field.includes('{') && (values.length === 0 || (values.length === 1 && values[0] === '*'))) return { kind: 'has-header', header: field };
			return atomOf('header', texts);
		}
		case 'vars': {
			// `vars {http.reverse_proxy.header.X} ""`: the header is empty (what forward_auth's own guard tests).
			const [key, ...values] = texts;
			const header = key ? authPlaceholderHeader(key) : undefined;
			if (header && values.length === 1 && values[0] === '') return { kind: 'not', sets: [{ kind: 'auth-header', header }] };
			return atomOf('vars', texts);
		}
		default:
			return atomOf(entry.type, texts);
	}
}

function pathCondition(patterns: string[]): Condition {
	return { kind: 'path', patterns, lower: patterns.map((pattern) => pattern.toLowerCase()) };
}

function atomOf(type: string, texts: readonly string[]): Condition {
	const text = `${type}${texts.length > 0 ? ' ' : ''}${texts.join(' ')}`.slice(0, 200);
	return { kind: 'atom', key: text.toLowerCase(), text };
}

/** `{http.reverse_proxy.header.X}` or `{rp.header.X}` → `X`. */
export function authPlaceholderHeader(text: string): string | undefined {
	const match = /^\{(?:http\.reverse_proxy|rp)\.header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)\}$/.exec(text.trim());
	return match?.[1];
}

/** `{rp.header.X} != null` (or `!= ""`), as a condition on the auth response. */
function authHeaderExpression(expression: string): Condition | undefined {
	if (expression.length > 300) return undefined;
	const match = /^\s*(\{[^{}\s]+\})\s*!=\s*(null|""|'')\s*$/.exec(expression);
	const header = match ? authPlaceholderHeader(match[1]!) : undefined;
	return header ? { kind: 'auth-header', header } : undefined;
}

export function evaluateCondition(condition: Condition, environment: ConditionEnvironment): boolean {
	switch (condition.kind) {
		case 'all':
			return true;
		case 'path': {
			const path = environment.path;
			if (path === undefined) return environment.choose(`path ${condition.patterns.join(' ')}`.toLowerCase(), `path ${condition.patterns.join(' ')} (after a rewrite)`);
			for (const pattern of condition.lower) if (matchLowerPath(pattern, path)) return true;
			return false;
		}
		case 'and':
			return condition.items.every((item) => evaluateCondition(item, environment));
		case 'not':
			return !condition.sets.some((set) => evaluateCondition(set, environment));
		case 'atom':
			return environment.choose(condition.key, condition.text);
		case 'auth-header':
			return environment.authHeader(condition.header);
		case 'has-header':
			return environment.hasHeader(condition.header);
	}
}

/** The matcher set as Caddyfile text (`path /share/* /rest/*`), or undefined for forms the fixes do not rewrite. */
export function entryText(entry: MatcherEntry): string | undefined {
	if (entry.block) return undefined;
	return [entry.typeToken, ...entry.args].map((token) => token.raw).join(' ');
}
