/**
A parser for Go's regexp syntax (RE2, as `regexp.Compile` reads it: Perl flags on). It yields a small AST for the
matcher in match.ts and `undefined` for anything Go rejects or this parser does not support: backreferences,
lookaround, `\C`, unknown Unicode classes, repeat counts above 1000, nesting deeper than 1000.
*/

/** A set of code points: sorted, merged `[lo, hi]` pairs plus predicates, then negated; `fold` also tries the other cases. */
export type CharClass = { ranges: number[]; tests: Array<(cp: number) => boolean>; negated: boolean; fold: boolean };

export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';

export type RegexpNode =
	| { kind: 'empty' }
	| { kind: 'class'; cls: CharClass }
	| { kind: 'assert'; assertion: Assertion }
	| { kind: 'concat'; items: RegexpNode[] }
	| { kind: 'alternate'; items: RegexpNode[] }
	/** `max` -1 is unbounded. Laziness is dropped: it never changes whether a match exists. */
	| { kind: 'repeat'; item: RegexpNode; min: number; max: number };

type Flags = { i: boolean; m: boolean; s: boolean };

/** RE2's limits (regexp/syntax: maxRepeat, maxHeight). */
const maxRepeat = 1000;
const maxDepth = 1000;

class Unsupported extends Error {}

const fail = (): never => {
	throw new Unsupported();
};

/** The AST of a Go regular expression, or `undefined` when Go rejects it or it uses syntax this parser lacks. */
export function parseGoRegexp(pattern: string): RegexpNode | undefined {
	try {
		const parser = new Parser(pattern);
		const node = parser.alternation({ i: false, m: false, s: false }, 0);
		if (parser.pos < parser.cps.length) fail(); // an unmatched `)`
		return node;
	} catch (error) {
		if (error instanceof Unsupported || error instanceof RangeError) return undefined;
		throw error;
	}
}

const digit = (cp: number | undefined): boolean => cp !== undefined && cp >= 0x30 && cp <= 0x39;
const isAlnum = (cp: number): boolean => digit(cp) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
const code = (char: string): number => char.codePointAt(0)!;

/** Perl classes, ASCII only as in Go. */
const perlClasses: Record<string, number[]> = {
	d: [0x30, 0x39],
	s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
	w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

const posixClasses: Record<string, number[]> = {
	alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
	alpha: [0x41, 0x5a, 0x61, 0x7a],
	ascii: [0x00, 0x7f],
	blank: [0x09, 0x09, 0x20, 0x20],
	cntrl: [0x00, 0x1f, 0x7f, 0x7f],
	digit: [0x30, 0x39],
	graph: [0x21, 0x7e],
	lower: [0x61, 0x7a],
	print: [0x20, 0x7e],
	punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
	space: [0x09, 0x0d, 0x20, 0x20],
	upper: [0x41, 0x5a],
	word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
	xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const unicodeTests = new Map<string, ((cp: number) => boolean) | null>();

/** `\pL`, `\p{Greek}`: general categories and scripts through JavaScript's Unicode property escapes (one code point per test). */
function unicodeTest(name: string): (cp: number) => boolean {
	let test = unicodeTests.get(name);
	if (test === undefined) {
		test = null;
		const property = name === 'Any' ? 'Any' : /^[A-Z][a-z]?$/.test(name) ? name : /^[A-Z][A-Za-z_]+$/.test(name) ? `Script=${name}` : undefined;
		if (property) {
			try {
				const regexp = new RegExp(`^\\p{${property}}$`, 'u');
				test = (cp) => regexp.test(String.fromCodePoint(cp));
			} catch {
				test = null;
			}
		}
		unicodeTests.set(name, test);
	}
	return test ?? fail();
}

/** Sorts and merges `[lo, hi]` pairs. */
export function normaliseRanges(ranges: number[]): number[] {
	const pairs: Array<[number, number]> = [];
	for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
	pairs.sort((a, b) => a[0] - b[0]);
	const out: number[] = [];
	for (const [lo, hi] of pairs) {
		const last = out.length - 1;
		if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
		else out.push(lo, hi);
	}
	return out;
}

/** Whether `cp` lies in normalised ranges (binary search). */
export function inRanges(ranges: readonly number[], cp: number): boolean {
	let lo = 0;
	let hi = ranges.length / 2 - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		if (cp < ranges[2 * mid]!) hi = mid - 1;
		else if (cp > ranges[2 * mid + 1]!) lo = mid + 1;
		else return true;
	}
	return false;
}

/** The other cases of one code point (simple folding: single code point results only). */
export function otherCases(cp: number): number[] {
	const char = String.fromCodePoint(cp);
	const found: number[] = [];
	for (const other of [char.toLowerCase(), char.toUpperCase()]) {
		const single = other.codePointAt(0)!;
		if (other.length === String.fromCodePoint(single).length && single !== cp && !found.includes(single)) found.push(single);
	}
	return found;
}

function literal(cp: number, flags: Flags): RegexpNode {
	const ranges = [cp, cp];
	if (flags.i) for (const other of otherCases(cp)) ranges.push(other, other);
	return { kind: 'class', cls: { ranges: normaliseRanges(ranges), tests: [], negated: false, fold: flags.i } };
}

class Parser {
	readonly cps: number[];
	pos = 0;
	private readonly names = new Set<string>();

	constructor(pattern: string) {
		this.cps = Array.from(pattern, code);
	}

	private peek(offset = 0): number | undefined {
		return this.cps[this.pos + offset];
	}

	private eat(char: string): boolean {
		if (this.peek() !== code(char)) return false;
		this.pos++;
		return true;
	}

	/** `a|b|…` up to an unmatched `)` or the end. `flags` changes in place for `(?i)` and lasts to the end of the group. */
	alternation(flags: Flags, depth: number): RegexpNode {
		if (depth > maxDepth) fail();
		const alternatives: RegexpNode[] = [];
		let items: RegexpNode[] = [];
		let lastWasRepeat = false;
		const close = (): void => {
			alternatives.push(items.length === 0 ? { kind: 'empty' } : items.length === 1 ? items[0]! : { kind: 'concat', items });
			items = [];
		};
		while (this.pos < this.cps.length) {
			const cp = this.peek()!;
			if (cp === code(')')) break;
			if (cp === code('|')) {
				this.pos++;
				close();
				lastWasRepeat = false;
				continue;
			}
			const repeat = this.repeatOperator();
			if (repeat) {
				// Go: "missing argument to repetition operator", "invalid nested repetition operator".
				if (items.length === 0 || lastWasRepeat) fail();
				items.push({ kind: 'repeat', item: items.pop()!, min: repeat.min, max: repeat.max });
				lastWasRepeat = true;
				continue;
			}
			lastWasRepeat = false;
			const atom = this.atom(flags, depth);
			if (atom) items.push(atom);
		}
		close();
		return alternatives.length === 1 ? alternatives[0]! : { kind: 'alternate', items: alternatives };
	}

	/** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` with an optional lazy `?`; a `{` that is no repeat is left as a literal. */
	private repeatOperator(): { min: number; max: number } | undefined {
		const cp = this.peek();
		let found: { min: number; max: number } | undefined;
		if (cp === code('*')) found = { min: 0, max: -1 };
		else if (cp === code('+')) found = { min: 1, max: -1 };
		else if (cp === code('?')) found = { min: 0, max: 1 };
		if (found) this.pos++;
		else if (cp === code('{')) {
			const start = this.pos;
			this.pos++;
			const min = this.integer();
			let max = min;
			if (min !== undefined && this.eat(',')) max = digit(this.peek()) ? this.integer() : -1;
			if (min === undefined || max === undefined || !this.eat('}')) {
				this.pos = start;
				return undefined;
			}
			if (min > maxRepeat || max > maxRepeat || (max >= 0 && min > max)) fail();
			found = { min, max };
		} else return undefined;
		this.eat('?');
		return found;
	}

	/** Decimal digits, no leading zeros (Go's parseInt); values past 8 digits count as too large. */
	private integer(): number | undefined {
		const start = this.pos;
		while (digit(this.peek())) this.pos++;
		const text = String.fromCodePoint(...this.cps.slice(start, this.pos));
		if (text === '' || (text.length > 1 && text.startsWith('0'))) return undefined;
		return text.length >= 8 ? maxRepeat + 1 : Number(text);
	}

	/** One atom; `undefined` for a bare flag group such as `(?i)`. */
	private atom(flags: Flags, depth: number): RegexpNode | undefined {
		const cp = this.cps[this.pos++]!;
		switch (String.fromCodePoint(cp)) {
			case '(':
				return this.group(flags, depth);
			case '[':
				return { kind: 'class', cls: this.charClass(flags) };
			case '.':
				return { kind: 'class', cls: { ranges: flags.s ? [] : [0x0a, 0x0a], tests: [], negated: true, fold: false } };
			case '^':
				return { kind: 'assert', assertion: flags.m ? 'beginLine' : 'beginText' };
			case '$':
				return { kind: 'assert', assertion: flags.m ? 'endLine' : 'endText' };
			case '\\':
				return this.escape(flags);
			default:
				return literal(cp, flags);
		}
	}

	private group(flags: Flags, depth: number): RegexpNode | undefined {
		if (this.eat('?')) {
			if (this.eat('P')) {
				if (!this.eat('<')) fail(); // `(?P=name)` backreferences, `(?P>…)`
				this.pos--;
			}
			if (this.eat('<')) {
				const close = this.cps.indexOf(code('>'), this.pos);
				if (close < 0) fail();
				const name = String.fromCodePoint(...this.cps.slice(this.pos, close));
				if (!/^[A-Za-z0-9_]+$/.test(name) || this.names.has(name)) fail();
				this.names.add(name);
				this.pos = close + 1;
				return this.groupBody({ ...flags }, depth);
			}
			// Flags: `(?i)`, `(?i-s:…)`.
			const set = { ...flags };
			let negate = false;
			let sawFlag = false;
			for (;;) {
				const char = this.pos < this.cps.length ? String.fromCodePoint(this.cps[this.pos++]!) : fail();
				if (char === 'i' || char === 'm' || char === 's' || char === 'U') {
					if (char !== 'U') set[char] = !negate;
					sawFlag = true;
				} else if (char === '-') {
					if (negate) fail();
					negate = true;
					sawFlag = false;
				} else if (char === ':' || char === ')') {
					if (negate && !sawFlag) fail();
					if (char === ')') {
						if (!negate && !sawFlag) fail();
						Object.assign(flags, set);
						return undefined;
					}
					return this.groupBody(set, depth);
				} else fail(); // lookaround and the rest
			}
		}
		return this.groupBody({ ...flags }, depth);
	}

	private groupBody(flags: Flags, depth: number): RegexpNode {
		const node = this.alternation(flags, depth + 1);
		if (!this.eat(')')) fail();
		return node;
	}

	/** After `\` outside a class. */
	private escape(flags: Flags): RegexpNode {
		const cp = this.peek() ?? fail();
		const char = String.fromCodePoint(cp);
		const assertion = ({ A: 'beginText', z: 'endText', b: 'wordBoundary', B: 'notWordBoundary' } as const)[char as 'A'];
		if (assertion) {
			this.pos++;
			return { kind: 'assert', assertion };
		}
		if (char === 'Q') {
			this.pos++;
			let end = this.pos;
			while (end < this.cps.length && !(this.cps[end] === code('\\') && this.cps[end + 1] === code('E'))) end++;
			const items = this.cps.slice(this.pos, end).map((one) => literal(one, flags));
			this.pos = Math.min(end + 2, this.cps.length);
			return items.length === 1 ? items[0]! : { kind: 'concat', items };
		}
		const cls: CharClass = { ranges: [], tests: [], negated: false, fold: flags.i };
		if (this.classEscape(cls)) return { kind: 'class', cls: { ...cls, ranges: normaliseRanges(cls.ranges) } };
		return literal(this.charEscape(), flags);
	}

	/** `\d`, `\S`, `\pL`, `\P{Greek}` into `cls`; false when the escape is not a class. `pos` is after the `\`. */
	private classEscape(cls: CharClass): boolean {
		const char = String.fromCodePoint(this.peek() ?? fail());
		const perl = perlClasses[char.toLowerCase()];
		if (perl && 'dswDSW'.includes(char)) {
			this.pos++;
			if (char === char.toLowerCase()) cls.ranges.push(...perl);
			else cls.tests.push((cp) => !inRanges(perl, cp));
			return true;
		}
		if (char !== 'p' && char !== 'P') return false;
		this.pos++;
		let name: string;
		if (this.eat('{')) {
			const close = this.cps.indexOf(code('}'), this.pos);
			if (close < 0) fail();
			name = String.fromCodePoint(...this.cps.slice(this.pos, close));
			this.pos = close + 1;
		} else name = String.fromCodePoint(this.cps[this.pos++] ?? fail());
		let negated = char === 'P';
		if (name.startsWith('^')) {
			negated = !negated;
			name = name.slice(1);
		}
		const test = unicodeTest(name);
		cls.tests.push(negated ? (cp) => !test(cp) : test);
		return true;
	}

	/** A single-character escape (`pos` after the `\`): octal, hex, `\n`-style, escaped punctuation. */
	private charEscape(): number {
		const cp = this.cps[this.pos++] ?? fail();
		const char = String.fromCodePoint(cp);
		if (char >= '1' && char <= '7' && !(this.peek()! >= 0x30 && this.peek()! <= 0x37)) fail(); // a backreference
		if (char >= '0' && char <= '7') {
			let value = cp - 0x30;
			for (let n = 0; n < 2 && this.peek()! >= 0x30 && this.peek()! <= 0x37; n++) value = value * 8 + (this.cps[this.pos++]! - 0x30);
			return value;
		}
		if (char === 'x') {
			let hex: string;
			if (this.eat('{')) {
				const close = this.cps.indexOf(code('}'), this.pos);
				if (close < 0) fail();
				hex = String.fromCodePoint(...this.cps.slice(this.pos, close));
				this.pos = close + 1;
			} else {
				hex = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 2));
				if (hex.length !== 2) fail();
				this.pos += 2;
			}
			if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) fail();
			const value = parseInt(hex, 16);
			return value > 0x10ffff ? fail() : value;
		}
		const simple = ({ a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 } as Record<string, number>)[char];
		if (simple !== undefined) return simple;
		if (cp < 0x80 && !isAlnum(cp)) return cp;
		return fail();
	}

	/** After `[`: `[^…]`, ranges, escapes, `[:alpha:]`; a leading `]` is literal; `-` is literal where it cannot be a range. */
	private charClass(flags: Flags): CharClass {
		const cls: CharClass = { ranges: [], tests: [], negated: this.eat('^'), fold: flags.i };
		let first = true;
		for (;;) {
			const cp = this.peek() ?? fail();
			if (cp === code(']') && !first) break;
			first = false;
			if (cp === code('[') && this.peek(1) === code(':')) {
				const end = this.findColonBracket();
				if (end >= 0) {
					let name = String.fromCodePoint(...this.cps.slice(this.pos + 2, end));
					const negated = name.startsWith('^');
					if (negated) name = name.slice(1);
					const ranges = posixClasses[name] ?? fail();
					if (negated) cls.tests.push((one) => !inRanges(ranges, one));
					else cls.ranges.push(...ranges);
					this.pos = end + 2;
					continue;
				}
			}
			if (cp === code('\\')) {
				this.pos++;
				if (this.classEscape(cls)) continue;
				this.pos--;
			}
			const lo = this.classChar();
			let hi = lo;
			if (this.peek() === code('-') && this.peek(1) !== code(']') && this.peek(1) !== undefined) {
				this.pos++;
				hi = this.classChar();
				if (hi < lo) fail();
			}
			cls.ranges.push(lo, hi);
		}
		this.pos++;
		cls.ranges = normaliseRanges(cls.ranges);
		return cls;
	}

	private findColonBracket(): number {
		for (let i = this.pos + 2; i + 1 < this.cps.length; i++) if (this.cps[i] === code(':') && this.cps[i + 1] === code(']')) return i;
		return -1;
	}

	private classChar(): number {
		const cp = this.cps[this.pos++] ?? fail();
		return cp === code('\\') ? this.charEscape() : cp;
	}
}
