/**
nginx's configuration levels (`http` → `server` → `location` → nested `location`), built from the parsed trees of the
root files. Directives brought in by `include` sit at the level of the `include` (the parser splices them in), which is
what makes an included `proxy_set_header` cancel inheritance exactly like a written one (proxies.md §3.1, facts).
`if` blocks are not levels here: what they hold only applies to some requests, and `proxy_set_header` is not allowed
in them.
*/
import type { Directive } from '../../formats/nginx/index.js';

export type LevelKind = 'http' | 'server' | 'location';

export type Level = {
	kind: LevelKind;
	/** The `http`, `server` or `location` block directive; `undefined` for the implicit `http` of a conf.d file (or server of a bare-location snippet). */
	block: Directive | undefined;
	parent: Level | undefined;
	/** Directives directly at this level, included ones where their `include` stands. */
	directives: Directive[];
	children: Level[];
	/** The root file this level was read from. */
	root: string;
};

/** What a level tree is built from: a root's top-level directives and how to splice includes nginx resolves elsewhere. */
export type LevelSource = {
	root: string;
	/** Top-level directives of the root file. */
	directives: readonly Directive[];
	/** `main` when the root file holds `http { … }`; `http` for a conf.d or sites-enabled file. */
	context: 'main' | 'http';
	/** Directives to splice after an `include` the parser could not resolve (an absolute container path). */
	virtualInclude: (include: Directive) => readonly Directive[] | undefined;
};

/** Bounds against hostile input: levels kept per root, splicing depth and volume. */
const maxLevels = 20_000;
const maxVirtualDepth = 8;
/** Directives spliced through mapped includes per root (files that include each other multiply otherwise). */
const maxSpliced = 200_000;

/** The `http` levels of one root, with their servers and locations. Iterative over nesting; never throws. */
export function buildLevels(source: LevelSource): Level[] {
	let count = 0;
	let spliced = 0;
	const expand = (list: readonly Directive[], depth = 0, out: Directive[] = []): Directive[] => {
		for (const directive of list) {
			out.push(directive);
			if (directive.name !== 'include' || depth >= maxVirtualDepth || spliced >= maxSpliced) continue;
			if (directive.included && directive.included.length > 0) continue;
			const more = source.virtualInclude(directive);
			if (!more) continue;
			spliced += more.length;
			expand(more, depth + 1, out);
		}
		return out;
	};
	const make = (kind: LevelKind, block: Directive | undefined, parent: Level | undefined, list: readonly Directive[]): Level => {
		count++;
		const level: Level = { kind, block, parent, directives: expand(list), children: [], root: source.root };
		parent?.children.push(level);
		return level;
	};

	const https: Level[] = [];
	const queue: Level[] = [];
	if (source.context === 'http') {
		const bareLocations = !source.directives.some((d) => d.name === 'server') && source.directives.some((d) => d.name === 'location');
		if (bareLocations) {
			// A snippet of bare `location`s that nothing includes: read it as the inside of one server.
			const http = make('http', undefined, undefined, []);
			https.push(http);
			queue.push(make('server', undefined, http, source.directives));
		} else https.push(make('http', undefined, undefined, source.directives));
	} else {
		for (const directive of expand(source.directives)) {
			if (directive.name === 'http' && directive.block) https.push(make('http', directive, undefined, directive.block));
		}
	}
	if (queue.length === 0) queue.push(...https);
	for (let index = 0; index < queue.length && count < maxLevels; index++) {
		const level = queue[index]!;
		const childName = level.kind === 'http' ? 'server' : 'location';
		for (const directive of level.directives) {
			if (count >= maxLevels) break;
			if (!directive.block || directive.name !== childName) continue;
			queue.push(make(childName, directive, level, directive.block));
		}
	}
	return https;
}

/** Every level below (and including) `level`, depth-first. */
export function* descendants(level: Level): Generator<Level> {
	const stack = [level];
	while (stack.length > 0) {
		const next = stack.pop()!;
		yield next;
		for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]!);
	}
}

/** The level and its ancestors, innermost first. */
export function* chain(level: Level): Generator<Level> {
	for (let current: Level | undefined = level; current; current = current.parent) yield current;
}

export function serverOf(level: Level): Level | undefined {
	for (const current of chain(level)) if (current.kind === 'server') return current;
	return undefined;
}

export function httpOf(level: Level): Level {
	let current = level;
	while (current.parent) current = current.parent;
	return current;
}

export function own(level: Level, name: string): Directive[] {
	return level.directives.filter((directive) => directive.name === name);
}

/**
An array-valued directive family (`proxy_set_header`, `auth_request_set`): the nearest level that has any of them
supplies all of them; the ones above are not inherited (nginx's merge of `ngx_array_t` settings).
*/
export function effectiveArray(level: Level, name: string): { level: Level; directives: Directive[] } | undefined {
	for (const current of chain(level)) {
		const directives = own(current, name);
		if (directives.length > 0) return { level: current, directives };
	}
	return undefined;
}

/** A single-valued directive (`auth_request`, `auth_basic`, `proxy_pass_request_headers`): the nearest one wins. */
export function effectiveValue(level: Level, name: string): Directive | undefined {
	for (const current of chain(level)) {
		const found = current.directives.find((directive) => directive.name === name);
		if (found) return found;
	}
	return undefined;
}

/** `location ^~ /rest/`, `server music.example.com`, `http`. */
export function describeLevel(level: Level): string {
	if (level.kind === 'location') return `location ${level.block?.args.map((arg) => arg.raw).join(' ') ?? ''}`.trimEnd();
	if (level.kind === 'server') {
		const name = level.directives.find((directive) => directive.name === 'server_name')?.args[0]?.value;
		return name ? `server ${name}` : 'server';
	}
	return 'http';
}
