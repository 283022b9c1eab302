/** Document and workspace sync: open documents, saves, watched files and workspace folders mark folders dirty and schedule analysis. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
	FileChangeType,
	type DidChangeTextDocumentParams,
	type DidChangeWatchedFilesParams,
	type DidCloseTextDocumentParams,
	type DidOpenTextDocumentParams,
	type DidSaveTextDocumentParams,
	type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { maySniff } from '../../analysis/detect.js';
import { detectFileKind } from '../../analysis/files.js';
import { uriToPath } from '../../host/uri.js';
import type { Context } from '../context.js';
import { covers, newFolder, type Folder } from '../state.js';

export function didOpen(context: Context, params: DidOpenTextDocumentParams): void {
	const { state } = context;
	const item = params?.textDocument;
	if (!item || typeof item.uri !== 'string' || typeof item.text !== 'string') return;
	const document = TextDocument.create(item.uri, String(item.languageId ?? ''), Number(item.version) || 0, item.text);
	state.documents.set(item.uri, document);
	const path = uriToPath(item.uri);
	if (!path) return;
	state.uriByPath.set(path, item.uri);
	state.workspace.setOpen(path, item.text);
	// A document of a shared language id (`yaml`, `properties`…) whose text says nothing gets no folder of its own.
	if (state.openKind(path)) state.ensureFolder(path);
	changed(context, path, item.uri, 0);
}

export function didChange(context: Context, params: DidChangeTextDocumentParams): void {
	const { state } = context;
	const uri = params?.textDocument?.uri;
	const document = typeof uri === 'string' ? state.documents.get(uri) : undefined;
	if (!document || !Array.isArray(params.contentChanges)) {
		context.client.log(`navidrome-extauth: ignored a change to a document that is not open (${String(uri)})`);
		return;
	}
	const updated = TextDocument.update(document, params.contentChanges, Number(params.textDocument.version) || document.version + 1);
	state.documents.set(uri, updated);
	const path = uriToPath(uri);
	if (!path) return;
	state.workspace.setOpen(path, updated.getText());
	if (state.openKind(path)) state.ensureFolder(path);
	changed(context, path, uri, context.debounceMs);
}

export function didClose(context: Context, params: DidCloseTextDocumentParams): void {
	const { state } = context;
	const uri = params?.textDocument?.uri;
	if (typeof uri !== 'string' || !state.documents.delete(uri)) return;
	const path = uriToPath(uri);
	if (!path) return;
	state.workspace.close(path);
	for (const folder of [...state.folders.values()]) {
		if (folder.implicit && covers(folder, path) && !state.workspace.openPaths().some((open) => covers(folder, open))) removeFolder(context, folder);
	}
	changed(context, path, undefined, context.debounceMs);
}

export function didSave(context: Context, params: DidSaveTextDocumentParams): void {
	const path = uriToPath(params?.textDocument?.uri);
	if (path) changed(context, path, undefined, context.debounceMs);
}

export function didChangeWatchedFiles(context: Context, params: DidChangeWatchedFilesParams): void {
	const { state } = context;
	let any = false;
	for (const change of Array.isArray(params?.changes) ? params.changes : []) {
		const path = uriToPath(change?.uri);
		if (!path) continue;
		state.workspace.forget(path);
		if (detectFileKind(path) && (change.type === FileChangeType.Created || change.type === FileChangeType.Deleted)) {
			for (const folder of state.folders.values()) {
				if (!covers(folder, path) || !folder.files) continue;
				if (change.type === FileChangeType.Created) folder.files.add(path);
				else folder.files.delete(path);
			}
		} else if (!detectFileKind(path) && maySniff(path)) rediscover(context, path, change.type === FileChangeType.Deleted);
		state.markDirty(path);
		any = true;
	}
	if (any) context.scheduler.schedule(context.debounceMs);
}

export function didChangeWorkspaceFolders(context: Context, event: WorkspaceFoldersChangeEvent): void {
	const { state } = context;
	for (const removed of event?.removed ?? []) {
		const root = uriToPath(removed.uri);
		const folder = root ? state.folders.get(root) : undefined;
		if (folder && !folder.implicit) removeFolder(context, folder);
	}
	for (const added of event?.added ?? []) {
		const root = uriToPath(added.uri);
		if (!root || state.folders.get(root)?.implicit === false) continue;
		const folder = newFolder(root, true, false);
		// Loose documents inside the new folder now belong to it.
		for (const other of [...state.folders.values()]) if (other.implicit && (covers(folder, `${other.root}/x`) || other.root === root)) removeFolder(context, other);
		state.folders.set(root, folder);
	}
	context.scheduler.schedule(0);
}

/** A file whose name does not tell its kind was created, changed or deleted: what its content says now, in every folder holding it. */
function rediscover({ state }: Context, path: string, deleted: boolean): void {
	const detection = deleted ? undefined : state.workspace.sniff(path);
	for (const folder of state.folders.values()) {
		if (!covers(folder, path) || !folder.files) continue;
		folder.files.delete(path);
		folder.kinds.delete(path);
		folder.skipped = folder.skipped.filter((file) => file.path !== path);
		if (detection?.kind) {
			folder.files.add(path);
			folder.kinds.set(path, detection.kind);
		} else if (detection) folder.skipped.push({ path, ...detection.skipped });
	}
}

/** A file changed: its folders re-analyse after `delay`; an edited document's diagnostics are sent even when unchanged. */
function changed({ state, diagnostics, scheduler }: Context, path: string, uri: string | undefined, delay: number): void {
	state.markDirty(path);
	if (uri) diagnostics.force(uri);
	scheduler.schedule(delay);
}

/** Drops a folder and clears (or moves to another folder's analysis) the diagnostics of its files. */
function removeFolder({ state, diagnostics }: Context, folder: Folder): void {
	state.folders.delete(folder.root);
	if (folder.analysis) diagnostics.publish(folder.analysis.findings.keys());
}
