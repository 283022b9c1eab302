/**
Go regular expressions (RE2 syntax) taken from configs, run in linear time: parse.ts reads the syntax, match.ts runs
a Thompson NFA. Patterns Go rejects, syntax this port lacks and programs past the size budget give `undefined`, which
callers report as `maybe`.
*/
import { compileProgram, searchProgram } from './match.js';
import { parseGoRegexp } from './parse.js';

export { parseGoRegexp } from './parse.js';
export type { RegexpNode } from './parse.js';

/** A compiled Go regular expression. */
export type GoRegexp = {
	readonly source: string;
	/** Instructions in the program: a search costs at most this many steps per subject character. */
	readonly size: number;
	/** Go `MatchString`: whether the pattern matches anywhere in `subject`; `undefined` past `maxSearchWork`. */
	matches(subject: string): boolean | undefined;
};

/** Longest pattern compiled, in UTF-16 units. */
export const maxPatternLength = 4096;
/** Largest program, in instructions (Go allows far more). */
export const maxProgramSize = 5000;
/** Budget of one search: program size × (subject length + 1), about 0.1–0.3 s at worst. */
export const maxSearchWork = 4_000_000;

const cache = new Map<string, GoRegexp | null>();

/** Compiles a Go regexp, or `undefined` when Go would reject it, it uses unsupported syntax, or it is too large. Cached. */
export function compileGoRegexp(pattern: string): GoRegexp | undefined {
	let compiled = cache.get(pattern);
	if (compiled === undefined) {
		compiled = compileUncached(pattern) ?? null;
		if (cache.size >= 500) cache.clear();
		cache.set(pattern, compiled);
	}
	return compiled ?? undefined;
}

function compileUncached(pattern: string): GoRegexp | undefined {
	if (pattern.length > maxPatternLength) return undefined;
	const node = parseGoRegexp(pattern);
	const program = node && compileProgram(node, maxProgramSize);
	if (!program) return undefined;
	return { source: pattern, size: program.op.length, matches: (subject) => (program.op.length * (subject.length + 1) > maxSearchWork ? undefined : searchProgram(program, subject)) };
}
