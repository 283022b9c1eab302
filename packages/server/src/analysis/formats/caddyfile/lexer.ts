/**
Caddyfile lexer with Caddy's rules (proxies.md §2.4; [S] `caddyconfig/caddyfile/lexer.go`):
- whitespace (Go's `unicode.IsSpace`, so NBSP too) separates tokens; a leading BOM is dropped;
- `"…"` may span lines and only `\"` is an escape (`\x` stays `\x`); backticks have no escapes;
- outside quotes `\` before a line break joins the next line; before any other character it stays in the token;
  `\ ` does not escape the space ([E] caddy 2.6.2 adapt: `a \ b` gives the tokens `a` and `\b`);
- `#` starts a comment only at the start of a token; a `\` anywhere in a comment still joins the next line to the
  current one ([E] caddy 2.6.2 adapt: `respond a # x\` followed by `201` gave status 201);
- `<<MARKER` heredocs (≥ 2.7, recorded as a feature): the closing marker's indentation is stripped from every line,
  and text after the closing marker continues the line;
- line numbers follow Caddy's counter so that grouping tokens into lines matches Caddy exactly.
- template markup (`{{ .Upstream }}`, `{% if x %}`; formats/template.ts) is opaque: a line of markup alone reads as
  blank, markup inside a line is part of its token whatever it holds (Caddy's one-brace placeholders are not markup).
Errors never stop the lexer: it reports them and recovers at the end of the line.
*/
import { findTemplates, maskTemplates, touchesTemplate, type TemplateSpan } from '../template.js';
import type { CaddyfileError, CaddyfileFeature, EnvSubstitution, QuoteKind, Token } from './ast.js';
import { expandEnv } from './env.js';

export type LexOptions = { file?: string; env?: Record<string, string> };
export type LexResult = { tokens: Token[]; errors: CaddyfileError[]; features: CaddyfileFeature[]; env: EnvSubstitution[] };

const heredocMarkerPattern = /^[A-Za-z0-9_-]+$/;

/** Go's `unicode.IsSpace`. */
export function isCaddySpace(code: number): boolean {
	if (code === 32 || (code >= 9 && code <= 13)) return true;
	if (code < 0x85) return false;
	return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** Split `text` into tokens; `{$VAR}` are substituted first, spans point into `text`. */
export function lexCaddyfile(text: string, options: LexOptions = {}): LexResult {
	const source = typeof text === 'string' ? text : '';
	const file = typeof options.file === 'string' ? options.file : 'Caddyfile';
	const expansion = expandEnv(source, file, options.env);
	const errors: CaddyfileError[] = [];
	const features: CaddyfileFeature[] = [];
	const tokens: Token[] = [];
	const templates = findTemplates(expansion.text);
	const scanner = new Scanner(maskTemplates(expansion.text, templates), templates, (message, start, end) => {
		if (touchesTemplate(templates, { start, end })) return;
		errors.push({ message, span: expansion.toOriginal(start, Math.max(start, end)), file });
	});
	for (let raw = scanner.next(); raw; raw = scanner.next()) {
		const span = expansion.toOriginal(raw.start, raw.end);
		const token: Token = {
			text: raw.text,
			raw: source.slice(span.start, span.end),
			span,
			file,
			quote: raw.quote,
			line: raw.line,
			lineBreaks: countLineBreaks(raw.text) + (raw.quote === 'heredoc' ? 2 : 0),
		};
		if (raw.heredocMarker !== undefined) {
			token.heredocMarker = raw.heredocMarker;
			features.push({ kind: 'heredoc', file, span, minVersion: '2.7.0', message: `Heredoc <<${raw.heredocMarker} needs Caddy 2.7.0 or later` });
		}
		const env = expansion.substitutionsIn(raw.start, raw.end);
		if (env.length > 0) token.env = env;
		tokens.push(token);
	}
	return { tokens, errors, features, env: expansion.substitutions };
}

function countLineBreaks(text: string): number {
	let count = 0;
	for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++;
	return count;
}

type RawToken = { start: number; end: number; text: string; quote: QuoteKind; line: number; heredocMarker?: string };

/** Character-level state machine; offsets are in the substituted text. */
class Scanner {
	private pos = 0;
	/** Caddy's line counter and the lines joined by `\` (and heredocs) not yet added to it. */
	private line = 1;
	private skipped = 0;
	/** Inline template markup: start → end. */
	private readonly opaque = new Map<number, number>();

	constructor(
		private readonly src: string,
		templates: readonly TemplateSpan[],
		private readonly report: (message: string, start: number, end: number) => void,
	) {
		if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
		for (const span of templates) if (!span.line && span.kind !== 'placeholder') this.opaque.set(span.start, span.end);
	}

	next(): RawToken | undefined {
		const src = this.src;
		const length = src.length;
		let value = '';
		let comment = false;
		let quoted = false;
		let backtick = false;
		let heredocEscaped = false;
		let escaped = false;
		let escapePos = -1;
		let start = -1;
		let tokenLine = 0;
		let skippedAtStart = 0;
		let valueEnd = 0;
		/** Whether the value starts with `<<`, tracked to avoid rescanning the value. */
		let heredocCandidate = false;
		let candidateChecked = false;
		for (;;) {
			if (this.pos >= length) {
				if (quoted || backtick) return this.unterminated(start, tokenLine, skippedAtStart, quoted ? 'double' : 'backtick');
				if (value.length > 0) return { start, end: valueEnd, text: value, quote: 'none', line: tokenLine };
				return undefined;
			}
			const index = this.pos;
			const templateEnd = this.opaque.size > 0 && !comment && !backtick ? this.opaque.get(index) : undefined;
			if (templateEnd !== undefined && !heredocCandidate) {
				// Opaque markup joins the token (or starts one); its line breaks still count.
				if (escaped) {
					value += '\\';
					escaped = false;
				}
				if (value.length === 0 && !quoted) {
					tokenLine = this.line;
					skippedAtStart = this.skipped;
					start = index;
				}
				const markup = src.slice(index, templateEnd);
				const breaks = countLineBreaks(markup);
				if (breaks > 0) {
					this.line += breaks + this.skipped;
					this.skipped = 0;
				}
				value += markup;
				this.pos = templateEnd;
				if (!quoted) valueEnd = this.pos;
				continue;
			}
			const char = src[this.pos++]!;
			if (heredocCandidate && !quoted && !backtick && !heredocEscaped) {
				if (char === ' ') return { start, end: valueEnd, text: value, quote: 'none', line: tokenLine };
				if (char === '\r') continue;
				if (char === '\n') return this.heredoc(start, tokenLine, value, index, valueEnd);
				value += char;
				valueEnd = this.pos;
				continue;
			}
			if (!escaped && !backtick && char === '\\') {
				escaped = true;
				escapePos = index;
				continue;
			}
			if (quoted || backtick) {
				if (quoted && escaped) {
					if (char !== '"') value += '\\';
					escaped = false;
				} else if ((quoted && char === '"') || (backtick && char === '`')) {
					return { start, end: this.pos, text: value, quote: quoted ? 'double' : 'backtick', line: tokenLine };
				}
				if (char === '\n') {
					this.line += 1 + this.skipped;
					this.skipped = 0;
				}
				value += char;
				continue;
			}
			const code = char.charCodeAt(0);
			if (isCaddySpace(code)) {
				if (char === '\r') continue;
				if (char === '\n') {
					if (escaped) {
						this.skipped++;
						escaped = false;
					} else {
						this.line += 1 + this.skipped;
						this.skipped = 0;
					}
					comment = false;
				}
				// Ends after its last character: a pending `\` (line continuation) or a `\r` is not part of it.
				if (value.length > 0) return { start, end: valueEnd, text: value, quote: 'none', line: tokenLine };
				continue;
			}
			if (char === '#' && value.length === 0) comment = true;
			if (comment) continue;
			if (value.length === 0) {
				tokenLine = this.line;
				skippedAtStart = this.skipped;
				start = escaped ? escapePos : index;
				if (char === '"') {
					quoted = true;
					continue;
				}
				if (char === '`') {
					backtick = true;
					continue;
				}
			}
			if (escaped) {
				// `\<<` is the documented way to write a literal `<<`.
				if (char === '<') heredocEscaped = true;
				else value += '\\';
				escaped = false;
			}
			value += char;
			valueEnd = this.pos;
			if (!candidateChecked && value.length >= 2) {
				// Checked once per token: reading a growing string's first characters would flatten it each time.
				candidateChecked = true;
				heredocCandidate = value.startsWith('<<');
			}
		}
	}

	/** EOF inside quotes. Caddy keeps everything up to EOF; we report it and end the token at the end of its line. */
	private unterminated(start: number, tokenLine: number, skippedAtStart: number, quote: QuoteKind): RawToken | undefined {
		const src = this.src;
		const lineEnd = src.indexOf('\n', start);
		const end = lineEnd < 0 ? src.length : lineEnd;
		this.report(`Unterminated ${quote === 'double' ? 'quoted string' : 'backtick string'}: the closing ${quote === 'double' ? '"' : '`'} is missing`, start, end);
		if (lineEnd >= 0) {
			this.pos = lineEnd;
			this.line = tokenLine;
			this.skipped = skippedAtStart;
		}
		const text = src.slice(start + 1, end).replace(/\r$/, '');
		return { start, end, text, quote, line: tokenLine };
	}

	/** After `<<MARKER` and its line break (at `newline`): the heredoc body up to the closing marker. */
	private heredoc(start: number, tokenLine: number, opening: string, newline: number, openingEnd: number): RawToken {
		const src = this.src;
		const plain = (message: string): RawToken => {
			// Recover: keep `<<…` as an ordinary token and lex its line break normally.
			this.report(message, start, openingEnd);
			this.pos = newline;
			return { start, end: openingEnd, text: opening, quote: 'none', line: tokenLine };
		};
		if (opening.length === 2) return plain(`Missing heredoc marker after '<<'; it must contain only letters, digits, dashes and underscores`);
		if (opening.charCodeAt(2) === 60) return plain(`Too many '<' for a heredoc; use two, for example <<END`);
		const marker = opening.slice(2);
		if (!heredocMarkerPattern.test(marker)) return plain(`Heredoc marker must contain only letters, digits, dashes and underscores; got '${marker}'`);
		const contentStart = newline + 1;
		const close = src.indexOf(marker, contentStart);
		if (close < 0) return plain(`Incomplete heredoc <<${marker}: the closing marker ${marker} is missing`);
		const content = src.slice(contentStart, close);
		const lastNewline = content.lastIndexOf('\n');
		const padding = content.slice(lastNewline + 1);
		const lines = lastNewline < 0 ? [] : content.slice(0, lastNewline).split('\n');
		let text = '';
		let mismatch = false;
		for (const lineText of lines) {
			if (lineText === '' || lineText === '\r') {
				text += '\n';
				continue;
			}
			if (lineText.startsWith(padding)) {
				text += lineText.slice(padding.length).replaceAll('\r', '') + '\n';
			} else {
				mismatch = true;
				text += lineText.replaceAll('\r', '') + '\n';
			}
		}
		if (text.endsWith('\n')) text = text.slice(0, -1);
		const end = close + marker.length;
		if (mismatch) this.report(`Mismatched leading whitespace in heredoc <<${marker}: every line must start with the closing marker's indentation`, start, end);
		this.skipped += 1 + countLineBreaks(content);
		this.line += this.skipped;
		this.skipped = 0;
		this.pos = end;
		return { start, end, text, quote: 'heredoc', line: tokenLine, heredocMarker: marker };
	}
}

/** Whether Caddy sees `next` on a later line than `previous` (tokens from different files or imports always are). */
export function isOnNewLine(previous: Token | undefined, next: Token): boolean {
	if (!previous) return true;
	if (previous.file !== next.file || previous.imports !== next.imports) return true;
	return previous.line + previous.lineBreaks < next.line;
}
