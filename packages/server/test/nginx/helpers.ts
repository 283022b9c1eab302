import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Span } from '../../src/analysis/text.js';
import type { IncludeIo } from '../../src/analysis/formats/nginx/index.js';
import { globToRegExp } from '../../src/analysis/glob.js';

/** Span of the `nth` occurrence of `needle` in `text` (positions found by substring, not hard-coded). */
export function spanOf(text: string, needle: string, nth = 0): Span {
	let start = -1;
	for (let i = 0; i <= nth; i++) {
		start = text.indexOf(needle, start + 1);
		if (start === -1) throw new Error(`"${needle}" #${nth} not in text`);
	}
	return { start, end: start + needle.length };
}

/** An in-memory file tree behind the parser's callbacks; records every call. */
export function memoryIo(files: Record<string, string>): IncludeIo & { reads: string[]; globs: string[] } {
	const reads: string[] = [];
	const globs: string[] = [];
	return {
		reads,
		globs,
		readFile(path) {
			reads.push(path);
			return Object.hasOwn(files, path) ? files[path] : undefined;
		},
		listFiles(glob) {
			globs.push(glob);
			const matcher = globMatcher(glob);
			return Object.keys(files).filter((path) => matcher(path));
		},
	};
}

/** `*`, `?` and `[…]` within one path segment, as glob(3) without flags (dotfiles included; the parser filters). */
export function globMatcher(glob: string): (path: string) => boolean {
	const regex = globToRegExp(glob);
	return (path) => regex?.test(path) ?? false;
}

/** Real filesystem callbacks (tests only: the engine itself never touches the filesystem). */
export const diskIo: Required<IncludeIo> = {
	readFile(path) {
		try {
			return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
		} catch {
			return undefined;
		}
	},
	listFiles(glob) {
		const slash = glob.lastIndexOf('/');
		const dir = glob.slice(0, slash) || '/';
		const matcher = globMatcher(glob);
		try {
			return readdirSync(dir)
				.map((name) => `${dir === '/' ? '' : dir}/${name}`)
				.filter((path) => matcher(path));
		} catch {
			return [];
		}
	},
};
