/**
Logs how long the first diagnostics take after activation, and whether a checked document was already open then. The
end-to-end test reads these lines from the output channel's log file for docs/benchmarks.md.
*/
import * as vscode from 'vscode';
import { diagnosticSource } from './verdict.js';

export function watchFirstDiagnostics(activatedAt: number, output: vscode.LogOutputChannel, isChecked: (document: vscode.TextDocument) => boolean): vscode.Disposable {
	const open = vscode.workspace.textDocuments.filter(isChecked).map((document) => vscode.workspace.asRelativePath(document.uri));
	output.info(`timing: checked documents open at activation: ${open.length > 0 ? open.join(', ') : 'none'}`);
	const changed = vscode.languages.onDidChangeDiagnostics((event) => {
		const found = event.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((diagnostic) => diagnostic.source === diagnosticSource));
		if (!found) return;
		output.info(`timing: first diagnostics ${Date.now() - activatedAt} ms after activation`);
		changed.dispose();
	});
	return changed;
}
