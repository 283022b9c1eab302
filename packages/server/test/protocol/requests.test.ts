import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type CodeAction, type CompletionItem, type Hover, type InitializeResult } from 'vscode-languageserver-protocol/node';
import { listenOnStreams } from '../../src/protocol/connection.js';
import { applyEdits, position, start, workspace, type Harness } from './harness.js';

const compose = `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.0/16,10.0.0.5
      ND_PASSWORDENCRYPTIONKEY: s3cr3t-value
      ND_EXTAUTH_USERHEADER: Remote-User
`;

type ErrorLike = { code: number; message: string };

async function requestError(lsp: Harness, method: string, params: unknown): Promise<ErrorLike> {
	try {
		await lsp.client.sendRequest(method, params);
	} catch (error) {
		return error as ErrorLike;
	}
	throw new Error(`${method} succeeded`);
}

describe('requests over LSP', () => {
	let folder: ReturnType<typeof workspace>;
	let lsp: Harness;
	let uri: string;

	before(async () => {
		folder = workspace({ 'compose.yaml': compose });
		lsp = await start({ folders: [folder.root] });
		uri = folder.uri('compose.yaml');
		await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: compose } });
		await lsp.waitFor(() => lsp.lastDiagnostics(uri), 5000, 'diagnostics');
	});

	after(async () => {
		await lsp.stop();
		folder.remove();
	});

	describe('initialize', () => {
		it('should announce the features, the commands and push diagnostics for a client without pull support', async () => {
			const toServer = new PassThrough();
			const toClient = new PassThrough();
			const { connection } = listenOnStreams(toServer, toClient);
			const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
			client.listen();
			try {
				const result = (await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as InitializeResult;
				const capabilities = result.capabilities;
				assert.equal(capabilities.hoverProvider, true);
				assert.deepEqual(capabilities.executeCommandProvider?.commands, ['navidrome-extauth.simulateRequest', 'navidrome-extauth.showEffectiveSettings', 'navidrome-extauth.showRuleDocumentation']);
				assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.navidrome-extauth'] });
				assert.equal((capabilities.textDocumentSync as { change: number }).change, 2);
				assert.equal(capabilities.diagnosticProvider, undefined);
				assert.equal(result.serverInfo?.name, 'navidrome-extauth');
			} finally {
				client.dispose();
				connection.dispose();
			}
		});
	});

	describe('textDocument/hover', () => {
		it('should describe a TrustedSources entry', async () => {
			const hover = (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, '172.18.0.0/16', 4) })) as Hover;
			const markdown = (hover.contents as { kind: string; value: string }).value;
			assert.equal((hover.contents as { kind: string }).kind, 'markdown');
			assert.match(markdown, /65,536 addresses/);
			assert.deepEqual(hover.range, { start: position(compose, '172.18.0.0/16'), end: position(compose, '172.18.0.0/16', 13) });
		});

		it('should hide secret values and answer null where there is nothing to say', async () => {
			const hover = (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_PASSWORDENCRYPTIONKEY', 2) })) as Hover;
			assert.doesNotMatch(JSON.stringify(hover), /s3cr3t/);
			assert.match((hover.contents as { value: string }).value, /\(hidden\)/);
			assert.equal(await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
		});

		it('should send plain text to a client that does not take markdown', async () => {
			const plain = await start({ folders: [folder.root], capabilities: { textDocument: { hover: { contentFormat: ['plaintext'] } } } });
			try {
				await plain.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: compose } });
				const hover = (await plain.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_USERHEADER', 1) })) as Hover;
				assert.equal((hover.contents as { kind: string }).kind, 'plaintext');
			} finally {
				await plain.stop();
			}
		});
	});

	describe('textDocument/completion', () => {
		it('should complete setting names with a text edit over the typed prefix', async () => {
			const text = compose.replace('      ND_EXTAUTH_USERHEADER: Remote-User\n', '      ND_EXT\n');
			await lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
			const items = (await lsp.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: position(text, 'ND_EXT\n', 6) })) as CompletionItem[];
			const item = items.find((i) => i.label === 'ND_EXTAUTH_USERHEADER');
			assert.ok(item?.textEdit && 'range' in item.textEdit);
			assert.equal(item.kind, 10);
			assert.equal(applyEdits(text, [item.textEdit]), text.replace('ND_EXT\n', 'ND_EXTAUTH_USERHEADER: \n'));
			await lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: compose }] });
		});
	});

	describe('textDocument/codeAction and workspace/executeCommand', () => {
		it('should return quick fixes linked to their diagnostic, and the documentation command', async () => {
			await lsp.server.whenIdle();
			const at = position(compose, '10.0.0.5');
			const actions = (await lsp.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } })) as CodeAction[];
			const titles = actions.map((a) => a.title);
			assert.ok(titles.includes("Change to '10.0.0.5/32'"), titles.join(' | '));
			const disable = actions.find((a) => a.title === 'Disable nd/trusted-source-ignored for this line')!;
			assert.equal(applyEdits(compose, disable.edit!.changes![uri]!), compose.replace('      ND_EXTAUTH_TRUSTEDSOURCES', '      # navidrome-extauth-disable-next-line nd/trusted-source-ignored\n      ND_EXTAUTH_TRUSTEDSOURCES'));
			const docs = actions.find((a) => a.title === 'Show documentation for nd/trusted-source-ignored')!;
			assert.equal(docs.command?.command, 'navidrome-extauth.showRuleDocumentation');
			const result = (await lsp.client.sendRequest('workspace/executeCommand', { command: docs.command!.command, arguments: docs.command!.arguments })) as { ruleId: string; markdown: string; url: string };
			assert.equal(result.ruleId, 'nd/trusted-source-ignored');
			assert.match(result.markdown, /net\.ParseCIDR/);
			assert.match(result.url, /nd-trusted-source-ignored\.md$/);
			const only = (await lsp.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], only: ['refactor'] } })) as CodeAction[];
			assert.deepEqual(only, []);
		});

		it('should answer source.fixAll with one action applying the preferred fixes, and only when asked', async () => {
			await lsp.server.whenIdle();
			const at = position(compose, 'services');
			const ask = async (only: string[]) => (await lsp.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], only } })) as CodeAction[];
			for (const kind of ['source.fixAll', 'source', 'source.fixAll.navidrome-extauth']) {
				const actions = await ask([kind]);
				assert.deepEqual(actions.map((a) => a.kind), ['source.fixAll.navidrome-extauth'], kind);
				assert.equal(applyEdits(compose, actions[0]!.edit!.changes![uri]!), compose.replace('10.0.0.5', '10.0.0.5/32'));
				assert.deepEqual(actions[0]!.diagnostics?.map((d) => d.code), ['nd/trusted-source-ignored']);
			}
			assert.ok((await ask(['quickfix'])).every((a) => a.kind === 'quickfix'));
		});

		it('should simulate a request for the document’s Navidrome instance', async () => {
			const result = (await lsp.client.sendRequest('workspace/executeCommand', {
				command: 'navidrome-extauth.simulateRequest',
				arguments: [{ uri, peer: '172.18.0.9:40000', path: '/app/', headers: { 'Remote-User': 'alice' } }],
			})) as { instance: { id: string; version: string }; decision: { outcome: string; username: string; explanation: string; matchedEntry: { cidr: { addressCount: string } } } };
			assert.equal(result.instance.id, 'navidrome');
			assert.equal(result.decision.outcome, 'authenticated');
			assert.equal(result.decision.username, 'alice');
			assert.equal(result.decision.matchedEntry.cidr.addressCount, '65536');
		});

		it('should show effective settings with sources as URIs and secrets hidden', async () => {
			const result = (await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showEffectiveSettings', arguments: [{ uri }] })) as { instances: Array<{ id: string; version: string; versionSource: string; settings: Array<{ key: string; value: string; source: { uri?: string; range?: unknown } }> }> };
			assert.equal(result.instances.length, 1);
			const [instance] = result.instances;
			assert.equal(instance!.version, '0.60.0');
			assert.equal(instance!.versionSource, 'image');
			const header = instance!.settings.find((s) => s.key === 'ExtAuth.UserHeader')!;
			assert.equal(header.value, 'Remote-User');
			assert.equal(header.source.uri, uri);
			assert.doesNotMatch(JSON.stringify(result), /s3cr3t/);
		});

		it('should answer InvalidParams for unknown commands and bad arguments', async () => {
			assert.equal((await requestError(lsp, 'workspace/executeCommand', { command: 'navidrome-extauth.nope', arguments: [] })).code, -32602);
			assert.equal((await requestError(lsp, 'workspace/executeCommand', { command: 'navidrome-extauth.simulateRequest', arguments: [{ path: '/app/' }] })).code, -32602);
			assert.equal((await requestError(lsp, 'workspace/executeCommand', { command: 'navidrome-extauth.showRuleDocumentation', arguments: [{ ruleId: 'x/y' }] })).code, -32602);
		});
	});

	describe('robustness', () => {
		it('should answer malformed JSON with a parse error and keep serving', async () => {
			const body = '{"jsonrpc":"2.0","id":99,"method":';
			lsp.writeRaw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
			await lsp.waitFor(() => lsp.raw.find((m) => (m as { error?: { code: number } }).error?.code === -32700), 3000, 'parse error response');
			const parseError = lsp.raw.find((m) => (m as { error?: { code: number } }).error?.code === -32700) as { id: unknown };
			assert.equal(parseError.id, null);
			const invalid = '{"jsonrpc":"2.0","id":7}';
			lsp.writeRaw(`Content-Length: ${Buffer.byteLength(invalid)}\r\n\r\n${invalid}`);
			const invalidResponse = (await lsp.waitFor(() => lsp.raw.find((m) => (m as { error?: { code: number } }).error?.code === -32600), 3000, 'invalid request response')) as { id: unknown };
			assert.equal(invalidResponse.id, 7);
			const hover = await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_USERHEADER', 1) });
			assert.ok(hover);
		});

		it('should answer MethodNotFound for unknown methods and InvalidParams for malformed params', async () => {
			assert.equal((await requestError(lsp, 'navidrome-extauth/unknown', {})).code, -32601);
			assert.equal((await requestError(lsp, 'textDocument/hover', { textDocument: {}, position: { line: 0, character: 0 } })).code, -32602);
			assert.equal((await requestError(lsp, 'textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 'x' } })).code, -32602);
			assert.equal((await requestError(lsp, 'textDocument/codeAction', { textDocument: { uri }, range: null, context: {} })).code, -32602);
		});

		it('should answer null or empty results for unknown documents', async () => {
			const unknown = folder.uri('missing/compose.yaml');
			assert.equal(await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), null);
			assert.equal(await lsp.client.sendRequest('textDocument/completion', { textDocument: { uri: unknown }, position: { line: 0, character: 0 } }), null);
			assert.equal(await lsp.client.sendRequest('textDocument/codeAction', { textDocument: { uri: unknown }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), null);
			assert.equal(await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } }), null);
			await lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri: unknown, version: 4 }, contentChanges: [{ text: 'x' }] });
			await lsp.client.sendNotification('textDocument/didClose', { textDocument: { uri: unknown } });
			assert.ok(await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_USERHEADER', 1) }));
		});

		it('should analyse a 5 MB document within the time budget, say what was cut, and keep answering quickly', async () => {
			const hugeUri = folder.uri('docker-compose.huge.yml');
			let huge = 'services:\n  navidrome:\n    image: deluan/navidrome\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n';
			const filler = '  svc:\n    image: busybox\n    command: ["sh", "-c", "echo padding padding padding padding padding padding"]\n';
			while (huge.length < 5_000_000) huge += filler.replace('svc', `svc${huge.length}`);
			const sent = performance.now();
			await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri: hugeUri, languageId: 'yaml', version: 1, text: huge } });
			const info = await lsp.waitFor(() => lsp.lastDiagnostics(hugeUri), 20_000, 'huge file diagnostic');
			assert.ok(info.diagnostics.some((d) => d.code === 'nd/trust-all'), JSON.stringify(info.diagnostics));
			// On a fast machine the whole file fits the budget; else the rest is named as not checked.
			for (const d of info.diagnostics.filter((d) => d.code !== 'nd/trust-all')) {
				assert.equal(d.code, 'file-partly-analysed');
				assert.equal(d.severity, 3);
				assert.match(String(d.message), /did not check the rest/);
			}
			const hoverStart = performance.now();
			const hover = (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri: hugeUri }, position: position(huge, 'ND_EXTAUTH_TRUSTEDSOURCES', 2) })) as Hover;
			assert.match((hover.contents as { value: string }).value, /ExtAuth\.TrustedSources/);
			const completion = (await lsp.client.sendRequest('textDocument/completion', { textDocument: { uri: hugeUri }, position: position(huge, 'ND_EXTAUTH_TRUSTEDSOURCES', 3) })) as CompletionItem[];
			assert.ok(completion.length > 0);
			const other = await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_USERHEADER', 1) });
			assert.ok(other);
			const elapsed = performance.now() - hoverStart;
			assert.ok(elapsed < 1000, `three requests took ${elapsed.toFixed(0)} ms after a 5 MB open (open to diagnostic: ${(info as unknown as { at: number }).at - sent} ms)`);
			await lsp.client.sendNotification('textDocument/didClose', { textDocument: { uri: hugeUri } });
		});
	});
});
