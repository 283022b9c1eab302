/**
Caddyfile parser (proxies.md §2.4; [S] `caddyconfig/caddyfile/parse.go`, `dispenser.go`). It follows Caddy's token
model: addresses up to a line break (or a trailing comma), a `{` ending a line opens that line's block, a `}` closes
it, `import` lines are replaced by the snippet's or file's tokens before parsing goes on. Unlike Caddy it never stops
at the first error: it reports it and resumes at the next line or brace.
*/
import type { Span } from '../../text.js';
import type {
	ArgSubstitution,
	Block,
	CaddyfileAst,
	CaddyfileError,
	CaddyfileFeature,
	CaddyfileParseOptions,
	CaddyfileParseResult,
	Directive,
	GlobalOptions,
	ImportRecord,
	ImportSite,
	NamedRoute,
	SiteAddress,
	SiteBlock,
	Snippet,
	Token,
	TopLevelItem,
} from './ast.js';
import { filterGlobMatches, globProblem, hasGlobMeta, joinImportPath, parseVariadic, replaceArgs } from './imports.js';
import { isOnNewLine, lexCaddyfile, type LexResult } from './lexer.js';
import { interpretMatcherDefinition } from './matchers.js';

/** Deeper blocks are skipped (recursion guard). */
const maxBlockDepth = 100;
/** Longest import chain followed. */
const maxImportDepth = 32;
/** Tokens spliced in and imports expanded, in total (guards against snippets that import each other many times). */
const maxImportedTokens = 100_000;
const maxImports = 5000;
/** Distinct files read through imports, and their total UTF-16 length, per root file. */
const maxImportedFiles = 500;
const maxImportedLength = 32 * 1024 * 1024;
/** Errors (and features) reported at most; past that the file is hopeless and the list only costs memory. */
const maxErrors = 1000;

/** Parse a Caddyfile into a tree. Never throws: problems are returned in `errors`. */
export function parseCaddyfile(text: string, options: CaddyfileParseOptions = {}): CaddyfileParseResult {
	const safeOptions = sanitizeOptions(options);
	const file = safeOptions.file ?? 'Caddyfile';
	try {
		return new Parser(safeOptions, file).parseMain(typeof text === 'string' ? text : '');
	} catch (error) {
		// Last resort: the analysis must go on even if this parser has a bug.
		const message = error instanceof Error ? error.message : String(error);
		return {
			ast: { file, sites: [], snippets: [], namedRoutes: [], items: [], imports: [], env: [] },
			errors: [{ message: `Internal parser error: ${message}`, span: { start: 0, end: 0 }, file }],
			features: [],
		};
	}
}

function sanitizeOptions(options: unknown): CaddyfileParseOptions {
	if (typeof options !== 'object' || options === null) return {};
	const { file, env, readFile, listFiles, importPaths } = options as Record<string, unknown>;
	const safe: CaddyfileParseOptions = {};
	if (typeof file === 'string' && file !== '') safe.file = file;
	if (typeof env === 'object' && env !== null) {
		const values = Object.create(null) as Record<string, string>;
		for (const [name, value] of Object.entries(env)) if (typeof value === 'string') values[name] = value;
		safe.env = values;
	}
	if (typeof readFile === 'function') safe.readFile = readFile as (path: string) => string | undefined;
	if (typeof listFiles === 'function') safe.listFiles = listFiles as (glob: string) => string[];
	if (typeof importPaths === 'object' && importPaths !== null) safe.importPaths = importPaths as CaddyfileParseOptions['importPaths'];
	return safe;
}

/** Tokens to read, with imported tokens pushed in front of the rest. */
class TokenStream {
	/** The last token consumed, for "same line" decisions. */
	last: Token | undefined;
	private readonly frames: Array<{ tokens: readonly Token[]; index: number }> = [];

	constructor(tokens: readonly Token[]) {
		this.frames.push({ tokens, index: 0 });
	}

	peek(): Token | undefined {
		while (this.frames.length > 0) {
			const frame = this.frames[this.frames.length - 1]!;
			if (frame.index < frame.tokens.length) return frame.tokens[frame.index];
			this.frames.pop();
		}
		return undefined;
	}

	next(): Token | undefined {
		const token = this.peek();
		if (token) {
			this.frames[this.frames.length - 1]!.index++;
			this.last = token;
		}
		return token;
	}

	/** The next token when it is on the line of the last consumed one. */
	peekSameLine(): Token | undefined {
		const token = this.peek();
		return token && !isOnNewLine(this.last, token) ? token : undefined;
	}

	/** Consume the rest of the current line. */
	skipLine(): void {
		while (this.peekSameLine()) this.next();
	}

	push(tokens: readonly Token[]): void {
		if (tokens.length > 0) this.frames.push({ tokens, index: 0 });
	}
}

const isOpen = (token: Token | undefined): boolean => token !== undefined && token.quote === 'none' && token.text === '{';
const isClose = (token: Token | undefined): boolean => token !== undefined && token.quote === 'none' && token.text === '}';

/** State shared by the main parse and the isolated parses of snippet bodies. */
type Sink = {
	errors: CaddyfileError[];
	features: CaddyfileFeature[];
	errorKeys: Set<string>;
	featureKeys: Set<string>;
};

class Parser {
	private stream = new TokenStream([]);
	private readonly sink: Sink = { errors: [], features: [], errorKeys: new Set(), featureKeys: new Set() };
	private readonly ast: CaddyfileAst;
	private readonly snippetsByName = new Map<string, Snippet>();
	private readonly lexedFiles = new Map<string, LexResult>();
	private importedTokens = 0;
	private expandedImports = 0;
	private importedLength = 0;
	/** Budgets already reported: each gives one error, at the import that crossed it. */
	private readonly budgetsReported = new Set<string>();
	/** False while parsing a snippet body for reference: its imports are only expanded where it is used. */
	private expandImports = true;

	constructor(
		private readonly options: CaddyfileParseOptions,
		private readonly rootFile: string,
	) {
		this.ast = { file: rootFile, sites: [], snippets: [], namedRoutes: [], items: [], imports: [], env: [] };
	}

	parseMain(text: string): CaddyfileParseResult {
		const lexed = this.lex(text, this.rootFile);
		this.stream = new TokenStream(lexed.tokens);
		this.parseTopLevel();
		return { ast: this.ast, errors: this.sink.errors, features: this.sink.features };
	}

	private lex(text: string, file: string): LexResult {
		const lexed = lexCaddyfile(text, { file, env: this.options.env });
		for (const error of lexed.errors) this.error(error.message, error.span, error.file);
		for (const feature of lexed.features) this.feature(feature);
		this.ast.env.push(...lexed.env);
		return lexed;
	}

	private error(message: string, span: Span, file: string): void {
		const { errors, errorKeys } = this.sink;
		if (errors.length > maxErrors) return;
		const key = `${file}\0${span.start}\0${span.end}\0${message}`;
		if (errorKeys.has(key)) return;
		errorKeys.add(key);
		errors.push(errors.length === maxErrors ? { message: `Too many errors; the rest are not reported`, span, file } : { message, span, file });
	}

	private budgetError(budget: string, message: string, span: Span, file: string): void {
		if (this.budgetsReported.has(budget)) return;
		this.budgetsReported.add(budget);
		this.error(message, span, file);
	}

	private errorAt(token: Token, message: string): void {
		this.error(message, token.span, token.file);
	}

	private feature(feature: CaddyfileFeature): void {
		if (this.sink.features.length >= maxErrors) return;
		const key = `${feature.kind}\0${feature.file}\0${feature.span.start}\0${feature.span.end}`;
		if (this.sink.featureKeys.has(key)) return;
		this.sink.featureKeys.add(key);
		this.sink.features.push(feature);
	}

	// Top level: server blocks, snippets, named routes, global options.

	private parseTopLevel(): void {
		for (let token = this.stream.peek(); token; token = this.stream.peek()) {
			if (token.text === 'import' && isOnNewLine(this.stream.last, token)) {
				this.parseImport(true);
				continue;
			}
			if (isClose(token)) {
				this.stream.next();
				this.errorAt(token, `Unexpected '}' because no matching opening brace`);
				continue;
			}
			this.parseServerBlock();
		}
	}

	private parseServerBlock(): void {
		const addresses: SiteAddress[] = [];
		const first = this.stream.peek()!;
		let expectingAnother = false;
		for (let token = this.stream.peek(); token; token = this.stream.peek()) {
			if (addresses.length > 0 && token.text === 'import' && isOnNewLine(this.stream.last, token)) {
				this.parseImport(true);
				continue;
			}
			if (isOpen(token)) {
				if (expectingAnother) this.errorAt(token, `Expected another address but had '{' - check for extra comma`);
				break;
			}
			this.stream.next();
			this.checkAddress(token);
			let text = token.text;
			if (text !== '') {
				expectingAnother = text.endsWith(',');
				if (expectingAnother) text = text.slice(0, -1);
				// A lone `,` between spaces separates addresses (2.6.2 added an empty address for it).
				if (text !== '') addresses.push({ text, token });
			}
			const following = this.stream.peek();
			if (!following) {
				if (expectingAnother) this.errorAt(token, `Unexpected EOF: another site address was expected after ','`);
				break;
			}
			if (!expectingAnother && isOnNewLine(token, following)) break;
		}
		const next = this.stream.peek();
		const single = addresses.length === 1 ? addresses[0]! : undefined;
		if (single && single.text.startsWith('&(') && single.text.endsWith(')')) {
			this.parseNamedRoute(single.token, single.text.slice(2, -1));
			return;
		}
		if (single && single.text.startsWith('(') && single.text.endsWith(')')) {
			this.parseSnippet(single.token, single.text.slice(1, -1));
			return;
		}
		if (addresses.length === 0 && isOpen(next)) {
			this.parseGlobalOptions(next!);
			return;
		}
		if (addresses.length === 0) this.errorAt(first, `Expected a site address`);
		this.parseSite(addresses, first);
	}

	private checkAddress(token: Token): void {
		const text = token.text;
		if (token.quote === 'none' && (text === '{' || text === '}')) return;
		if (text.startsWith('@')) this.errorAt(token, `Cannot define a matcher outside of a site block: '${text}'`);
		else if (text.length > 1 && text.endsWith('{')) this.errorAt(token, `Site addresses cannot end with a curly brace: '${text}' - put a space between the token and the brace`);
		else if (text.slice(0, -1).includes(',')) this.errorAt(token, `Site addresses cannot contain a comma ',': '${text}' - put a space after the comma to separate site addresses`);
		if (token.quote !== 'none' && (text === '{' || text === '}')) this.quotedBrace(token);
	}

	private isFirstServerBlock(): boolean {
		return this.ast.items.every(item => item.kind === 'snippet');
	}

	private parseGlobalOptions(open: Token): void {
		const firstBlock = this.isFirstServerBlock();
		this.stream.next();
		const block = this.parseBlock(open, 1, 'global');
		const item: GlobalOptions = { kind: 'global', block, ...located(open, block.close ?? open) };
		if (firstBlock) this.ast.globalOptions = item;
		else this.errorAt(open, `A block without site addresses is the global options block; it must come first`);
		this.ast.items.push(item);
	}

	private parseSite(addresses: SiteAddress[], first: Token): void {
		const next = this.stream.peek();
		let block: Block;
		let braces = false;
		if (isOpen(next)) {
			braces = true;
			this.stream.next();
			block = this.parseBlock(next!, 1, 'site');
		} else {
			block = this.parseBlock(undefined, 0, 'site');
			if (block.directives.length === 0) Object.assign(block, located(first, first), { span: { start: first.span.end, end: first.span.end } });
		}
		const last = block.close ?? lastTokenOf(block) ?? addresses[addresses.length - 1]?.token ?? first;
		const site: SiteBlock = { kind: 'site', addresses, braces, block, ...located(first, last) };
		this.ast.sites.push(site);
		this.ast.items.push(site);
	}

	private parseSnippet(nameToken: Token, name: string): void {
		const open = this.stream.peek();
		if (!isOpen(open)) {
			this.errorAt(open ?? nameToken, `Syntax error: unexpected ${open ? `token '${open.text}'` : 'EOF'}, expecting '{' after snippet ${nameToken.text}`);
			return;
		}
		this.stream.next();
		const tokens: Token[] = [];
		let depth = 1;
		let close: Token | undefined;
		for (let token = this.stream.next(); token; token = this.stream.next()) {
			if (isClose(token) && --depth === 0) {
				close = token;
				break;
			}
			if (isOpen(token)) depth++;
			tokens.push(token);
		}
		if (!close) this.errorAt(open!, `Unexpected EOF: the '{' of snippet ${nameToken.text} is never closed`);
		// Parse the body alone for reference; its imports and {args} are handled where it is imported.
		const saved = { stream: this.stream, expand: this.expandImports };
		this.stream = new TokenStream(tokens);
		this.expandImports = false;
		const block = this.parseBlock(undefined, 1, 'snippet');
		this.stream = saved.stream;
		this.expandImports = saved.expand;
		block.open = open!;
		if (close) block.close = close;
		Object.assign(block, located(open!, close ?? tokens[tokens.length - 1] ?? open!));
		const snippet: Snippet = { kind: 'snippet', name, nameToken, block, tokens, ...located(nameToken, close ?? open!) };
		for (const token of tokens) this.recordPlaceholderFeatures(token);
		if (this.snippetsByName.has(name)) this.errorAt(nameToken, `Redeclaration of previously declared snippet ${name}`);
		else this.snippetsByName.set(name, snippet);
		this.ast.snippets.push(snippet);
		this.ast.items.push(snippet);
	}

	private parseNamedRoute(nameToken: Token, name: string): void {
		this.feature({ kind: 'named-route', file: nameToken.file, span: nameToken.span, minVersion: '2.7.0', message: `Named route ${nameToken.text} needs Caddy 2.7.0 or later` });
		const open = this.stream.peek();
		if (!isOpen(open)) {
			this.errorAt(open ?? nameToken, `Syntax error: unexpected ${open ? `token '${open.text}'` : 'EOF'}, expecting '{' after named route ${nameToken.text}`);
			return;
		}
		this.stream.next();
		// Caddy stores a named route's tokens without expanding imports in them.
		const saved = this.expandImports;
		this.expandImports = false;
		const block = this.parseBlock(open!, 1, 'site');
		this.expandImports = saved;
		const route: NamedRoute = { kind: 'named-route', name, nameToken, block, ...located(nameToken, block.close ?? open!) };
		this.ast.namedRoutes.push(route);
		this.ast.items.push(route);
	}

	// Blocks and directives.

	/**
	Lines up to the `}` matching `open` (or, without `open`, up to the end of the tokens). `depth` 1 is a top-level
	block, whose closing brace may be followed by the next server block on the same line.
	*/
	private parseBlock(open: Token | undefined, depth: number, context: 'global' | 'site' | 'snippet' | 'nested'): Block {
		const directives: Directive[] = [];
		const block: Block = { directives, file: open?.file ?? this.stream.peek()?.file ?? this.rootFile, span: { start: 0, end: 0 } };
		if (open) block.open = open;
		if (open?.imports) block.imports = open.imports;
		if (depth > maxBlockDepth) {
			this.errorAt(open!, `Blocks are nested too deeply (more than ${maxBlockDepth} levels); the content is skipped`);
			this.skipToMatchingClose(block);
		} else {
			this.parseLines(block, depth, context);
		}
		const matcherNames = new Set<string>();
		for (const directive of directives) {
			if (!directive.name.startsWith('@')) continue;
			directive.matcherDefinition = interpretMatcherDefinition(directive);
			if (matcherNames.has(directive.name)) this.errorAt(directive.nameToken, `Matcher is defined more than once: ${directive.name}`);
			matcherNames.add(directive.name);
		}
		const first = open ?? directives[0]?.nameToken;
		const last = block.close ?? lastTokenOf(block) ?? first;
		if (first && last) Object.assign(block, located(first, last));
		return block;
	}

	private parseLines(block: Block, depth: number, context: 'global' | 'site' | 'snippet' | 'nested'): void {
		const { directives } = block;
		for (let token = this.stream.peek(); token; token = this.stream.peek()) {
			if (isClose(token)) {
				this.stream.next();
				if (!block.open) {
					this.errorAt(token, `Unexpected '}' because no matching opening brace`);
					if (context === 'site') return;
					continue;
				}
				block.close = token;
				if (depth > 1 && this.stream.peekSameLine()) {
					this.errorAt(this.stream.peekSameLine()!, `Unexpected token after '}': a closing brace must be alone on its line`);
					this.stream.skipLine();
				}
				return;
			}
			if (token.text === 'import' && this.expandImports) {
				this.parseImport(false);
				continue;
			}
			if (isOpen(token)) {
				this.parseBraceOnNewLine(token, directives, depth);
				continue;
			}
			directives.push(this.parseDirective(depth, context === 'site' && !block.open));
		}
		// [E] caddy 2.6.2 adapt: a site block missing its `}` is accepted when the file's last token is a `}` closing an
		// inner block (its check only looks at the current token). We still report it: the brace is missing.
		if (block.open) this.errorAt(block.open, `Unexpected EOF: this '{' is never closed`);
	}

	/** A `{` starting a line: 2.6.2 attached it to the previous line, Caddy ≥ 2.7 rejects it. */
	private parseBraceOnNewLine(open: Token, directives: Directive[], depth: number): void {
		this.stream.next();
		const previous = directives[directives.length - 1];
		this.checkOpenEndsLine();
		if (previous && !previous.block && isOnNewLine(lastTokenOfDirective(previous), open)) {
			this.feature({
				kind: 'brace-on-new-line',
				file: open.file,
				span: open.span,
				minVersion: '2.0.0',
				removedIn: '2.7.0',
				message: `A '{' on its own line: Caddy 2.7.0 and later reject it ("did you mean to place the '{' on the previous line?") and 2.6 misreads the block`,
			});
			previous.block = this.parseBlock(open, depth + 1, 'nested');
			previous.span = located(previous.nameToken, previous.block.close ?? lastTokenOf(previous.block) ?? open).span;
			return;
		}
		this.errorAt(open, `Unexpected '{': a block must be opened at the end of a directive's line`);
		this.parseBlock(open, depth + 1, 'nested');
	}

	/** After consuming a `{`: Caddy (2.6.2 included) rejects anything after it on the same line. */
	private checkOpenEndsLine(): void {
		const after = this.stream.peekSameLine();
		if (after) this.errorAt(after, `Unexpected next token after '{' on same line`);
	}

	private parseDirective(depth: number, braceLessSite: boolean): Directive {
		const nameToken = this.stream.next()!;
		const directive: Directive = { kind: 'directive', name: nameToken.text, nameToken, args: [], file: nameToken.file, span: nameToken.span };
		if (nameToken.imports) directive.imports = nameToken.imports;
		if (nameToken.quote !== 'none' && (nameToken.text === '{' || nameToken.text === '}')) this.quotedBrace(nameToken);
		if (braceLessSite && looksLikeAddress(nameToken)) {
			this.errorAt(nameToken, `Unrecognized directive: ${nameToken.text} - to define a second site, use curly braces around each site's configuration`);
		}
		if (nameToken.text === 'invoke') {
			this.feature({ kind: 'invoke', file: nameToken.file, span: nameToken.span, minVersion: '2.7.0', message: `invoke needs Caddy 2.7.0 or later` });
		}
		let last = nameToken;
		for (let token = this.stream.peekSameLine(); token; token = this.stream.peekSameLine()) {
			if (isOpen(token)) {
				this.stream.next();
				this.checkOpenEndsLine();
				directive.block = this.parseBlock(token, depth + 1, 'nested');
				break;
			}
			if (isClose(token)) {
				// Caddy counts it as the end of the enclosing block but its directive parser reads it as an argument.
				this.errorAt(token, `'}' must be on its own line`);
				break;
			}
			this.stream.next();
			if (token.quote === 'none' && token.text === '{}' && !this.stream.peekSameLine()) this.errorAt(token, `Unexpected '{}' at end of line`);
			if (token.quote !== 'none' && (token.text === '{' || token.text === '}')) this.quotedBrace(token);
			directive.args.push(token);
			last = token;
		}
		const end = directive.block ? (directive.block.close ?? lastTokenOf(directive.block) ?? last) : last;
		directive.span = located(nameToken, end).span;
		return directive;
	}

	private quotedBrace(token: Token): void {
		this.errorAt(token, `Caddy reads a quoted '${token.text}' as a block brace, not as text`);
	}

	private skipToMatchingClose(block: Block): void {
		let depth = 1;
		for (let token = this.stream.next(); token; token = this.stream.next()) {
			if (isOpen(token)) depth++;
			else if (isClose(token) && --depth === 0) {
				block.close = token;
				return;
			}
		}
	}

	// Imports.

	/** `import pattern [args…] [{ block }]` at the start of a line: splice the tokens it stands for. */
	private parseImport(topLevel: boolean): void {
		const token = this.stream.next()!;
		const args: Token[] = [];
		for (let next = this.stream.peekSameLine(); next && !isOpen(next); next = this.stream.peekSameLine()) args.push(this.stream.next()!);
		let blockTokens: Token[] | undefined;
		let lastToken = args[args.length - 1] ?? token;
		const open = this.stream.peekSameLine();
		if (open && isOpen(open)) {
			this.stream.next();
			blockTokens = this.collectBlockTokens(open);
			lastToken = this.stream.last ?? open;
			this.feature({ kind: 'import-block', file: open.file, span: open.span, minVersion: '2.9.0', message: `Passing a block to import needs Caddy 2.9.0 or later` });
		}
		const span = located(token, lastToken).span;
		const [pattern, ...importArgs] = args;
		const record: ImportRecord = { token, args: importArgs, kind: 'file', target: '', files: [], status: 'invalid', file: token.file, span };
		if (pattern) record.pattern = pattern;
		if (blockTokens) record.blockTokens = blockTokens;
		if (token.imports) record.imports = token.imports;
		this.ast.imports.push(record);
		if (!pattern) {
			this.errorAt(token, `Wrong argument count or unexpected line ending after 'import'`);
			return;
		}
		if (pattern.text === '') {
			this.errorAt(pattern, `Import requires a non-empty filepath`);
			return;
		}
		const chain = token.imports ?? [];
		if (chain.length >= maxImportDepth) {
			record.status = 'too-deep';
			this.budgetError('depth', `Imports are nested too deeply (more than ${maxImportDepth} levels)`, span, token.file);
			return;
		}
		const snippet = this.snippetsByName.get(pattern.text);
		const parts = snippet ? this.snippetImport(record, snippet, chain) : this.fileImport(record, pattern, chain, token);
		if (!parts) return;
		const total = parts.reduce((sum, part) => sum + part.tokens.length, 0);
		if (this.importedTokens + total > maxImportedTokens || this.expandedImports >= maxImports) {
			record.status = 'too-large';
			this.budgetError('tokens', `Imports expand to too many tokens (more than ${maxImportedTokens} tokens or ${maxImports} imports); the rest is not expanded`, span, token.file);
			return;
		}
		this.importedTokens += total;
		this.expandedImports++;
		record.status = 'resolved';
		const expanded: Token[] = [];
		for (const part of parts) {
			const site: ImportSite = { kind: record.kind === 'snippet' ? 'snippet' : 'file', target: part.target, file: token.file, span };
			const allowSnippets = topLevel && record.kind !== 'snippet';
			expanded.push(...expandImportedTokens(part.tokens, importArgs, blockTokens ?? [], [...chain, site], allowSnippets));
		}
		this.stream.push(expanded);
	}

	private snippetImport(record: ImportRecord, snippet: Snippet, chain: readonly ImportSite[]): Array<{ target: string; tokens: Token[] }> | undefined {
		record.kind = 'snippet';
		record.target = snippet.name;
		if (chain.some(site => site.kind === 'snippet' && site.target === snippet.name)) {
			record.status = 'cycle';
			this.error(`A cycle of imports exists: snippet ${snippet.name} imports itself`, record.span, record.file);
			return undefined;
		}
		return [{ target: snippet.name, tokens: snippet.tokens }];
	}

	private fileImport(record: ImportRecord, pattern: Token, chain: readonly ImportSite[], token: Token): Array<{ target: string; tokens: Token[] }> | undefined {
		const path = joinImportPath(token.file, pattern.text, this.options.importPaths);
		record.target = path;
		const glob = hasGlobMeta(path);
		record.kind = glob ? 'glob' : 'file';
		let files: string[];
		if (glob) {
			const problem = globProblem(path);
			if (problem) {
				this.errorAt(pattern, problem);
				return undefined;
			}
			if (!this.options.listFiles) {
				record.status = 'unavailable';
				return undefined;
			}
			files = filterGlobMatches(path, this.callListFiles(path));
		} else {
			if (!this.options.readFile) {
				record.status = 'unavailable';
				return undefined;
			}
			files = [path];
		}
		const parts: Array<{ target: string; tokens: Token[] }> = [];
		for (const file of files) {
			if (file === this.rootFile || chain.some(site => site.kind === 'file' && site.target === file)) {
				record.status = 'cycle';
				this.error(`A cycle of imports exists: ${file} imports itself`, record.span, record.file);
				return undefined;
			}
			const lexed = this.lexImportedFile(file);
			if (lexed === 'too-many-files' || lexed === 'too-long') {
				const message = lexed === 'too-many-files' ? `More than ${maxImportedFiles} files are imported; the rest are not read` : `Imported files exceed ${maxImportedLength} characters in total; the rest are not read`;
				this.budgetError(lexed, message, record.span, record.file);
				if (parts.length > 0) break;
				record.status = 'too-large';
				return undefined;
			}
			if (!lexed) {
				record.status = 'missing';
				this.errorAt(pattern, glob ? `Could not import ${file}` : `File to import not found: ${pattern.text}`);
				return undefined;
			}
			record.files.push(file);
			for (const imported of lexed.tokens) this.recordPlaceholderFeatures(imported);
			parts.push({ target: file, tokens: lexed.tokens });
		}
		return parts;
	}

	private callListFiles(glob: string): string[] {
		try {
			const listed: unknown = this.options.listFiles!(glob);
			if (!Array.isArray(listed)) return [];
			return [...new Set(listed.filter((path): path is string => typeof path === 'string'))].sort();
		} catch {
			return [];
		}
	}

	private lexImportedFile(path: string): LexResult | 'too-many-files' | 'too-long' | undefined {
		const cached = this.lexedFiles.get(path);
		if (cached) return cached;
		if (this.lexedFiles.size >= maxImportedFiles) return 'too-many-files';
		let text: unknown;
		try {
			text = this.options.readFile?.(path);
		} catch {
			text = undefined;
		}
		if (typeof text !== 'string') return undefined;
		if (this.importedLength + text.length > maxImportedLength) return 'too-long';
		this.importedLength += text.length;
		const lexed = this.lex(text, path);
		this.lexedFiles.set(path, lexed);
		return lexed;
	}

	/** Tokens of `import x {` … `}` (the `{` already consumed), for `{block}`. */
	private collectBlockTokens(open: Token): Token[] {
		const tokens: Token[] = [];
		let depth = 1;
		for (let token = this.stream.next(); token; token = this.stream.next()) {
			if (isClose(token) && --depth === 0) return tokens;
			if (isOpen(token)) depth++;
			tokens.push(token);
		}
		this.errorAt(open, `Unexpected EOF: this '{' is never closed`);
		return tokens;
	}

	/** Version-dependent placeholders in a snippet or imported file. */
	private recordPlaceholderFeatures(token: Token): void {
		const text = token.text;
		if (text.includes('{args[')) {
			const inner = text.startsWith('{args[') && text.endsWith(']}') ? text.slice(6, -2) : undefined;
			const variadic = inner !== undefined && inner.includes(':') && !inner.includes(']');
			this.feature({
				kind: variadic ? 'args-variadic' : 'args-index',
				file: token.file,
				span: token.span,
				minVersion: '2.7.0',
				message: `${variadic ? 'Variadic import arguments' : 'Import arguments written {args[n]}'} need Caddy 2.7.0 or later (2.6 leaves them literally; use {args.n})`,
			});
		}
		if (text === '{block}' || (text.startsWith('{blocks.') && text.endsWith('}'))) {
			this.feature({ kind: 'block-placeholder', file: token.file, span: token.span, minVersion: '2.9.0', message: `${text} needs Caddy 2.9.0 or later` });
		}
	}
}

/** Copy imported tokens for one import: chain, `{args…}`, `{block}` and `{blocks.key}`. */
function expandImportedTokens(tokens: readonly Token[], args: readonly Token[], blockTokens: readonly Token[], chain: readonly ImportSite[], allowSnippets: boolean): Token[] {
	const out: Token[] = [];
	const blockMapping = blockTokens.length > 0 ? mapBlocks(blockTokens) : undefined;
	// In a file imported at the top level, snippet definitions keep their {args} for their own imports.
	let nesting = 0;
	let snippetHeader = false;
	let inSnippet = false;
	let previous: Token | undefined;
	for (const token of tokens) {
		if (allowSnippets && !inSnippet && nesting === 0) {
			const lineStart = isOnNewLine(previous, token);
			if (lineStart) snippetHeader = token.text.length >= 3 && token.text.startsWith('(') && token.text.endsWith(')');
			else if (!isOpen(token)) snippetHeader = false;
		}
		if (isOpen(token)) {
			nesting++;
			if (allowSnippets && snippetHeader && nesting === 1) inSnippet = true;
			snippetHeader = false;
		} else if (isClose(token)) {
			nesting--;
			if (nesting <= 0 && inSnippet) inSnippet = false;
		}
		previous = token;
		const copy: Token = { ...token, imports: chain };
		if (token.text === '{block}' || (token.text.startsWith('{blocks.') && token.text.endsWith('}'))) {
			const replacement = token.text === '{block}' ? blockTokens : blockMapping?.get(token.text.slice(8, -1));
			if (replacement && replacement.length > 0) out.push(...replacement);
			else out.push(copy);
			continue;
		}
		if (inSnippet) {
			out.push(copy);
			continue;
		}
		const range = parseVariadic(token.text, args.length);
		if (range) {
			for (let index = range.start; index < range.end; index++) {
				const argument = args[index]!;
				out.push(withText(copy, argument.text, [{ placeholder: token.text, index, value: argument.text, argument }]));
			}
			continue;
		}
		const replaced = replaceArgs(token.text, args);
		out.push(replaced.text === token.text && replaced.substitutions.length === 0 ? copy : withText(copy, replaced.text, replaced.substitutions));
	}
	return out;
}

function withText(token: Token, text: string, substitutions: ArgSubstitution[]): Token {
	const copy: Token = { ...token, text, lineBreaks: countBreaks(text) + (token.quote === 'heredoc' ? 2 : 0) };
	if (substitutions.length > 0) copy.args = substitutions;
	return copy;
}

function countBreaks(text: string): number {
	return text.split('\n').length - 1;
}

/** `import x { key args… }` / `{ key { … } }` → tokens per key, for `{blocks.key}`. */
function mapBlocks(tokens: readonly Token[]): Map<string, Token[]> {
	const mapping = new Map<string, Token[]>();
	let index = 0;
	while (index < tokens.length) {
		const key = tokens[index]!;
		index++;
		const value: Token[] = [];
		let previous = key;
		while (index < tokens.length && !isOnNewLine(previous, tokens[index]!) && !isOpen(tokens[index])) {
			previous = tokens[index]!;
			value.push(previous);
			index++;
		}
		if (value.length === 0 && isOpen(tokens[index]) && !isOnNewLine(previous, tokens[index]!)) {
			let depth = 1;
			index++;
			while (index < tokens.length) {
				const token = tokens[index]!;
				index++;
				if (isClose(token) && --depth === 0) break;
				if (isOpen(token)) depth++;
				value.push(token);
			}
		} else {
			while (index < tokens.length && !isOnNewLine(previous, tokens[index]!)) {
				previous = tokens[index]!;
				index++;
			}
		}
		if (!isOpen(key)) mapping.set(key.text, value);
	}
	return mapping;
}

/** Directive names never contain `.` or `:`; such a line in a brace-less site is a second site missing its braces. */
function looksLikeAddress(token: Token): boolean {
	const text = token.text;
	return text.includes('.') || text.includes(':') || text.startsWith('(') || text.startsWith('&(');
}

/** File, span and import chain of a node from its first to its last token (the span stays in the first token's file). */
function located(first: Token, last: Token): { file: string; span: Span; imports?: readonly ImportSite[] } {
	const end = last.file === first.file && last.span.end >= first.span.start ? last.span.end : first.span.end;
	const node: { file: string; span: Span; imports?: readonly ImportSite[] } = { file: first.file, span: { start: first.span.start, end } };
	if (first.imports) node.imports = first.imports;
	return node;
}

function lastTokenOf(block: Block): Token | undefined {
	if (block.close) return block.close;
	const last = block.directives[block.directives.length - 1];
	return last ? lastTokenOfDirective(last) : undefined;
}

function lastTokenOfDirective(directive: Directive): Token {
	if (directive.block) return lastTokenOf(directive.block) ?? directive.block.open ?? directive.nameToken;
	return directive.args[directive.args.length - 1] ?? directive.nameToken;
}
