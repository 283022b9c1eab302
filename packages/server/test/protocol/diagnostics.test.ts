import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { DocumentDiagnosticReport, WorkspaceDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { pushCapabilities, range, start, workspace, type Harness } from './harness.js';

const composeWithVariable = `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: \${PROXY_CIDR}
      ND_EXTAUTH_USERHEADER: Remote-User
`;

const composeOf = (trusted: string): string => `services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}\n`;

const open = (lsp: Harness, uri: string, text: string, version = 1) => lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
const change = (lsp: Harness, uri: string, text: string, version: number) => lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
const codes = (lsp: Harness, uri: string): string[] => (lsp.lastDiagnostics(uri)?.diagnostics ?? []).map((d) => String(d.code));

describe('diagnostics over LSP', () => {
	describe('push', () => {
		let folder: ReturnType<typeof workspace>;
		let lsp: Harness;

		beforeEach(async () => {
			folder = workspace({ 'compose.yaml': composeWithVariable, '.env': 'PROXY_CIDR=0.0.0.0/0\n', 'sub/navidrome.toml': 'Address = "0.0.0.0"\n' });
			lsp = await start({ folders: [folder.root] });
		});

		afterEach(async () => {
			await lsp.stop();
			folder.remove();
		});

		it('should publish findings for files that are not open, and update them when another file changes', async () => {
			const composeUri = folder.uri('compose.yaml');
			const envUri = folder.uri('.env');
			await open(lsp, composeUri, composeWithVariable);
			// The finding sits on the value in .env, which the client never opened.
			const env = await lsp.waitFor(() => lsp.published.find((p) => p.uri === envUri && p.diagnostics.length > 0), 5000, '.env diagnostics');
			const trustAll = env.diagnostics.find((d) => d.code === 'nd/trust-all');
			assert.ok(trustAll, JSON.stringify(env.diagnostics));
			assert.equal(env.version, undefined);
			assert.deepEqual(trustAll.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 20 } });
			assert.equal(trustAll.severity, 1);

			// Fix .env on disk and tell the server: its diagnostics clear although it was never opened.
			folder.write('.env', 'PROXY_CIDR=172.18.0.5/32\n');
			await lsp.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: envUri, type: 2 }] });
			await lsp.waitFor(() => lsp.lastDiagnostics(envUri) && !codes(lsp, envUri).includes('nd/trust-all'), 5000, '.env updated');

			// An open .env overrides the disk, and its edits re-diagnose the compose file's deployment.
			await open(lsp, envUri, 'PROXY_CIDR=172.18.0.5\n');
			await lsp.waitFor(() => codes(lsp, envUri).includes('nd/trusted-source-ignored'), 5000, 'ignored entry in the open .env');
			assert.equal(lsp.lastDiagnostics(envUri)?.version, 1);
		});

		it('should report YAML syntax errors on compose files (no YAML extension said it reports them), with domain findings', async () => {
			const uri = folder.uri('compose.yaml');
			await open(lsp, uri, `${composeOf('0.0.0.0/0')}  bad: [unclosed\n`);
			await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all') && codes(lsp, uri).includes('syntax/parse-error'), 5000, 'trust-all and the syntax error');
			const toml = folder.uri('sub/navidrome.toml');
			await open(lsp, toml, 'Address = "0.0.0.0\n');
			await lsp.waitFor(() => codes(lsp, toml).includes('syntax/parse-error'), 5000, 'TOML syntax error');
		});

		it('should report a duplicate compose key at its second occurrence', async () => {
			const uri = folder.uri('compose.yaml');
			const text = `${composeOf('172.18.0.5/32')}      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n`;
			await open(lsp, uri, text);
			const duplicate = await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.find((d) => d.code === 'syntax/parse-error'), 5000, 'duplicate key');
			assert.deepEqual(duplicate.range, range(text, 'ND_EXTAUTH_TRUSTEDSOURCES', 1));
			assert.match(String(duplicate.message), /Duplicate key 'ND_EXTAUTH_TRUSTEDSOURCES' \(first on line 5\)/);
		});

		it('should carry tags, related information and the rule docs link', async () => {
			const uri = folder.uri('compose.yaml');
			await open(lsp, uri, 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_REVERSEPROXYWHITELIST: 172.18.0.5/32\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5/32\n');
			await lsp.waitFor(() => (lsp.lastDiagnostics(uri)?.diagnostics.length ?? 0) >= 1, 5000, 'diagnostics');
			const all = lsp.lastDiagnostics(uri)!.diagnostics;
			for (const diagnostic of all) {
				assert.equal(diagnostic.source, 'navidrome-extauth');
				assert.equal(diagnostic.codeDescription?.href, `https://github.com/navidrome-extauth/navidrome-extauth/blob/main/docs/rules/${String(diagnostic.code).replace('/', '-')}.md`);
			}
			const deprecated = all.find((d) => d.tags?.includes(2));
			assert.ok(deprecated, JSON.stringify(all));
			assert.ok(all.some((d) => d.relatedInformation?.length && d.relatedInformation[0]!.location.uri === uri), JSON.stringify(all));
		});

		it('should debounce edits and never publish a result older than the document', async () => {
			const uri = folder.uri('compose.yaml');
			await open(lsp, uri, composeOf('172.18.0.5/32'));
			await lsp.waitFor(() => lsp.published.some((p) => p.uri === uri), 5000, 'first publish');
			const before = lsp.published.length;
			for (let version = 2; version <= 12; version++) await change(lsp, uri, composeOf(version % 2 === 0 ? '0.0.0.0/0' : '172.18.0.5/32'), version);
			await lsp.waitFor(() => lsp.published.some((p) => p.uri === uri && p.version === 12), 5000, 'version 12');
			await lsp.server.whenIdle();
			const later = lsp.published.slice(before).filter((p) => p.uri === uri);
			assert.ok(later.length <= 2, `published ${later.length} times for 11 quick edits`);
			assert.deepEqual(later.at(-1)!.diagnostics.map((d) => d.code), ['nd/trust-all']);
			const versions = lsp.published.filter((p) => p.uri === uri).map((p) => p.version!);
			assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
		});

		it("should clear a loose file's diagnostics when it closes", async () => {
			const loose = workspace({ 'compose.yaml': composeOf('0.0.0.0/0') });
			try {
				const uri = loose.uri('compose.yaml');
				await open(lsp, uri, composeOf('0.0.0.0/0'));
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all'), 5000, 'loose diagnostics');
				await lsp.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.length === 0, 5000, 'loose file cleared');
			} finally {
				loose.remove();
			}
		});

		it('should report a deleted file no more', async () => {
			const envUri = folder.uri('.env');
			await open(lsp, folder.uri('compose.yaml'), composeWithVariable);
			await lsp.waitFor(() => codes(lsp, envUri).includes('nd/trust-all'), 5000, '.env finding');
			rmSync(folder.path('.env'));
			await lsp.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: envUri, type: 3 }] });
			await lsp.waitFor(() => lsp.lastDiagnostics(envUri)?.diagnostics.length === 0, 5000, '.env cleared after deletion');
		});
	});

	describe('workspace folders', () => {
		it('should analyse an added folder without opening its files, and clear it when removed', async () => {
			const first = workspace({ 'compose.yaml': composeOf('172.18.0.5/32') });
			const second = workspace({ 'compose.yaml': composeOf('0.0.0.0/0') });
			const lsp = await start({ folders: [first.root], capabilities: { ...pushCapabilities, workspace: { workspaceFolders: true } } });
			try {
				const uri = second.uri('compose.yaml');
				await lsp.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: second.uri(''), name: 'second' }], removed: [] } });
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all'), 5000, 'findings of the added folder');
				await lsp.client.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: second.uri(''), name: 'second' }] } });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.length === 0, 5000, 'removed folder cleared');
			} finally {
				await lsp.stop();
				first.remove();
				second.remove();
			}
		});
	});

	describe('settings', () => {
		let folder: ReturnType<typeof workspace>;
		beforeEach(() => (folder = workspace({ 'compose.yaml': composeOf('0.0.0.0/0') })));
		afterEach(() => folder.remove());

		it('should take rule overrides from initializationOptions and didChangeConfiguration (Neovim 0.7 style)', async () => {
			const lsp = await start({ folders: [folder.root], initializationOptions: { 'navidrome-extauth': { rules: { 'nd/trust-all': 'info' } } } });
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, composeOf('0.0.0.0/0'));
				const first = await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.find((d) => d.code === 'nd/trust-all'), 5000, 'trust-all');
				assert.equal(first.severity, 3);
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: { 'navidrome-extauth': { rules: { 'nd/trust-all': 'off' } } } });
				await lsp.waitFor(() => !codes(lsp, uri).includes('nd/trust-all'), 5000, 'rule off');
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: { 'navidrome-extauth': { enable: false } } });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.length === 0, 5000, 'disabled');
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: { 'navidrome-extauth': { enable: true } } });
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all'), 5000, 'enabled again');
			} finally {
				await lsp.stop();
			}
		});

		it('should read workspace/configuration when the client supports it, and re-read it on change', async () => {
			let level = 'warning';
			const lsp = await start({
				folders: [folder.root],
				capabilities: { ...pushCapabilities, workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
				configuration: (section) => (section === 'navidrome-extauth' ? { enable: true, rules: { 'nd/trust-all': level } } : null),
			});
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, composeOf('0.0.0.0/0'));
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.find((d) => d.code === 'nd/trust-all')?.severity === 2, 5000, 'warning from configuration');
				level = 'hint';
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
				await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.find((d) => d.code === 'nd/trust-all')?.severity === 4, 5000, 'hint after change');
			} finally {
				await lsp.stop();
			}
		});

		it('should apply the assumed navidromeVersion', async () => {
			const text = 'services:\n  navidrome:\n    image: deluan/navidrome\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5/32\n';
			const lsp = await start({ folders: [folder.root], initializationOptions: { 'navidrome-extauth': { navidromeVersion: '0.55.0' } } });
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, text);
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/option-unknown-to-version'), 5000, 'unknown option on 0.55.0');
			} finally {
				await lsp.stop();
			}
		});
	});

	describe('pull', () => {
		it('should serve textDocument/diagnostic and workspace/diagnostic instead of pushing, and ask for a refresh', async () => {
			const folder = workspace({ 'compose.yaml': composeWithVariable, '.env': 'PROXY_CIDR=0.0.0.0/0\n' });
			const lsp = await start({ folders: [folder.root], capabilities: { ...pushCapabilities, textDocument: { ...pushCapabilities.textDocument, diagnostic: { relatedDocumentSupport: false } }, workspace: { diagnostics: { refreshSupport: true } } } });
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, composeWithVariable);
				const report = (await lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: folder.uri('.env') } })) as DocumentDiagnosticReport & { items: Array<{ code: string }>; resultId: string };
				assert.equal(report.kind, 'full');
				assert.ok(report.items.some((d) => d.code === 'nd/trust-all'));
				const again = (await lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: folder.uri('.env') }, previousResultId: report.resultId })) as DocumentDiagnosticReport;
				assert.equal(again.kind, 'unchanged');
				const all = (await lsp.client.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as WorkspaceDiagnosticReport;
				assert.ok(all.items.some((item) => item.uri === folder.uri('.env') && item.kind === 'full' && item.items.length > 0));
				folder.write('.env', 'PROXY_CIDR=172.18.0.5/32\n');
				await lsp.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: folder.uri('.env'), type: 2 }] });
				await lsp.waitFor(() => lsp.refreshes > 0, 5000, 'refresh request');
				const updated = (await lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri: folder.uri('.env') }, previousResultId: report.resultId })) as DocumentDiagnosticReport & { items: Array<{ code: string }> };
				assert.equal(updated.kind, 'full');
				assert.ok(!updated.items.some((d) => d.code === 'nd/trust-all'));
				assert.equal(lsp.published.length, 0);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});
});
