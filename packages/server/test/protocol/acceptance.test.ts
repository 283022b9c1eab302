import assert from 'node:assert/strict';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol/node';
import { applyEdits, machineSlowdown, position, range, start, workspace, type Harness } from './harness.js';

const compose = `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10
`;

describe('language server acceptance (issue 8)', () => {
	let folder: ReturnType<typeof workspace>;
	let lsp: Harness;

	before(async () => {
		folder = workspace({ 'compose.yaml': compose });
		lsp = await start({ folders: [folder.root] });
		// The engine loads lazily after `initialized`; the timing below is about analysis, not module loading under tsx.
		await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'nd/trust-all' }] });
	});

	after(async () => {
		await lsp.stop();
		folder.remove();
	});

	it('should publish a diagnostic on 192.168.1.10 within 200 ms of didOpen, fix it to /32, and hover the setting', async () => {
		const uri = folder.uri('compose.yaml');
		const sent = performance.now();
		await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: compose } });
		const published = await lsp.waitFor(() => lsp.published.find((p) => p.uri === uri && p.diagnostics.length > 0), 2000, 'diagnostics');
		const elapsed = published.at - sent;
		const slowdown = machineSlowdown();
		assert.ok(elapsed < 200 * slowdown, `diagnostic arrived after ${elapsed.toFixed(0)} ms (machine ${slowdown.toFixed(1)}× slower than the reference)`);
		const diagnostic = published.diagnostics.find((d) => d.code === 'nd/trusted-source-ignored');
		assert.ok(diagnostic, JSON.stringify(published.diagnostics));
		assert.deepEqual(diagnostic.range, range(compose, '192.168.1.10'));
		assert.equal(diagnostic.source, 'navidrome-extauth');
		assert.match(diagnostic.codeDescription?.href ?? '', /nd-trusted-source-ignored\.md$/);

		const actions = (await lsp.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
		const fix = actions.find((action) => action.isPreferred);
		assert.ok(fix?.edit?.changes, JSON.stringify(actions));
		assert.equal(fix.kind, 'quickfix');
		assert.equal(fix.diagnostics?.[0]?.code, 'nd/trusted-source-ignored');
		const fixed = applyEdits(compose, fix.edit.changes[uri]!);
		assert.equal(fixed, compose.replace('192.168.1.10', '192.168.1.10/32'));

		await lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
		const after = await lsp.waitFor(() => lsp.published.find((p) => p.uri === uri && p.version === 2), 3000, 'diagnostics of version 2');
		assert.equal(after.diagnostics.filter((d) => d.code === 'nd/trusted-source-ignored').length, 0);

		const hover = (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(fixed, 'ND_EXTAUTH_TRUSTEDSOURCES', 3) })) as Hover;
		const markdown = (hover.contents as { value: string }).value;
		assert.match(markdown, /\*\*ExtAuth\.TrustedSources\*\*/);
		assert.match(markdown, /Comma-separated CIDR ranges of the proxies/);
		assert.ok(markdown.split('\n').length <= 12, 'a hover of about 10 lines at most');
		assert.match(markdown, /Navidrome 0\.59\.0/);
		assert.match(markdown, /`192\.168\.1\.10\/32`/);
		assert.deepEqual(hover.range, range(fixed, 'ND_EXTAUTH_TRUSTEDSOURCES'));
	});
});
