/**
Which `location` nginx picks for a request path, as `ngx_http_core_find_location` does (proxies.md §3): an exact
(`=`) match wins at once; else the longest prefix (plain or `^~`) is remembered and its nested locations are searched
first; unless that prefix is `^~`, the regex locations of the level are then tried in order, and the first match
wins (its own nested locations searched in turn); else the remembered prefix stays. Regexes are PCRE in nginx; they
run here on the linear-time RE2 engine, so a pattern it cannot compile is *undecided*.
*/
import { compileGoRegexp } from '../../regexp/index.js';
import type { Level } from './levels.js';

export type LocationMatch = {
	/** The location that takes the path (`undefined`: none, the server level answers). */
	level: Level | undefined;
	/** Regex locations tried on the way whose patterns could not be run: any of them might take the path instead. */
	undecided: Level[];
};

/** The modifier and path of a `location` (`['^~', '/rest/']`, `[undefined, '/']`). */
export function locationArgs(level: Level): [string | undefined, string] {
	const args = level.block?.args.map((arg) => arg.value) ?? [];
	return args.length >= 2 ? [args[0], args[1]!] : [undefined, args[0] ?? ''];
}

/** Whether a regex location matches `path`: `undefined` when its pattern cannot be run here. */
export function regexMatches(level: Level, path: string): boolean | undefined {
	const [modifier, pattern] = locationArgs(level);
	if (modifier !== '~' && modifier !== '~*') return false;
	return compileGoRegexp(modifier === '~*' ? `(?i)${pattern}` : pattern)?.matches(path);
}

/** Nesting followed at most this deep (nginx configs rarely nest more than twice). */
const maxDepth = 16;

/** The location of `server` (or any level) that takes `path`. */
export function selectLocation(parent: Level, path: string): LocationMatch {
	const state: LocationMatch = { level: undefined, undecided: [] };
	find(parent, path, state, 0);
	return state;
}

type Child = { level: Level; modifier: string | undefined; value: string };

/** Each level's child locations with their parsed heads, read once per level. */
const childCache = new WeakMap<Level, Child[]>();

function childrenOf(parent: Level): Child[] {
	let children = childCache.get(parent);
	if (!children) {
		children = parent.children.filter((level) => level.kind === 'location' && level.block).map((level) => {
			const [modifier, value] = locationArgs(level);
			return { level, modifier, value };
		});
		childCache.set(parent, children);
	}
	return children;
}

/** `true` when the search is final (an exact or regex match); otherwise `state.level` holds the best prefix. */
function find(parent: Level, path: string, state: LocationMatch, depth: number): boolean {
	if (depth > maxDepth) return false;
	const locations = childrenOf(parent);
	let prefix: { level: Level; length: number; noregex: boolean } | undefined;
	for (const { level, modifier, value } of locations) {
		if (modifier === '=' && value === path) {
			state.level = level;
			return true;
		}
		if ((modifier === undefined || modifier === '^~') && !value.startsWith('@') && path.startsWith(value) && (!prefix || value.length > prefix.length)) {
			prefix = { level, length: value.length, noregex: modifier === '^~' };
		}
	}
	if (prefix) {
		state.level = prefix.level;
		if (find(prefix.level, path, state, depth + 1)) return true;
		if (prefix.noregex) return false;
	}
	for (const { level, modifier } of locations) {
		if (modifier !== '~' && modifier !== '~*') continue;
		const matched = regexMatches(level, path);
		if (matched === undefined) state.undecided.push(level);
		if (matched !== true) continue;
		state.level = level;
		find(level, path, state, depth + 1);
		return true;
	}
	return false;
}
