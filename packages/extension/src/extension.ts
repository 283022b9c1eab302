/**
Entry point: starts the language client, the status bar verdict and the commands. The client reads
`navidrome-extauth.trace.server` itself (its id is the settings prefix); the server re-reads the other settings on
workspace/didChangeConfiguration.
*/
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient } from 'vscode-languageclient/node';
import { createClient, yamlSyntaxReportedByClient } from './client.js';
import { registerCommands } from './commands.js';
import { asRuleDocumentation, ruleDocumentationMarkdown } from './render.js';
import { documentSelector } from './selectors.js';
import { VerdictStatus } from './status.js';
import { watchFirstDiagnostics } from './timing.js';
import { scheme, VirtualDocuments } from './virtual-documents.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
	const activatedAt = Date.now();
	const output = vscode.window.createOutputChannel('Navidrome ExtAuth', { log: true });
	output.info(`timing: activated (Navidrome ExtAuth ${String(context.extension.packageJSON.version)}, VS Code ${vscode.version})`);
	const selector: vscode.DocumentFilter[] = documentSelector();
	const isChecked = (document: vscode.TextDocument) => vscode.languages.match(selector, document) > 0;
	const documents = new VirtualDocuments();
	const status = new VerdictStatus();
	context.subscriptions.push(
		output,
		documents,
		vscode.workspace.registerTextDocumentContentProvider(scheme, documents),
		watchFirstDiagnostics(activatedAt, output, isChecked),
		status,
	);

	const start = async () => {
		client = createClient(context, output, {
			showRuleDocumentation: async (result) => {
				const docs = asRuleDocumentation(result);
				if (docs) await documents.showPreview(docs.ruleId, ruleDocumentationMarkdown(docs));
			},
			coverage: (params) => status.setCoverage(params),
		});
		const startedAt = Date.now();
		output.info(`timing: starting the language server ${startedAt - activatedAt} ms after activation`);
		try {
			await client.start();
			output.info(`timing: language server ready ${Date.now() - startedAt} ms after start`);
		} catch (error) {
			output.error(`The language server did not start: ${error instanceof Error ? error.message : String(error)}`);
			void vscode.window.showErrorMessage('Navidrome ExtAuth: the language server did not start.', 'Show output').then((choice) => {
				if (choice) output.show(true);
			});
		}
	};
	const restart = async () => {
		const old = client;
		client = undefined;
		await old?.dispose().catch(() => undefined);
		status.setCoverage(undefined);
		await start();
	};

	// The YAML extension activates on its own schedule (often when a YAML file opens): when it starts or stops, the
	// server re-reads its settings, which say whether it should report YAML syntax errors itself.
	let yamlReported = yamlSyntaxReportedByClient();
	const checkYaml = () => {
		const now = yamlSyntaxReportedByClient();
		if (now === yamlReported) return;
		yamlReported = now;
		output.info(`YAML syntax errors on compose files are reported by ${now ? 'the YAML extension' : 'this extension'}`);
		if (client?.isRunning()) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch(() => undefined);
	};
	context.subscriptions.push(
		vscode.extensions.onDidChange(checkYaml),
		vscode.workspace.onDidOpenTextDocument(() => {
			checkYaml();
			setTimeout(checkYaml, 2000);
		}),
	);

	context.subscriptions.push(
		...registerCommands({ client: () => client, restart, documents, output, memento: context.workspaceState, isChecked }),
	);
	await start();
}

export async function deactivate(): Promise<void> {
	const old = client;
	client = undefined;
	await old?.dispose();
}
