/**
The CLI's view of the filesystem: the only place (with the language server's own) that reads files. Paths inside the
engine are absolute and `/`-separated.
*/
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { detectFileKind, type WorkspaceView } from '../analysis/files.js';
import { globToRegExp, isGlob } from '../analysis/glob.js';

const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn', 'dist']);
/** Larger files are not config files; reading them would only cost time. */
const maxFileSize = 8 * 1024 * 1024;

export function toEnginePath(path: string): string {
	const absolute = resolve(path);
	return sep === '/' ? absolute : `/${absolute.split(sep).join('/')}`;
}

export function fromEnginePath(path: string): string {
	return sep === '/' ? path : path.slice(1).split('/').join(sep);
}

export const nodeWorkspace: WorkspaceView = {
	readFile(path) {
		try {
			const native = fromEnginePath(path);
			if (statSync(native).size > maxFileSize) return undefined;
			return readFileSync(native, 'utf8');
		} catch {
			return undefined;
		}
	},
	listFiles(glob) {
		return listGlob(glob);
	},
};

/** Finds the files the engine understands under a directory. */
export function discoverFiles(directory: string, found: string[] = [], depth = 0): string[] {
	if (depth > 12) return found;
	let entries;
	try {
		entries = readdirSync(fromEnginePath(directory), { withFileTypes: true });
	} catch {
		return found;
	}
	for (const entry of entries) {
		const path = `${directory === '/' ? '' : directory}/${entry.name}`;
		if (entry.isDirectory()) {
			if (!skippedDirectories.has(entry.name)) discoverFiles(path, found, depth + 1);
		} else if (entry.isFile() && detectFileKind(path)) found.push(path);
	}
	return found;
}

/** Expands `*`, `?` and `[…]` in path segments (enough for Caddy `import` and nginx `include`). */
function listGlob(glob: string): string[] {
	const segments = glob.split('/').filter((s) => s.length > 0);
	let current = ['/'];
	for (const segment of segments) {
		const next: string[] = [];
		const pattern = isGlob(segment) ? globToRegExp(segment) : undefined;
		for (const base of current) {
			const prefix = base === '/' ? '' : base;
			if (!pattern) {
				next.push(`${prefix}/${segment}`);
				continue;
			}
			try {
				for (const name of readdirSync(fromEnginePath(base)).sort()) if (pattern.test(name) && !name.startsWith('.')) next.push(`${prefix}/${name}`);
			} catch {
				// unreadable directories match nothing
			}
		}
		current = next;
		if (current.length > 10_000) break;
	}
	return current.filter((path) => {
		try {
			return statSync(fromEnginePath(path)).isFile();
		} catch {
			return false;
		}
	});
}

