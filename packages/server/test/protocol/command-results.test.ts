/**
Other clients (issue 18, Deliver 8): command results reach a client's default handlers as `window/showMessage`, or as
`window/showDocument` for a rule's page when the client supports it; `commandResultsShownByClient` turns both off.
`$/setTrace` switches `$/logTrace` on, with details at `verbose`.
*/
import assert from 'node:assert/strict';
import { start, workspace, type Harness } from './harness.js';

const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10\n      ND_PASSWORDENCRYPTIONKEY: canary-not-a-secret-7f3a\n';

type Raw = { method?: string; id?: unknown; params?: { type?: number; message?: string; verbose?: string; uri?: string; external?: boolean } };

function sent(lsp: Harness, method: string): Raw[] {
	return (lsp.raw as Raw[]).filter((message) => message.method === method);
}

async function opened(options: Parameters<typeof start>[0] = {}): Promise<{ lsp: Harness; folder: ReturnType<typeof workspace>; uri: string }> {
	const folder = workspace({ 'compose.yaml': compose });
	const lsp = await start({ folders: [folder.root], ...options });
	const uri = folder.uri('compose.yaml');
	await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: compose } });
	await lsp.waitFor(() => lsp.lastDiagnostics(uri), 10_000, 'diagnostics');
	return { lsp, folder, uri };
}

describe('command results and traces for other clients', function () {
	this.timeout(30_000);

	it('should send the effective settings as window/showMessage, without the secret value', async () => {
		const { lsp, folder, uri } = await opened();
		try {
			const result = await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showEffectiveSettings', arguments: [{ uri }] });
			assert.ok(result && typeof result === 'object', 'the command still answers with its data');
			const message = await lsp.waitFor(() => sent(lsp, 'window/showMessage')[0], 5000, 'window/showMessage');
			assert.equal(message.params?.type, 3);
			assert.match(message.params?.message ?? '', /^Effective settings of navidrome \(Navidrome 0\.60\.0\):\n- ExtAuth\.TrustedSources = 192\.168\.1\.10 \(from ND_EXTAUTH_TRUSTEDSOURCES\)/);
			assert.ok((message.params?.message ?? '').split('\n').length <= 12);
			assert.ok(!JSON.stringify(lsp.raw).includes('canary-not-a-secret-7f3a'), 'the secret value was sent');
		} finally {
			await lsp.stop();
			folder.remove();
		}
	});

	it('should summarise a simulated request in one message', async () => {
		const { lsp, folder, uri } = await opened();
		try {
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.simulateRequest', arguments: [{ uri, peer: '192.168.1.10:41234', path: '/app/', headers: { 'Remote-User': 'alice' } }] });
			const message = await lsp.waitFor(() => sent(lsp, 'window/showMessage')[0], 5000, 'window/showMessage');
			assert.match(message.params?.message ?? '', /^Simulated request to navidrome: (logged in as alice|not logged in through the header)\./);
		} finally {
			await lsp.stop();
			folder.remove();
		}
	});

	it('should open a rule page with window/showDocument when the client supports it, else send a message', async () => {
		const capabilities = { textDocument: { publishDiagnostics: {} }, window: { showDocument: { support: true } } };
		const { lsp, folder } = await opened({ capabilities });
		const asked: Array<{ uri: string; external?: boolean }> = [];
		let success = true;
		lsp.client.onRequest('window/showDocument', (params: { uri: string; external?: boolean }) => {
			asked.push(params);
			return { success };
		});
		try {
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'nd/trust-all' }] });
			await lsp.waitFor(() => asked.length === 1, 5000, 'window/showDocument');
			assert.equal(asked[0]!.external, true);
			assert.match(asked[0]!.uri, /^https:\/\/.*trust-all/);
			// A client that could not open it gets the message instead.
			success = false;
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'nd/trust-all' }] });
			const message = await lsp.waitFor(() => sent(lsp, 'window/showMessage')[0], 5000, 'window/showMessage');
			assert.match(message.params?.message ?? '', /^nd\/trust-all: .+\nMore: https:\/\//);
			assert.equal(sent(lsp, 'window/showMessage').length, 1);
		} finally {
			await lsp.stop();
			folder.remove();
		}
	});

	it('should show nothing to a client that renders command results itself', async () => {
		const { lsp, folder, uri } = await opened({ initializationOptions: { enable: true, commandResultsShownByClient: true } });
		try {
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showEffectiveSettings', arguments: [{ uri }] });
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'nd/trust-all' }] });
			await new Promise((resolve) => setTimeout(resolve, 100));
			assert.equal(sent(lsp, 'window/showMessage').length, 0);
			assert.equal(sent(lsp, 'window/showDocument').length, 0);
		} finally {
			await lsp.stop();
			folder.remove();
		}
	});

	it('should send $/logTrace after $/setTrace, with details only at verbose, and stop at off', async () => {
		const { lsp, folder, uri } = await opened();
		try {
			assert.equal(sent(lsp, '$/logTrace').length, 0, 'traces before the client asked for them');
			const edit = async (version: number, value: string): Promise<void> => {
				await lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: 4, character: 33 }, end: { line: 4, character: 33 + value.length } }, text: value }] });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.version === version, 10_000, `diagnostics of version ${version}`);
			};
			await lsp.client.sendNotification('$/setTrace', { value: 'messages' });
			await edit(2, '192.168.1.11');
			const messages = await lsp.waitFor(() => sent(lsp, '$/logTrace').find((trace) => trace.params?.message?.includes('(version 2)')), 5000, '$/logTrace');
			assert.match(messages.params!.message!, /^publishDiagnostics file:.*compose\.yaml \(version 2\): \d+ diagnostics$/);
			assert.equal(messages.params!.verbose, undefined);
			await lsp.client.sendNotification('$/setTrace', { value: 'verbose' });
			await edit(3, '192.168.1.12');
			const verbose = await lsp.waitFor(() => sent(lsp, '$/logTrace').find((trace) => trace.params?.message?.includes('(version 3)')), 5000, 'verbose $/logTrace');
			assert.match(verbose.params!.verbose ?? '', /^5:\d+ warning \[nd\/trusted-source-ignored\] /m);
			await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'nd/trust-all' }] });
			const command = await lsp.waitFor(() => sent(lsp, '$/logTrace').find((trace) => trace.params?.message?.startsWith('executeCommand navidrome-extauth.showRuleDocumentation: answered in')), 5000, 'command trace');
			assert.match(command.params!.verbose ?? '', /"ruleId": "nd\/trust-all"/);
			await lsp.client.sendNotification('$/setTrace', { value: 'off' });
			const before = sent(lsp, '$/logTrace').length;
			await edit(4, '192.168.1.13');
			assert.equal(sent(lsp, '$/logTrace').length, before);
		} finally {
			await lsp.stop();
			folder.remove();
		}
	});
});
