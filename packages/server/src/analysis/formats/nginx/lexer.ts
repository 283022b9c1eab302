/**
The nginx configuration tokenizer. It follows the character-level state machine of `ngx_conf_read_token()` in
nginx's `src/core/ngx_conf_file.c` (1.22) so that it splits words, quotes, comments and terminators exactly where
nginx does, including the odd corners:

- `#` starts a comment only where a word may start (`a#b` is one word); a comment ends at LF.
- Outside quotes, a word ends at whitespace (space, tab, CR, LF), `;` or `{`; `}` does *not* end a word
  (`return 200 x}` reads the word `x}`), and quotes inside a word are literal (`a"b` is one word).
- `{` right after `$` stays in the word so `${var}` works (`^/a${` too, which then has no opening brace).
- A backslash keeps the next character in the word (`\;`, `\ `, `\{`); decoding later turns only `\"` `\'` `\\`
  `\t` `\r` `\n` into characters and keeps every other `\x` as the two characters `\x` ([E] nginx 1.22: an
  `error_log "/tmp/d\.\x\"\t.log"` created a file named `d\.\x"<TAB>.log`).
- After a closing quote only whitespace, `;`, `{` or `)` may follow (`if ($a = "b")`); `"a"b` and `"a"}` are errors.
- `;` or `{` with no word before it, and `}` after words (a missing `;`), are errors.
- Template markup inside a line (`{{ upstream }}`, `{% if x %}`; formats/template.ts) is part of the word it sits
  in, whatever characters it holds; lines of template markup alone are blanked by the caller.
- A word, or a comment, whose bytes run to 4096 without nginx being able to drop the start of its read buffer is
  "too long parameter" ([E] nginx 1.22: an unquoted word of 4095 bytes followed by `;` passes, 4096 fails; a
  comment line of 5000 bytes fails too).

nginx stops at the first error; this lexer reports it and carries on (see `Lexer.next`).
*/
import type { Span } from '../../text.js';
import { templatesIn, type TemplateSpan } from '../template.js';
import type { Arg, VariableRef } from './ast.js';
import type { ErrorSink } from './errors.js';

export type LexEvent =
	| {
			kind: 'statement';
			tokens: Arg[];
			/** `none`: ended by end of file or by a `}` (both errors, already reported). */
			end: 'semicolon' | 'block' | 'none';
			/** The `;` or `{`; for `none` an empty span after the last word. */
			endSpan: Span;
	  }
	| { kind: 'close'; span: Span }
	| { kind: 'eof' };

/** nginx reads configuration files through a buffer of this many bytes (`NGX_CONF_BUFFER`). */
const confBuffer = 4096;
/** Unterminated quotes trigger a re-read of the statement; this bounds the work on hostile input. */
const maxRewinds = 16;

const LF = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SQUOTE = 39;
const RPAREN = 41;
const SEMICOLON = 59;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

function isSpace(code: number): boolean {
	return code === SPACE || code === TAB || code === CR || code === LF;
}

/** UTF-8 length of one UTF-16 code unit (a surrogate pair counts 2 + 2). */
function utf8Width(code: number): number {
	if (code < 0x80) return 1;
	if (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)) return 2;
	return 3;
}

function quoteName(code: number): string {
	return code === LF ? '\\n' : code === CR ? '\\r' : code === TAB ? '\\t' : String.fromCharCode(code);
}

export class Lexer {
	private pos = 0;
	/** Bytes consumed so far (UTF-8), for nginx's buffer-size limit. */
	private bytePos = 0;
	private pendingClose: Span | undefined;
	private finished = false;
	private rewinds = 0;
	/** Opening quotes that never closed: re-read as plain characters. */
	private readonly literalQuotes = new Set<number>();
	/** Inline template markup: start → end. */
	private readonly opaque = new Map<number, number>();

	constructor(
		private readonly text: string,
		private readonly file: string,
		private readonly errors: ErrorSink,
		private readonly templates: readonly TemplateSpan[] = [],
	) {
		for (const span of templates) if (!span.line && span.kind !== 'placeholder') this.opaque.set(span.start, span.end);
		if (text.charCodeAt(0) === 0xfeff) {
			// [E] nginx 1.22: a UTF-8 byte order mark becomes part of the first word ("unknown directive "\xEF\xBB\xBFevents"").
			this.error('byte order mark at the start of the file: nginx reads it as part of the first directive name', { start: 0, end: 1 });
		}
	}

	/** The next statement, block end or end of file. Never throws; errors go to the shared list. */
	next(): LexEvent {
		if (this.pendingClose) {
			const span = this.pendingClose;
			this.pendingClose = undefined;
			return { kind: 'close', span };
		}
		if (this.finished) return { kind: 'eof' };
		const statementPos = this.pos;
		const statementBytes = this.bytePos;
		const errorMark = this.errors.mark();
		const unterminated: number[] = [];
		for (;;) {
			const event = this.readStatement();
			if (typeof event === 'number') {
				// An opening quote never closed: report it, then re-read the statement with that quote as a plain character.
				unterminated.push(event);
				this.literalQuotes.add(event);
				this.rewinds++;
				this.pos = statementPos;
				this.bytePos = statementBytes;
				this.errors.reset(errorMark);
				for (const quote of unterminated) this.error(`unterminated string: missing closing ${this.text[quote]}`, { start: quote, end: quote + 1 });
				continue;
			}
			return event;
		}
	}

	/** One statement, or the offset of an unterminated opening quote to re-read without. */
	private readStatement(): LexEvent | number {
		const { text } = this;
		const length = text.length;
		const tokens: Arg[] = [];
		let lastSpace = true;
		let needSpace = false;
		let escaped = false;
		let comment = false;
		let variable = false;
		let quote = 0;
		let tokenStart = 0;
		// nginx's `start`: where the bytes it must keep in its buffer begin.
		let markIndex = this.pos;
		let markBytes = this.bytePos;
		let longReported = false;

		for (;;) {
			if (this.pos >= length) {
				if (tokens.length === 0 && lastSpace) {
					this.finished = true;
					return { kind: 'eof' };
				}
				if (quote !== 0 && this.rewinds < maxRewinds) return tokenStart;
				if (!lastSpace && !needSpace) tokens.push(this.token(tokenStart, length, quote, false));
				const last = tokens[tokens.length - 1];
				const at = last ? last.span.end : length;
				this.error('unexpected end of file, expecting ";" or "}"', last ? last.span : { start: at, end: at });
				this.finished = true;
				return { kind: 'statement', tokens, end: 'none', endSpan: { start: at, end: at } };
			}

			if (!longReported && this.bytePos - markBytes >= confBuffer) {
				longReported = true;
				this.error(comment ? 'too long comment line: nginx fails with "too long parameter"' : 'too long parameter: nginx reads at most 4095 bytes per word', {
					start: markIndex,
					end: this.pos,
				});
			}

			const index = this.pos;
			const ch = text.charCodeAt(index);
			this.pos++;
			this.bytePos += utf8Width(ch);

			if (ch === LF) comment = false;
			if (comment) continue;
			if (escaped) {
				escaped = false;
				continue;
			}

			if (needSpace) {
				if (isSpace(ch)) {
					lastSpace = true;
					needSpace = false;
					continue;
				}
				if (ch === SEMICOLON) return { kind: 'statement', tokens, end: 'semicolon', endSpan: { start: index, end: index + 1 } };
				if (ch === LBRACE) return { kind: 'statement', tokens, end: 'block', endSpan: { start: index, end: index + 1 } };
				if (ch === RBRACE) {
					this.error('unexpected "}": missing ";" before it', { start: index, end: index + 1 });
					this.pendingClose = { start: index, end: index + 1 };
					const end = tokens[tokens.length - 1]!.span.end;
					return { kind: 'statement', tokens, end: 'none', endSpan: { start: end, end } };
				}
				if (ch !== RPAREN) this.error(`unexpected "${quoteName(ch)}" after a quoted string (nginx wants a space, ";" or "{")`, { start: index, end: index + 1 });
				// Recover as if a space had been there: the character starts the next word.
				lastSpace = true;
				needSpace = false;
			}

			const templateEnd = this.opaque.size > 0 ? this.opaque.get(index) : undefined;
			if (templateEnd !== undefined) {
				// Opaque: the markup joins the word (or starts one), quotes and braces in it included.
				if (lastSpace) {
					markIndex = index;
					markBytes = this.bytePos - utf8Width(ch);
					longReported = false;
					lastSpace = false;
					tokenStart = index;
				}
				variable = false;
				for (; this.pos < templateEnd; this.pos++) this.bytePos += utf8Width(text.charCodeAt(this.pos));
				continue;
			}

			if (lastSpace) {
				markIndex = index;
				markBytes = this.bytePos - utf8Width(ch);
				longReported = false;
				if (isSpace(ch)) continue;
				switch (ch) {
					case SEMICOLON:
					case LBRACE: {
						const span = { start: index, end: index + 1 };
						if (tokens.length === 0) {
							this.error(`unexpected "${quoteName(ch)}"`, span);
							if (ch === SEMICOLON) continue;
						}
						return { kind: 'statement', tokens, end: ch === LBRACE ? 'block' : 'semicolon', endSpan: span };
					}
					case RBRACE: {
						const span = { start: index, end: index + 1 };
						if (tokens.length === 0) return { kind: 'close', span };
						this.error('unexpected "}": missing ";" before it', span);
						this.pendingClose = span;
						const end = tokens[tokens.length - 1]!.span.end;
						return { kind: 'statement', tokens, end: 'none', endSpan: { start: end, end } };
					}
					case HASH:
						comment = true;
						continue;
					case BACKSLASH:
						escaped = true;
						break;
					case DQUOTE:
					case SQUOTE:
						if (this.literalQuotes.has(index)) break;
						quote = ch;
						markIndex = index + 1;
						markBytes = this.bytePos;
						break;
					case DOLLAR:
						variable = true;
						break;
					default:
						break;
				}
				lastSpace = false;
				tokenStart = index;
				continue;
			}

			if (ch === LBRACE && variable) continue;
			variable = false;
			if (ch === BACKSLASH) {
				escaped = true;
				continue;
			}
			if (ch === DOLLAR) {
				variable = true;
				continue;
			}
			if (quote !== 0) {
				if (ch !== quote) continue;
				tokens.push(this.token(tokenStart, index + 1, quote));
				quote = 0;
				needSpace = true;
				continue;
			}
			if (isSpace(ch) || ch === SEMICOLON || ch === LBRACE) {
				tokens.push(this.token(tokenStart, index, 0));
				lastSpace = true;
				if (ch === SEMICOLON) return { kind: 'statement', tokens, end: 'semicolon', endSpan: { start: index, end: index + 1 } };
				if (ch === LBRACE) return { kind: 'statement', tokens, end: 'block', endSpan: { start: index, end: index + 1 } };
			}
		}
	}

	/** `closed`: a quoted word ends with its closing quote (not so for one cut off by the end of the file). */
	private token(start: number, end: number, quote: number, closed = true): Arg {
		const raw = this.text.slice(start, end);
		const contentStart = quote === 0 ? start : start + 1;
		const contentEnd = quote !== 0 && closed ? end - 1 : end;
		const decoded = decodeWord(this.text, contentStart, contentEnd);
		const inside = this.templates.length === 0 ? [] : templatesIn(this.templates, start, end);
		// A `$x` inside `{{ $x }}` is the template's variable, not nginx's.
		const variables = inside.length === 0 ? decoded.variables : decoded.variables.filter((variable) => !inside.some((span) => span.start <= variable.span.start && variable.span.start < span.end));
		const token: Arg = { value: decoded.value, raw, span: { start, end }, variables };
		if (inside.length > 0) token.templated = true;
		if (quote === DQUOTE) token.quote = '"';
		else if (quote === SQUOTE) token.quote = '\'';
		return token;
	}

	private error(message: string, span: Span): void {
		this.errors.add(message, span, this.file, 'syntax');
	}
}

/** Whether only spaces and tabs stand between the start of the line and `start`. */
export function isLineStart(text: string, start: number): boolean {
	let i = start - 1;
	while (i >= 0) {
		const code = text.charCodeAt(i);
		if (code === LF || code === CR) return true;
		if (code !== SPACE && code !== TAB) return false;
		i--;
	}
	return true;
}

function isNameChar(code: number): boolean {
	return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
Decode the text of one word between `from` and `to` (quotes excluded) the way nginx copies it into its argument
array, and find the variable references in the result. nginx has no escape for `$`: `\$x` decodes to `\$x`, which
still contains the variable `$x` when the directive evaluates variables.
*/
export function decodeWord(text: string, from: number, to: number): { value: string; variables: VariableRef[] } {
	let hasBackslash = false;
	let hasDollar = false;
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code === BACKSLASH) hasBackslash = true;
		else if (code === DOLLAR) hasDollar = true;
	}
	if (!hasBackslash) {
		const value = text.slice(from, to);
		return { value, variables: hasDollar ? findVariables(value, (i) => from + i) : [] };
	}
	let value = '';
	const offsets: number[] = [];
	let i = from;
	while (i < to) {
		const code = text.charCodeAt(i);
		if (code === BACKSLASH && i + 1 < to) {
			const next = text.charCodeAt(i + 1);
			const decoded = next === DQUOTE || next === SQUOTE || next === BACKSLASH ? text[i + 1] : next === 116 ? '\t' : next === 114 ? '\r' : next === 110 ? '\n' : undefined;
			if (decoded !== undefined) {
				value += decoded;
				offsets.push(i);
				i += 2;
				continue;
			}
		}
		value += text[i];
		offsets.push(i);
		i++;
	}
	return { value, variables: hasDollar ? findVariables(value, (index) => offsets[index] ?? to) : [] };
}

/** Variable references as nginx's script compiler reads them: `$1`…`$9`, `$name`, `${name}` (name: `[A-Za-z0-9_]+`). */
function findVariables(value: string, sourceOffset: (index: number) => number): VariableRef[] {
	const variables: VariableRef[] = [];
	let i = value.indexOf('$');
	while (i !== -1 && i < value.length) {
		const next = value.charCodeAt(i + 1);
		let name = '';
		let end = i + 1;
		let braced = false;
		if (next >= 49 && next <= 57) {
			name = value[i + 1]!;
			end = i + 2;
		} else if (next === LBRACE) {
			let k = i + 2;
			while (k < value.length && isNameChar(value.charCodeAt(k))) k++;
			if (k > i + 2 && value.charCodeAt(k) === RBRACE) {
				name = value.slice(i + 2, k);
				end = k + 1;
				braced = true;
			}
		} else {
			let k = i + 1;
			while (k < value.length && isNameChar(value.charCodeAt(k))) k++;
			name = value.slice(i + 1, k);
			end = k;
		}
		if (name) variables.push({ name, span: { start: sourceOffset(i), end: sourceOffset(end - 1) + 1 }, braced });
		i = value.indexOf('$', Math.max(end, i + 1));
	}
	return variables;
}
