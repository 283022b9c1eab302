/**
Pieces of `import` handling that do not need the parser: path joining, Caddy's glob limits, and the replacement of
`{args.N}` (all versions), `{args[N]}` and whole-token `{args[a:b]}` (≥ 2.7) in imported tokens (proxies.md §2.4;
[S] `caddyconfig/caddyfile/importargs.go`, `replacer.go`).
*/
import type { ArgSubstitution, ImportPaths, Token } from './ast.js';

/**
Join an import pattern to the importing file's directory, normalising `.` and `..`. With the container's mounts
(`paths`), the pattern is resolved where Caddy runs (against the importing file's container path) and mapped back to
the host: `import /etc/caddy/snippets/*` in a Caddyfile whose compose service mounts `./snippets:/etc/caddy/snippets`
reads `./snippets/*`. A path no mount covers is resolved on the host as written.
*/
export function joinImportPath(importingFile: string, pattern: string, paths?: ImportPaths): string {
	if (paths) {
		try {
			const container = pattern.startsWith('/') ? normalizePath(pattern) : mapped(paths.toContainer(importingFile), pattern);
			const host = container === undefined ? undefined : paths.toHost(container);
			if (typeof host === 'string' && host.startsWith('/')) return normalizePath(host);
		} catch {
			// A map that throws is no map.
		}
	}
	return joinOnHost(importingFile, pattern);
}

function mapped(containerFile: string | undefined, pattern: string): string | undefined {
	return typeof containerFile === 'string' && containerFile.startsWith('/') ? joinOnHost(containerFile, pattern) : undefined;
}

function joinOnHost(importingFile: string, pattern: string): string {
	if (pattern.startsWith('/')) return normalizePath(pattern);
	const slash = importingFile.lastIndexOf('/');
	if (slash < 0) return normalizePath(pattern);
	return normalizePath(`${importingFile.slice(0, slash + 1)}${pattern}`);
}

function normalizePath(path: string): string {
	const absolute = path.startsWith('/');
	const parts: string[] = [];
	for (const part of path.split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
		else if (part !== '..' || !absolute) parts.push(part);
	}
	const joined = parts.join('/');
	return absolute ? `/${joined}` : joined || '.';
}

export function hasGlobMeta(pattern: string): boolean {
	return /[*?[\]]/.test(pattern);
}

/** Caddy refuses patterns with several wildcards (issue #2096); returns the message or undefined. */
export function globProblem(globPath: string): string | undefined {
	const count = (char: string): number => globPath.split(char).length - 1;
	if (count('*') > 1 || count('?') > 1 || (globPath.includes('[') && globPath.includes(']'))) {
		return `Glob pattern may only contain one wildcard (*), but has others: ${globPath}`;
	}
	return undefined;
}

/** Caddy ≥ 2.7 skips dotfiles when the last segment of the pattern starts with `*`. */
export function filterGlobMatches(globPath: string, matches: string[]): string[] {
	const lastSegment = globPath.slice(globPath.lastIndexOf('/') + 1);
	if (!lastSegment.startsWith('*')) return matches;
	return matches.filter(match => !match.slice(match.lastIndexOf('/') + 1).startsWith('.'));
}

/** Go's `strconv.Atoi` for the small numbers that make sense as indexes. */
function parseIndex(text: string): number | undefined {
	if (!/^[+-]?\d{1,15}$/.test(text)) return undefined;
	return Number.parseInt(text, 10);
}

/** `{args[a:b]}` alone in a token: the argument range it expands to, or undefined. */
export function parseVariadic(text: string, argCount: number): { start: number; end: number } | undefined {
	if (!text.startsWith('{args[') || !text.endsWith(']}') || text.length < 8) return undefined;
	const range = text.slice(6, -2);
	const colon = range.indexOf(':');
	if (range === '' || colon < 0) return undefined;
	const startText = range.slice(0, colon);
	const endText = range.slice(colon + 1);
	if (startText.includes('}') || endText.includes('{')) return undefined;
	const start = startText === '' ? 0 : parseIndex(startText);
	const end = endText === '' ? argCount : parseIndex(endText);
	if (start === undefined || end === undefined || start < 0 || start > end || end > argCount) return undefined;
	return { start, end };
}

/** Value of placeholder key `args.N` / `args[N]`, or undefined when Caddy leaves the placeholder as is. */
function argumentIndex(key: string, argCount: number): number | undefined {
	let indexText: string | undefined;
	if (key.startsWith('args.')) indexText = key.slice(5);
	else if (key.startsWith('args[') && key.endsWith(']')) indexText = key.slice(5, -1);
	if (indexText === undefined || indexText === '' || indexText.includes(':')) return undefined;
	const index = parseIndex(indexText);
	return index !== undefined && index >= 0 && index < argCount ? index : undefined;
}

/**
Caddy's `ReplaceKnown` with the import arguments: known placeholders are replaced, unknown ones and out-of-range
indexes stay, and `\{` / `\}` lose their backslash ([E] caddy 2.6.2 adapt: `"\{x\}"` in a snippet became `{x}`).
*/
export function replaceArgs(text: string, args: readonly Token[]): { text: string; substitutions: ArgSubstitution[] } {
	const substitutions: ArgSubstitution[] = [];
	if (!text.includes('{')) return { text, substitutions };
	let out = '';
	let lastWrite = 0;
	let unclosed = 0;
	// The first `}` at or after the cursor only moves forward: caching it keeps long tokens linear.
	let nextClose = -2;
	scan: for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (index > 0 && text[index - 1] === '\\' && (char === '{' || char === '}')) {
			out += text.slice(lastWrite, index - 1);
			lastWrite = index;
			continue;
		}
		if (char !== '{') continue;
		if (unclosed > 100) break;
		if (nextClose !== -1 && nextClose < index) nextClose = text.indexOf('}', index);
		let end = nextClose;
		if (end < 0) {
			unclosed++;
			continue;
		}
		while (end > 0 && end < text.length - 1 && text[end - 1] === '\\') {
			const nextEnd = text.indexOf('}', end + 1);
			if (nextEnd < 0) {
				unclosed++;
				continue scan;
			}
			end = nextEnd;
		}
		out += text.slice(lastWrite, index);
		const key = text.slice(index + 1, end);
		const argIndex = argumentIndex(key, args.length);
		if (argIndex === undefined) {
			lastWrite = index;
			continue;
		}
		const argument = args[argIndex]!;
		out += argument.text;
		substitutions.push({ placeholder: `{${key}}`, index: argIndex, value: argument.text, argument });
		index = end;
		lastWrite = end + 1;
	}
	out += text.slice(lastWrite);
	return { text: out, substitutions };
}
