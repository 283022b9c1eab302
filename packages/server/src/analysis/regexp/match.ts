/**
Thompson NFA compilation and a state-set simulation (Pike VM without captures) for the AST of parse.ts. Each subject
position visits each instruction at most once, so a search costs O(program size × subject length) and never
backtracks. Only whether a match exists is computed, which is all Go's `MatchString` reports.
*/
import { type Assertion, type CharClass, inRanges, type RegexpNode } from './parse.js';

const enum Op {
	Class,
	Split,
	Assert,
	Match,
}

const assertions: readonly Assertion[] = ['beginText', 'endText', 'beginLine', 'endLine', 'wordBoundary', 'notWordBoundary'];

/** A compiled program; `undefined` from `compileProgram` when it would exceed `maxSize` instructions. */
export type Program = { op: Uint8Array; out: Int32Array; out1: Int32Array; arg: Int32Array; classes: CharClass[]; start: number; anchored: boolean; fold: boolean };

class TooLarge extends Error {}

/** Compiles the AST; repeats are unrolled as RE2 does, so `maxSize` bounds the work per subject character. */
export function compileProgram(node: RegexpNode, maxSize: number): Program | undefined {
	const op: number[] = [];
	const out: number[] = [];
	const out1: number[] = [];
	const arg: number[] = [];
	const classes: CharClass[] = [];
	const classIndex = new Map<CharClass, number>();
	const emit = (code: Op, next: number, alt = -1, argument = -1): number => {
		if (op.length >= maxSize) throw new TooLarge();
		op.push(code);
		out.push(next);
		out1.push(alt);
		arg.push(argument);
		return op.length - 1;
	};
	// Built back to front: `compile(node, next)` returns the entry of `node` followed by `next`.
	const compile = (item: RegexpNode, next: number): number => {
		switch (item.kind) {
			case 'empty':
				return next;
			case 'class': {
				// Unrolled repeats share the class object: one test per class and subject character.
				let index = classIndex.get(item.cls);
				if (index === undefined) {
					index = classes.push(item.cls) - 1;
					classIndex.set(item.cls, index);
				}
				return emit(Op.Class, next, -1, index);
			}
			case 'assert':
				return emit(Op.Assert, next, -1, assertions.indexOf(item.assertion));
			case 'concat': {
				let entry = next;
				for (let i = item.items.length - 1; i >= 0; i--) entry = compile(item.items[i]!, entry);
				return entry;
			}
			case 'alternate': {
				let entry = compile(item.items[item.items.length - 1]!, next);
				for (let i = item.items.length - 2; i >= 0; i--) entry = emit(Op.Split, compile(item.items[i]!, next), entry);
				return entry;
			}
			case 'repeat': {
				let entry = next;
				if (item.max < 0) {
					const loop = emit(Op.Split, -1, next);
					out[loop] = compile(item.item, loop);
					entry = loop;
				} else {
					// x{n,m}: n copies, then (x(x…)?)? for the optional ones.
					for (let i = item.min; i < item.max; i++) entry = emit(Op.Split, compile(item.item, entry), next);
				}
				for (let i = 0; i < item.min; i++) entry = compile(item.item, entry);
				return entry;
			}
		}
	};
	try {
		const match = emit(Op.Match, -1);
		const start = compile(node, match);
		const first = node.kind === 'concat' ? node.items[0] : node;
		return {
			op: Uint8Array.from(op),
			out: Int32Array.from(out),
			out1: Int32Array.from(out1),
			arg: Int32Array.from(arg),
			classes,
			start,
			anchored: first?.kind === 'assert' && first.assertion === 'beginText',
			fold: classes.some((cls) => cls.fold),
		};
	} catch (error) {
		if (error instanceof TooLarge || error instanceof RangeError) return undefined;
		throw error;
	}
}

const isWord = (cp: number): boolean => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || (cp >= 0x61 && cp <= 0x7a);

function otherCase(cp: number, upper: boolean): number {
	const char = String.fromCodePoint(cp);
	const other = upper ? char.toUpperCase() : char.toLowerCase();
	const single = other.codePointAt(0)!;
	return other.length === String.fromCodePoint(single).length ? single : cp;
}

function classMatches(cls: CharClass, cp: number, lower: number, upper: number): boolean {
	let found = inRanges(cls.ranges, cp) || cls.tests.some((test) => test(cp));
	if (!found && cls.fold) {
		for (const other of [lower, upper]) if (other !== cp && (inRanges(cls.ranges, other) || cls.tests.some((test) => test(other)))) found = true;
	}
	return found !== cls.negated;
}

/** Whether `program` matches anywhere in `subject` (Go `MatchString`: unanchored, on code points). */
export function searchProgram(program: Program, subject: string): boolean {
	const cps = Array.from(subject, (char) => char.codePointAt(0)!);
	const n = cps.length;
	const size = program.op.length;
	const { op, out, out1, arg } = program;
	const mark = new Int32Array(size).fill(-1);
	const stack = new Int32Array(2 * size + 2);
	let current = new Int32Array(size);
	let next = new Int32Array(size);
	let currentLength = 0;
	let nextLength = 0;
	let matched = false;
	const classStamp = new Int32Array(program.classes.length).fill(-1);
	const classResult = new Uint8Array(program.classes.length);

	const holds = (assertion: number, at: number): boolean => {
		const before = at > 0 ? cps[at - 1]! : -1;
		const after = at < n ? cps[at]! : -1;
		switch (assertion) {
			case 0:
				return at === 0;
			case 1:
				return at === n;
			case 2:
				return at === 0 || before === 0x0a;
			case 3:
				return at === n || after === 0x0a;
			case 4:
				return isWord(before) !== isWord(after);
			default:
				return isWord(before) === isWord(after);
		}
	};
	// Adds the epsilon closure of `state` at position `at` to `next`, stamping visited states with `at`.
	const add = (state: number, at: number): void => {
		let top = 0;
		stack[top++] = state;
		while (top > 0) {
			const s = stack[--top]!;
			if (mark[s] === at) continue;
			mark[s] = at;
			switch (op[s]) {
				case Op.Class:
					next[nextLength++] = s;
					break;
				case Op.Split:
					stack[top++] = out1[s]!;
					stack[top++] = out[s]!;
					break;
				case Op.Assert:
					if (holds(arg[s]!, at)) stack[top++] = out[s]!;
					break;
				default:
					matched = true;
			}
		}
	};

	add(program.start, 0);
	for (let at = 0; ; at++) {
		if (matched) return true;
		[current, next] = [next, current];
		currentLength = nextLength;
		nextLength = 0;
		if (at === n || (currentLength === 0 && program.anchored)) return false;
		const cp = cps[at]!;
		const lower = program.fold ? otherCase(cp, false) : cp;
		const upper = program.fold ? otherCase(cp, true) : cp;
		for (let i = 0; i < currentLength; i++) {
			const s = current[i]!;
			const cls = arg[s]!;
			if (classStamp[cls] !== at) {
				classStamp[cls] = at;
				classResult[cls] = classMatches(program.classes[cls]!, cp, lower, upper) ? 1 : 0;
			}
			if (classResult[cls] === 1) add(out[s]!, at + 1);
		}
		if (!program.anchored) add(program.start, at + 1);
	}
}
