/**
A tolerant parser for Apache httpd configuration (httpd.conf, apache2.conf, the files of sites-enabled and conf.d). It follows
Apache's own reading of a file (server/util.c `ap_cfg_getline`, `ap_getword_conf`; server/config.c):

- one directive per line; a line ending in `\` continues on the next one; `#` starts a comment only as the first
  non-blank character of a line (there are no trailing comments);
- words are split on white space; `"…"` and `'…'` quote a word (a backslash escapes the quote inside it);
- `<Name args>` opens a section and `</Name>` closes it; names compare case-insensitively;
- `Define NAME [value]` and `UnDefine NAME` take effect from the next line on, inside `<IfDefine>` sections only
  when those hold; `${NAME}` in a word is replaced when NAME is defined (else kept as written, as Apache does);
- `Include`/`IncludeOptional` splice files in: a relative path is relative to ServerRoot; wildcards match in byte
  order and skip names starting with `.`; a directory includes every file in it; `IncludeOptional` never fails.

It never throws: problems become errors with spans, and include depth, file count, total size and nesting are bounded.
*/
import { basename, dirname, resolvePath } from '../../files.js';
import { isGlob } from '../../glob.js';
import type { Span } from '../../text.js';
import type { ApacheArg, ApacheConfig, ApacheDirective, ApacheErrorCode, ApacheNode, ApacheParseError, ApacheSection } from './ast.js';

export type ApacheLimits = { maxIncludeDepth: number; maxFiles: number; maxTotalLength: number; maxNesting: number; maxErrors: number };

export const defaultApacheLimits: ApacheLimits = { maxIncludeDepth: 16, maxFiles: 256, maxTotalLength: 8_000_000, maxNesting: 64, maxErrors: 500 };

export type ApacheParseOptions = {
	/** Absolute path (or a label) of the text; relative includes need an absolute one. */
	file?: string;
	/** ServerRoot for relative includes when the text does not set one (a guess from the file's place). */
	serverRoot?: string;
	/** Text of a file by absolute path, `undefined` when it cannot be read. */
	readFile?: (path: string) => string | undefined;
	/** Absolute paths matching an absolute glob. */
	listFiles?: (glob: string) => string[];
	/** Names defined before the file is read (`-D NAME` on the command line). */
	defines?: Record<string, string>;
	limits?: Partial<ApacheLimits>;
};

export type ApacheParseResult = { config: ApacheConfig; errors: ApacheParseError[] };

type State = {
	options: ApacheParseOptions;
	limits: ApacheLimits;
	defines: Map<string, string>;
	serverRoot: string | undefined;
	guessedRoot: string | undefined;
	files: string[];
	total: number;
	errors: ApacheParseError[];
	stack: string[];
	limitsReported: Set<string>;
};

/** Parse `text` and everything it includes. Never throws. */
export function parseApache(text: string, options: ApacheParseOptions = {}): ApacheParseResult {
	const limits = { ...defaultApacheLimits };
	for (const key of Object.keys(limits) as Array<keyof ApacheLimits>) {
		const value = options.limits?.[key];
		if (typeof value === 'number' && value >= 0) limits[key] = value;
	}
	const file = options.file ?? '<text>';
	const state: State = {
		options,
		limits,
		defines: new Map(Object.entries(options.defines ?? {})),
		serverRoot: undefined,
		guessedRoot: options.serverRoot,
		files: [file],
		total: 0,
		errors: [],
		stack: [file],
		limitsReported: new Set(),
	};
	let nodes: ApacheNode[] = [];
	try {
		nodes = parseFile(typeof text === 'string' ? text : '', file, 0, undefined, state, []);
	} catch {
		// Written never to throw; keep whatever was read.
	}
	return { config: { nodes, defines: Object.fromEntries(state.defines), serverRoot: state.serverRoot ?? state.guessedRoot, files: state.files }, errors: state.errors };
}

function addError(state: State, message: string, span: Span, file: string, code: ApacheErrorCode): void {
	if (state.errors.length < state.limits.maxErrors) state.errors.push({ message, span, file, code });
}

function limitError(state: State, key: string, message: string, span: Span, file: string): void {
	if (state.limitsReported.has(key)) return;
	state.limitsReported.add(key);
	addError(state, message, span, file, 'limit');
}

/** One logical line: its text and where each of its pieces starts in the source. */
type Line = { text: string; pieces: Array<{ at: number; source: number }>; start: number; end: number };

function offsetOf(line: Line, index: number): number {
	let piece = line.pieces[0]!;
	for (const candidate of line.pieces) {
		if (candidate.at > index) break;
		piece = candidate;
	}
	return piece.source + (index - piece.at);
}

/** The logical lines of a text, continuation lines joined. */
function* logicalLines(text: string): Generator<Line> {
	let i = 0;
	while (i < text.length) {
		const start = i;
		const pieces: Line['pieces'] = [];
		let joined = '';
		let end = i;
		for (;;) {
			let j = text.indexOf('\n', i);
			if (j < 0) j = text.length;
			let lineEnd = j;
			if (lineEnd > i && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
			const physical = text.slice(i, lineEnd);
			const continued = physical.endsWith('\\') && j < text.length;
			pieces.push({ at: joined.length, source: i });
			joined += continued ? physical.slice(0, -1) : physical;
			end = continued ? lineEnd - 1 : lineEnd;
			i = j + 1;
			if (!continued) break;
		}
		yield { text: joined, pieces, start, end };
	}
}

/** `ap_getword_conf` over `text` from `from` to `to`: the words with their source spans. */
function words(line: Line, from: number, to: number, state: State): ApacheArg[] {
	const result: ApacheArg[] = [];
	const text = line.text;
	let i = from;
	while (i < to) {
		const code = text.charCodeAt(i);
		if (code === 32 || code === 9 || code === 11 || code === 12) {
			i++;
			continue;
		}
		const begin = i;
		let value: string;
		let quote: '"' | '\'' | undefined;
		if (code === 34 || code === 39) {
			quote = code === 34 ? '"' : '\'';
			let j = i + 1;
			let inner = '';
			while (j < to && text[j] !== quote) {
				if (text[j] === '\\' && j + 1 < to && text[j + 1] === quote) {
					inner += quote;
					j += 2;
				} else inner += text[j++];
			}
			value = inner;
			i = j < to ? j + 1 : to;
		} else {
			let j = i;
			while (j < to && !/[ \t\v\f]/.test(text[j]!)) j++;
			value = text.slice(i, j);
			i = j;
		}
		const span = { start: offsetOf(line, begin), end: offsetOf(line, i - 1) + 1 };
		const arg: ApacheArg = { value, raw: text.slice(begin, i), span };
		if (quote) arg.quote = quote;
		substitute(arg, state);
		result.push(arg);
	}
	return result;
}

/** `${NAME}` → the defined value (Apache leaves undefined ones as written and warns). */
function substitute(arg: ApacheArg, state: State): void {
	if (!arg.value.includes('${')) return;
	const missing: string[] = [];
	arg.value = arg.value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
		const value = state.defines.get(name);
		if (value !== undefined) return value;
		missing.push(name);
		return whole;
	});
	if (missing.length > 0) arg.undefinedVars = missing;
}

/** Whether every enclosing `<IfDefine>` holds with the names defined so far. */
function definesHold(open: readonly ApacheSection[], state: State): boolean {
	return open.every((section) => {
		if (section.name.toLowerCase() !== 'ifdefine') return true;
		const word = section.args[0]?.value ?? '';
		const negated = word.startsWith('!');
		return state.defines.has(negated ? word.slice(1) : word) !== negated;
	});
}

function parseFile(text: string, file: string, depth: number, via: ApacheDirective | undefined, state: State, outer: readonly ApacheSection[]): ApacheNode[] {
	const top: ApacheNode[] = [];
	const open: ApacheSection[] = [];
	const add = (node: ApacheNode): void => {
		if (via) node.via = via;
		(open.length > 0 ? open[open.length - 1]!.children : top).push(node);
	};
	for (const line of logicalLines(text)) {
		const lead = /^[ \t\v\f]*/.exec(line.text)![0].length;
		if (lead >= line.text.length || line.text[lead] === '#') continue;
		const rest = line.text.slice(lead);
		const lineSpan = { start: offsetOf(line, lead), end: line.end };
		if (rest.startsWith('</')) {
			const name = /^<\/([^\s>]*)/.exec(rest)![1]!;
			const gt = rest.indexOf('>');
			const closeSpan = { start: lineSpan.start, end: gt >= 0 ? offsetOf(line, lead + gt) + 1 : line.end };
			if (!rest.includes('>')) addError(state, `</${name} directive missing closing '>'`, lineSpan, file, 'syntax');
			const index = findOpen(open, name);
			if (index < 0) {
				addError(state, open.length > 0 ? `Expected </${open[open.length - 1]!.name}> but saw </${name}>` : `</${name}> without matching <${name}> section`, closeSpan, file, 'syntax');
				continue;
			}
			if (index !== open.length - 1) addError(state, `Expected </${open[open.length - 1]!.name}> but saw </${name}>`, closeSpan, file, 'syntax');
			while (open.length > index) {
				const section = open.pop()!;
				section.span = { start: section.span.start, end: closeSpan.end };
				if (open.length === index) section.closeSpan = closeSpan;
			}
			continue;
		}
		if (rest.startsWith('<')) {
			const nameMatch = /^<([^\s>]*)/.exec(rest)!;
			const name = nameMatch[1]!;
			const close = line.text.lastIndexOf('>');
			if (close < lead) addError(state, `<${name} directive missing closing '>'`, lineSpan, file, 'syntax');
			const argsEnd = close < lead ? line.text.length : close;
			const nameStart = lead + 1;
			const nameSpan = { start: offsetOf(line, nameStart), end: offsetOf(line, Math.max(nameStart, nameStart + name.length - 1)) + (name.length > 0 ? 1 : 0) };
			const args = words(line, nameStart + name.length, argsEnd, state);
			const headSpan = { start: lineSpan.start, end: close < lead ? line.end : offsetOf(line, close) + 1 };
			if (name === '') addError(state, 'A section needs a name after <', headSpan, file, 'syntax');
			const section: ApacheSection = { kind: 'section', name, nameSpan, args, span: { start: headSpan.start, end: text.length }, headSpan, children: [], file };
			if (outer.length + open.length >= state.limits.maxNesting) {
				limitError(state, 'nesting', `Sections nest deeper than ${state.limits.maxNesting} levels; the rest is not read as nested`, headSpan, file);
				add(section);
				continue;
			}
			add(section);
			open.push(section);
			continue;
		}
		const nameLength = /^[^ \t\v\f]*/.exec(rest)![0].length;
		const name = rest.slice(0, nameLength);
		const directive: ApacheDirective = {
			kind: 'directive',
			name,
			nameSpan: { start: offsetOf(line, lead), end: offsetOf(line, lead + nameLength - 1) + 1 },
			args: words(line, lead + nameLength, line.text.length, state),
			span: lineSpan,
			file,
		};
		add(directive);
		const lower = name.toLowerCase();
		const active = definesHold([...outer, ...open], state);
		if (lower === 'define' && active && directive.args[0]) state.defines.set(directive.args[0].value, directive.args[1]?.value ?? '');
		else if (lower === 'undefine' && active && directive.args[0]) state.defines.delete(directive.args[0].value);
		else if (lower === 'serverroot' && directive.args[0] && open.length === 0 && outer.length === 0) state.serverRoot = directive.args[0].value.replace(/\/+$/, '') || '/';
		else if ((lower === 'include' || lower === 'includeoptional') && directive.args[0]) {
			// The included nodes follow the Include in the list that holds it; they keep `via` (the Include).
			(open.length > 0 ? open[open.length - 1]!.children : top).push(...include(directive, depth, state, [...outer, ...open]));
		}
	}
	for (const section of open) addError(state, `<${section.name}> was not closed`, section.headSpan, file, 'syntax');
	return top;
}

function findOpen(open: readonly ApacheSection[], name: string): number {
	const wanted = name.toLowerCase();
	for (let i = open.length - 1; i >= 0; i--) if (open[i]!.name.toLowerCase() === wanted) return i;
	return -1;
}

/** Candidate absolute paths for an include: against ServerRoot (as written, then guessed), then the including file's folder. */
export function includeCandidates(path: string, includingFile: string, serverRoot: string | undefined, guessedRoot?: string): string[] {
	if (path.startsWith('/')) return [resolvePath('/', path)];
	const candidates: string[] = [];
	for (const base of [serverRoot, guessedRoot, includingFile.startsWith('/') ? dirname(includingFile) : undefined]) {
		if (!base?.startsWith('/')) continue;
		const candidate = resolvePath(base, path);
		if (!candidates.includes(candidate)) candidates.push(candidate);
	}
	return candidates;
}

function include(directive: ApacheDirective, depth: number, state: State, outer: readonly ApacheSection[]): ApacheNode[] {
	const arg = directive.args[0]!;
	const optional = directive.name.toLowerCase() === 'includeoptional';
	const file = directive.file;
	if (arg.undefinedVars) return [];
	const candidates = includeCandidates(arg.value, file, state.serverRoot, state.guessedRoot);
	if (candidates.length === 0) return [];
	const glob = isGlob(arg.value);
	let found: Array<{ path: string; text?: string }> = [];
	for (const candidate of candidates) {
		if (glob) found = listMatches(candidate, state).map((path) => ({ path }));
		else {
			const text = safeRead(candidate, state);
			if (text !== undefined) found = [{ path: candidate, text }];
			else found = listMatches(`${candidate}/*`, state).map((path) => ({ path }));
		}
		if (found.length > 0) break;
	}
	if (found.length === 0) {
		if (!glob && !optional) addError(state, `Could not open configuration file ${candidates[0]}: No such file or directory`, arg.span, file, 'include-not-found');
		return [];
	}
	directive.included = [];
	if (depth + 1 > state.limits.maxIncludeDepth) {
		limitError(state, 'depth', `Includes nest deeper than ${state.limits.maxIncludeDepth} levels; this one is not read`, arg.span, file);
		return [];
	}
	const nodes: ApacheNode[] = [];
	for (const entry of found) {
		if (state.stack.includes(entry.path)) {
			addError(state, `${entry.path} includes itself`, arg.span, file, 'include-cycle');
			continue;
		}
		if (state.files.length >= state.limits.maxFiles) {
			limitError(state, 'files', `More than ${state.limits.maxFiles} files are included; the rest are not read`, arg.span, file);
			break;
		}
		const text = entry.text ?? safeRead(entry.path, state);
		if (text === undefined) continue;
		if (state.total + text.length > state.limits.maxTotalLength) {
			limitError(state, 'size', `Included files exceed ${state.limits.maxTotalLength} characters; the rest are not read`, arg.span, file);
			break;
		}
		state.total += text.length;
		if (!state.files.includes(entry.path)) state.files.push(entry.path);
		directive.included.push(entry.path);
		state.stack.push(entry.path);
		nodes.push(...parseFile(text, entry.path, depth + 1, directive, state, outer));
		state.stack.pop();
	}
	return nodes;
}

function safeRead(path: string, state: State): string | undefined {
	try {
		const text = state.options.readFile?.(path);
		return typeof text === 'string' ? text : undefined;
	} catch {
		return undefined;
	}
}

function listMatches(pattern: string, state: State): string[] {
	let listed: unknown;
	try {
		listed = state.options.listFiles?.(pattern);
	} catch {
		return [];
	}
	if (!Array.isArray(listed)) return [];
	const files = new Set<string>();
	for (const entry of listed) if (typeof entry === 'string' && entry.startsWith('/') && !basename(entry).startsWith('.')) files.add(entry);
	return [...files].sort(compareBytes);
}

function compareBytes(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
