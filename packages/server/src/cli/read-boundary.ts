/**
The read boundary: the one place that decides whether a file may be read, used by the CLI's and the language server's
workspace views. A path is read only when it lies inside the checked roots (or a folder the user allowed), is not under
`/proc`, `/sys` or `/dev`, resolves (through symlinks) to a place that passes the same checks, and is a regular file
no larger than the size limit. A refused file's content is never read; a path outside every root is refused without
touching the filesystem at all.
*/
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { resolvePath, type ReadProblem } from '../analysis/files.js';

/** Larger files are not configuration files; reading them would only cost time and memory. */
export const maxFileSize = 8 * 1024 * 1024;

/** Never read, even when inside a root or allowed: kernel views (`/proc/self/environ`), devices (`/dev/zero`). */
const systemFolders = ['/proc', '/sys', '/dev'];

export type ReadBoundaryOptions = {
	/** Absolute engine paths of the checked roots: folders, or files (a file is a root of itself). */
	roots: readonly string[];
	/** More absolute folders (or files) whose files may be read. */
	allowRead?: readonly string[];
	/** @default maxFileSize */
	maxFileSize?: number;
	/** How the user allows a folder, for messages. @default 'cli' */
	surface?: 'cli' | 'editor';
};

/** What the boundary found for a path before reading it. */
export type ReadCheck =
	| { kind: 'missing' }
	| { kind: 'refused'; problem: ReadProblem }
	| { kind: 'file'; realPath: string; size: number; mtimeMs: number };

/** The outcome of a read: text, a refusal, or nothing there. */
export type ReadOutcome = { kind: 'missing' } | { kind: 'refused'; problem: ReadProblem } | { kind: 'text'; text: string; size: number; mtimeMs: number };

export type ReadBoundary = {
	/** Decide without reading content (no `open` at all): missing, refused with a reason, or a readable regular file. */
	check(path: string): ReadCheck;
	/**
	Check, then read at most the size limit (plus one byte) from a non-blocking descriptor of a regular file; with
	`prefix`, at most that many bytes (discovery telling a file's kind by its start, analysis/detect.ts).
	*/
	read(path: string, prefix?: number): ReadOutcome;
	/** Whether the entries of a directory may be listed (it lies inside a root or allowed folder and is no system path). */
	mayList(directory: string): boolean;
};

export function createReadBoundary(options: ReadBoundaryOptions): ReadBoundary {
	const limit = options.maxFileSize ?? maxFileSize;
	const hint = (path: string): string => (options.surface === 'editor' ? `add ${parentOf(path)} to the navidrome-extauth.allowRead setting to read it` : `pass --allow-read ${parentOf(path)} to read it`);
	const given = [...options.roots, ...(options.allowRead ?? [])].filter((path) => typeof path === 'string' && path.startsWith('/')).map((path) => resolvePath('/', path));
	// A root reached through a symlink (`/tmp` → `/private/tmp`) also covers its real location.
	const allowed = new Set(given);
	for (const path of given) {
		if (isSystemPath(path)) continue;
		try {
			allowed.add(toEngine(realpathSync(toNative(path))));
		} catch {
			// a root that does not exist covers only its own name
		}
	}
	const inside = (path: string): boolean => [...allowed].some((root) => isInside(path, root));
	const refused = (reason: ReadProblem['reason'], message: string): ReadCheck => ({ kind: 'refused', problem: { reason, message } });

	const check = (given: string): ReadCheck => {
		if (typeof given !== 'string' || !given.startsWith('/')) return { kind: 'missing' };
		const path = resolvePath('/', given);
		if (isSystemPath(path)) return refused('system-path', `${path} is under /proc, /sys or /dev, which are never read`);
		if (!inside(path)) return refused('outside-roots', `${path} is outside the checked folders; ${hint(path)}`);
		let real: string;
		try {
			real = toEngine(realpathSync(toNative(path)));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException)?.code;
			if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
			return refused('unreadable', `${path} cannot be read (${code ?? 'error'})`);
		}
		if (isSystemPath(real)) return refused('system-path', `${path} links to ${real}, under /proc, /sys or /dev, which are never read`);
		if (!inside(real)) return refused('outside-roots', `${path} links to ${real}, outside the checked folders; ${hint(real)}`);
		let stats;
		try {
			stats = statSync(toNative(real));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException)?.code;
			if (code === 'ENOENT') return { kind: 'missing' };
			return refused('unreadable', `${path} cannot be read (${code ?? 'error'})`);
		}
		if (!stats.isFile()) return refused('special-file', `${path} is ${describeType(stats)}, not a regular file`);
		if (stats.size > limit) return refused('too-large', `${path} is larger than ${formatSize(limit)} (${formatSize(stats.size)})`);
		return { kind: 'file', realPath: real, size: stats.size, mtimeMs: stats.mtimeMs };
	};

	const read = (given: string, prefix?: number): ReadOutcome => {
		const checked = check(given);
		if (checked.kind !== 'file') return checked;
		const path = resolvePath('/', given);
		let fd: number | undefined;
		try {
			// O_NONBLOCK: opening a FIFO that replaced the file since the check returns at once instead of waiting.
			fd = openSync(toNative(checked.realPath), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
			const stats = fstatSync(fd);
			if (!stats.isFile()) return { kind: 'refused', problem: { reason: 'special-file', message: `${path} is ${describeType(stats)}, not a regular file` } };
			if (stats.size > limit) return { kind: 'refused', problem: { reason: 'too-large', message: `${path} is larger than ${formatSize(limit)} (${formatSize(stats.size)})` } };
			const want = Math.min(limit + 1, prefix ?? limit + 1);
			const buffer = Buffer.allocUnsafe(Math.min(want, Math.max(stats.size + 1, 64 * 1024)));
			let length = 0;
			let chunk = buffer;
			for (;;) {
				if (length === chunk.length) {
					if (chunk.length >= want) break;
					const grown = Buffer.allocUnsafe(Math.min(want, chunk.length * 2));
					chunk.copy(grown, 0, 0, length);
					chunk = grown;
				}
				const count = readSync(fd, chunk, length, chunk.length - length, null);
				if (count === 0) break;
				length += count;
			}
			if (length > limit) return { kind: 'refused', problem: { reason: 'too-large', message: `${path} is larger than ${formatSize(limit)}` } };
			return { kind: 'text', text: chunk.toString('utf8', 0, length), size: stats.size, mtimeMs: stats.mtimeMs };
		} catch (error) {
			const code = (error as NodeJS.ErrnoException)?.code;
			if (code === 'ENOENT') return { kind: 'missing' };
			return { kind: 'refused', problem: { reason: 'unreadable', message: `${path} cannot be read (${code ?? 'error'})` } };
		} finally {
			if (fd !== undefined) {
				try {
					closeSync(fd);
				} catch {
					// nothing left to do
				}
			}
		}
	};

	const mayList = (directory: string): boolean => {
		if (typeof directory !== 'string' || !directory.startsWith('/')) return false;
		const path = resolvePath('/', directory);
		if (isSystemPath(path) || !inside(path)) return false;
		try {
			const real = toEngine(realpathSync(toNative(path)));
			return !isSystemPath(real) && inside(real);
		} catch {
			return false;
		}
	};

	return { check, read, mayList };
}

/** Whether an absolute, normalised engine path is `/proc`, `/sys`, `/dev` or below one of them. */
export function isSystemPath(path: string): boolean {
	return systemFolders.some((folder) => isInside(path, folder));
}

function parentOf(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash <= 0 ? '/' : path.slice(0, slash);
}

function isInside(path: string, root: string): boolean {
	return root === '/' || path === root || path.startsWith(`${root}/`);
}

function describeType(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
	if (stats.isDirectory()) return 'a directory';
	if (stats.isFIFO()) return 'a FIFO';
	if (stats.isSocket()) return 'a socket';
	if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
	return 'a special file';
}

function formatSize(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${bytes} bytes`;
}

// Engine paths are `/`-separated and absolute (as in node-workspace.ts, which imports this module).
function toNative(path: string): string {
	return sep === '/' ? path : path.slice(1).split('/').join(sep);
}

function toEngine(path: string): string {
	return sep === '/' ? path : `/${path.split(sep).join('/')}`;
}
