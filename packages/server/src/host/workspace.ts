/**
The language server's view of files: open documents override disk, and disk reads go through the CLI's read boundary
(read-boundary.ts; roots are the workspace folders, or each loose document's folder) and are cached by modification
time and size, so re-analysing after an edit re-reads nothing that did not change.
*/
import { maySniff, sniffBytes, sniffFileKind, type Detection, type SkippedFile } from '../analysis/detect.js';
import type { FileKind, ReadProblem, WorkspaceView } from '../analysis/files.js';
import { discoverFiles, listGlob } from '../cli/node-workspace.js';
import { createReadBoundary, type ReadBoundary } from '../cli/read-boundary.js';

/** `discoverFiles` stops descending below this depth; starting there lists one folder. */
const discoveryDepthLimit = 12;

type DiskEntry = { mtimeMs: number; size: number; text: string };

/** What discovery found under a folder: the files, the kinds of those found by content, and what it skipped. */
export type Discovery = { files: string[]; kinds: Map<string, FileKind>; skipped: SkippedFile[] };

export class ServerWorkspace implements WorkspaceView {
	private readonly open = new Map<string, string>();
	private readonly disk = new Map<string, DiskEntry>();
	private boundaryKey = '';
	private boundary: ReadBoundary = createReadBoundary({ roots: [], surface: 'editor' });

	/** Which folders disk reads may come from: the analysed roots plus the `allowRead` setting. */
	setReadRoots(roots: readonly string[], allowRead: readonly string[] = []): void {
		const key = JSON.stringify([[...roots].sort(), [...allowRead].sort()]);
		if (key === this.boundaryKey) return;
		this.boundaryKey = key;
		this.boundary = createReadBoundary({ roots, allowRead, surface: 'editor' });
		this.disk.clear();
	}

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
		return listGlob(glob, this.boundary);
	}

	problem(path: string): ReadProblem | undefined {
		if (this.open.has(path)) return undefined;
		const checked = this.boundary.check(path);
		if (checked.kind === 'refused') return checked.problem;
		if (checked.kind === 'missing') return undefined;
		const outcome = this.boundary.read(path);
		return outcome.kind === 'refused' ? outcome.problem : undefined;
	}

	/** Drop the cached disk text (a watched-file event said it changed). */
	forget(path: string): void {
		this.disk.delete(path);
	}

	/**
	Files the engine understands under `root` (recursively, or only that folder), by name and, for names that may hold
	configuration (analysis/detect.ts `maySniff`), by a prefix read through the read boundary, as the CLI finds them.
	*/
	discover(root: string, recursive: boolean): Discovery {
		const kinds = new Map<string, FileKind>();
		const skipped: SkippedFile[] = [];
		const options = { readPrefix: (path: string) => this.readPrefix(path), kinds, skipped };
		const files = recursive ? discoverFiles(root, [], 0, options) : discoverFiles(root, [], discoveryDepthLimit, options);
		return { files, kinds, skipped };
	}

	/** The kind the content of `path` says (open text, else a prefix from disk), for a file whose name does not tell. */
	sniff(path: string): Detection | undefined {
		if (!maySniff(path)) return undefined;
		const prefix = this.open.get(path)?.slice(0, sniffBytes) ?? this.readPrefix(path);
		return prefix === undefined ? undefined : sniffFileKind(path, prefix);
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
			problem: (path) => this.problem(path),
		};
		return { view, reads };
	}

	/** At most the first `sniffBytes` bytes of a file on disk, through the read boundary. */
	private readPrefix(path: string): string | undefined {
		const outcome = this.boundary.read(path, sniffBytes);
		return outcome.kind === 'text' ? outcome.text : undefined;
	}

	private readDisk(path: string): string | undefined {
		const checked = this.boundary.check(path);
		if (checked.kind !== 'file') {
			this.disk.delete(path);
			return undefined;
		}
		const cached = this.disk.get(path);
		if (cached && cached.mtimeMs === checked.mtimeMs && cached.size === checked.size) return cached.text;
		const outcome = this.boundary.read(path);
		if (outcome.kind !== 'text') {
			this.disk.delete(path);
			return undefined;
		}
		this.disk.set(path, { mtimeMs: outcome.mtimeMs, size: outcome.size, text: outcome.text });
		return outcome.text;
	}
}
