/**
Traefik router rules (proxies.md §4.3, §4.4): matcher calls such as ``Host(`music.example.com`)``,
``PathPrefix(`/rest/`)`` or ``Query(`c`, `NavidromeUI`)`` joined by `&&`, `||`, `!` and parentheses. Traefik parses
them with Go's expression parser (vulcand/predicate, `pkg/rules/parser.go`): arguments are Go string literals (backtick
raw strings or double-quoted strings with escapes), `&&` binds tighter than `||`, and a matcher name is accepted as
written in the docs, all lower case, all upper case or capitalised (`PathPrefix`, `pathprefix`, `PATHPREFIX`,
`Pathprefix`). A router whose rule does not parse is not served. The default priority is the rule's length in bytes
(`pkg/muxer/http/mux.go` `GetRulePriority`: `len(rule)`).

`evaluateRule` answers whether a concrete request matches, in three values: a matcher this analysis cannot decide
(`ClientIP`, a regular expression the RE2 port cannot run) is `maybe`.
*/
import { compileGoRegexp, type GoRegexp } from '../../regexp/index.js';
import type { Span } from '../../text.js';

/** Matchers of Traefik v3 and the v2 syntax, by canonical name. */
export const matcherNames = ['Host', 'HostHeader', 'HostRegexp', 'Path', 'PathPrefix', 'PathRegexp', 'Method', 'Header', 'Headers', 'HeaderRegexp', 'HeadersRegexp', 'Query', 'QueryRegexp', 'ClientIP'] as const;
export type MatcherName = (typeof matcherNames)[number];

export type RuleArgument = { value: string; span: Span };

export type RuleNode =
	| { kind: 'or' | 'and'; left: RuleNode; right: RuleNode; span: Span }
	| { kind: 'not'; operand: RuleNode; span: Span }
	| { kind: 'matcher'; name: MatcherName; written: string; args: RuleArgument[]; span: Span };

export type RuleParse = { tree: RuleNode | undefined; error: { message: string; span: Span } | undefined };

const acceptedNames = new Map<string, MatcherName>();
for (const name of matcherNames) {
	acceptedNames.set(name, name);
	acceptedNames.set(name.toLowerCase(), name);
	acceptedNames.set(name.toUpperCase(), name);
	acceptedNames.set(name.charAt(0).toUpperCase() + name.slice(1).toLowerCase(), name);
}

const maxRuleLength = 20_000;
const maxDepth = 200;

type Token =
	| { kind: 'ident'; text: string; span: Span }
	| { kind: 'string'; value: string; span: Span }
	| { kind: '(' | ')' | ',' | '&&' | '||' | '!' | 'end'; span: Span };

class RuleError extends Error {
	constructor(
		message: string,
		readonly span: Span,
	) {
		super(message);
	}
}

/** Parses a rule; never throws. */
export function parseRule(rule: unknown): RuleParse {
	if (typeof rule !== 'string') return { tree: undefined, error: { message: 'the rule is not text', span: { start: 0, end: 0 } } };
	if (rule.trim() === '') return { tree: undefined, error: { message: 'the rule is empty', span: { start: 0, end: rule.length } } };
	if (rule.length > maxRuleLength) return { tree: undefined, error: { message: 'the rule is too long to analyse', span: { start: 0, end: rule.length } } };
	try {
		const tokens = tokenize(rule);
		const parser = new Parser(tokens);
		const tree = parser.expression(0);
		const next = parser.peek();
		if (next.kind !== 'end') throw new RuleError(`unexpected ${describe(next, rule)}`, next.span);
		return { tree, error: undefined };
	} catch (error) {
		if (error instanceof RuleError) return { tree: undefined, error: { message: error.message, span: error.span } };
		return { tree: undefined, error: { message: 'the rule could not be read', span: { start: 0, end: rule.length } } };
	}
}

function describe(token: Token, rule: string): string {
	if (token.kind === 'end') return 'end of rule';
	return `'${rule.slice(token.span.start, token.span.end).slice(0, 40)}'`;
}

function tokenize(rule: string): Token[] {
	const tokens: Token[] = [];
	let at = 0;
	while (at < rule.length) {
		const char = rule[at]!;
		if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
			at++;
			continue;
		}
		const two = rule.slice(at, at + 2);
		if (two === '&&' || two === '||') {
			tokens.push({ kind: two, span: { start: at, end: at + 2 } });
			at += 2;
			continue;
		}
		if (char === '(' || char === ')' || char === ',' || char === '!') {
			tokens.push({ kind: char, span: { start: at, end: at + 1 } });
			at++;
			continue;
		}
		if (char === '`') {
			const close = rule.indexOf('`', at + 1);
			if (close < 0) throw new RuleError('unterminated `…` string', { start: at, end: rule.length });
			tokens.push({ kind: 'string', value: rule.slice(at + 1, close), span: { start: at, end: close + 1 } });
			at = close + 1;
			continue;
		}
		if (char === '"') {
			const { value, end } = readQuoted(rule, at);
			tokens.push({ kind: 'string', value, span: { start: at, end } });
			at = end;
			continue;
		}
		const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rule.slice(at, at + 256));
		if (ident) {
			tokens.push({ kind: 'ident', text: ident[0], span: { start: at, end: at + ident[0].length } });
			at += ident[0].length;
			continue;
		}
		if (char === "'") throw new RuleError("single quotes are not string delimiters in Traefik rules (use `…` or \"…\")", { start: at, end: at + 1 });
		throw new RuleError(`unexpected character '${char}'`, { start: at, end: at + 1 });
	}
	tokens.push({ kind: 'end', span: { start: rule.length, end: rule.length } });
	return tokens;
}

/** A Go interpreted string literal starting at `start` (`"`). */
function readQuoted(rule: string, start: number): { value: string; end: number } {
	let value = '';
	for (let index = start + 1; index < rule.length; index++) {
		const char = rule[index]!;
		if (char === '\n') break;
		if (char === '"') return { value, end: index + 1 };
		if (char !== '\\') {
			value += char;
			continue;
		}
		const next = rule[index + 1];
		const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
		if (next !== undefined && next in simple) {
			value += simple[next];
			index++;
			continue;
		}
		const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
		if (width > 0) {
			const hex = rule.slice(index + 2, index + 2 + width);
			if (hex.length === width && /^[0-9A-Fa-f]+$/.test(hex)) {
				const code = Number.parseInt(hex, 16);
				value += width === 2 ? String.fromCharCode(code) : code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
				index += 1 + width;
				continue;
			}
		}
		const octal = rule.slice(index + 1, index + 4);
		if (/^[0-7]{3}$/.test(octal)) {
			value += String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
			index += 3;
			continue;
		}
		throw new RuleError('invalid escape in a "…" string', { start: index, end: index + 2 });
	}
	throw new RuleError('unterminated "…" string', { start, end: rule.length });
}

class Parser {
	private index = 0;

	constructor(private readonly tokens: Token[]) {}

	peek(): Token {
		return this.tokens[this.index]!;
	}

	private take(): Token {
		const token = this.tokens[this.index]!;
		if (token.kind !== 'end') this.index++;
		return token;
	}

	expression(depth: number): RuleNode {
		this.guard(depth);
		let left = this.conjunction(depth + 1);
		while (this.peek().kind === '||') {
			this.take();
			const right = this.conjunction(depth + 1);
			left = { kind: 'or', left, right, span: { start: left.span.start, end: right.span.end } };
		}
		return left;
	}

	private conjunction(depth: number): RuleNode {
		this.guard(depth);
		let left = this.unary(depth + 1);
		while (this.peek().kind === '&&') {
			this.take();
			const right = this.unary(depth + 1);
			left = { kind: 'and', left, right, span: { start: left.span.start, end: right.span.end } };
		}
		return left;
	}

	private unary(depth: number): RuleNode {
		this.guard(depth);
		const token = this.peek();
		if (token.kind === '!') {
			this.take();
			const operand = this.unary(depth + 1);
			return { kind: 'not', operand, span: { start: token.span.start, end: operand.span.end } };
		}
		if (token.kind === '(') {
			this.take();
			const inner = this.expression(depth + 1);
			const close = this.take();
			if (close.kind !== ')') throw new RuleError('missing )', close.span);
			return { ...inner, span: { start: token.span.start, end: close.span.end } } as RuleNode;
		}
		if (token.kind === 'ident') return this.call();
		throw new RuleError(token.kind === 'end' ? 'the rule ends where a matcher was expected' : 'a matcher such as Host(`…`) was expected', token.span);
	}

	private call(): RuleNode {
		const ident = this.take() as Extract<Token, { kind: 'ident' }>;
		const name = acceptedNames.get(ident.text);
		if (!name) throw new RuleError(`unknown matcher ${ident.text}`, ident.span);
		const open = this.take();
		if (open.kind !== '(') throw new RuleError(`${ident.text} must be followed by (`, open.span);
		const args: RuleArgument[] = [];
		for (;;) {
			const token = this.take();
			if (token.kind === ')') break;
			if (token.kind !== 'string') throw new RuleError(`${ident.text} takes string arguments`, token.span);
			args.push({ value: token.value, span: token.span });
			const separator = this.take();
			if (separator.kind === ')') break;
			if (separator.kind !== ',') throw new RuleError('expected , or )', separator.span);
		}
		const end = this.tokens[this.index - 1]!.span.end;
		if (args.length === 0) throw new RuleError(`${ident.text} needs an argument`, { start: ident.span.start, end });
		return { kind: 'matcher', name, written: ident.text, args, span: { start: ident.span.start, end } };
	}

	private guard(depth: number): void {
		if (depth > maxDepth) throw new RuleError('the rule is nested too deeply to analyse', this.peek().span);
	}
}

/** Traefik's default priority: `len(rule)`, the length in UTF-8 bytes. */
export function rulePriority(rule: string): number {
	let bytes = 0;
	for (let index = 0; index < rule.length; index++) {
		const code = rule.charCodeAt(index);
		if (code < 0x80) bytes += 1;
		else if (code < 0x800) bytes += 2;
		else if (code >= 0xd800 && code <= 0xdbff && index + 1 < rule.length) {
			bytes += 4;
			index++;
		} else bytes += 3;
	}
	return bytes;
}

/** A concrete request to test rules against. */
export type Probe = {
	host: string;
	path: string;
	method: string;
	query: ReadonlyArray<readonly [string, string]>;
	headers: ReadonlyArray<readonly [string, string]>;
};

export type Truth = 'yes' | 'no' | 'maybe';

export function evaluateRule(node: RuleNode, probe: Probe, depth = 0): Truth {
	if (depth > maxDepth) return 'maybe';
	switch (node.kind) {
		case 'or': {
			const left = evaluateRule(node.left, probe, depth + 1);
			if (left === 'yes') return 'yes';
			const right = evaluateRule(node.right, probe, depth + 1);
			if (right === 'yes') return 'yes';
			return left === 'maybe' || right === 'maybe' ? 'maybe' : 'no';
		}
		case 'and': {
			const left = evaluateRule(node.left, probe, depth + 1);
			if (left === 'no') return 'no';
			const right = evaluateRule(node.right, probe, depth + 1);
			if (right === 'no') return 'no';
			return left === 'maybe' || right === 'maybe' ? 'maybe' : 'yes';
		}
		case 'not': {
			const value = evaluateRule(node.operand, probe, depth + 1);
			return value === 'yes' ? 'no' : value === 'no' ? 'yes' : 'maybe';
		}
		default:
			return evaluateMatcher(node, probe);
	}
}

function any(values: readonly string[], test: (value: string) => Truth): Truth {
	let result: Truth = 'no';
	for (const value of values) {
		const truth = test(value);
		if (truth === 'yes') return 'yes';
		if (truth === 'maybe') result = 'maybe';
	}
	return result;
}

function truth(value: boolean): Truth {
	return value ? 'yes' : 'no';
}

function evaluateMatcher(node: Extract<RuleNode, { kind: 'matcher' }>, probe: Probe): Truth {
	const args = node.args.map((arg) => arg.value);
	switch (node.name) {
		case 'Host':
		case 'HostHeader':
			return any(args, (host) => truth(host.toLowerCase() === probe.host.toLowerCase()));
		case 'HostRegexp':
			return any(args, (pattern) => regexpTest(pattern, probe.host, pattern.includes('{')));
		case 'Path':
			return any(args, (path) => truth(path === probe.path));
		case 'PathPrefix':
			return any(args, (prefix) => truth(probe.path.startsWith(prefix)));
		case 'PathRegexp':
			return any(args, (pattern) => regexpTest(pattern, probe.path, false));
		case 'Method':
			return any(args, (method) => truth(method.toUpperCase() === probe.method.toUpperCase()));
		case 'Header':
		case 'Headers': {
			const [name = '', value = ''] = args;
			const values = probe.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
			return truth(values.includes(value));
		}
		case 'HeaderRegexp':
		case 'HeadersRegexp': {
			const [name = '', pattern = ''] = args;
			const values = probe.headers.filter(([key]) => key.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
			return any(values, (value) => regexpTest(pattern, value, false));
		}
		case 'Query':
			return queryMatch(args, probe);
		case 'QueryRegexp': {
			const [key = '', pattern = ''] = args;
			return any(probe.query.filter(([k]) => k === key).map(([, v]) => v), (value) => regexpTest(pattern, value, false));
		}
		default:
			return 'maybe';
	}
}

/** v3 `Query(key[, value])`; v2 `Query("key=value", …)`. */
export function queryPairs(args: readonly string[]): Array<readonly [string, string | undefined]> {
	if (args.length === 2 && !args[0]!.includes('=')) return [[args[0]!, args[1]!]];
	return args.map((arg) => {
		const equals = arg.indexOf('=');
		return equals < 0 ? ([arg, undefined] as const) : ([arg.slice(0, equals), arg.slice(equals + 1)] as const);
	});
}

function queryMatch(args: readonly string[], probe: Probe): Truth {
	const pairs = queryPairs(args);
	const single = args.length === 2 && !args[0]!.includes('=');
	const test = ([key, value]: readonly [string, string | undefined]): boolean => probe.query.some(([k, v]) => k === key && (value === undefined || v === value));
	// v2 requires every pair; v3 has one.
	return truth(single ? test(pairs[0]!) : pairs.every(test));
}

/** Go RE2 patterns on the linear-time port (analysis/regexp, which caches); v2 `{name:re}` host templates are anchored. Unsupported syntax is `maybe`. */
function regexpTest(pattern: string, subject: string, template: boolean): Truth {
	const matched = compileRulePattern(pattern, template)?.matches(subject);
	return matched === undefined ? 'maybe' : truth(matched);
}

function compileRulePattern(pattern: string, template: boolean): GoRegexp | undefined {
	if (!template) return compileGoRegexp(pattern);
	// `{subdomain:[a-z]+}.example.com` → `^(?:[a-z]+)\.example\.com$`; `{name}` is one host label.
	let out = '';
	let index = 0;
	while (index < pattern.length) {
		const char = pattern[index]!;
		if (char === '{') {
			const close = pattern.indexOf('}', index);
			if (close < 0) return undefined;
			const body = pattern.slice(index + 1, close);
			const colon = body.indexOf(':');
			out += colon < 0 ? '[^.]+' : `(?:${body.slice(colon + 1)})`;
			index = close + 1;
			continue;
		}
		out += /[.*+?^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
		index++;
	}
	return compileGoRegexp(`^${out}$`);
}

/** Literal values a rule tests, to build probe requests from. */
export type RuleLiterals = { hosts: string[]; paths: string[]; prefixes: string[]; methods: string[]; query: Array<[string, string]>; headers: Array<[string, string]> };

export function ruleLiterals(node: RuleNode | undefined, into: RuleLiterals = { hosts: [], paths: [], prefixes: [], methods: [], query: [], headers: [] }, depth = 0): RuleLiterals {
	if (!node || depth > maxDepth) return into;
	if (node.kind === 'or' || node.kind === 'and') {
		ruleLiterals(node.left, into, depth + 1);
		ruleLiterals(node.right, into, depth + 1);
		return into;
	}
	if (node.kind === 'not') return ruleLiterals(node.operand, into, depth + 1);
	if (node.kind !== 'matcher') return into;
	const args = node.args.map((arg) => arg.value);
	switch (node.name) {
		case 'Host':
		case 'HostHeader':
			into.hosts.push(...args.map((host) => host.toLowerCase()));
			break;
		case 'Path':
			into.paths.push(...args);
			break;
		case 'PathPrefix':
			into.prefixes.push(...args);
			break;
		case 'Method':
			into.methods.push(...args.map((method) => method.toUpperCase()));
			break;
		case 'Query':
			for (const [key, value] of queryPairs(args)) into.query.push([key, value ?? '1']);
			break;
		case 'Header':
		case 'Headers':
			if (args.length >= 2) into.headers.push([args[0]!, args[1]!]);
			break;
		default:
			break;
	}
	return into;
}
