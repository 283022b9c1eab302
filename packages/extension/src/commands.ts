/**
The palette commands. Each asks the language server (workspace/executeCommand with the server's own command ids) and
shows the answer without a webview: an information message, the output channel and read-only markdown documents.
*/
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { paletteCommands, serverCommands } from './command-ids.js';
import { ruleInfos } from './generated/rules.js';
import {
	asRuleDocumentation,
	asSimulationResult,
	effectiveSettingsMarkdown,
	ruleDocumentationMarkdown,
	simulationMarkdown,
	simulationMessage,
	userHeaderFrom,
} from './render.js';
import type { VirtualDocuments } from './virtual-documents.js';

export type CommandContext = {
	client: () => LanguageClient | undefined;
	restart: () => Promise<void>;
	documents: VirtualDocuments;
	output: vscode.LogOutputChannel;
	memento: vscode.Memento;
	/** Whether the server checks this document. */
	isChecked: (document: vscode.TextDocument) => boolean;
};

async function executeOnServer(context: CommandContext, command: string, args: unknown): Promise<unknown> {
	const client = context.client();
	if (!client || !client.isRunning()) throw new Error('The Navidrome ExtAuth language server is not running. See the output channel.');
	return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
}

/** The document the command is about: the active editor if the server checks it, else any open checked document. */
function targetUri(context: CommandContext): string | undefined {
	const active = vscode.window.activeTextEditor?.document;
	if (active && context.isChecked(active)) return active.uri.toString();
	const visible = vscode.window.visibleTextEditors.map((editor) => editor.document).find(context.isChecked);
	return visible?.uri.toString();
}

function report(context: CommandContext, what: string, error: unknown): void {
	const message = error instanceof Error ? error.message : String(error);
	context.output.error(`${what}: ${message}`);
	void vscode.window.showErrorMessage(`Navidrome ExtAuth: ${what} failed: ${message}`, 'Show output').then((choice) => {
		if (choice) context.output.show(true);
	});
}

async function simulate(context: CommandContext): Promise<void> {
	const uri = targetUri(context);
	let headerName = 'Remote-User';
	try {
		headerName = userHeaderFrom(await executeOnServer(context, serverCommands.showEffectiveSettings, { uri })) ?? headerName;
	} catch {
		// The simulation itself reports a dead server; the header name has a default.
	}
	const peer = await vscode.window.showInputBox({
		title: 'Simulate a request (1/3): peer address',
		prompt: "The address Navidrome sees the connection come from: the proxy's, or a client that skips it. IP:port, [IPv6]:port, or @ for a UNIX socket.",
		value: context.memento.get<string>('simulate.peer') ?? '172.30.0.10:51234',
		ignoreFocusOut: true,
		validateInput: (value) => (value.trim() === '' ? 'Enter an address such as 172.30.0.10:51234' : value.length > 200 ? 'Too long for an address' : undefined),
	});
	if (peer === undefined) return;
	const path = await vscode.window.showInputBox({
		title: 'Simulate a request (2/3): path',
		prompt: 'The request path: /app/ (web UI, may create the user), /rest/… (Subsonic), /api/…, /share/…',
		value: context.memento.get<string>('simulate.path') ?? '/app/',
		ignoreFocusOut: true,
		validateInput: (value) => (value.startsWith('/') ? undefined : 'A path starts with /'),
	});
	if (path === undefined) return;
	const headerValue = await vscode.window.showInputBox({
		title: `Simulate a request (3/3): ${headerName} header`,
		prompt: `The value of the ${headerName} header as it reaches Navidrome. Leave empty to send an empty header; press Escape to send none.`,
		value: context.memento.get<string>('simulate.user') ?? 'admin',
		ignoreFocusOut: true,
	});
	await context.memento.update('simulate.peer', peer);
	await context.memento.update('simulate.path', path);
	if (headerValue !== undefined) await context.memento.update('simulate.user', headerValue);
	const headers: Record<string, string> = headerValue === undefined ? {} : { [headerName]: headerValue };
	try {
		const raw = await executeOnServer(context, serverCommands.simulateRequest, { uri, peer: peer.trim(), path, headers });
		const result = asSimulationResult(raw);
		if (!result) throw new Error('the server answered with an unexpected result');
		const input = { peer: peer.trim(), path, headerName, headerValue };
		const message = simulationMessage(result);
		context.output.info(`simulate: ${peer.trim()} ${path} → ${result.outcome} (${result.reason})`);
		const markdown = simulationMarkdown(input, result);
		void vscode.window.showInformationMessage(message, 'Explain').then(async (choice) => {
			if (choice) await context.documents.showPreview('Simulated request', markdown);
		});
		context.documents.set('Simulated request', markdown);
	} catch (error) {
		report(context, 'Simulate a request', error);
	}
}

async function openEffectiveSettings(context: CommandContext): Promise<void> {
	try {
		const result = await executeOnServer(context, serverCommands.showEffectiveSettings, { uri: targetUri(context) });
		const uri = context.documents.set('Effective settings', effectiveSettingsMarkdown(result));
		const document = await vscode.workspace.openTextDocument(uri);
		await vscode.languages.setTextDocumentLanguage(document, 'markdown');
		await vscode.window.showTextDocument(document, { preview: true });
	} catch (error) {
		report(context, 'Show effective settings', error);
	}
}

async function openRuleDocumentation(context: CommandContext, ruleId?: unknown): Promise<void> {
	let id = typeof ruleId === 'string' ? ruleId : undefined;
	if (!id) {
		const picked = await vscode.window.showQuickPick(
			ruleInfos.map((rule) => ({ label: rule.id, description: rule.category, detail: rule.summary })),
			{ title: 'Navidrome ExtAuth: rule documentation', placeHolder: 'Pick a rule', matchOnDescription: true, matchOnDetail: true },
		);
		id = picked?.label;
	}
	if (!id) return;
	try {
		const docs = asRuleDocumentation(await executeOnServer(context, serverCommands.showRuleDocumentation, id));
		if (!docs) throw new Error(`the server has no documentation for '${id}'`);
		await context.documents.showPreview(docs.ruleId, ruleDocumentationMarkdown(docs));
	} catch (error) {
		report(context, 'Show rule documentation', error);
	}
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
	return [
		vscode.commands.registerCommand(paletteCommands.simulate, () => simulate(context)),
		vscode.commands.registerCommand(paletteCommands.openEffectiveSettings, () => openEffectiveSettings(context)),
		vscode.commands.registerCommand(paletteCommands.openRuleDocumentation, (ruleId?: unknown) => openRuleDocumentation(context, ruleId)),
		vscode.commands.registerCommand(paletteCommands.showOutput, () => context.output.show(true)),
		vscode.commands.registerCommand(paletteCommands.restartServer, () => context.restart()),
	];
}
