/**
Shell-style globs (`*`, `?`, `[…]`, `[!…]`, `[^…]`) as Caddy `import` and nginx `include` use them: wildcards and
classes never match `/`, as glob(3) and Go's `filepath.Glob` match one path element at a time; `\` is an ordinary
character. One implementation for the engine, the CLI's filesystem view and the tests. Matching runs a set of
pattern positions over the name, O(glob × name), and never backtracks.
*/

/** A compiled glob: `test(name)` tells whether the whole of `name` matches. */
export type GlobMatcher = { readonly glob: string; test(name: string): boolean };

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'char'; cp: number } | { kind: 'class'; ranges: number[]; negated: boolean };

/** Longest glob compiled, in UTF-16 units. */
export const maxGlobLength = 4096;

const slash = 0x2f;

/** Compiles a glob; `undefined` when it is longer than `maxGlobLength` or has a reversed range such as `[z-a]`. */
export function compileGlob(glob: string): GlobMatcher | undefined {
	if (glob.length > maxGlobLength) return undefined;
	const tokens = tokenize(Array.from(glob, (char) => char.codePointAt(0)!));
	return tokens && { glob, test: (name) => matchTokens(tokens, name) };
}

/** @deprecated Use `compileGlob`; kept for callers that only need `.test(name)`. */
export const globToRegExp = compileGlob;

/** Whether a path holds glob characters at all. */
export function isGlob(text: string): boolean {
	return /[*?[]/.test(text);
}

function tokenize(cps: number[]): Token[] | undefined {
	const tokens: Token[] = [];
	for (let i = 0; i < cps.length; i++) {
		const cp = cps[i]!;
		if (cp === 0x2a) {
			if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
		} else if (cp === 0x3f) tokens.push({ kind: 'any' });
		else if (cp === 0x5b && cps.indexOf(0x5d, i + 2) >= 0) {
			// The first character after `[` (or `[!`) may be `]`; the class ends at the next `]`.
			const close = cps.indexOf(0x5d, i + 2);
			let body = cps.slice(i + 1, close);
			const negated = body[0] === 0x21 || body[0] === 0x5e;
			if (negated) body = body.slice(1);
			const ranges: number[] = [];
			for (let j = 0; j < body.length; j++) {
				const lo = body[j]!;
				if (body[j + 1] === 0x2d && j + 2 < body.length) {
					const hi = body[j + 2]!;
					if (hi < lo) return undefined;
					ranges.push(lo, hi);
					j += 2;
				} else ranges.push(lo, lo);
			}
			tokens.push({ kind: 'class', ranges, negated });
			i = close;
		} else tokens.push({ kind: 'char', cp });
	}
	return tokens;
}

function tokenMatches(token: Token, cp: number): boolean {
	switch (token.kind) {
		case 'char':
			return token.cp === cp;
		case 'class': {
			if (cp === slash) return false;
			let found = false;
			for (let i = 0; i < token.ranges.length && !found; i += 2) found = cp >= token.ranges[i]! && cp <= token.ranges[i + 1]!;
			return found !== token.negated;
		}
		default:
			return cp !== slash;
	}
}

/** Simulates the glob as an NFA whose states are token positions; a star stays put or steps over itself for free. */
function matchTokens(tokens: readonly Token[], name: string): boolean {
	const m = tokens.length;
	let current = new Uint8Array(m + 1);
	let next = new Uint8Array(m + 1);
	const close = (states: Uint8Array): void => {
		for (let i = 0; i < m; i++) if (states[i] && tokens[i]!.kind === 'star') states[i + 1] = 1;
	};
	current[0] = 1;
	close(current);
	for (const char of name) {
		const cp = char.codePointAt(0)!;
		next.fill(0);
		let alive = false;
		for (let i = 0; i < m; i++) {
			if (!current[i] || !tokenMatches(tokens[i]!, cp)) continue;
			next[tokens[i]!.kind === 'star' ? i : i + 1] = 1;
			alive = true;
		}
		if (!alive) return false;
		close(next);
		[current, next] = [next, current];
	}
	return current[m] === 1;
}
