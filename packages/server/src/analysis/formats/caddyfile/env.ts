/**
`{$VAR}` and `{$VAR:default}` substitution, done on the raw text before lexing exactly like Caddy (proxies.md §2.4):
inside quotes and comments too, the first `}` closes the placeholder, a value is never rescanned, and a value may
contain spaces, quotes or line breaks that the lexer then splits. The result keeps a map back to original offsets.
*/
import type { Span } from '../../text.js';
import type { EnvSubstitution } from './ast.js';

/** Substituted text plus the way back to original offsets. */
export type EnvExpansion = {
	text: string;
	substitutions: EnvSubstitution[];
	/** Original span of substituted span `[start, end)`. */
	toOriginal(start: number, end: number): Span;
	/** Substitutions overlapping substituted span `[start, end)`. */
	substitutionsIn(start: number, end: number): EnvSubstitution[];
};

const noSubstitutions: EnvSubstitution[] = [];

/** A stretch of substituted text: copied verbatim (`sub` undefined) or produced by one substitution. */
type Piece = { outStart: number; outEnd: number; origStart: number; origEnd: number; sub?: EnvSubstitution };

export function expandEnv(original: string, file: string, env: Record<string, string> | undefined): EnvExpansion {
	const pieces: Piece[] = [];
	const substitutions: EnvSubstitution[] = [];
	const chunks: string[] = [];
	let outLength = 0;
	let copyFrom = 0;
	let searchFrom = 0;
	const copy = (until: number): void => {
		if (until <= copyFrom) return;
		chunks.push(original.slice(copyFrom, until));
		pieces.push({ outStart: outLength, outEnd: outLength + until - copyFrom, origStart: copyFrom, origEnd: until });
		outLength += until - copyFrom;
		copyFrom = until;
	};
	for (;;) {
		const begin = original.indexOf('{$', searchFrom);
		if (begin < 0) break;
		const close = original.indexOf('}', begin + 2);
		if (close < 0) break;
		const body = original.slice(begin + 2, close);
		if (body === '') {
			searchFrom = close + 1;
			continue;
		}
		const colon = body.indexOf(':');
		const name = colon < 0 ? body : body.slice(0, colon);
		const defaultValue = colon < 0 ? undefined : body.slice(colon + 1);
		const known = env !== undefined && Object.prototype.hasOwnProperty.call(env, name) && typeof env[name] === 'string';
		searchFrom = close + 1;
		const span = { start: begin, end: close + 1 };
		if (!known && env === undefined && defaultValue === undefined) {
			// Unknown environment: keep the placeholder so the tree still shows where the value goes.
			substitutions.push({ name, value: original.slice(begin, close + 1), resolved: false, span, file });
			continue;
		}
		const value = known ? env[name]! : (defaultValue ?? '');
		const sub: EnvSubstitution = { name, value, resolved: known, span, file };
		if (defaultValue !== undefined) sub.defaultValue = defaultValue;
		substitutions.push(sub);
		copy(begin);
		chunks.push(value);
		pieces.push({ outStart: outLength, outEnd: outLength + value.length, origStart: begin, origEnd: close + 1, sub });
		outLength += value.length;
		copyFrom = close + 1;
	}
	copy(original.length);
	const text = chunks.length === 1 ? chunks[0]! : chunks.join('');
	const substituted = pieces.some(piece => piece.sub !== undefined);

	/** Index of the last piece starting at or before `offset` (so empty substitutions give way to what follows). */
	const pieceAt = (offset: number): number => {
		let low = 0;
		let high = pieces.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (pieces[mid]!.outStart <= offset) low = mid;
			else high = mid - 1;
		}
		return low;
	};
	const mapStart = (offset: number): number => {
		const piece = pieces[pieceAt(offset)];
		if (!piece) return offset;
		if (piece.sub) return piece.origStart;
		return piece.origStart + Math.min(offset - piece.outStart, piece.origEnd - piece.origStart);
	};
	const mapEnd = (offset: number): number => {
		if (offset <= 0) return 0;
		const piece = pieces[pieceAt(offset - 1)];
		if (!piece) return offset;
		if (piece.sub) return piece.origEnd;
		return piece.origStart + Math.min(offset - piece.outStart, piece.origEnd - piece.origStart);
	};
	return {
		text,
		substitutions,
		toOriginal(start, end) {
			if (!substituted) return { start, end };
			const mappedStart = mapStart(start);
			return { start: mappedStart, end: end <= start ? mappedStart : Math.max(mappedStart, mapEnd(end)) };
		},
		substitutionsIn(start, end) {
			if (!substituted) return noSubstitutions;
			const found: EnvSubstitution[] = [];
			let index = pieceAt(start);
			while (index > 0 && pieces[index - 1]!.outEnd > start) index--;
			for (; index < pieces.length; index++) {
				const piece = pieces[index]!;
				if (piece.outStart >= end) break;
				// An empty value strictly inside the token still shaped it.
				if (piece.sub && piece.outEnd > start) found.push(piece.sub);
			}
			return found;
		},
	};
}
