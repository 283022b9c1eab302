/**
A tolerant parser for `haproxy.cfg` (HAProxy configuration manual §2.1–§2.4, §4). HAProxy reads a file line by line:
words are cut at unprotected spaces and tabs, an unprotected `#` starts a comment, backslashes escape outside single
quotes, double quotes are weak (environment variables expand there), single quotes strong. A section keyword starts a
section that runs to the next one. This parser never throws: it returns the tree and the problems HAProxy would refuse.
*/
import type { Span } from '../../text.js';
import type { HaproxyAcl, HaproxyAclTest, HaproxyCondition, HaproxyConfig, HaproxyLine, HaproxyParseError, HaproxyRule, HaproxySection, HaproxySectionKind, HaproxyServer, HaproxySwitch, HaproxyTerm, HaproxyWord } from './ast.js';

/** Keywords that start a section (configuration manual §3, §4, and the other top-level sections of 2.6). */
const sectionKeywords = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'log-forward', 'fcgi-app', 'crt-store', 'traces']);
const proxyKinds: ReadonlySet<string> = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist']);
/** ACL flags that take an argument. */
const flagsWithArgument = new Set(['-f', '-m', '-M']);
const flagsAlone = new Set(['-i', '-n', '-u']);
/** Errors kept per file (the handler caps what it reports anyway). */
const maxErrors = 400;

export type HaproxyParseResult = { config: HaproxyConfig; errors: HaproxyParseError[] };

/** Parses one configuration file; `file` is its path (or a label) for spans. */
export function parseHaproxy(text: string, file = '<haproxy.cfg>'): HaproxyParseResult {
	const errors: HaproxyParseError[] = [];
	const error = (message: string, span: Span): void => {
		if (errors.length < maxErrors) errors.push({ message, span, file });
	};
	const sections: HaproxySection[] = [];
	let current: HaproxySection | undefined;
	let start = 0;
	while (start <= text.length) {
		let end = text.indexOf('\n', start);
		if (end < 0) end = text.length;
		const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
		const words = splitWords(text, start, lineEnd, error);
		if (words.length > 0) {
			const line: HaproxyLine = { keyword: words[0]!.value, words, span: { start: words[0]!.span.start, end: words[words.length - 1]!.span.end }, file };
			if (line.keyword.startsWith('.')) {
				// Conditional blocks (`.if`, `.elif`, `.else`, `.endif`) and diagnostics: the lines inside are kept as written.
			} else if (sectionKeywords.has(line.keyword)) {
				current = newSection(line, file);
				sections.push(current);
			} else if (!current) {
				error(`'${line.keyword}' is outside any section; HAProxy expects a section keyword (global, defaults, frontend, backend, listen) first`, words[0]!.span);
			} else addLine(current, line, error);
		}
		if (end >= text.length) break;
		start = end + 1;
	}
	return { config: { file, sections }, errors };
}

/** Cuts one line into words (manual §2.2); an unmatched quote is reported and closes at the end of the line. */
export function splitWords(text: string, from: number, to: number, error: (message: string, span: Span) => void = () => undefined): HaproxyWord[] {
	const words: HaproxyWord[] = [];
	let i = from;
	while (i < to) {
		const c = text[i]!;
		if (c === ' ' || c === '\t') {
			i++;
			continue;
		}
		if (c === '#') break;
		const begin = i;
		// Fast path: a word without escapes or quotes is its own text.
		let plainEnd = i;
		while (plainEnd < to && !' \t#\\\'"'.includes(text[plainEnd]!)) plainEnd++;
		const stop = text[plainEnd];
		if (plainEnd === to || stop === ' ' || stop === '\t' || stop === '#') {
			const raw = text.slice(begin, plainEnd);
			words.push({ value: raw, raw, span: { start: begin, end: plainEnd } });
			i = plainEnd;
			continue;
		}
		let value = '';
		let quoted = false;
		let env = false;
		while (i < to) {
			const ch = text[i]!;
			if (ch === ' ' || ch === '\t' || ch === '#') break;
			if (ch === '\\') {
				const [decoded, length] = unescape(text, i, to, false);
				value += decoded;
				i += length;
				continue;
			}
			if (ch === "'") {
				quoted = true;
				const close = text.indexOf("'", i + 1);
				const stop = close < 0 || close >= to ? to : close;
				if (stop === to) error('Unmatched single quote: HAProxy refuses this line', { start: i, end: to });
				value += text.slice(i + 1, stop);
				i = stop === to ? to : stop + 1;
				continue;
			}
			if (ch === '"') {
				quoted = true;
				let j = i + 1;
				let closed = false;
				while (j < to) {
					const inner = text[j]!;
					if (inner === '"') {
						closed = true;
						j++;
						break;
					}
					if (inner === '\\') {
						const [decoded, length] = unescape(text, j, to, true);
						value += decoded;
						j += length;
						continue;
					}
					if (inner === '$' && /[A-Za-z_{]/.test(text[j + 1] ?? '')) env = true;
					value += inner;
					j++;
				}
				if (!closed) error('Unmatched double quote: HAProxy refuses this line', { start: i, end: to });
				i = j;
				continue;
			}
			value += ch;
			i++;
		}
		const word: HaproxyWord = { value, raw: text.slice(begin, i), span: { start: begin, end: i } };
		if (quoted) word.quoted = true;
		if (env) word.env = true;
		words.push(word);
	}
	return words;
}

/** One backslash escape at `at`: the decoded text and how many characters it took. Unknown escapes stay as written. */
function unescape(text: string, at: number, to: number, inDoubleQuotes: boolean): [string, number] {
	const next = text[at + 1];
	if (next === undefined || at + 1 >= to) return ['\\', 1];
	switch (next) {
		case ' ':
		case '\t':
		case '#':
		case '\\':
		case "'":
		case '"':
			return [next, 2];
		case '$':
			return inDoubleQuotes ? ['$', 2] : ['\\$', 2];
		case 'n':
			return ['\n', 2];
		case 'r':
			return ['\r', 2];
		case 't':
			return ['\t', 2];
		case 'x': {
			const hex = text.slice(at + 2, at + 4);
			if (at + 4 <= to && /^[0-9A-Fa-f]{2}$/.test(hex)) return [String.fromCharCode(Number.parseInt(hex, 16)), 4];
			return ['\\x', 2];
		}
		default:
			return [`\\${next}`, 2];
	}
}

function newSection(header: HaproxyLine, file: string): HaproxySection {
	const keyword = header.keyword;
	const kind: HaproxySectionKind = proxyKinds.has(keyword) ? (keyword as HaproxySectionKind) : 'other';
	const words = header.words;
	const hasName = words[1] !== undefined && words[1].value !== 'from';
	const nameWord = hasName ? words[1] : undefined;
	const fromAt = words.findIndex((word, index) => index >= 1 && word.value === 'from');
	return {
		kind,
		keyword,
		name: nameWord?.value,
		nameWord,
		from: fromAt > 0 ? words[fromAt + 1]?.value : undefined,
		header,
		lines: [],
		span: { ...header.span },
		file,
		mode: undefined,
		acls: [],
		httpRequest: [],
		useBackend: [],
		defaultBackend: undefined,
		servers: [],
		binds: [],
		users: [],
	};
}

function addLine(section: HaproxySection, line: HaproxyLine, error: (message: string, span: Span) => void): void {
	section.lines.push(line);
	section.span.end = line.span.end;
	const words = line.words;
	switch (line.keyword) {
		case 'mode':
			section.mode = words[1]?.value;
			break;
		case 'bind':
			section.binds.push(line);
			break;
		case 'acl': {
			const nameWord = words[1];
			if (!nameWord || words.length < 3) {
				error("An 'acl' line needs a name and a criterion", line.span);
				break;
			}
			const test = parseAclTest(words.slice(2));
			if (test) section.acls.push({ ...test, name: nameWord.value, nameWord, line } satisfies HaproxyAcl);
			break;
		}
		case 'http-request': {
			const rule = parseRule(line, error);
			if (rule) section.httpRequest.push(rule);
			break;
		}
		case 'use_backend':
		case 'default_backend': {
			const entry = parseSwitch(line, error);
			if (line.keyword === 'default_backend') section.defaultBackend = entry;
			else section.useBackend.push(entry);
			break;
		}
		case 'server':
			section.servers.push(parseServer(line));
			break;
		case 'user':
			if (words[1]) section.users.push(words[1].value);
			break;
		default:
			break;
	}
}

/** The words after the keyword up to `if`/`unless`, and the condition. */
function splitCondition(words: HaproxyWord[], from: number, error: (message: string, span: Span) => void): { args: HaproxyWord[]; condition: HaproxyCondition | undefined } {
	const at = words.findIndex((word, index) => index >= from && !word.quoted && (word.value === 'if' || word.value === 'unless'));
	if (at < 0) return { args: words.slice(from), condition: undefined };
	const condition = parseCondition(words[at]!, words.slice(at + 1), error);
	return { args: words.slice(from, at), condition };
}

function parseRule(line: HaproxyLine, error: (message: string, span: Span) => void): HaproxyRule | undefined {
	const actionWord = line.words[1];
	if (!actionWord) {
		error("'http-request' needs an action", line.span);
		return undefined;
	}
	const { args, condition } = splitCondition(line.words, 2, error);
	const empty = args.find((word) => word.value === '' && word.quoted);
	// Measured on HAProxy 2.6: an empty quoted word ends the arguments, so `set-header Remote-User ""` is refused.
	if (empty) error(`HAProxy stops reading arguments at an empty word, so this '${actionWord.value}' rule is refused at start-up; use 'http-request del-header' to remove a header`, empty.span);
	return { line, action: actionWord.value, actionWord, args, condition };
}

function parseSwitch(line: HaproxyLine, error: (message: string, span: Span) => void): HaproxySwitch {
	const backend = line.words[1];
	if (!backend) error(`'${line.keyword}' needs a backend name`, line.span);
	const { condition } = splitCondition(line.words, 2, error);
	return { line, backend, condition };
}

/** `if|unless` terms: `name`, `!name`, `{ test }`, `!{ test }`, `||`/`or` between groups. */
export function parseCondition(keyword: HaproxyWord, words: HaproxyWord[], error: (message: string, span: Span) => void = () => undefined): HaproxyCondition {
	const groups: HaproxyTerm[][] = [[]];
	let i = 0;
	while (i < words.length) {
		const word = words[i]!;
		let negated = false;
		let value = word.value;
		const start = word.span.start;
		if (!word.quoted && (value === '||' || value === 'or')) {
			groups.push([]);
			i++;
			continue;
		}
		if (!word.quoted && value === '!') {
			negated = true;
			i++;
			if (i >= words.length) {
				error("'!' must be followed by an ACL", word.span);
				break;
			}
			value = words[i]!.value;
		} else if (!word.quoted && value.startsWith('!')) {
			negated = true;
			value = value.slice(1);
		}
		const group = groups[groups.length - 1]!;
		if (value === '{') {
			const open = i;
			let close = open + 1;
			while (close < words.length && words[close]!.value !== '}') close++;
			if (close >= words.length) error("Anonymous ACL not closed: '}' is missing (HAProxy needs spaces around the braces)", { start, end: words[words.length - 1]!.span.end });
			const inner = words.slice(open + 1, close);
			const endWord = words[Math.min(close, words.length - 1)]!;
			const test = parseAclTest(inner);
			const span = { start, end: endWord.span.end };
			if (test) group.push({ kind: 'anonymous', negated, test, span, text: words.slice(open, close + 1).map((w) => w.raw).join(' ') });
			else error('Empty anonymous ACL', span);
			i = close + 1;
			continue;
		}
		const current = words[i]!;
		group.push({ kind: 'named', negated, name: value, span: { start, end: current.span.end }, text: `${negated ? '!' : ''}${value}` });
		i++;
	}
	const last = words[words.length - 1];
	const filtered = groups.filter((group) => group.length > 0);
	if (filtered.length === 0) error(`'${keyword.value}' needs a condition`, keyword.span);
	return {
		polarity: keyword.value === 'unless' ? 'unless' : 'if',
		keyword,
		groups: filtered,
		span: { start: keyword.span.start, end: last ? last.span.end : keyword.span.end },
		text: [keyword.raw, ...words.map((word) => word.raw)].join(' '),
	};
}

/** `<fetch>[,conv…] [flags] [patterns]`. */
export function parseAclTest(words: HaproxyWord[]): HaproxyAclTest | undefined {
	const fetchWord = words[0];
	if (!fetchWord) return undefined;
	const flags: Array<{ flag: string; arg?: string }> = [];
	let i = 1;
	while (i < words.length) {
		const value = words[i]!.value;
		if (value === '--') {
			i++;
			break;
		}
		if (flagsAlone.has(value)) flags.push({ flag: value });
		else if (flagsWithArgument.has(value)) {
			flags.push({ flag: value, arg: words[i + 1]?.value ?? '' });
			i++;
		} else break;
		i++;
	}
	const last = words[words.length - 1]!;
	return { fetch: fetchWord.value, fetchWord, flags, patterns: words.slice(i), span: { start: fetchWord.span.start, end: last.span.end } };
}

/** `name addr[:port] …`: host and port, unless a variable, a unix socket or a port offset. */
function parseServer(line: HaproxyLine): HaproxyServer {
	const address = line.words[2];
	const server: HaproxyServer = { line, name: line.words[1]?.value ?? '', address, host: undefined, port: undefined };
	if (!address || address.env || address.value.includes('$')) return server;
	let value = address.value;
	const prefix = /^([a-z0-9+]+)@/i.exec(value);
	if (prefix) {
		const family = prefix[1]!.toLowerCase();
		if (family !== 'ipv4' && family !== 'ipv6' && family !== 'tcp' && family !== 'tcp4' && family !== 'tcp6') return server;
		value = value.slice(prefix[0].length);
	}
	const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
	if (bracket) return { ...server, host: bracket[1]!.toLowerCase(), port: bracket[2] ? Number(bracket[2]) : undefined };
	const colon = value.lastIndexOf(':');
	if (colon < 0) return { ...server, host: value.toLowerCase() || undefined };
	if (value.indexOf(':') !== colon) return { ...server, host: value.toLowerCase() };
	const port = value.slice(colon + 1);
	return { ...server, host: value.slice(0, colon).toLowerCase() || undefined, port: /^\d{1,5}$/.test(port) ? Number(port) : undefined };
}
