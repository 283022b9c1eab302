/**
Diagnostics bookkeeping: what was last published (push) or served (pull) per URI, the pull result ids, the URIs whose
diagnostics must be sent even when unchanged (an edited document), and clearing a file whose findings went away.
*/
import {
	DocumentDiagnosticReportKind,
	LSPErrorCodes,
	ResponseError,
	type Diagnostic,
	type DiagnosticServerCancellationData,
	type DocumentDiagnosticReport,
	type WorkspaceDiagnosticReport,
	type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import type { LspClient } from './client.js';
import { partlyAnalysedDiagnostic, toDiagnostic } from './convert.js';
import type { ServerState } from './state.js';

export class Diagnostics {
	/** What was last published (push) or served (pull), by URI: the diagnostics' JSON. */
	private readonly published = new Map<string, string>();
	private readonly resultIds = new Map<string, { key: string; id: string }>();
	private resultCounter = 0;
	/** Edited documents: their diagnostics are sent with the next analysis even when unchanged. */
	private readonly forced = new Set<string>();

	constructor(
		private readonly state: ServerState,
		private readonly client: LspClient,
	) {}

	force(uri: string): void {
		this.forced.add(uri);
	}

	clearForced(): void {
		this.forced.clear();
	}

	/** A file's diagnostics over every folder's analysis, without duplicates; none while disabled. */
	of(path: string): Diagnostic[] {
		if (!this.state.settings.enable) return [];
		const byKey = new Map<string, Diagnostic>();
		const uriOf = (file: string): string => this.state.uriOf(file);
		for (const folder of this.state.folders.values()) {
			const analysis = folder.analysis;
			if (!analysis) continue;
			const list = (analysis.findings.get(path) ?? []).map((finding) => toDiagnostic(finding, uriOf));
			const cut = analysis.cut.get(path);
			if (cut) list.push(partlyAnalysedDiagnostic(cut));
			for (const diagnostic of list) byKey.set(JSON.stringify(diagnostic), diagnostic);
		}
		return [...byKey.values()];
	}

	/** Pushes changed diagnostics (push clients; pull clients only book them); returns whether a file other than an edited one changed. */
	publish(paths: Iterable<string>): boolean {
		let othersChanged = false;
		for (const path of new Set(paths)) {
			const uri = this.state.uriOf(path);
			const diagnostics = this.of(path);
			const key = JSON.stringify(diagnostics);
			const forced = this.forced.delete(uri);
			const before = this.published.get(uri);
			if (before === key && !forced) continue;
			if (before === undefined && diagnostics.length === 0 && !forced) continue;
			if (!forced) othersChanged = true;
			if (diagnostics.length > 0) this.published.set(uri, key);
			else this.published.delete(uri);
			if (this.state.pull) continue;
			const version = this.state.documents.get(uri)?.version;
			this.client.publishDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
		}
		return othersChanged;
	}

	/** `textDocument/diagnostic`'s report: unchanged when the client holds the current result id. */
	documentReport(uri: string, path: string | undefined, previousResultId: unknown): DocumentDiagnosticReport {
		const items = path ? this.of(path) : [];
		const resultId = this.resultIdFor(uri, JSON.stringify(items));
		if (previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
		return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
	}

	/** `workspace/diagnostic`'s report over every file with findings; `previous` maps URIs to the result ids the client holds. */
	workspaceReport(previous: Map<string, string>): WorkspaceDiagnosticReport {
		const items: WorkspaceDocumentDiagnosticReport[] = [];
		for (const path of this.state.reportedPaths()) {
			const uri = this.state.uriOf(path);
			const diagnostics = this.of(path);
			const resultId = this.resultIdFor(uri, JSON.stringify(diagnostics));
			const version = this.state.documents.get(uri)?.version ?? null;
			if (previous.get(uri) === resultId) items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId });
			else items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: diagnostics });
		}
		return { items };
	}

	private resultIdFor(uri: string, key: string): string {
		const known = this.resultIds.get(uri);
		if (known?.key === key) return known.id;
		const id = String(++this.resultCounter);
		this.resultIds.set(uri, { key, id });
		return id;
	}
}

/** A malformed pull: the error, with `retriggerRequest: false`. */
export function diagnosticError(error: ResponseError): ResponseError<DiagnosticServerCancellationData> {
	return new ResponseError<DiagnosticServerCancellationData>(error.code, error.message, { retriggerRequest: false });
}

/**
A pull that was cancelled, or that would be answered from an analysis older than the document. LSP 3.17
(DiagnosticServerCancellationData): `ServerCancelled` with `retriggerRequest: true` makes the client pull again;
`false` makes VS Code drop the document's pending pull, and its diagnostics freeze while the user types.
*/
export function serverCancelled(): ResponseError<DiagnosticServerCancellationData> {
	return new ResponseError<DiagnosticServerCancellationData>(LSPErrorCodes.ServerCancelled, 'The diagnostics are being recomputed; pull again.', { retriggerRequest: true });
}
