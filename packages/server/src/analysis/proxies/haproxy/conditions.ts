/**
HAProxy ACL evaluation for one modelled request (configuration manual §7.1, §7.2): a condition is groups of terms
ANDed, groups ORed; several `acl` lines with one name are ORed, as are the patterns of one line. Fetches the model
knows (the path, the Host header, the method, the user header the client sent, variables, `http_auth`) are decided;
any other (`src`, `ssl_fc`, other headers, pattern files) is undecided, and the caller says what it takes it to be.
*/
import type { HaproxyAcl, HaproxyAclTest, HaproxyCondition, HaproxyTerm } from '../../formats/haproxy/index.js';
import { compileGoRegexp } from '../../regexp/index.js';

/** `true`, `false`, or `undefined` when the model cannot tell. */
export type Tri = boolean | undefined;

/** What the model knows about one request while HAProxy evaluates its rules. */
export type RequestFacts = {
	/** The path, BaseURL included, without the query. */
	path: string;
	host: string;
	method: string;
	/** Lower-case request header names the client sent, with their values (the user header when forged). */
	headers: ReadonlyMap<string, string[]>;
	/** Variables set so far (`txn.auth_response_successful` → `true`), by full name. */
	vars: ReadonlyMap<string, string>;
	/** Whether the client's Basic credentials are in a userlist (`http_auth`), or `undefined` when there is none. */
	basicValid: boolean;
};

/** Where a decision came from when it was not decided: the term texts, for the route's conditions. */
export type Evaluation = { value: Tri; undecided: string[] };

/** ACL lines by name (own and inherited), in order. */
export type AclTable = ReadonlyMap<string, readonly HaproxyAcl[]>;

/** HAProxy's predefined ACLs (manual §7.4) the model decides. */
const predefined: Record<string, (facts: RequestFacts) => Tri> = {
	TRUE: () => true,
	FALSE: () => false,
	HTTP: () => true,
	HTTP_1_0: () => false,
	HTTP_1_1: () => true,
	HTTP_CONTENT: () => false,
	HTTP_URL_ABS: () => false,
	HTTP_URL_SLASH: (facts) => facts.path.startsWith('/'),
	HTTP_URL_STAR: () => false,
	METH_GET: (facts) => facts.method === 'GET' || facts.method === 'HEAD',
	METH_HEAD: (facts) => facts.method === 'HEAD',
	METH_POST: (facts) => facts.method === 'POST',
	METH_PUT: (facts) => facts.method === 'PUT',
	METH_OPTIONS: (facts) => facts.method === 'OPTIONS',
	METH_CONNECT: () => false,
	METH_DELETE: () => false,
	METH_TRACE: () => false,
	REQ_CONTENT: () => false,
	WAIT_END: () => undefined,
	LOCALHOST: () => undefined,
	RDP_COOKIE: () => undefined,
};

/** A condition's value: `if` as is, `unless` negated. `undefined` when it rests on an undecided term. */
export function evaluateCondition(condition: HaproxyCondition | undefined, acls: AclTable, facts: RequestFacts): Evaluation {
	if (!condition) return { value: true, undecided: [] };
	const undecided: string[] = [];
	let any: Tri = false;
	for (const group of condition.groups) {
		let all: Tri = true;
		for (const term of group) {
			const value = evaluateTerm(term, acls, facts);
			if (value === undefined) undecided.push(term.text);
			all = and(all, value);
			if (all === false) break;
		}
		any = or(any, all);
		if (any === true) break;
	}
	const value = condition.polarity === 'unless' ? not(any) : any;
	return { value, undecided: value === undefined ? undecided : [] };
}

function evaluateTerm(term: HaproxyTerm, acls: AclTable, facts: RequestFacts): Tri {
	let value: Tri;
	if (term.kind === 'anonymous') value = evaluateTest(term.test, facts);
	else {
		const lines = acls.get(term.name);
		if (lines && lines.length > 0) {
			value = false;
			for (const line of lines) {
				value = or(value, evaluateTest(line, facts));
				if (value === true) break;
			}
		} else value = predefined[term.name]?.(facts);
	}
	return term.negated ? not(value) : value;
}

type Sample = { kind: 'strings'; values: string[] } | { kind: 'bool'; value: boolean } | { kind: 'unknown' };
type Method = 'str' | 'beg' | 'end' | 'sub' | 'dir' | 'dom' | 'reg' | 'found' | 'bool' | 'len' | 'int' | 'ip';

const suffixes: Record<string, Method> = { beg: 'beg', end: 'end', sub: 'sub', dir: 'dir', dom: 'dom', reg: 'reg', len: 'len', str: 'str', cnt: 'int', val: 'int', ip: 'ip', found: 'found' };

type CompiledTest = { name: string; arg: string | undefined; method: Method | undefined; converters: string[] };
const compiledTests = new WeakMap<HaproxyAclTest, CompiledTest>();

/** The fetch, its argument, the method its suffix implies and the converters, read once per test. */
function compiled(test: HaproxyAclTest): CompiledTest {
	let entry = compiledTests.get(test);
	if (entry) return entry;
	const [head, ...converters] = splitTopLevel(test.fetch, ',');
	let { name, arg } = fetchName(head ?? '');
	let method: Method | undefined;
	const derived = /^(path|url|base|hdr|req\.hdr|urlp|cook|req\.cook)_([a-z]+)$/.exec(name);
	if (derived && suffixes[derived[2]!]) {
		name = derived[1]!;
		method = suffixes[derived[2]!];
	}
	entry = { name, arg, method, converters };
	compiledTests.set(test, entry);
	return entry;
}

/** One ACL test against the request. */
export function evaluateTest(test: HaproxyAclTest, facts: RequestFacts): Tri {
	const { name, arg, converters } = compiled(test);
	let method = compiled(test).method;
	let sample = fetch(name, arg, facts);
	for (const converter of converters) {
		if (sample.kind !== 'strings') break;
		const conv = converter.trim();
		if (conv === 'lower') sample = { kind: 'strings', values: sample.values.map((value) => value.toLowerCase()) };
		else if (conv === 'upper') sample = { kind: 'strings', values: sample.values.map((value) => value.toUpperCase()) };
		else sample = { kind: 'unknown' };
	}
	if (sample.kind === 'unknown') return undefined;
	const explicit = test.flags.find((flag) => flag.flag === '-m')?.arg;
	if (explicit) method = explicit as Method;
	if (test.flags.some((flag) => flag.flag === '-f' || flag.flag === '-M')) return undefined;
	if (sample.kind === 'bool') {
		if (method === undefined || method === 'bool') return sample.value;
		if (method === 'found') return true;
		return undefined;
	}
	const values = sample.values;
	method ??= 'str';
	if (method === 'found') return values.length > 0;
	if (method === 'bool') return values.some((value) => value === 'true' || (/^-?\d+$/.test(value) && Number(value) !== 0));
	if (values.length === 0) return false;
	const fold = test.flags.some((flag) => flag.flag === '-i');
	const patterns = test.patterns.map((word) => word.value);
	if (patterns.length === 0) return false;
	let result: Tri = false;
	for (const value of values) {
		for (const pattern of patterns) {
			result = or(result, matches(method, value, pattern, fold));
			if (result === true) return true;
		}
	}
	return result;
}

function matches(method: Method, value: string, pattern: string, fold: boolean): Tri {
	const v = fold ? value.toLowerCase() : value;
	const p = fold ? pattern.toLowerCase() : pattern;
	switch (method) {
		case 'str':
			return v === p;
		case 'beg':
			return v.startsWith(p);
		case 'end':
			return v.endsWith(p);
		case 'sub':
			return v.includes(p);
		case 'dir':
			return delimited(v, p, '/');
		case 'dom':
			return delimited(v, p, '/?.:');
		case 'len': {
			const length = Number(p);
			return Number.isFinite(length) ? v.length === length : undefined;
		}
		case 'reg': {
			const compiled = compileGoRegexp(fold ? `(?i)${pattern}` : pattern);
			return compiled?.matches(value);
		}
		default:
			return undefined;
	}
}

/** `path_dir`/`hdr_dom`: the pattern is one whole delimited part of the value. */
function delimited(value: string, pattern: string, delimiters: string): boolean {
	const parts = value.split(new RegExp(`[${delimiters.replace(/[.?/]/g, '\\$&')}]`));
	const wanted = pattern.replace(new RegExp(`^[${delimiters.replace(/[.?/]/g, '\\$&')}]+|[${delimiters.replace(/[.?/]/g, '\\$&')}]+$`, 'g'), '');
	if (!wanted) return false;
	const words = wanted.split(new RegExp(`[${delimiters.replace(/[.?/]/g, '\\$&')}]`));
	for (let i = 0; i + words.length <= parts.length; i++) if (words.every((word, k) => parts[i + k] === word)) return true;
	return false;
}

/** `hdr(host)` → `hdr`, `host`; `path` → `path`. */
export function fetchName(text: string): { name: string; arg: string | undefined } {
	const open = text.indexOf('(');
	if (open < 0 || !text.endsWith(')')) return { name: text.trim(), arg: undefined };
	return { name: text.slice(0, open).trim(), arg: text.slice(open + 1, -1).trim() };
}

/** Splits at `separator` outside parentheses and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quote = '';
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (quote) {
			if (c === quote) quote = '';
			continue;
		}
		if (c === '"' || c === "'") quote = c;
		else if (c === '(') depth++;
		else if (c === ')') depth = Math.max(0, depth - 1);
		else if (c === separator && depth === 0) {
			parts.push(text.slice(start, i));
			start = i + 1;
		}
	}
	parts.push(text.slice(start));
	return parts;
}

function fetch(name: string, arg: string | undefined, facts: RequestFacts): Sample {
	const strings = (values: string[]): Sample => ({ kind: 'strings', values });
	switch (name) {
		case 'path':
		case 'url':
		case 'pathq':
			return strings([facts.path]);
		case 'base':
			return strings([`${facts.host}${facts.path}`]);
		case 'method':
			return strings([facts.method]);
		case 'hdr':
		case 'req.hdr':
		case 'req.fhdr':
		case 'fhdr': {
			const header = (arg ?? '').split(',')[0]!.trim().toLowerCase();
			if (header === 'host') return strings([facts.host]);
			const sent = facts.headers.get(header);
			return sent ? strings(sent) : header ? strings([]) : { kind: 'unknown' };
		}
		case 'var': {
			const value = facts.vars.get((arg ?? '').split(',')[0]!.trim());
			return strings(value === undefined ? [] : [value]);
		}
		case 'http_auth':
			return { kind: 'bool', value: facts.basicValid };
		case 'http_auth_group':
			// The groups are not modelled: a valid user is taken to be in them.
			return { kind: 'bool', value: facts.basicValid };
		case 'always_true':
			return { kind: 'bool', value: true };
		case 'always_false':
			return { kind: 'bool', value: false };
		default:
			return { kind: 'unknown' };
	}
}

function and(a: Tri, b: Tri): Tri {
	if (a === false || b === false) return false;
	if (a === undefined || b === undefined) return undefined;
	return true;
}

function or(a: Tri, b: Tri): Tri {
	if (a === true || b === true) return true;
	if (a === undefined || b === undefined) return undefined;
	return false;
}

function not(a: Tri): Tri {
	return a === undefined ? undefined : !a;
}
