/**
The language server's view of files: open documents override disk, and disk reads are cached by modification time
and size, so re-analysing after an edit re-reads nothing that did not change.
*/
import { readFileSync, statSync } from 'node:fs';
import type { WorkspaceView } from '../analysis/files.js';
import { discoverFiles, fromEnginePath, nodeWorkspace } from '../cli/node-workspace.js';

/** Larger files are not configuration files (the same limit as the CLI's). */
const maxDiskFileSize = 8 * 1024 * 1024;
/** `discoverFiles` stops descending below this depth; starting there lists one folder. */
const discoveryDepthLimit = 12;

type DiskEntry = { mtimeMs: number; size: number; text: string | undefined };

export class ServerWorkspace implements WorkspaceView {
	private readonly open = new Map<string, string>();
	private readonly disk = new Map<string, DiskEntry>();

	setOpen(path: string, text: string): void {
		this.open.set(path, text);
	}

	close(path: string): void {
		this.open.delete(path);
	}

	isOpen(path: string): boolean {
		return this.open.has(path);
	}

	openPaths(): string[] {
		return [...this.open.keys()];
	}

	readFile(path: string): string | undefined {
		return this.open.get(path) ?? this.readDisk(path);
	}

	listFiles(glob: string): string[] {
		return nodeWorkspace.listFiles(glob);
	}

	/** Drop the cached disk text (a watched-file event said it changed). */
	forget(path: string): void {
		this.disk.delete(path);
	}

	/** Files the engine understands under `root` (recursively, or only that folder). */
	discover(root: string, recursive: boolean): string[] {
		return recursive ? discoverFiles(root) : discoverFiles(root, [], discoveryDepthLimit);
	}

	/** A view that records every path read through it (to know which analyses a file change affects). */
	recording(): { view: WorkspaceView; reads: Set<string> } {
		const reads = new Set<string>();
		const view: WorkspaceView = {
			readFile: (path) => {
				reads.add(path);
				return this.readFile(path);
			},
			listFiles: (glob) => this.listFiles(glob),
		};
		return { view, reads };
	}

	private readDisk(path: string): string | undefined {
		const native = fromEnginePath(path);
		let stats;
		try {
			stats = statSync(native);
		} catch {
			this.disk.delete(path);
			return undefined;
		}
		if (!stats.isFile() || stats.size > maxDiskFileSize) return undefined;
		const cached = this.disk.get(path);
		if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.text;
		let text: string | undefined;
		try {
			text = readFileSync(native, 'utf8');
		} catch {
			text = undefined;
		}
		this.disk.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, text });
		return text;
	}
}
