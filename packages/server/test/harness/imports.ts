/**
The architecture test's checker (issue 12, Deliver 6): the "may import" table of ARCHITECTURE.md, every import of a
set of TypeScript files, the imports the table forbids and the import cycles. Pure: files come in as text, so the
negative controls run it on in-memory trees.
*/
import { builtinModules } from 'node:module';
import { posix } from 'node:path';

/** One import of a file: `import`/`import type`, `export … from`, `import()` or `require()`. */
export type ImportSite = {
	/** 1-based line of the specifier. */
	line: number;
	/** The specifier, or undefined for a computed `import()`/`require()` argument. */
	specifier: string | undefined;
	kind: 'import' | 'export' | 'dynamic' | 'require';
};

/** One row of the table: the folders (or files) it covers and what their files may import. */
export type ImportRow = {
	/** The row's first cell as written. */
	label: string;
	/** Repository-relative patterns, folders ending in `/`; `<name>` matches one path segment. */
	patterns: string[];
	/** Allowed targets (see {@link parseImportTable}); `*` allows anything. */
	allowed: string[];
	/** Targets the row names after "never": excluded even where an allowed target covers them. */
	never: string[];
};

/** A forbidden import. */
export type Violation = { file: string; line: number; specifier: string; target: string; row: string; reason: string };

export type CheckResult = {
	violations: Violation[];
	/** Each cycle as the files along it, the first repeated at the end. */
	cycles: string[][];
	/** Problems with the table itself: a file no row covers, a row or target that names no file. */
	tableProblems: string[];
};

export type CheckOptions = {
	/** Workspace package names → their source folder (repository-relative, ending in `/`), which the name stands for in the table. */
	workspacePackages: Record<string, string>;
	/** Specifiers of workspace packages' exports (`@scope/name`, `@scope/name/sub`) → the source file they resolve to. */
	entryPoints?: Record<string, string>;
};

const serverSource = 'packages/server/src/';
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

// ---------------------------------------------------------------------------------------------------------------------
// Scanning imports

type Token = { kind: 'id' | 'str' | 'tpl' | 'punct'; value: string; start: number; computed?: boolean };

/** Keywords after which a `/` starts a regular expression, not a division. */
const regexAfter = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Tokens of TypeScript text, without comments; enough of the lexical grammar to never mistake a string for code. */
function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	/** Brace depths at which an open template literal resumes. */
	const templates: number[] = [];
	let depth = 0;
	let i = 0;
	/** Reads a template literal from `from`; a resumed one (after a substitution) is already a token. */
	const readTemplate = (start: number, from: number, resumed: boolean): void => {
		let j = from;
		let value = '';
		while (j < text.length && text.charAt(j) !== '`') {
			if (text.charAt(j) === '\\') {
				value += text.charAt(j + 1);
				j += 2;
			} else if (text.charAt(j) === '$' && text.charAt(j + 1) === '{') {
				templates.push(depth);
				depth++;
				if (!resumed) tokens.push({ kind: 'tpl', value, start, computed: true });
				i = j + 2;
				return;
			} else value += text.charAt(j++);
		}
		if (!resumed) tokens.push({ kind: 'tpl', value, start });
		i = j + 1;
	};
	while (i < text.length) {
		const c = text.charAt(i);
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
		} else if (c === '/' && text.charAt(i + 1) === '/') {
			const end = text.indexOf('\n', i);
			i = end < 0 ? text.length : end;
		} else if (c === '/' && text.charAt(i + 1) === '*') {
			const end = text.indexOf('*/', i + 2);
			i = end < 0 ? text.length : end + 2;
		} else if (c === '"' || c === "'") {
			let j = i + 1;
			let value = '';
			while (j < text.length && text.charAt(j) !== c && text.charAt(j) !== '\n') {
				if (text.charAt(j) === '\\') {
					value += text.charAt(j + 1);
					j += 2;
				} else value += text.charAt(j++);
			}
			tokens.push({ kind: 'str', value, start: i });
			i = j + 1;
		} else if (c === '`') {
			readTemplate(i, i + 1, false);
		} else if (c === '}' && templates.length > 0 && templates.at(-1) === depth - 1) {
			templates.pop();
			depth--;
			readTemplate(i, i + 1, true);
		} else if (c === '/' && startsRegExp(tokens.at(-1))) {
			let j = i + 1;
			let inClass = false;
			while (j < text.length && text.charAt(j) !== '\n') {
				if (text.charAt(j) === '\\') j++;
				else if (text.charAt(j) === '[') inClass = true;
				else if (text.charAt(j) === ']') inClass = false;
				else if (text.charAt(j) === '/' && !inClass) break;
				j++;
			}
			j++;
			while (j < text.length && /[\w$]/.test(text.charAt(j))) j++;
			tokens.push({ kind: 'punct', value: 're', start: i });
			i = j;
		} else if (/[\w$]/.test(c)) {
			let j = i + 1;
			while (j < text.length && /[\w$]/.test(text.charAt(j))) j++;
			tokens.push({ kind: 'id', value: text.slice(i, j), start: i });
			i = j;
		} else {
			if (c === '{') depth++;
			else if (c === '}') depth--;
			tokens.push({ kind: 'punct', value: c, start: i });
			i++;
		}
	}
	return tokens;
}

function startsRegExp(previous: Token | undefined): boolean {
	if (!previous) return true;
	if (previous.kind === 'id') return regexAfter.has(previous.value);
	if (previous.kind === 'punct') return previous.value !== ')' && previous.value !== ']' && previous.value !== '}' && previous.value !== 're';
	return false;
}

/** Tokens that may stand between `import`/`export` and `from`. */
function isClauseToken(token: Token): boolean {
	return token.kind === 'id' || (token.kind === 'punct' && (token.value === '{' || token.value === '}' || token.value === ',' || token.value === '*'));
}

/** Every import of one file's text, in order. */
export function scanImports(text: string): ImportSite[] {
	const tokens = tokenize(text);
	const lineStarts = [0];
	for (let i = 0; i < text.length; i++) if (text.charAt(i) === '\n') lineStarts.push(i + 1);
	const lineOf = (offset: number): number => {
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (lineStarts[mid]! <= offset) low = mid;
			else high = mid - 1;
		}
		return low + 1;
	};
	const sites: ImportSite[] = [];
	const literal = (token: Token | undefined): string | undefined => (token && (token.kind === 'str' || (token.kind === 'tpl' && !token.computed)) ? token.value : undefined);
	const call = (at: number, kind: 'dynamic' | 'require'): void => {
		const argument = tokens[at + 2];
		const specifier = literal(argument);
		const computed = specifier === undefined || tokens[at + 3]?.value !== ')' && tokens[at + 3]?.value !== ',';
		sites.push({ line: lineOf((argument ?? tokens[at]!).start), specifier: computed ? undefined : specifier, kind });
	};
	/** From a clause start, the `from 'x'` string that ends it, if the clause is one. */
	const fromClause = (at: number): Token | undefined => {
		for (let j = at; j < tokens.length; j++) {
			const token = tokens[j]!;
			if (token.kind === 'id' && token.value === 'from' && tokens[j + 1]?.kind === 'str') return tokens[j + 1];
			if (!isClauseToken(token)) return undefined;
		}
		return undefined;
	};
	for (let i = 0; i < tokens.length; i++) {
		const token = tokens[i]!;
		if (token.kind !== 'id' || tokens[i - 1]?.value === '.') continue;
		const next = tokens[i + 1];
		if (token.value === 'import') {
			if (next?.value === '(') call(i, 'dynamic');
			else if (next?.kind === 'str') sites.push({ line: lineOf(next.start), specifier: next.value, kind: 'import' });
			else if (next && next.value !== '.') {
				const source = fromClause(i + 1);
				if (source) sites.push({ line: lineOf(source.start), specifier: source.value, kind: 'import' });
			}
		} else if (token.value === 'export') {
			const clause = next?.value === 'type' ? i + 2 : i + 1;
			if (tokens[clause]?.value === '*' || tokens[clause]?.value === '{') {
				const source = fromClause(clause);
				if (source) sites.push({ line: lineOf(source.start), specifier: source.value, kind: 'export' });
			}
		} else if (token.value === 'require' && next?.value === '(') {
			call(i, 'require');
		}
	}
	return sites;
}

// ---------------------------------------------------------------------------------------------------------------------
// The table

/** Splits a Markdown table line into its cells. */
function cells(line: string): string[] {
	const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
	return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The code spans of a cell outside parentheses (which hold commentary). */
function codeSpans(cell: string): string[] {
	let text = cell;
	for (let previous = ''; previous !== text; ) {
		previous = text;
		text = text.replace(/\([^()]*\)/g, ' ');
	}
	return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

/** A path as written in the table, repository-relative: `…/` is `packages/server/src/`. */
function expandPath(path: string): string {
	return path.startsWith('…/') ? serverSource + path.slice(2) : path;
}

/**
The "may import" table of ARCHITECTURE.md: the first table with a "folder" and a "may import" column. In the folder
cell every code span is a pattern; in the "may import" cell the code spans before the word "never" are allowed, those
after it are not. A target is a folder (ends in `/`) or a file (ends in `.ts`), both written from the repository root
or with `…/` for `packages/server/src/`; `node:*` or `node:<name>`; an npm package name (its subpaths too;
`@scope/*` for a scope); or, as a cell's only word, "anything".
*/
export function parseImportTable(markdown: string): ImportRow[] {
	const lines = markdown.split('\n');
	for (let i = 0; i + 1 < lines.length; i++) {
		if (!lines[i]!.trim().startsWith('|')) continue;
		const header = cells(lines[i]!).map((cell) => cell.toLowerCase());
		const folderColumn = header.indexOf('folder');
		const importColumn = header.indexOf('may import');
		if (folderColumn < 0 || importColumn < 0) continue;
		const rows: ImportRow[] = [];
		for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++) {
			const row = cells(lines[j]!);
			const target = row[importColumn] ?? '';
			const never = target.search(/\bnever\b/);
			const allowedText = never < 0 ? target : target.slice(0, never);
			const allowed = codeSpans(allowedText).map(expandPath);
			if (allowed.length === 0 && /^anything\b/i.test(allowedText.trim())) allowed.push('*');
			const folder = row[folderColumn] ?? '';
			rows.push({ label: folder, patterns: codeSpans(folder).map(expandPath), allowed, never: never < 0 ? [] : codeSpans(target.slice(never)).map(expandPath) });
		}
		return rows;
	}
	throw new Error('no table with "folder" and "may import" columns');
}

// ---------------------------------------------------------------------------------------------------------------------
// Checking

type Binding = Record<string, string>;

/** Whether a repository-relative path lies in a pattern; the bindings of its `<name>` segments if so. */
function matchPattern(pattern: string, path: string): Binding | undefined {
	const folder = pattern.endsWith('/');
	const want = pattern.replace(/\/$/, '').split('/');
	const have = path.replace(/\/$/, '').split('/');
	if (folder ? have.length < want.length || (have.length === want.length && !path.endsWith('/')) : have.length !== want.length) return undefined;
	const binding: Binding = {};
	for (let k = 0; k < want.length; k++) {
		const wanted = want[k]!;
		const segment = have[k]!;
		const placeholder = /^<(\w+)>$/.exec(wanted);
		if (placeholder) binding[placeholder[1]!] = segment;
		else if (wanted.includes('*') ? !globSegment(wanted).test(segment) : wanted !== segment) return undefined;
	}
	return binding;
}

function globSegment(segment: string): RegExp {
	return new RegExp(`^${segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

function bind(pattern: string, binding: Binding): string {
	return pattern.replace(/<(\w+)>/g, (whole, name: string) => binding[name] ?? whole);
}

/** The most specific row for a file: the longest pattern, literal segments before placeholders. */
function rowOf(rows: ImportRow[], file: string): { row: ImportRow; binding: Binding } | undefined {
	let best: { row: ImportRow; binding: Binding; score: number } | undefined;
	for (const row of rows) {
		for (const pattern of row.patterns) {
			const binding = matchPattern(pattern, file);
			if (!binding) continue;
			const segments = pattern.replace(/\/$/, '').split('/');
			const score = segments.length * 100 - segments.filter((segment) => segment.startsWith('<') || segment.includes('*')).length + (pattern.endsWith('/') ? 0 : 50);
			if (!best || score > best.score) best = { row, binding, score };
		}
	}
	return best;
}

/** What an import leads to: a repository-relative path, or an external `node:<name>` or npm specifier. */
type Target = { kind: 'path'; path: string } | { kind: 'node'; name: string } | { kind: 'package'; specifier: string };

function resolveTarget(file: string, specifier: string, files: Set<string>, folders: Set<string>, options: CheckOptions): Target {
	const existing = (base: string): string => {
		const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base.replace(/\.cjs$/, '.cts'), `${base}.ts`, `${base}/index.ts`];
		return candidates.find((candidate) => files.has(candidate)) ?? (folders.has(base) ? `${base}/` : base);
	};
	if (specifier.startsWith('.') || specifier.startsWith('/')) return { kind: 'path', path: existing(posix.normalize(posix.join(posix.dirname(file), specifier))) };
	if (specifier.startsWith('node:')) return { kind: 'node', name: specifier.slice(5) };
	const entry = options.entryPoints?.[specifier];
	if (entry !== undefined) return { kind: 'path', path: entry };
	const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
	const workspace = options.workspacePackages[packageName];
	if (workspace !== undefined) {
		const rest = specifier.slice(packageName.length).replace(/^\//, '');
		return { kind: 'path', path: existing(posix.join(workspace, rest || 'index.ts').replace(/\/index\.ts\/index\.ts$/, '/index.ts')) };
	}
	if (builtins.has(packageName)) return { kind: 'node', name: packageName };
	return { kind: 'package', specifier };
}

/** A path as the table writes it. */
function shorten(path: string): string {
	return path.startsWith(serverSource) ? `…/${path.slice(serverSource.length)}` : path;
}

function describe(target: Target): string {
	return target.kind === 'path' ? target.path : target.kind === 'node' ? `node:${target.name}` : target.specifier;
}

function isPathTarget(entry: string): boolean {
	return entry.endsWith('/') || /\.[cm]?ts$/.test(entry);
}

/** Whether one table target (already bound) admits an import target. */
function admits(allowed: string, target: Target, options: CheckOptions): boolean {
	if (allowed === '*') return true;
	if (allowed.startsWith('node:')) return target.kind === 'node' && (allowed === 'node:*' || allowed === `node:${target.name}`);
	if (isPathTarget(allowed)) return target.kind === 'path' && matchPattern(allowed, target.path) !== undefined;
	const workspace = options.workspacePackages[allowed];
	if (workspace !== undefined) return target.kind === 'path' && target.path.startsWith(workspace);
	if (target.kind !== 'package') return false;
	if (allowed.endsWith('/*')) return target.specifier.startsWith(allowed.slice(0, -1));
	return target.specifier === allowed || target.specifier.startsWith(`${allowed}/`);
}

/** Strongly connected components of a graph (Tarjan), each with more than one node or a self-loop. */
function tangles(graph: Map<string, Set<string>>): string[][] {
	let index = 0;
	const indices = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string): void => {
		// Iterative, so a deep import chain cannot overflow the stack.
		const work: Array<{ node: string; edges: Iterator<string> }> = [];
		const enter = (at: string): void => {
			indices.set(at, index);
			low.set(at, index++);
			stack.push(at);
			onStack.add(at);
			work.push({ node: at, edges: (graph.get(at) ?? new Set()).values() });
		};
		enter(node);
		while (work.length > 0) {
			const frame = work.at(-1)!;
			const edge = frame.edges.next();
			if (!edge.done) {
				const to = edge.value;
				if (!indices.has(to)) enter(to);
				else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, indices.get(to)!));
				continue;
			}
			work.pop();
			const parent = work.at(-1);
			if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
			if (low.get(frame.node) === indices.get(frame.node)) {
				const component: string[] = [];
				let member: string;
				do {
					member = stack.pop()!;
					onStack.delete(member);
					component.push(member);
				} while (member !== frame.node);
				if (component.length > 1 || graph.get(frame.node)?.has(frame.node)) found.push(component.sort());
			}
		}
	};
	for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
	return found;
}

/** The shortest path from one node to another inside a component (breadth-first). */
function shortestPath(graph: Map<string, Set<string>>, from: string, to: string, within: Set<string>): string[] | undefined {
	const previous = new Map<string, string>([[from, from]]);
	const queue = [from];
	for (let k = 0; k < queue.length; k++) {
		const node = queue[k]!;
		if (node === to) {
			const path = [to];
			while (path[0] !== from) path.unshift(previous.get(path[0]!)!);
			return path;
		}
		for (const next of [...(graph.get(node) ?? [])].sort()) {
			if (within.has(next) && !previous.has(next)) {
				previous.set(next, node);
				queue.push(next);
			}
		}
	}
	return undefined;
}

/**
The cycles of an import graph: for every edge inside a strongly connected component, the shortest cycle through it,
each cycle once (rotated to start at its smallest file).
*/
export function findCycles(graph: Map<string, Set<string>>): string[][] {
	const cycles = new Map<string, string[]>();
	for (const component of tangles(graph)) {
		const within = new Set(component);
		for (const from of component) {
			for (const to of [...(graph.get(from) ?? [])].sort()) {
				if (!within.has(to)) continue;
				const back = shortestPath(graph, to, from, within);
				if (!back) continue;
				const cycle = [from, ...back.slice(0, -1)];
				const first = [...cycle].sort()[0]!;
				const start = cycle.indexOf(first);
				const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
				cycles.set(rotated.join('\n'), [...rotated, first]);
			}
		}
	}
	return [...cycles.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
}

/**
Checks files (repository-relative path → text) against the table: forbidden imports, cycles, and table problems
(a file no row covers; a row or path target under `packages/` that names no file, which is a typo or a stale row).
*/
export function checkImports(files: Map<string, string>, rows: ImportRow[], options: CheckOptions): CheckResult {
	const paths = new Set(files.keys());
	const folders = new Set<string>();
	for (const path of paths) for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) folders.add(path.slice(0, cut));
	const violations: Violation[] = [];
	const tableProblems: string[] = [];
	const graph = new Map<string, Set<string>>();
	const names = (pattern: string): boolean => [...paths].some((path) => matchPattern(pattern.replace(/<\w+>/g, '*'), path) !== undefined);
	for (const row of rows) {
		for (const pattern of row.patterns) if (pattern.startsWith('packages/') && !names(pattern)) tableProblems.push(`row ${row.label}: ${pattern} covers no file`);
		for (const entry of [...row.allowed, ...row.never]) if (entry.startsWith('packages/') && isPathTarget(entry) && !names(entry)) tableProblems.push(`row ${row.label}: target ${entry} names no file`);
	}
	for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
		const edges = new Set<string>();
		graph.set(file, edges);
		const owner = rowOf(rows, file);
		if (!owner) tableProblems.push(`no row covers ${file}`);
		for (const site of scanImports(text)) {
			const row = owner?.row.label ?? '(none)';
			if (site.specifier === undefined) {
				violations.push({ file, line: site.line, specifier: '(computed)', target: '(computed)', row, reason: `a computed ${site.kind === 'require' ? 'require()' : 'import()'} cannot be checked` });
				continue;
			}
			const target = resolveTarget(file, site.specifier, paths, folders, options);
			if (target.kind === 'path' && paths.has(target.path)) edges.add(target.path);
			if (!owner) continue;
			const excluded = owner.row.never.find((entry) => admits(bind(entry, owner.binding), target, options));
			if (excluded) {
				violations.push({ file, line: site.line, specifier: site.specifier, target: describe(target), row, reason: `the row says never ${shorten(bind(excluded, owner.binding))}` });
				continue;
			}
			const targetRow = target.kind === 'path' ? rowOf(rows, target.path) : undefined;
			const own = targetRow?.row === owner.row && JSON.stringify(targetRow.binding) === JSON.stringify(owner.binding);
			if (!own && !owner.row.allowed.some((entry) => admits(bind(entry, owner.binding), target, options))) {
				violations.push({ file, line: site.line, specifier: site.specifier, target: describe(target), row, reason: 'not in its "may import"' });
			}
		}
	}
	return { violations, cycles: findCycles(graph), tableProblems };
}

/** One line per violation: `file:line → target (row: reason)`. */
export function formatViolation(violation: Violation): string {
	const via = violation.specifier === violation.target ? '' : ` (${violation.specifier})`;
	return `${violation.file}:${violation.line} → ${violation.target}${via}; row ${violation.row}: ${violation.reason}`;
}
