/**
The palette commands. Each asks the language server (workspace/executeCommand with the server's own command ids) and
shows the answer without a webview: an information message, the output channel and read-only markdown documents.
*/
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { paletteCommands, serverCommands, type RouteSummaryResult, type ServerCommand, type ServerCommandArguments } from '@navidrome-extauth/server/shared';
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

/** Runs a server command; the result stays `unknown` (an older or newer server may answer another shape; render.ts reads it defensively). */
async function executeOnServer<C extends ServerCommand>(context: CommandContext, command: C, args: ServerCommandArguments[C]): Promise<unknown> {
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

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A route the server lists in `simulation.available`, with the address Navidrome sees on it. */
type AvailableRoute = Pick<RouteSummaryResult, 'id' | 'route' | 'requests' | 'peer'>;

function availableRoutes(raw: unknown): AvailableRoute[] {
	const simulation = isRecord(raw) && isRecord(raw.simulation) ? raw.simulation : undefined;
	if (!simulation || !Array.isArray(simulation.available)) return [];
	return simulation.available.filter(isRecord).flatMap((route) => {
		const peer = isRecord(route.peer) ? route.peer : {};
		if (typeof route.id !== 'string' || typeof peer.address !== 'string') return [];
		return [{ id: route.id, route: typeof route.route === 'string' ? route.route : '', requests: typeof route.requests === 'string' ? route.requests : '', peer: { address: peer.address, guess: peer.guess === true, detail: typeof peer.detail === 'string' ? peer.detail : '' } }];
	});
}

/** `Name: value; Other: value` → headers; undefined when a part has no valid name. */
function parseHeaders(text: string): Record<string, string> | undefined {
	const headers: Record<string, string> = {};
	for (const part of text.split(/;(?=\s*[!#$%&'*+.^_`|~\w-]+\s*:)/)) {
		if (part.trim() === '') continue;
		const colon = part.indexOf(':');
		const name = colon > 0 ? part.slice(0, colon).trim() : '';
		if (!/^[!#$%&'*+.^_`|~\w-]{1,100}$/.test(name)) return undefined;
		headers[name] = part.slice(colon + 1).trim();
	}
	return headers;
}

type TracedRequest = { path: string; headers: Record<string, string>; credentials: string; via?: string };

/**
"Simulate a request…": a common probe (a forged user header on /rest/ping, /share/x, /app/) or a request of one's own
(path, headers, credentials, route), run by the server through the deployment's proxy route model to Navidrome's
decision. The routes offered show the address Navidrome sees on each: the deployment's real proxy address.
*/
async function simulate(context: CommandContext): Promise<void> {
	const uri = targetUri(context);
	let headerName = 'Remote-User';
	try {
		headerName = userHeaderFrom(await executeOnServer(context, serverCommands.showEffectiveSettings, { uri })) ?? headerName;
	} catch {
		// The simulation itself reports a dead server; the header name has a default.
	}
	let routes: AvailableRoute[] = [];
	try {
		routes = availableRoutes(await executeOnServer(context, serverCommands.simulateRequest, { uri, trace: true, path: '/rest/ping', headers: {} }));
	} catch {
		// Routes only pre-fill the pickers.
	}
	const forged = { [headerName]: 'admin' };
	type Probe = vscode.QuickPickItem & { request?: TracedRequest };
	const probes: Probe[] = [
		{ label: `Forged ${headerName}: admin on /rest/ping`, description: 'Subsonic API, not signed in', request: { path: '/rest/ping', headers: forged, credentials: 'none' } },
		{ label: `Forged ${headerName}: admin on /share/x`, description: 'public share page, not signed in', request: { path: '/share/x', headers: forged, credentials: 'none' } },
		{ label: `Forged ${headerName}: admin on /app/`, description: 'web UI, not signed in', request: { path: '/app/', headers: forged, credentials: 'none' } },
		{ label: `Signed in as alice, forged ${headerName}: admin on /app/`, description: 'does the proxy replace the forged header?', request: { path: '/app/', headers: forged, credentials: 'signed-in as alice' } },
		{ label: 'Custom request…', description: 'path, headers, credentials and route' },
		{ label: 'From a peer address of my own…', description: "the core's decision alone, for an address, a path and the user header" },
	];
	const peers = routes.filter((route) => !route.id.startsWith('direct')).map((route) => `${route.peer.address}${route.peer.guess ? ' (guess)' : ''}`);
	const picked = await vscode.window.showQuickPick(probes, {
		title: 'Simulate a request',
		placeHolder: peers.length > 0 ? `Through every route; Navidrome sees the proxy at ${[...new Set(peers)].join(', ')}` : 'Through every route of the deployment',
		ignoreFocusOut: true,
	});
	if (!picked) return;
	if (picked === probes[probes.length - 1]) return simulateFromPeer(context, uri, headerName, routes.find((route) => !route.id.startsWith('direct'))?.peer.address);
	const request = picked.request ?? (await customRequest(context, headerName, routes));
	if (!request) return;
	await runSimulation(context, uri, request);
}

/** The peer form: an address Navidrome sees (pre-filled with the deployment's proxy address), a path and the user header. */
async function simulateFromPeer(context: CommandContext, uri: string | undefined, headerName: string, proxyAddress: string | undefined): Promise<void> {
	const peer = await vscode.window.showInputBox({
		title: 'Simulate a request (1/3): peer address',
		prompt: "The address Navidrome sees the connection come from: the proxy's, or a client that skips it. IP:port, [IPv6]:port, or @ for a UNIX socket.",
		value: proxyAddress ? `${proxyAddress.includes(':') ? `[${proxyAddress}]` : proxyAddress}:51234` : (context.memento.get<string>('simulate.peer') ?? '172.30.0.10:51234'),
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
		value: 'admin',
		ignoreFocusOut: true,
	});
	await context.memento.update('simulate.peer', peer);
	await context.memento.update('simulate.path', path);
	const headers: Record<string, string> = headerValue === undefined ? {} : { [headerName]: headerValue };
	try {
		const raw = await executeOnServer(context, serverCommands.simulateRequest, { uri, peer: peer.trim(), path, headers });
		const result = asSimulationResult(raw);
		if (!result) throw new Error('the server answered with an unexpected result');
		const input = { peer: peer.trim(), path, headerName, headerValue };
		context.output.info(`simulate: ${peer.trim()} ${path} → ${result.outcome} (${result.reason})`);
		const markdown = simulationMarkdown(input, result);
		void vscode.window.showInformationMessage(simulationMessage(result), 'Explain').then(async (choice) => {
			if (choice) await context.documents.showPreview('Simulated request', markdown);
		});
		context.documents.set('Simulated request', markdown);
	} catch (error) {
		report(context, 'Simulate a request', error);
	}
}

async function customRequest(context: CommandContext, headerName: string, routes: AvailableRoute[]): Promise<TracedRequest | undefined> {
	const path = await vscode.window.showInputBox({
		title: 'Simulate a request (1/4): path',
		prompt: 'The request path: /app/ (web UI, may create the user), /rest/… (Subsonic), /api/…, /share/…',
		value: context.memento.get<string>('simulate.path') ?? '/app/',
		ignoreFocusOut: true,
		validateInput: (value) => (value.startsWith('/') ? undefined : 'A path starts with /'),
	});
	if (path === undefined) return undefined;
	const headerText = await vscode.window.showInputBox({
		title: 'Simulate a request (2/4): headers the client sends',
		prompt: `Name: value pairs separated by ';'. Forge the user header to see whether the proxy strips it.`,
		value: context.memento.get<string>('simulate.headers') ?? `${headerName}: admin`,
		ignoreFocusOut: true,
		validateInput: (value) => (parseHeaders(value) ? undefined : "Write headers as 'Name: value; Other: value'"),
	});
	if (headerText === undefined) return undefined;
	const signedIn = await vscode.window.showQuickPick(
		[
			{ label: 'Not signed in', description: 'the auth service refuses the client' },
			{ label: 'Signed in as…', description: 'the auth service authenticates the client as a user' },
		],
		{ title: 'Simulate a request (3/4): credentials', ignoreFocusOut: true },
	);
	if (!signedIn) return undefined;
	let credentials = 'none';
	if (signedIn.label !== 'Not signed in') {
		const user = await vscode.window.showInputBox({ title: 'Simulate a request (3/4): signed in as', value: context.memento.get<string>('simulate.user') ?? 'alice', ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'Enter a user name') });
		if (user === undefined) return undefined;
		await context.memento.update('simulate.user', user.trim());
		credentials = `signed-in as ${user.trim()}`;
	}
	type RouteItem = vscode.QuickPickItem & { via?: string };
	const items: RouteItem[] = [
		{ label: 'Every route', description: 'each proxy route that covers the request, and published ports' },
		...routes.map((route): RouteItem => ({ label: route.id, description: route.route, detail: `Navidrome sees ${route.peer.address}${route.peer.guess ? ' (a guess)' : ''}: ${route.peer.detail}`, via: route.id })),
	];
	const route = await vscode.window.showQuickPick(items, { title: 'Simulate a request (4/4): way in', ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true });
	if (!route) return undefined;
	await context.memento.update('simulate.path', path);
	await context.memento.update('simulate.headers', headerText);
	return { path, headers: parseHeaders(headerText) ?? {}, credentials, ...(route.via ? { via: route.via } : {}) };
}

async function runSimulation(context: CommandContext, uri: string | undefined, request: TracedRequest): Promise<void> {
	try {
		const raw = await executeOnServer(context, serverCommands.simulateRequest, { uri, trace: true, ...request });
		const result = asSimulationResult(raw);
		if (!result) throw new Error('the server answered with an unexpected result');
		const summary = isRecord(raw) && Array.isArray(raw.summary) ? raw.summary.filter((line): line is string => typeof line === 'string') : [];
		const markdown = isRecord(raw) && typeof raw.markdown === 'string' ? raw.markdown : simulationMarkdown({ peer: '(the proxy)', path: request.path, headerName: Object.keys(request.headers)[0] ?? 'Remote-User', headerValue: Object.values(request.headers)[0] }, result);
		const described = `${request.path} (${request.credentials})`;
		for (const line of summary.length > 0 ? summary : [`${result.outcome} (${result.reason})`]) context.output.info(`simulate ${described}: ${line}`);
		const message = summary.length === 0 ? simulationMessage(result) : summary.length === 1 ? `${described}: ${summary[0]}` : `${described}: ${summary.length} routes: ${summary.join('; ')}`;
		void vscode.window.showInformationMessage(message.length > 400 ? `${message.slice(0, 399)}…` : message, 'Explain').then(async (choice) => {
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
