/**
A small, tolerant TOML 1.0 scanner: enough structure to find Navidrome settings in `navidrome.toml`, with exact
UTF-16 offsets for hovers, diagnostics and fixes. It never throws: syntax errors are collected and scanning resumes
on the next line (navidrome-extauth.md §1.3 describes the file forms Navidrome accepts).

What it resolves: `[table]` and `[[array]]` headers, dotted and quoted keys, the four string styles (decoded),
integers, floats, booleans, date-times, and inline tables (their pairs become entries too). Arrays are kept as raw
text. Keys are case-sensitive here, as in TOML; Navidrome's case-insensitive matching is the resolver's job.
*/

export type TomlValueKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'inline-table' | 'invalid';

export type TomlStringStyle = 'basic' | 'literal' | 'multiline-basic' | 'multiline-literal';

export type TomlKeySegment = {
	/** Decoded name (quotes removed, escapes applied). */
	name: string;
	start: number;
	end: number;
	quoted: boolean;
};

export type TomlTableHeader = {
	segments: TomlKeySegment[];
	path: string[];
	isArray: boolean;
	/** The whole header, brackets included. */
	start: number;
	end: number;
};

export type TomlEntry = {
	/** Full key path: the table in effect plus this line's key, decoded. */
	path: string[];
	/** `path` joined with `.`, as written (no re-quoting). */
	key: string;
	/** The key as written on its line. */
	segments: TomlKeySegment[];
	keyStart: number;
	keyEnd: number;
	/** The `[table]` or `[[array]]` header in effect; `undefined` at the root. */
	table: TomlTableHeader | undefined;
	/** Inside an `[[array]]` element: such values are lists of tables to Navidrome, not plain settings. */
	inArrayTable: boolean;
	/** A pair inside an inline table (`ExtAuth = { TrustedSources = "…" }`). */
	inInlineTable: boolean;
	kind: TomlValueKind;
	stringStyle: TomlStringStyle | undefined;
	/** Decoded value for strings, numbers and booleans; `undefined` for the rest. */
	value: string | number | boolean | undefined;
	/** The value token as written. */
	raw: string;
	/** The whole value token (quotes included). */
	valueStart: number;
	valueEnd: number;
	/** A string's content between its delimiters (after a multi-line string's trimmed first newline); else the token. */
	contentStart: number;
	contentEnd: number;
};

export type TomlErrorCode =
	| 'unterminated-string'
	| 'unterminated-array'
	| 'unterminated-inline-table'
	| 'missing-equals'
	| 'missing-key'
	| 'missing-value'
	| 'bad-key'
	| 'bad-header'
	| 'bad-escape'
	| 'invalid-value'
	| 'invalid-character'
	| 'trailing-content'
	| 'duplicate-key'
	| 'too-many-errors';

export type TomlError = {
	code: TomlErrorCode;
	message: string;
	start: number;
	end: number;
};

export type TomlScan = {
	entries: TomlEntry[];
	tables: TomlTableHeader[];
	errors: TomlError[];
};

type Value = {
	kind: TomlValueKind;
	style: TomlStringStyle | undefined;
	value: string | number | boolean | undefined;
	start: number;
	end: number;
	contentStart: number;
	contentEnd: number;
	/** Whether the value parsed cleanly up to its closing delimiter; else scanning skips the rest of the line. */
	complete: boolean;
};

type Context = {
	table: TomlTableHeader | undefined;
	prefix: string[];
	/** Identity of the `[[array]]` element in effect (for duplicate detection); empty at the root. */
	scope: string;
	inArrayTable: boolean;
};

const maxTokenLength = 4096;
/** Errors kept per scan; past that one `too-many-errors` entry counts the rest (a file of junk has one per line). */
export const maxTomlErrors = 200;
/** Deeper inline tables are kept as raw text, so hostile input cannot exhaust the stack. */
const maxInlineDepth = 32;
const decimalInteger = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const leadingZeroInteger = /^[+-]?0\d/;
const hexInteger = /^0x[\dA-Fa-f](?:_?[\dA-Fa-f])*$/;
const octalInteger = /^0o[0-7](?:_?[0-7])*$/;
const binaryInteger = /^0b[01](?:_?[01])*$/;
const decimalFloat = /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const specialFloat = /^[+-]?(?:inf|nan)$/;
const dateTime = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$/;
const localTime = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/;
const datePrefix = /^\d{4}-\d{2}-\d{2}$/;

/** Scan TOML text. Never throws; a non-string gives an empty result. */
export function scanToml(text: unknown): TomlScan {
	const result: TomlScan = { entries: [], tables: [], errors: [] };
	if (typeof text !== 'string') return result;
	try {
		new Scanner(text, result).run();
		// An inline table's pairs are recorded before the pair holding the table; keep source order.
		result.entries.sort((a, b) => a.keyStart - b.keyStart);
	} catch {
		// A scanner bug must never reach callers; what was collected so far is still useful.
		result.errors.push({ code: 'invalid-character', message: 'The TOML scanner stopped early.', start: 0, end: 0 });
	}
	return result;
}

const enum Char {
	Tab = 9,
	LineFeed = 10,
	CarriageReturn = 13,
	Space = 32,
	Quote = 34,
	Hash = 35,
	Apostrophe = 39,
	Comma = 44,
	Dot = 46,
	Equals = 61,
	OpenBracket = 91,
	Backslash = 92,
	CloseBracket = 93,
	OpenBrace = 123,
	CloseBrace = 125,
	Delete = 127,
	ByteOrderMark = 0xfeff,
}

function isBareKeyChar(c: number): boolean {
	return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

function isHexDigit(c: number): boolean {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Control characters TOML forbids in strings and comments (tab is allowed). */
function isForbiddenControl(c: number): boolean {
	return (c < 32 && c !== Char.Tab) || c === Char.Delete;
}

class Scanner {
	private pos = 0;
	private readonly n: number;
	private context: Context = { table: undefined, prefix: [], scope: '', inArrayTable: false };
	private readonly definedKeys = new Set<string>();
	private readonly definedTables = new Set<string>();
	private arrayCount = 0;
	/** The latest `[[array]]` path and its element identity; sub-tables below it belong to that element. */
	private arrayPath: string[] | undefined;
	private arrayScope = '';
	private inlineDepth = 0;
	/** Errors past `maxTomlErrors`, and where the first of them was. */
	private droppedErrors = 0;
	private firstDropped = { start: 0, end: 0 };

	constructor(
		private readonly text: string,
		private readonly out: TomlScan,
	) {
		this.n = text.length;
	}

	run(): void {
		if (this.code(0) === Char.ByteOrderMark) this.pos = 1;
		while (this.pos < this.n) {
			this.skipSpaces();
			const c = this.code(this.pos);
			if (this.pos >= this.n) break;
			if (c === Char.LineFeed || c === Char.CarriageReturn) {
				this.consumeLineBreak();
				continue;
			}
			if (c === Char.Hash) {
				this.pos = this.lineEnd(this.pos);
				continue;
			}
			const ok = c === Char.OpenBracket ? this.header() : this.keyValue();
			if (ok) this.expectLineEnd();
			else this.pos = this.lineEnd(this.pos);
		}
		if (this.droppedErrors > 0) {
			this.out.errors.push({ code: 'too-many-errors', message: `Too many syntax errors: ${this.droppedErrors} more are not shown.`, ...this.firstDropped });
		}
	}

	// ─── Statements ──────────────────────────────────────────────────────────────────────────────

	private header(): boolean {
		const start = this.pos;
		const isArray = this.code(start + 1) === Char.OpenBracket;
		this.pos = start + (isArray ? 2 : 1);
		const segments = this.key();
		this.skipSpaces();
		let closed = this.code(this.pos) === Char.CloseBracket;
		if (closed && isArray) closed = this.code(this.pos + 1) === Char.CloseBracket;
		if (closed) this.pos += isArray ? 2 : 1;
		const header: TomlTableHeader = {
			segments: segments ?? [],
			path: (segments ?? []).map((segment) => segment.name),
			isArray,
			start,
			end: closed ? this.pos : this.lineEnd(start),
		};
		// Even a broken header starts a new table: keys below it must not leak into the previous one.
		this.enterTable(header);
		if (!segments || !closed) {
			if (segments) this.error('bad-header', `Table header is missing its closing ${isArray ? '"]]"' : '"]"'}.`, start, header.end);
			return false;
		}
		return true;
	}

	private enterTable(header: TomlTableHeader): void {
		this.out.tables.push(header);
		const id = header.path.join('\u0000');
		if (header.isArray) {
			this.arrayCount++;
			this.arrayPath = header.path;
			this.arrayScope = `#${this.arrayCount}`;
			this.context = { table: header, prefix: header.path, scope: this.arrayScope, inArrayTable: true };
			return;
		}
		const underArray = this.arrayPath !== undefined && startsWith(header.path, this.arrayPath);
		const scope = underArray ? this.arrayScope : '';
		this.context = { table: header, prefix: header.path, scope, inArrayTable: underArray };
		if (header.segments.length === 0) return;
		const tableKey = `${scope}\u0001${id}`;
		if (this.definedTables.has(tableKey)) {
			this.error('duplicate-key', `Table [${header.path.join('.')}] is defined more than once.`, header.start, header.end);
		}
		this.definedTables.add(tableKey);
	}

	private keyValue(): boolean {
		const segments = this.key();
		if (!segments) return false;
		this.skipSpaces();
		if (this.code(this.pos) !== Char.Equals) {
			const keyEnd = segments[segments.length - 1]!.end;
			this.error('missing-equals', 'Expected "=" after the key.', keyEnd, Math.max(keyEnd, this.lineEnd(this.pos)));
			return false;
		}
		this.pos++;
		this.skipSpaces();
		return this.pair(segments, this.context, false);
	}

	/** Parse the value at `pos` for `segments` and record the entry; returns whether the value was complete. */
	private pair(segments: TomlKeySegment[], context: Context, inInlineTable: boolean): boolean {
		const path = context.prefix.slice();
		for (const segment of segments) path.push(segment.name);
		const key = path.join('.');
		const value = this.value(path, context);
		const entry: TomlEntry = {
			path,
			key,
			segments,
			keyStart: segments[0]!.start,
			keyEnd: segments[segments.length - 1]!.end,
			table: context.table,
			inArrayTable: context.inArrayTable,
			inInlineTable,
			kind: value.kind,
			stringStyle: value.style,
			value: value.value,
			raw: this.text.slice(value.start, value.end),
			valueStart: value.start,
			valueEnd: value.end,
			contentStart: value.contentStart,
			contentEnd: value.contentEnd,
		};
		this.out.entries.push(entry);
		// The dotted key is a unique id unless a quoted segment contains a dot; the scope separates [[array]] elements.
		const unique = segments.every((segment) => !segment.quoted || !segment.name.includes('.')) && !context.prefix.some((name) => name.includes('.'));
		const local = unique ? key : path.join('\u0000');
		const id = context.scope === '' ? local : `${context.scope}\u0001${local}`;
		if (this.definedKeys.has(id)) {
			this.error('duplicate-key', `Key "${entry.key}" is defined more than once.`, entry.keyStart, entry.keyEnd);
		}
		this.definedKeys.add(id);
		this.pos = value.end;
		return value.complete;
	}

	private expectLineEnd(): void {
		this.skipSpaces();
		const c = this.code(this.pos);
		if (this.pos >= this.n) return;
		if (c === Char.Hash) {
			this.pos = this.lineEnd(this.pos);
			return;
		}
		if (c === Char.LineFeed || c === Char.CarriageReturn) return;
		const end = this.lineEnd(this.pos);
		this.error('trailing-content', 'Unexpected text after the value; put each key on its own line.', this.pos, end);
		this.pos = end;
	}

	// ─── Keys ────────────────────────────────────────────────────────────────────────────────────

	/** A (dotted) key at `pos`; `undefined` after reporting an error. */
	private key(): TomlKeySegment[] | undefined {
		const segments: TomlKeySegment[] = [];
		for (;;) {
			this.skipSpaces();
			const start = this.pos;
			const c = this.code(start);
			if (c === Char.Quote || c === Char.Apostrophe) {
				if (this.code(start + 1) === c && this.code(start + 2) === c) {
					this.error('bad-key', 'Multi-line strings cannot be keys.', start, start + 3);
					return undefined;
				}
				const string = c === Char.Quote ? this.basicString(start) : this.literalString(start);
				if (!string.complete) return undefined;
				segments.push({ name: string.value as string, start, end: string.end, quoted: true });
				this.pos = string.end;
			} else if (isBareKeyChar(c)) {
				let end = start;
				while (end < this.n && isBareKeyChar(this.code(end))) end++;
				segments.push({ name: this.text.slice(start, end), start, end, quoted: false });
				this.pos = end;
			} else {
				const dotted = segments.length > 0;
				if (start >= this.n || c === Char.LineFeed || c === Char.CarriageReturn) {
					this.error('missing-key', dotted ? 'Expected a key after ".".' : 'Expected a key.', start, start);
				} else {
					const message = 'Unexpected character in key; bare keys may only contain A-Z, a-z, 0-9, "_" and "-".';
					this.error(dotted ? 'bad-key' : 'missing-key', message, start, start + 1);
				}
				return undefined;
			}
			const afterSegment = this.pos;
			this.skipSpaces();
			if (this.code(this.pos) === Char.Dot) {
				this.pos++;
				continue;
			}
			this.pos = afterSegment;
			return segments;
		}
	}

	// ─── Values ──────────────────────────────────────────────────────────────────────────────────

	private value(path: string[], context: Context): Value {
		const start = this.pos;
		const c = this.code(start);
		if (start >= this.n || c === Char.LineFeed || c === Char.CarriageReturn || c === Char.Hash) {
			this.error('missing-value', 'Expected a value after "=".', start, start);
			return { ...simpleValue('invalid', start, start), complete: false };
		}
		if (c === Char.Quote) {
			return this.code(start + 1) === Char.Quote && this.code(start + 2) === Char.Quote
				? this.multilineString(start, Char.Quote)
				: this.basicString(start);
		}
		if (c === Char.Apostrophe) {
			return this.code(start + 1) === Char.Apostrophe && this.code(start + 2) === Char.Apostrophe
				? this.multilineString(start, Char.Apostrophe)
				: this.literalString(start);
		}
		if (c === Char.OpenBracket) return { ...this.array(start), kind: 'array' };
		if (c === Char.OpenBrace) {
			if (this.inlineDepth >= maxInlineDepth) return { ...this.array(start), kind: 'inline-table' };
			this.inlineDepth++;
			try {
				return this.inlineTable(start, path, context);
			} finally {
				this.inlineDepth--;
			}
		}
		return this.scalar(start);
	}

	private basicString(start: number): Value {
		const parts: string[] = [];
		let chunk = start + 1;
		let p = start + 1;
		while (p < this.n) {
			const c = this.code(p);
			if (c === Char.Quote) {
				parts.push(this.text.slice(chunk, p));
				return stringValue('basic', parts.join(''), start, p + 1, start + 1, p);
			}
			if (c === Char.LineFeed || c === Char.CarriageReturn) break;
			if (c === Char.Backslash) {
				parts.push(this.text.slice(chunk, p));
				p = this.escape(p, parts, false);
				chunk = p;
				continue;
			}
			if (isForbiddenControl(c)) this.error('invalid-character', 'Control characters must be escaped in strings.', p, p + 1);
			p++;
		}
		parts.push(this.text.slice(chunk, p));
		this.error('unterminated-string', 'String is missing its closing quote (").', start, p);
		return { ...stringValue('basic', parts.join(''), start, p, start + 1, p), complete: false };
	}

	private literalString(start: number): Value {
		let p = start + 1;
		while (p < this.n) {
			const c = this.code(p);
			if (c === Char.Apostrophe) return stringValue('literal', this.text.slice(start + 1, p), start, p + 1, start + 1, p);
			if (c === Char.LineFeed || c === Char.CarriageReturn) break;
			if (isForbiddenControl(c)) this.error('invalid-character', 'Control characters are not allowed in literal strings.', p, p + 1);
			p++;
		}
		this.error('unterminated-string', "String is missing its closing quote (').", start, p);
		return { ...stringValue('literal', this.text.slice(start + 1, p), start, p, start + 1, p), complete: false };
	}

	private multilineString(start: number, quote: number): Value {
		const basic = quote === Char.Quote;
		const style: TomlStringStyle = basic ? 'multiline-basic' : 'multiline-literal';
		let p = start + 3;
		// A newline right after the opening delimiter is not part of the value.
		if (this.code(p) === Char.LineFeed) p++;
		else if (this.code(p) === Char.CarriageReturn && this.code(p + 1) === Char.LineFeed) p += 2;
		const contentStart = p;
		const parts: string[] = [];
		let chunk = p;
		while (p < this.n) {
			const c = this.code(p);
			if (c === quote && this.code(p + 1) === quote && this.code(p + 2) === quote) {
				let run = 3;
				while (this.code(p + run) === quote) run++;
				if (run > 5) this.error('invalid-character', 'Too many quotes before the closing delimiter.', p, p + run);
				const contentEnd = p + Math.min(run - 3, 2);
				parts.push(this.text.slice(chunk, contentEnd));
				return stringValue(style, parts.join(''), start, p + run, contentStart, contentEnd);
			}
			if (basic && c === Char.Backslash) {
				parts.push(this.text.slice(chunk, p));
				p = this.escape(p, parts, true);
				chunk = p;
				continue;
			}
			if (isForbiddenControl(c) && c !== Char.LineFeed && !(c === Char.CarriageReturn && this.code(p + 1) === Char.LineFeed)) {
				this.error('invalid-character', 'Control characters must be escaped in strings.', p, p + 1);
			}
			p++;
		}
		// Unterminated: report it, then resume on the line after the opening delimiter so later keys still count.
		this.error('unterminated-string', `Multi-line string is missing its closing ${basic ? '"""' : "'''"}.`, start, this.n);
		const end = this.lineEnd(start);
		const from = Math.min(contentStart, end);
		return { ...stringValue(style, this.text.slice(from, end), start, end, from, end), complete: false };
	}

	/** Decode the escape at `p` (a backslash) into `parts`; returns the position after it. */
	private escape(p: number, parts: string[], multiline: boolean): number {
		const c = this.code(p + 1);
		switch (c) {
			case 98: parts.push('\b'); return p + 2;
			case 116: parts.push('\t'); return p + 2;
			case 110: parts.push('\n'); return p + 2;
			case 102: parts.push('\f'); return p + 2;
			case 114: parts.push('\r'); return p + 2;
			case Char.Quote: parts.push('"'); return p + 2;
			case Char.Backslash: parts.push('\\'); return p + 2;
			case 117:
			case 85: {
				const digits = c === 117 ? 4 : 8;
				let q = p + 2;
				while (q < p + 2 + digits && isHexDigit(this.code(q))) q++;
				const codePoint = q === p + 2 + digits ? Number.parseInt(this.text.slice(p + 2, q), 16) : Number.NaN;
				if (Number.isNaN(codePoint) || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
					this.error('bad-escape', `"\\${String.fromCharCode(c)}" needs ${digits} hex digits of a Unicode scalar value.`, p, q);
					parts.push(this.text.slice(p, q));
					return q;
				}
				parts.push(String.fromCodePoint(codePoint));
				return q;
			}
			default:
				break;
		}
		if (multiline) {
			// A backslash ending a line trims the line break and all whitespace that follows.
			let q = p + 1;
			while (this.code(q) === Char.Space || this.code(q) === Char.Tab) q++;
			const d = this.code(q);
			if (d === Char.LineFeed || (d === Char.CarriageReturn && this.code(q + 1) === Char.LineFeed)) {
				for (;;) {
					const e = this.code(q);
					if (e === Char.Space || e === Char.Tab || e === Char.LineFeed) q++;
					else if (e === Char.CarriageReturn && this.code(q + 1) === Char.LineFeed) q += 2;
					else break;
				}
				return q;
			}
		}
		const end = p + 1 < this.n && c !== Char.LineFeed && c !== Char.CarriageReturn ? p + 2 : p + 1;
		this.error('bad-escape', 'Unknown escape sequence; write "\\\\" for a backslash or use a single-quoted string.', p, end);
		parts.push(this.text.slice(p, end));
		return end;
	}

	/** An array, kept as raw text: finds the matching `]` across lines, skipping strings and comments. */
	private array(start: number): Value {
		let depth = 0;
		let p = start;
		while (p < this.n) {
			const c = this.code(p);
			if (c === Char.OpenBracket || c === Char.OpenBrace) {
				depth++;
				p++;
			} else if (c === Char.CloseBracket || c === Char.CloseBrace) {
				depth--;
				p++;
				if (depth === 0) return simpleValue('array', start, p);
			} else if (c === Char.Quote || c === Char.Apostrophe) {
				const triple = this.code(p + 1) === c && this.code(p + 2) === c;
				const string = triple ? this.multilineString(p, c) : c === Char.Quote ? this.basicString(p) : this.literalString(p);
				p = Math.max(string.end, p + 1);
			} else if (c === Char.Hash) {
				p = this.lineEnd(p);
			} else {
				p++;
			}
		}
		const end = this.lineEnd(start);
		this.error('unterminated-array', 'Array is missing its closing "]".', start, end);
		return { ...simpleValue('array', start, end), complete: false };
	}

	/** An inline table: its pairs become entries (TOML makes `ExtAuth = { TrustedSources = "…" }` a table). */
	private inlineTable(start: number, path: string[], outer: Context): Value {
		const context: Context = { ...outer, prefix: path };
		this.pos = start + 1;
		let expectPair = false;
		for (;;) {
			this.skipSpacesAndLineBreaks();
			const c = this.code(this.pos);
			if (this.pos >= this.n) break;
			if (c === Char.CloseBrace) {
				if (expectPair) this.error('trailing-content', 'Trailing comma is not allowed in an inline table.', this.pos - 1, this.pos);
				this.pos++;
				return simpleValue('inline-table', start, this.pos);
			}
			const segments = this.key();
			if (!segments) break;
			this.skipSpaces();
			if (this.code(this.pos) !== Char.Equals) {
				const keyEnd = segments[segments.length - 1]!.end;
				this.error('missing-equals', 'Expected "=" after the key.', keyEnd, keyEnd);
				break;
			}
			this.pos++;
			this.skipSpaces();
			if (!this.pair(segments, context, true)) break;
			this.skipSpacesAndLineBreaks();
			if (this.code(this.pos) === Char.Comma) {
				this.pos++;
				expectPair = true;
				continue;
			}
			expectPair = false;
			if (this.code(this.pos) !== Char.CloseBrace) {
				this.error('trailing-content', 'Expected "," or "}" in the inline table.', this.pos, this.pos + (this.pos < this.n ? 1 : 0));
				break;
			}
		}
		// Recovery: close at the next "}" on the current line, else give up at the line end.
		const from = Math.min(this.pos, this.n);
		const lineEnd = this.lineEnd(from);
		const brace = this.text.indexOf('}', from);
		if (brace !== -1 && brace < lineEnd) return { ...simpleValue('inline-table', start, brace + 1), complete: false };
		this.error('unterminated-inline-table', 'Inline table is missing its closing "}".', start, lineEnd);
		return { ...simpleValue('inline-table', start, lineEnd), complete: false };
	}

	private scalar(start: number): Value {
		let end = this.scalarEnd(start);
		// A date and a time may be separated by one space.
		if (end - start === 10 && datePrefix.test(this.text.slice(start, end)) && this.code(end) === Char.Space && isDigit(this.code(end + 1))) {
			end = this.scalarEnd(end + 1);
		}
		const token = this.text.slice(start, end);
		const classified = token.length <= maxTokenLength ? classifyScalar(token) : undefined;
		if (classified) return { ...simpleValue(classified.kind, start, end), value: classified.value };
		const message = leadingZeroInteger.test(token)
			? 'TOML numbers cannot have leading zeros; quote the value ("0660") if it is meant as text.'
			: end > start
				? 'Unrecognised value; text must be quoted ("…").'
				: 'Expected a value.';
		const invalidEnd = Math.max(end, Math.min(start + 1, this.n));
		this.error('invalid-value', message, start, invalidEnd);
		return { ...simpleValue('invalid', start, invalidEnd), complete: false };
	}

	private scalarEnd(start: number): number {
		let p = start;
		while (p < this.n) {
			const c = this.code(p);
			if (
				c === Char.Space ||
				c === Char.Tab ||
				c === Char.LineFeed ||
				c === Char.CarriageReturn ||
				c === Char.Hash ||
				c === Char.Comma ||
				c === Char.CloseBracket ||
				c === Char.CloseBrace ||
				c === Char.OpenBracket ||
				c === Char.OpenBrace ||
				c === Char.Equals ||
				c === Char.Quote ||
				c === Char.Apostrophe
			) {
				break;
			}
			p++;
		}
		return p;
	}

	// ─── Helpers ─────────────────────────────────────────────────────────────────────────────────

	private code(p: number): number {
		return p < this.n ? this.text.charCodeAt(p) : -1;
	}

	private skipSpaces(): void {
		while (this.pos < this.n) {
			const c = this.code(this.pos);
			if (c !== Char.Space && c !== Char.Tab) break;
			this.pos++;
		}
	}

	private skipSpacesAndLineBreaks(): void {
		while (this.pos < this.n) {
			const c = this.code(this.pos);
			if (c === Char.Space || c === Char.Tab || c === Char.LineFeed || c === Char.CarriageReturn) this.pos++;
			else if (c === Char.Hash) this.pos = this.lineEnd(this.pos);
			else break;
		}
	}

	/** Offset of the line break (or text end) at or after `p`. */
	private lineEnd(p: number): number {
		let q = p;
		while (q < this.n) {
			const c = this.text.charCodeAt(q);
			if (c === Char.LineFeed || c === Char.CarriageReturn) break;
			q++;
		}
		return q;
	}

	private consumeLineBreak(): void {
		const c = this.code(this.pos);
		if (c === Char.CarriageReturn) {
			if (this.code(this.pos + 1) === Char.LineFeed) {
				this.pos += 2;
				return;
			}
			this.error('invalid-character', 'A carriage return must be followed by a line feed.', this.pos, this.pos + 1);
		}
		this.pos++;
	}

	private error(code: TomlErrorCode, message: string, start: number, end: number): void {
		const s = Math.max(0, Math.min(start, this.n));
		const span = { start: s, end: Math.max(s, Math.min(end, this.n)) };
		if (this.out.errors.length >= maxTomlErrors) {
			if (this.droppedErrors++ === 0) this.firstDropped = span;
			return;
		}
		this.out.errors.push({ code, message, ...span });
	}
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

function startsWith(path: string[], prefix: string[]): boolean {
	if (prefix.length > path.length) return false;
	for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
	return true;
}

function simpleValue(kind: TomlValueKind, start: number, end: number): Value {
	return { kind, style: undefined, value: undefined, start, end, contentStart: start, contentEnd: end, complete: true };
}

function stringValue(style: TomlStringStyle, value: string, start: number, end: number, contentStart: number, contentEnd: number): Value {
	return { kind: 'string', style, value, start, end, contentStart, contentEnd, complete: true };
}

function classifyScalar(token: string): { kind: TomlValueKind; value: string | number | boolean | undefined } | undefined {
	if (token === 'true') return { kind: 'boolean', value: true };
	if (token === 'false') return { kind: 'boolean', value: false };
	if (decimalInteger.test(token)) return { kind: 'integer', value: Number(token.replaceAll('_', '')) };
	if (hexInteger.test(token)) return { kind: 'integer', value: Number.parseInt(token.slice(2).replaceAll('_', ''), 16) };
	if (octalInteger.test(token)) return { kind: 'integer', value: Number.parseInt(token.slice(2).replaceAll('_', ''), 8) };
	if (binaryInteger.test(token)) return { kind: 'integer', value: Number.parseInt(token.slice(2).replaceAll('_', ''), 2) };
	if (decimalFloat.test(token)) return { kind: 'float', value: Number(token.replaceAll('_', '')) };
	if (specialFloat.test(token)) {
		const negative = token.startsWith('-');
		return { kind: 'float', value: token.endsWith('nan') ? Number.NaN : negative ? -Infinity : Infinity };
	}
	if (dateTime.test(token) || localTime.test(token)) return { kind: 'datetime', value: undefined };
	return undefined;
}
