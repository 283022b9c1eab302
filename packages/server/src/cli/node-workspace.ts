/**
The CLI's view of the filesystem: the only place (with the language server's own) that reads files. Paths inside the
engine are absolute and `/`-separated.
*/
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { maySniff, sniffBytes, sniffFileKind, type SkippedFile } from '../analysis/detect.js';
import { detectFileKind, type FileKind, type ReadProblem, type WorkspaceView } from '../analysis/files.js';
import { compileGlob, isGlob } from '../analysis/glob.js';
import { createReadBoundary, type ReadBoundary } from './read-boundary.js';

const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn', 'dist']);

export function toEnginePath(path: string): string {
	const absolute = resolve(path);
	return sep === '/' ? absolute : `/${absolute.split(sep).join('/')}`;
}

export function fromEnginePath(path: string): string {
	return sep === '/' ? path : path.slice(1).split('/').join(sep);
}

export type NodeWorkspaceOptions = {
	/** Absolute engine paths: the CLI's arguments (a file argument is a root of itself). */
	roots: string[];
	/** More folders whose files may be read (`--allow-read DIR`). */
	allowRead?: string[];
};

/**
A view of the disk bounded by `createReadBoundary` (read-boundary.ts): it reads and lists only what that allows;
`readPrefix` reads at most the first `sniffBytes` bytes, for discovery to tell a file's kind by content.
*/
export function createNodeWorkspace(options: NodeWorkspaceOptions): WorkspaceView & { problem(path: string): ReadProblem | undefined; readPrefix(path: string): string | undefined } {
	const boundary = createReadBoundary({ roots: options.roots, allowRead: options.allowRead ?? [], surface: 'cli' });
	return {
		readFile(path) {
			const outcome = boundary.read(path);
			return outcome.kind === 'text' ? outcome.text : undefined;
		},
		listFiles(glob) {
			return listGlob(glob, boundary);
		},
		readPrefix(path) {
			const outcome = boundary.read(path, sniffBytes);
			return outcome.kind === 'text' ? outcome.text : undefined;
		},
		problem(path) {
			const checked = boundary.check(path);
			if (checked.kind === 'refused') return checked.problem;
			if (checked.kind === 'missing') return undefined;
			// It passed the check, so the read itself failed (or the file changed since): read once more to say why.
			const outcome = boundary.read(path);
			return outcome.kind === 'refused' ? outcome.problem : undefined;
		},
	};
}

/** What `discoverFiles` could not walk or will not read: the path and why, for the caller to report. */
export type DiscoveryProblem = { path: string; problem: ReadProblem };

export type DiscoverOptions = {
	/** Symbolic links are followed only to targets under these paths (default: `directory`). */
	roots?: string[];
	/** Receives sub-directories that cannot be listed, and config-named entries that are not regular files inside the roots. */
	problems?: DiscoveryProblem[];
	/**
	Reads the start of a file whose name does not tell its kind but may hold configuration (analysis/detect.ts
	`maySniff`), through the read boundary; without it, files are found by name alone.
	*/
	readPrefix?: (path: string) => string | undefined;
	/** Receives the kind of each file found by its content. */
	kinds?: Map<string, FileKind>;
	/** Receives files that look like configuration but are not read (a systemd unit, an unrecognised kind). */
	skipped?: SkippedFile[];
};

/**
Finds the files the engine understands under a directory, at most 12 levels deep, in name order: by name, and with
`readPrefix` by content. Symbolic links to files and directories are followed while their real path stays inside
`roots`, after the real tree is walked: each real directory and file is visited once, under its own path when it has
one, so link cycles end and nothing is found twice. A directory that cannot be listed at the top is reported with the
path `directory` itself.
*/
export function discoverFiles(directory: string, found: string[] = [], depth = 0, options: DiscoverOptions = {}): string[] {
	const realOf = (path: string): string | undefined => {
		try {
			return realpathSync.native(fromEnginePath(path));
		} catch {
			return undefined;
		}
	};
	const realRoots = (options.roots ?? [directory]).map((root) => realOf(root) ?? fromEnginePath(root));
	const inRoots = (real: string): boolean => realRoots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`));
	const visited = new Set<string>();
	const links: Array<{ path: string; name: string; level: number }> = [];
	const report = (path: string, reason: DiscoveryProblem['problem']['reason'], message: string): void => {
		options.problems?.push({ path, problem: { reason, message: `${path} ${message}` } });
	};
	/** Each real file and directory once; `false` when it was seen before. */
	const firstVisit = (path: string, real = realOf(path)): boolean => {
		if (real === undefined) return true;
		if (visited.has(real)) return false;
		visited.add(real);
		return true;
	};
	const visit = (path: string, name: string, type: 'directory' | 'file' | 'other', level: number, real?: string): void => {
		const kind = detectFileKind(path);
		if (type === 'directory') {
			if (!skippedDirectories.has(name) && firstVisit(path, real)) walk(path, level + 1);
		} else if (type === 'file') {
			if (kind) {
				if (firstVisit(path, real)) found.push(path);
			} else if (options.readPrefix && maySniff(path)) sniff(path, real);
		} else if (kind) report(path, 'special-file', 'is a FIFO, socket or device, not a regular file');
	};
	/** A file by its content: found with its kind, listed as skipped, or (content that says nothing) left alone. */
	const sniff = (path: string, real = realOf(path)): void => {
		if (real !== undefined && visited.has(real)) return;
		const prefix = options.readPrefix!(path);
		const detection = prefix === undefined ? undefined : sniffFileKind(path, prefix);
		if (!detection) return;
		if (real !== undefined) visited.add(real);
		if (detection.kind) {
			found.push(path);
			options.kinds?.set(path, detection.kind);
		} else options.skipped?.push({ path, ...detection.skipped });
	};
	const walk = (folder: string, level: number): void => {
		if (level > 12) return;
		let entries;
		try {
			entries = readdirSync(fromEnginePath(folder), { withFileTypes: true });
		} catch (error) {
			report(folder, 'unreadable', `is a directory that cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
			return;
		}
		entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		for (const entry of entries) {
			const path = `${folder === '/' ? '' : folder}/${entry.name}`;
			if (entry.isSymbolicLink()) links.push({ path, name: entry.name, level });
			else visit(path, entry.name, entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other', level);
		}
	};
	const follow = (link: { path: string; name: string; level: number }): void => {
		const kind = detectFileKind(link.path);
		const target = realOf(link.path);
		if (target === undefined) {
			if (kind) report(link.path, 'unreadable', 'is a symbolic link to a file that does not exist');
			return;
		}
		if (!inRoots(target)) {
			if (kind) report(link.path, 'outside-roots', 'is a symbolic link to a place outside the checked folders, which is not followed');
			return;
		}
		let stats;
		try {
			stats = statSync(target);
		} catch {
			return;
		}
		visit(link.path, link.name, stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other', link.level, target);
	};
	if (firstVisit(directory)) walk(directory, depth);
	// Links found while following links are queued behind them, so this ends once every real place was visited.
	for (let i = 0; i < links.length; i++) follow(links[i]!);
	return found;
}

/**
Expands `*`, `?` and `[…]` in path segments (enough for Caddy `import` and nginx `include`). Only folders the boundary
allows are listed, and only regular files it would read are returned.
*/
export function listGlob(glob: string, boundary: ReadBoundary): string[] {
	const segments = glob.split('/').filter((s) => s.length > 0);
	let current = ['/'];
	for (const segment of segments) {
		const next: string[] = [];
		const pattern = isGlob(segment) ? compileGlob(segment) : undefined;
		for (const base of current) {
			const prefix = base === '/' ? '' : base;
			if (!pattern) {
				next.push(`${prefix}/${segment}`);
				continue;
			}
			if (!boundary.mayList(base)) continue;
			try {
				for (const name of readdirSync(fromEnginePath(base)).sort()) if (pattern.test(name) && !name.startsWith('.')) next.push(`${prefix}/${name}`);
			} catch {
				// unreadable directories match nothing
			}
		}
		current = next;
		if (current.length > 10_000) break;
	}
	return current.filter((path) => boundary.check(path).kind === 'file');
}

