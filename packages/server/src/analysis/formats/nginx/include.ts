/**
How `include` finds files. What nginx 1.22 does ([E] nginx 1.22, `nginx -t -p P -c C`, checked with `nginx -T`):

- A relative path is resolved against the *configuration prefix*, i.e. the directory of the main file given with
  `-c` (or of the compiled-in default `/etc/nginx/nginx.conf`), never against the including file's directory and
  never against `-p`. With `-c sub/nginx.conf` the main file itself is relative to `-p`, and includes then resolve
  against `P/sub/`. A `conf.d/a.conf` that says `include snippets/x.conf;` reads `<conf dir>/snippets/x.conf`; a
  `conf.d/snippets/x.conf` next to it is ignored, and when only that one exists nginx fails with `open() … failed`.
- The value is taken literally (no variables). Without `*`, `?` or `[` it names one file, which must exist.
- With glob characters, matching files are read in byte order (`10.conf`, `9.conf`, `B.conf`, `_z.conf`, `a.conf`),
  names starting with `.` are skipped, and no match at all is fine.
- An included file is parsed on its own: a `}` in it cannot close a block of the including file ("unexpected "}""),
  and a block it opens must close in it ("unexpected end of file, expecting "}"").
- A file that includes itself crashes nginx 1.22 (`nginx -t` ends with "Segmentation fault", exit status 139).

The analysis engine does not know where the real configuration prefix is (a workspace often holds only `conf.d/` or
`sites-enabled/` files), so a relative include is tried against the including file's directory first and then
against the configuration root, which is nginx's only choice. The first candidate that yields files wins.
*/
import { basename, dirname, resolvePath } from '../../files.js';
import { isGlob } from '../../glob.js';

/** Callbacks through which the parser reads included files; it never touches the filesystem itself. */
export type IncludeIo = {
	/** Text of a file by absolute path, or `undefined` when it cannot be read. */
	readFile?: (absPath: string) => string | undefined;
	/** Absolute paths matching an absolute glob (`*`, `?`, `[…]`). */
	listFiles?: (absGlob: string) => string[];
};

export type IncludeResolution = {
	/** Files to splice in, in order; `text` is set when resolving already had to read the file. */
	files: Array<{ path: string; text?: string }>;
	/** The path nginx itself would use (against the configuration root), for messages. */
	nginxPath: string;
	glob: boolean;
	/** For a plain path: whether it was found; also `true` when there was nowhere to look (no absolute base). */
	found: boolean;
};

export { isGlob };

/** Absolute candidates for an include path, in the order the parser tries them (see the module comment). */
export function includeCandidates(path: string, includingFile: string, root: string | undefined): string[] {
	if (path.startsWith('/')) return [resolvePath('/', path)];
	const candidates: string[] = [];
	if (includingFile.startsWith('/')) candidates.push(resolvePath(dirname(includingFile), path));
	if (root?.startsWith('/')) {
		const fromRoot = resolvePath(root, path);
		if (!candidates.includes(fromRoot)) candidates.push(fromRoot);
	}
	return candidates;
}

/** Resolve one `include` argument through the caller's callbacks. Never throws, even when the callbacks do. */
export function resolveInclude(path: string, includingFile: string, root: string | undefined, io: IncludeIo): IncludeResolution {
	const candidates = includeCandidates(path, includingFile, root);
	const nginxPath = candidates[candidates.length - 1] ?? path;
	const glob = isGlob(path);
	// A relative path in text without an absolute file name or root cannot be located: say nothing rather than "missing".
	if (candidates.length === 0) return { files: [], nginxPath, glob, found: true };
	for (const candidate of candidates) {
		if (glob) {
			const files = listMatches(candidate, io);
			if (files.length > 0) return { files: files.map((file) => ({ path: file })), nginxPath, glob, found: true };
		} else {
			const text = safeRead(candidate, io);
			if (text !== undefined) return { files: [{ path: candidate, text }], nginxPath, glob, found: true };
		}
	}
	return { files: [], nginxPath, glob, found: glob };
}

/** Read through the callback, turning exceptions and non-string results into `undefined`. */
export function safeRead(path: string, io: IncludeIo): string | undefined {
	if (typeof io.readFile !== 'function') return undefined;
	try {
		const text = io.readFile(path);
		return typeof text === 'string' ? text : undefined;
	} catch {
		return undefined;
	}
}

function listMatches(pattern: string, io: IncludeIo): string[] {
	if (typeof io.listFiles !== 'function') return [];
	let listed: unknown;
	try {
		listed = io.listFiles(pattern);
	} catch {
		return [];
	}
	if (!Array.isArray(listed)) return [];
	const hiddenWanted = basename(pattern).startsWith('.');
	const files = new Set<string>();
	for (const entry of listed) {
		if (typeof entry !== 'string' || !entry.startsWith('/')) continue;
		if (!hiddenWanted && basename(entry).startsWith('.')) continue;
		files.add(entry);
	}
	// glob(3) sorts; nginx does not set a locale, so the order is plain byte order ([E] above).
	return [...files].sort(compareBytes);
}

/** Byte order of the UTF-8 encodings (code point order), which is what a C-locale `glob()` sorts by. */
export function compareBytes(a: string, b: string): number {
	const length = Math.min(a.length, b.length);
	for (let i = 0; i < length; i++) {
		const x = a.codePointAt(i)!;
		const y = b.codePointAt(i)!;
		if (x !== y) return x - y;
		if (x > 0xffff) i++;
	}
	return a.length - b.length;
}

/**
A best guess at nginx's configuration prefix for a file: the nearest ancestor directory (up to four levels) that holds
an `nginx.conf`; else the parent of a `conf.d`, `sites-enabled`, `sites-available`, `http.d` or `snippets` directory;
else the file's own directory.
*/
export function guessConfigRoot(file: string, io: IncludeIo): string {
	let dir = dirname(file);
	for (let level = 0; level < 4; level++) {
		if (safeRead(resolvePath(dir, 'nginx.conf'), io) !== undefined) return dir;
		if (dir === '/') break;
		dir = dirname(dir);
	}
	const parent = dirname(file);
	if (/^(conf\.d|sites-enabled|sites-available|http\.d|snippets|streams-enabled)$/.test(basename(parent))) return dirname(parent);
	return parent;
}
