/**
The shared module (src/shared) is what the server and the VS Code extension agree on: the server announces exactly its
command ids, reads exactly its settings keys, and answers with its result shapes. It imports nothing, so the extension
can bundle it.
*/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { FileKind as EngineFileKind } from '../../src/analysis/files.js';
import { categories } from '../../src/analysis/findings.js';
import { rules } from '../../src/analysis/rules/index.js';
import type { LspClient } from '../../src/protocol/client.js';
import { Server } from '../../src/protocol/server.js';
import { defaultSettings, readSettings } from '../../src/protocol/settings.js';
import { fileKinds, fixAllKind, paletteCommands, ruleCategories, serverCommands, serverSettingKeys, settingKeys, settingsSection, type EffectiveSettingResult, type SimulateRequestResult } from '../../src/shared/index.js';
import { start, workspace } from './harness.js';

/** `true` only when A and B are the same union (tsc checks the assignments below). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameFileKinds: Same<(typeof fileKinds)[number], EngineFileKind> = true;

const sharedFolder = new URL('../../src/shared/', import.meta.url);

function silentClient(): LspClient {
	return { publishDiagnostics() {}, refreshDiagnostics() {}, getConfiguration: async () => undefined, watchFiles() {}, watchConfiguration() {}, log() {}, error() {} };
}

describe('shared module (src/shared)', () => {
	it('should import nothing but its own files, and no Node built-ins', () => {
		const files = readdirSync(sharedFolder).filter((name) => name.endsWith('.ts'));
		assert.ok(files.includes('index.ts') && files.length >= 3, files.join(', '));
		for (const file of files) {
			const text = readFileSync(new URL(file, sharedFolder), 'utf8');
			const specifiers = [...text.matchAll(/\b(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);
			for (const specifier of specifiers) assert.match(specifier, /^\.\/[\w-]+\.js$/, `${file} imports ${specifier}`);
			assert.doesNotMatch(text, /\brequire\(|node:/, file);
		}
	});

	it('should be what initialize announces: the command ids, the fix-all kind and the diagnostic identifier', () => {
		const server = new Server(silentClient(), { loadBackend: () => new Promise(() => undefined) });
		const result = server.initialize({ processId: null, rootUri: null, capabilities: { textDocument: { diagnostic: {} } } });
		assert.deepEqual(result.capabilities.executeCommandProvider?.commands, Object.values(serverCommands));
		const kinds = (result.capabilities.codeActionProvider as { codeActionKinds?: string[] }).codeActionKinds;
		assert.ok(kinds?.includes(fixAllKind), String(kinds));
		assert.equal((result.capabilities.diagnosticProvider as { identifier?: string }).identifier, settingsSection);
		server.shutdown();
	});

	it('should keep the palette ids apart from the server ids (vscode-languageclient registers the server ids itself)', () => {
		const server = new Set<string>(Object.values(serverCommands));
		for (const id of Object.values(paletteCommands)) assert.ok(!server.has(id), id);
		for (const id of [...server, ...Object.values(paletteCommands)]) assert.ok(id.startsWith(`${settingsSection}.`), id);
	});

	it('should list every setting the server reads, each changing what readSettings returns', () => {
		assert.ok(serverSettingKeys.every((key) => (settingKeys as readonly string[]).includes(key)));
		const changed: Record<(typeof serverSettingKeys)[number], unknown> = { enable: false, allowRead: ['/etc/nginx'], rules: { 'nd/trust-all': 'off' }, navidromeVersion: '0.58.0', caddyVersion: '2.8.4' };
		assert.deepEqual(Object.keys(changed).sort(), [...serverSettingKeys].sort());
		for (const [key, value] of Object.entries(changed)) {
			const read = readSettings({ [settingsSection]: { [key]: value } });
			assert.notDeepEqual(read, defaultSettings, `${key} is not read`);
			assert.notDeepEqual(readSettings({ [`${settingsSection}.${key}`]: value }), defaultSettings, `dotted ${key} is not read`);
		}
		assert.deepEqual(Object.keys(defaultSettings).sort(), [...serverSettingKeys].sort(), 'the server reads a setting the shared list does not name');
	});

	it('should have the file kinds of the engine', () => {
		assert.equal(sameFileKinds, true);
		const union = /export type FileKind = ([^;]+);/.exec(readFileSync(new URL('../../src/analysis/files.ts', import.meta.url), 'utf8'))?.[1] ?? '';
		assert.deepEqual([...union.matchAll(/'([\w-]+)'/g)].map((match) => match[1]), [...fileKinds]);
	});

	it('should have the categories of the engine', () => {
		assert.deepEqual([...ruleCategories], [...categories]);
		for (const rule of rules) assert.ok((ruleCategories as readonly string[]).includes(rule.category), rule.id);
	});

	describe('command results', function () {
		this.timeout(30_000);
		const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10\n';

		it('should answer with the shared shapes', async () => {
			const folder = workspace({ 'compose.yaml': compose });
			const lsp = await start({ folders: [folder.root], initializationOptions: { commandResultsShownByClient: true } });
			try {
				const uri = folder.uri('compose.yaml');
				await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: compose } });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri), 10_000, 'diagnostics');
				const simulated = (await lsp.client.sendRequest('workspace/executeCommand', { command: serverCommands.simulateRequest, arguments: [{ uri, peer: '192.168.1.10:41234', path: '/app/', headers: { 'Remote-User': 'alice' } }] })) as SimulateRequestResult;
				assert.deepEqual(Object.keys(simulated).sort(), ['config', 'decision', 'instance']);
				assert.deepEqual(Object.keys(simulated.config).sort(), ['address', 'navidromeVersion', 'trustedSources', 'userHeader']);
				assert.ok(['authenticated', 'fallback'].includes(simulated.decision.outcome) && typeof simulated.decision.reason === 'string' && typeof simulated.decision.explanation === 'string');
				assert.deepEqual(Object.keys(simulated.instance ?? {}).sort(), ['id', 'version', 'versionSource']);
				const traced = (await lsp.client.sendRequest('workspace/executeCommand', { command: serverCommands.simulateRequest, arguments: [{ uri, trace: true, path: '/rest/ping', headers: {} }] })) as SimulateRequestResult;
				assert.ok(Array.isArray(traced.simulation?.available) && Array.isArray(traced.summary) && typeof traced.markdown === 'string');
				for (const route of traced.simulation!.available) {
					assert.equal(typeof route.id, 'string');
					assert.equal(typeof route.peer.address, 'string');
					assert.equal(typeof route.peer.guess, 'boolean');
				}
				const effective = (await lsp.client.sendRequest('workspace/executeCommand', { command: serverCommands.showEffectiveSettings, arguments: [{ uri }] })) as { instances: Array<{ settings: EffectiveSettingResult[] }> };
				const setting = effective.instances[0]?.settings.find((entry) => entry.key === 'ExtAuth.TrustedSources');
				assert.ok(setting, JSON.stringify(effective).slice(0, 300));
				assert.deepEqual(Object.keys(setting).sort(), ['envName', 'fromKey', 'hidden', 'key', 'source', 'tomlKey', 'value']);
				assert.deepEqual(Object.keys(setting.source).sort(), ['kind', 'name', 'range', 'uri']);
				assert.equal(setting.source.uri, uri);
				const docs = await lsp.client.sendRequest('workspace/executeCommand', { command: serverCommands.showRuleDocumentation, arguments: [{ ruleId: 'nd/trust-all' }] });
				assert.deepEqual(Object.keys(docs as object).sort(), ['markdown', 'ruleId', 'url']);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});
});
