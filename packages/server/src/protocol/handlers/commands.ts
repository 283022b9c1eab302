/**
`workspace/executeCommand`: the commands of `shared/commands.ts`, answered with the shapes of `shared/results.ts`; for
clients that do not render the results themselves, also a message or a page to open.
*/
import { MessageType, ResponseError, type CancellationToken, type ExecuteCommandParams } from 'vscode-languageserver/node';
import { uriToPath } from '../../host/uri.js';
import { isServerCommand, serverCommands } from '../../shared/commands.js';
import type { EffectiveSettingsResult, RuleDocumentation, SimulateRequestResult } from '../../shared/results.js';
import { commandResultView } from '../command-results.js';
import type { Context } from '../context.js';
import { jsonSafe } from '../convert.js';
import { invalidParams } from './request.js';

export async function executeCommand(context: Context, params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
	const { client } = context;
	const started = performance.now();
	const result = await runCommand(context, params, token);
	const command = String(params?.command).slice(0, 100);
	if (result instanceof ResponseError) {
		client.trace?.(`executeCommand ${command}: error ${result.code} (${result.message})`);
		return result;
	}
	client.trace?.(`executeCommand ${command}: answered in ${(performance.now() - started).toFixed(1)} ms`, () => JSON.stringify(result, undefined, 2));
	showCommandResult(context, command, result);
	return result;
}

/** A command's result where a generic client's default handlers show it: a page to open, else a message. */
function showCommandResult({ state, client }: Context, command: string, result: unknown): void {
	if (state.commandResultsShownByClient) return;
	const view = commandResultView(command, result);
	if (!view) return;
	const message = (): void => client.showMessage?.(MessageType.Info, view.message);
	if (view.url && state.capabilities.window?.showDocument?.support && client.showDocument) {
		void client.showDocument({ uri: view.url, external: true }).then((shown) => shown || message());
	} else message();
}

async function runCommand({ state, scheduler }: Context, params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
	const command = params?.command;
	const argument: unknown = Array.isArray(params?.arguments) ? params.arguments[0] : undefined;
	const object = typeof argument === 'object' && argument !== null ? (argument as Record<string, unknown>) : {};
	const uri = typeof object.uri === 'string' ? object.uri : undefined;
	const path = uri === undefined ? undefined : uriToPath(uri);
	if (uri !== undefined && !path) return invalidParams(`'${uri}' is not a file URI`);
	if (!isServerCommand(command)) return invalidParams(`Unknown command '${String(command)}'; this server runs ${Object.values(serverCommands).join(', ')}`);
	if (path) state.ensureFolder(path);
	const backend = await scheduler.settle(token);
	if (backend instanceof ResponseError) return backend;
	const analysis = (path ? state.folderAnalysisFor(path) : [...state.folders.values()].find((folder) => folder.analysis)?.analysis)?.result;
	if (command === serverCommands.showRuleDocumentation) {
		const docs: RuleDocumentation | undefined = backend.features.ruleDocumentation(typeof argument === 'string' ? argument : object.ruleId);
		return docs ?? invalidParams('Expected { ruleId } naming a rule of this server');
	}
	if (command === serverCommands.simulateRequest) {
		const args = backend.features.readSimulateArguments(argument);
		if (!args) return invalidParams('Expected { uri?, peer, path?, headers? } with peer a string such as "172.18.0.5:41234" or "@"');
		const result: SimulateRequestResult = backend.features.simulateRequest(analysis, path, args);
		return jsonSafe(result);
	}
	const instances = backend.features.effectiveSettings(analysis, path, (file) => state.workspace.readFile(file));
	const result: EffectiveSettingsResult = {
		instances: instances.map((instance) => ({
			...instance,
			settings: instance.settings.map((setting) => ({ ...setting, source: { ...setting.source, file: undefined, span: undefined, uri: setting.source.file ? state.uriOf(setting.source.file) : undefined } })),
		})),
	};
	return jsonSafe(result);
}
