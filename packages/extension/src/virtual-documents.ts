/**
Read-only markdown documents under the `navidrome-extauth:` scheme: effective settings, rule documentation and
simulation reports. VS Code opens content-provider documents read-only, which is what these are.
*/
import * as vscode from 'vscode';

export const scheme = 'navidrome-extauth';

export class VirtualDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
	private readonly contents = new Map<string, string>();
	private readonly changes = new vscode.EventEmitter<vscode.Uri>();
	readonly onDidChange = this.changes.event;

	provideTextDocumentContent(uri: vscode.Uri): string {
		return this.contents.get(uri.toString()) ?? '';
	}

	/** Stores the markdown under a name (one document per name, updated in place) and returns its URI. */
	set(name: string, markdown: string): vscode.Uri {
		const uri = vscode.Uri.from({ scheme, path: `/${name.replace(/[^\w .()-]+/g, '-')}.md` });
		this.contents.set(uri.toString(), markdown);
		this.changes.fire(uri);
		return uri;
	}

	/** Shows the markdown rendered; falls back to the read-only source when the markdown preview is unavailable. */
	async showPreview(name: string, markdown: string): Promise<vscode.Uri> {
		const uri = this.set(name, markdown);
		try {
			await vscode.commands.executeCommand('markdown.showPreview', uri);
		} catch {
			await vscode.window.showTextDocument(uri, { preview: true });
		}
		return uri;
	}

	dispose(): void {
		this.changes.dispose();
		this.contents.clear();
	}
}
