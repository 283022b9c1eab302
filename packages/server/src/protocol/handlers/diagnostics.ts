/** Pull diagnostics: `textDocument/diagnostic` and `workspace/diagnostic`, answered only from an analysis as new as the documents. */
import {
	ResponseError,
	type CancellationToken,
	type DiagnosticServerCancellationData,
	type DocumentDiagnosticParams,
	type DocumentDiagnosticReport,
	type WorkspaceDiagnosticParams,
	type WorkspaceDiagnosticReport,
} from 'vscode-languageserver/node';
import { uriToPath } from '../../host/uri.js';
import type { Context } from '../context.js';
import { diagnosticError, serverCancelled } from '../diagnostics.js';
import { invalidParams } from './request.js';

export async function diagnostic({ scheduler, diagnostics }: Context, params: DocumentDiagnosticParams, token?: CancellationToken): Promise<DocumentDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
	const uri = params?.textDocument?.uri;
	if (typeof uri !== 'string') return diagnosticError(invalidParams('textDocument.uri must be a string'));
	const settled = await scheduler.settle(token);
	if (settled instanceof ResponseError) return serverCancelled();
	// Still analysing after the wait: an answer now would be stale and the client would keep it; ask for a new pull.
	if (scheduler.busy) return serverCancelled();
	return diagnostics.documentReport(uri, uriToPath(uri), params.previousResultId);
}

export async function workspaceDiagnostic({ state, scheduler, diagnostics }: Context, params: WorkspaceDiagnosticParams, token?: CancellationToken): Promise<WorkspaceDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
	// Before any document opened, the folders may not have been analysed yet.
	if (!scheduler.busy && [...state.folders.values()].some((folder) => folder.dirty)) scheduler.schedule(0);
	const settled = await scheduler.settle(token);
	if (settled instanceof ResponseError) return serverCancelled();
	const previous = new Map<string, string>();
	for (const entry of Array.isArray(params?.previousResultIds) ? params.previousResultIds : []) if (entry && typeof entry.uri === 'string') previous.set(entry.uri, String(entry.value));
	return diagnostics.workspaceReport(previous);
}
