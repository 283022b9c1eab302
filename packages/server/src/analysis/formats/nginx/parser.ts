/**
The nginx configuration parser: statements from the lexer become directives and blocks, `include`s are spliced in
where they stand (as nginx does), and every problem becomes an error next to the tree instead of an exception.
proxies.md §3 lists the nginx facts the rules built on this tree rely on.
*/
import { dirname } from '../../files.js';
import type { Span } from '../../text.js';
import type { Arg, Directive, NginxConfig, NginxParseError } from './ast.js';
import { ErrorSink } from './errors.js';
import { findTemplates, maskTemplates, touchesTemplate } from '../template.js';
import { resolveInclude, safeRead, type IncludeIo } from './include.js';
import { isLineStart, Lexer } from './lexer.js';

export type NginxLimits = {
	/** Nested `include` levels (nginx has none; a self-include crashes it). */
	maxIncludeDepth: number;
	/** Included files read in one parse, counting repeats. */
	maxFiles: number;
	/** Total UTF-16 length of all included files. */
	maxTotalLength: number;
	/** Block nesting kept in the tree; deeper blocks are parsed for balance and dropped. */
	maxNesting: number;
	/** Errors kept; the rest are summarised by one `limit` error. */
	maxErrors: number;
};

export const defaultNginxLimits: Readonly<NginxLimits> = {
	maxIncludeDepth: 16,
	maxFiles: 256,
	maxTotalLength: 8_000_000,
	maxNesting: 64,
	maxErrors: 500,
};

export type NginxParseOptions = IncludeIo & {
	/** Absolute, `/`-separated path of the text (used for spans' `file` and relative includes). */
	file?: string;
	/**
	The configuration root nginx resolves relative includes against (the directory of the main `nginx.conf`).
	@default the directory of `file`
	*/
	root?: string;
	limits?: Partial<NginxLimits>;
};

export type NginxParseResult = {
	ast: NginxConfig;
	errors: NginxParseError[];
	/** Included files that were read, in first-read order (dependencies of this result). */
	files: string[];
};

type Session = {
	io: IncludeIo;
	root: string | undefined;
	limits: NginxLimits;
	errors: ErrorSink;
	/** Files being parsed, outermost first (cycle detection). */
	stack: string[];
	files: Set<string>;
	fileCount: number;
	totalLength: number;
	/** Limits already reported, so that one hostile include does not produce an error per file. */
	limitsReported: Set<string>;
};

/** Parse nginx configuration text. Never throws; recovers after errors and keeps all it could read. */
export function parseNginx(text: unknown, options?: NginxParseOptions): NginxParseResult {
	const source = typeof text === 'string' ? text : '';
	const file = typeof options?.file === 'string' ? options.file : '';
	try {
		const limits = { ...defaultNginxLimits };
		for (const key of Object.keys(limits) as Array<keyof NginxLimits>) {
			const value = options?.limits?.[key];
			if (typeof value === 'number' && value >= 0) limits[key] = value;
		}
		const session: Session = {
			io: {
				readFile: typeof options?.readFile === 'function' ? options.readFile : undefined,
				listFiles: typeof options?.listFiles === 'function' ? options.listFiles : undefined,
			},
			root: typeof options?.root === 'string' ? options.root : file.startsWith('/') ? dirname(file) : undefined,
			limits,
			errors: new ErrorSink(limits.maxErrors),
			stack: file ? [file] : [],
			files: new Set(),
			fileCount: 0,
			totalLength: 0,
			limitsReported: new Set(),
		};
		const directives = parseFile(session, source, file, undefined);
		const errors = session.errors.list;
		if (session.errors.overflow > 0) errors.push({ message: `${session.errors.overflow} more errors not shown`, span: { start: 0, end: 0 }, file, code: 'limit' });
		return { ast: { directives }, errors, files: [...session.files] };
	} catch (error) {
		// A bug must not take the language server down; report it like any other problem.
		const message = error instanceof Error ? error.message : 'unknown error';
		return { ast: { directives: [] }, errors: [{ message: `internal nginx parser error: ${message}`, span: { start: 0, end: 0 }, file, code: 'syntax' }], files: [] };
	}
}

type Frame = {
	/** Where the block's children go; a detached list when `dropped`. */
	list: Directive[];
	/** The block directive, whose spans end at the matching `}`. */
	owner?: Directive;
	open: Span;
	dropped: boolean;
};

function parseFile(session: Session, source: string, file: string, via: Directive | undefined): Directive[] {
	const { errors } = session;
	// Template markup is opaque (formats/template.ts): its lines read as blank, inline markup is part of its word.
	const templates = findTemplates(source);
	const text = maskTemplates(source, templates);
	const firstError = errors.list.length;
	const lexer = new Lexer(text, file, errors, templates);
	const top: Directive[] = [];
	const stack: Frame[] = [];
	let current = top;
	/** Open blocks whose contents are dropped (after an error or beyond the nesting limit). */
	let dropped = 0;
	const error = (message: string, span: Span, code: NginxParseError['code'] = 'syntax'): void => {
		errors.add(message, span, file, code);
	};
	const add = (directive: Directive): void => {
		current.push(directive);
		if (directive.name === 'include' && !directive.block && dropped === 0) {
			for (const included of expandInclude(session, directive, file)) current.push(included);
		}
	};

	for (;;) {
		const event = lexer.next();
		if (event.kind === 'eof') break;
		if (event.kind === 'close') {
			const frame = stack.pop();
			if (!frame) {
				error(via ? 'unexpected "}": an included file cannot close a block of the file that includes it' : 'unexpected "}"', event.span);
				continue;
			}
			if (frame.owner) {
				frame.owner.blockSpan!.end = event.span.end;
				frame.owner.span.end = event.span.end;
			}
			if (frame.dropped) dropped--;
			current = stack[stack.length - 1]?.list ?? top;
			continue;
		}

		const parts = splitMissingSemicolons(event.tokens, text);
		for (let k = 0; k < parts.length - 1; k++) {
			const part = parts[k]!;
			const last = part[part.length - 1]!;
			error(`missing ";": nginx reads the next line as more arguments of "${part[0]!.value}"`, last.span);
			add(makeDirective(part, file, via, last.span.end));
		}
		const tokens = parts[parts.length - 1]!;
		if (tokens.length === 0) {
			// `{` with nothing before it (already reported): read the block for balance, keep nothing from it.
			if (event.end === 'block') {
				stack.push({ list: [], open: event.endSpan, dropped: true });
				dropped++;
				current = stack[stack.length - 1]!.list;
			}
			continue;
		}
		const end = event.end === 'semicolon' ? event.endSpan.end : event.end === 'block' ? text.length : tokens[tokens.length - 1]!.span.end;
		const directive = makeDirective(tokens, file, via, end);
		if (event.end !== 'block') {
			add(directive);
			continue;
		}
		directive.block = [];
		directive.blockSpan = { start: event.endSpan.start, end: text.length };
		if (directive.name === 'include') error('directive "include" is not terminated by ";"', event.endSpan);
		if (dropped === 0) add(directive);
		if (dropped > 0 || stack.length >= session.limits.maxNesting) {
			if (dropped === 0) error(`blocks nested deeper than ${session.limits.maxNesting} levels are not analysed`, event.endSpan, 'limit');
			stack.push({ list: [], owner: directive, open: event.endSpan, dropped: true });
			dropped++;
		} else {
			stack.push({ list: directive.block, owner: directive, open: event.endSpan, dropped: false });
		}
		current = stack[stack.length - 1]!.list;
	}

	for (let i = stack.length - 1; i >= 0; i--) {
		const suffix = via ? ' (a block opened in an included file must close in it)' : '';
		error(`unexpected end of file, expecting "}" to close this block${suffix}`, stack[i]!.open);
	}
	if (templates.length > 0) {
		const kept = errors.list.slice(firstError).filter((entry) => entry.file !== file || entry.code !== 'syntax' || !touchesTemplate(templates, entry.span));
		errors.list.splice(firstError, errors.list.length - firstError, ...kept);
	}
	return top;
}

function makeDirective(tokens: Arg[], file: string, via: Directive | undefined, end: number): Directive {
	const name = tokens[0]!;
	const directive: Directive = {
		name: name.value,
		nameSpan: name.span,
		args: tokens.slice(1),
		span: { start: name.span.start, end },
		file,
	};
	if (via) directive.via = via;
	return directive;
}

function expandInclude(session: Session, directive: Directive, file: string): Directive[] {
	const { errors, limits, io } = session;
	const error = (message: string, span: Span, code: NginxParseError['code']): void => {
		if (code === 'limit') {
			if (session.limitsReported.has(message)) return;
			session.limitsReported.add(message);
		}
		errors.add(message, span, file, code);
	};
	if (directive.args.length !== 1) {
		error('invalid number of arguments in "include" directive', directive.nameSpan, 'syntax');
		return [];
	}
	if (!io.readFile && !io.listFiles) return [];
	const arg = directive.args[0]!;
	if (session.stack.length > limits.maxIncludeDepth) {
		error(`includes nested deeper than ${limits.maxIncludeDepth} levels are not followed`, arg.span, 'limit');
		return [];
	}
	const resolution = resolveInclude(arg.value, file, session.root, io);
	if (!resolution.found) {
		error(`included file not found: "${resolution.nginxPath}" (nginx fails with open() … failed)`, arg.span, 'include-not-found');
		return [];
	}
	const out: Directive[] = [];
	directive.included = [];
	for (const { path, text: known } of resolution.files) {
		if (session.stack.includes(path)) {
			const cycle = [...session.stack.slice(session.stack.indexOf(path)), path].join(' → ');
			error(`include cycle: ${cycle} (nginx 1.22 crashes on this)`, arg.span, 'include-cycle');
			continue;
		}
		if (session.fileCount >= limits.maxFiles) {
			error(`more than ${limits.maxFiles} included files: the rest are not read`, arg.span, 'limit');
			break;
		}
		const text = known ?? safeRead(path, io);
		if (text === undefined) {
			error(`included file cannot be read: "${path}"`, arg.span, 'include-not-found');
			continue;
		}
		if (session.totalLength + text.length > limits.maxTotalLength) {
			error(`included files exceed ${limits.maxTotalLength} characters: the rest are not read`, arg.span, 'limit');
			break;
		}
		session.fileCount++;
		session.totalLength += text.length;
		session.files.add(path);
		directive.included.push(path);
		session.stack.push(path);
		const directives = parseFile(session, text, path, directive);
		session.stack.pop();
		for (const included of directives) out.push(included);
	}
	return out;
}

/**
Directives whose argument count nginx checks exactly, with their maximum. A statement of one of these that runs past
its maximum across a line break, where the new line starts with a directive name, is split there: nginx would
refuse it ("invalid number of arguments"), and the split keeps the following directive for analysis.
*/
const fixedArity: ReadonlyMap<string, number> = new Map([
	['proxy_pass', 1], ['proxy_set_header', 2], ['proxy_hide_header', 1], ['proxy_pass_header', 1],
	['proxy_pass_request_headers', 1], ['proxy_pass_request_body', 1], ['proxy_http_version', 1], ['proxy_buffering', 1],
	['proxy_redirect', 2], ['proxy_read_timeout', 1], ['proxy_connect_timeout', 1], ['proxy_send_timeout', 1],
	['auth_request', 1], ['auth_request_set', 2], ['auth_basic', 1], ['auth_basic_user_file', 1], ['add_header', 3],
	['root', 1], ['alias', 1], ['return', 2], ['set', 2], ['internal', 0], ['include', 1], ['client_max_body_size', 1],
	['default_type', 1], ['sendfile', 1], ['keepalive_timeout', 2], ['underscores_in_headers', 1],
	['ignore_invalid_headers', 1], ['real_ip_header', 1], ['set_real_ip_from', 1], ['real_ip_recursive', 1],
	['satisfy', 1], ['allow', 1], ['deny', 1], ['ssl_certificate', 1], ['ssl_certificate_key', 1], ['fastcgi_pass', 1],
	['uwsgi_pass', 1], ['grpc_pass', 1], ['fastcgi_param', 3], ['http2', 1], ['chunked_transfer_encoding', 1],
]);

/** Names that start a new directive when they open a line inside an over-long fixed-arity statement. */
const directiveNames: ReadonlySet<string> = new Set([
	...fixedArity.keys(),
	'location', 'server', 'server_name', 'listen', 'index', 'try_files', 'error_page', 'access_log', 'error_log',
	'rewrite', 'if', 'upstream', 'map', 'log_format', 'more_set_input_headers', 'more_clear_input_headers',
	'more_set_headers', 'more_clear_headers', 'limit_req', 'resolver', 'ssl_protocols', 'ssl_ciphers', 'gzip',
]);

function splitMissingSemicolons(tokens: Arg[], text: string): Arg[][] {
	if (!fixedArity.has(tokens[0]?.value ?? '')) return [tokens];
	const parts: Arg[][] = [];
	let start = 0;
	for (;;) {
		const max = fixedArity.get(tokens[start]?.value ?? '');
		let cut = -1;
		if (max !== undefined && tokens.length - start - 1 > max) {
			for (let i = start + 1; i < tokens.length; i++) {
				const token = tokens[i]!;
				if (!token.quote && directiveNames.has(token.value) && isLineStart(text, token.span.start)) {
					cut = i;
					break;
				}
			}
		}
		if (cut === -1) break;
		parts.push(tokens.slice(start, cut));
		start = cut;
	}
	parts.push(start === 0 ? tokens : tokens.slice(start));
	return parts;
}
