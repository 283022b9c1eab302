/**
What every handler shares: the open documents, the workspace folders and their analyses, the settings, the client's
capabilities and flags, and the lazily loaded engine.
*/
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClientCapabilities } from 'vscode-languageserver/node';
import type { SkippedFile } from '../analysis/detect.js';
import { dirname, type FileKind } from '../analysis/files.js';
import type { Finding } from '../analysis/findings.js';
import type { FolderAnalysis, FolderAnalyzer } from '../host/backend.js';
import { documentKind } from '../host/document-kind.js';
import { pathToUri } from '../host/uri.js';
import { ServerWorkspace } from '../host/workspace.js';
import type { Positions } from './convert.js';
import { defaultSettings, type ServerSettings } from './settings.js';

export type Backend = typeof import('../host/backend.js');

/** A workspace folder, or the folder of a loose document, with its incremental analysis. */
export type Folder = {
	root: string;
	recursive: boolean;
	/** The folder of a loose document, dropped when its last document closes. */
	implicit: boolean;
	/** What discovery found (by name, and by content with `kinds`), until a re-discovery. */
	files: Set<string> | undefined;
	/** Kinds of the files found by content. */
	kinds: Map<string, FileKind>;
	/** Files that look like configuration but are not read. */
	skipped: SkippedFile[];
	dirty: boolean;
	analyzer: FolderAnalyzer | undefined;
	analysis: FolderAnalysis | undefined;
};

export class ServerState {
	readonly workspace = new ServerWorkspace();
	readonly documents = new Map<string, TextDocument>();
	readonly uriByPath = new Map<string, string>();
	readonly folders = new Map<string, Folder>();
	capabilities: ClientCapabilities = {};
	settings: ServerSettings = defaultSettings;
	settingsReady: Promise<void> = Promise.resolve();
	/** The client pulls diagnostics (`textDocument/diagnostic`) instead of receiving them. */
	pull = false;
	/** The client reports YAML syntax errors itself (VS Code with an active YAML extension says so). */
	yamlSyntaxReportedByClient = false;
	/** The client renders command results itself (the VS Code extension says so); others get a message. */
	commandResultsShownByClient = false;
	/** The client wants the `navidrome-extauth/coverage` notification (shared/coverage.ts). */
	coverageNotifications = false;
	/** The last coverage sent, as JSON (sent again only when it changes). */
	sentCoverage: string | undefined;
	shutDown = false;
	private backendPromise: Promise<Backend> | undefined;

	constructor(private readonly loadBackend: () => Promise<Backend>) {}

	backend(): Promise<Backend> {
		this.backendPromise ??= this.loadBackend();
		return this.backendPromise;
	}

	/** Gives a loose document its folder unless a folder covers it already. */
	ensureFolder(path: string): void {
		if ([...this.folders.values()].some((folder) => covers(folder, path))) return;
		const root = dirname(path);
		this.folders.set(root, newFolder(root, false, true));
	}

	/** An open document's kind: its name, language id or content (host/document-kind.ts). */
	openKind(path: string): FileKind | undefined {
		const uri = this.uriByPath.get(path);
		const document = uri ? this.documents.get(uri) : undefined;
		return document ? documentKind(path, document.languageId, document.getText()) : undefined;
	}

	markDirty(path: string): void {
		for (const folder of this.folders.values()) if (covers(folder, path) || folder.analysis?.reads.has(path)) folder.dirty = true;
	}

	/** The analysis of the deepest folder holding `path`, else of one that read it. */
	folderAnalysisFor(path: string): FolderAnalysis | undefined {
		let best: Folder | undefined;
		for (const folder of this.folders.values()) if (covers(folder, path) && folder.analysis && (!best || folder.root.length > best.root.length)) best = folder;
		if (best) return best.analysis;
		return [...this.folders.values()].find((folder) => folder.analysis?.reads.has(path))?.analysis;
	}

	findingsFor(path: string): Finding[] {
		const seen = new Set<Finding>();
		for (const folder of this.folders.values()) for (const finding of folder.analysis?.findings.get(path) ?? []) seen.add(finding);
		return [...seen];
	}

	/** Every file some folder's analysis has findings for. */
	reportedPaths(): Set<string> {
		const paths = new Set<string>();
		for (const folder of this.folders.values()) for (const path of folder.analysis?.findings.keys() ?? []) paths.add(path);
		return paths;
	}

	uriOf(path: string): string {
		return this.uriByPath.get(path) ?? pathToUri(path);
	}

	positionsOf(path: string): Positions | undefined {
		const uri = this.uriByPath.get(path);
		const open = uri ? this.documents.get(uri) : undefined;
		if (open) return open;
		const text = this.workspace.readFile(path);
		return text === undefined ? undefined : TextDocument.create(this.uriOf(path), '', 0, text);
	}
}

export function newFolder(root: string, recursive: boolean, implicit: boolean): Folder {
	return { root, recursive, implicit, files: undefined, kinds: new Map(), skipped: [], dirty: true, analyzer: undefined, analysis: undefined };
}

export function covers(folder: Folder, path: string): boolean {
	if (!folder.recursive) return dirname(path) === folder.root;
	return folder.root === '/' ? path.startsWith('/') : path.startsWith(`${folder.root}/`);
}
