/**
Live diagnostics (issue 18): a cancelled pull asks to be pulled again, compose syntax errors are reported unless the
client says a YAML extension reports them, folders are diagnosed before any document opens, and files above 1 MB are
analysed within a time budget that names what it cut.
*/
import assert from 'node:assert/strict';
import { CancellationTokenSource, type DocumentDiagnosticReport, type WorkspaceDiagnosticReport } from 'vscode-languageserver-protocol/node';
import { parseDocument } from 'yaml';
import { duplicateKeyErrors, parseCompose } from '../../src/analysis/formats/compose/parse.js';
import { pushCapabilities, start, workspace, type Harness } from './harness.js';

const composeOf = (trusted: string): string => `services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}\n`;

const pullCapabilities = { ...pushCapabilities, textDocument: { ...pushCapabilities.textDocument, diagnostic: { relatedDocumentSupport: false } }, workspace: { diagnostics: { refreshSupport: true } } };

type FullReport = DocumentDiagnosticReport & { items: Array<{ code: string; message: string; range: { start: { line: number } } }> };
type RawResponse = { id?: number; error?: { code: number; message: string; data?: unknown } };

const open = (lsp: Harness, uri: string, text: string, version = 1) => lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version, text } });
const change = (lsp: Harness, uri: string, text: string, version: number) => lsp.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
const codes = (lsp: Harness, uri: string): string[] => (lsp.lastDiagnostics(uri)?.diagnostics ?? []).map((d) => String(d.code));

/** Pulls until answered, as vscode-languageclient does: a `ServerCancelled` answer with `retriggerRequest: true` pulls again, `false` gives up. */
async function pullLikeVsCode(lsp: Harness, uri: string): Promise<FullReport | 'gave up'> {
	for (let attempt = 0; attempt < 20; attempt++) {
		try {
			return (await lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as FullReport;
		} catch (error) {
			const data = (error as { data?: { retriggerRequest?: boolean } }).data;
			if (data?.retriggerRequest === false) return 'gave up';
		}
	}
	throw new Error('no answer after 20 pulls');
}

describe('live diagnostics over LSP', () => {
	describe('cancelled pulls', () => {
		let folder: ReturnType<typeof workspace>;
		let lsp: Harness;

		beforeEach(async () => {
			folder = workspace({ 'compose.yaml': composeOf('172.18.0.5/32') });
			lsp = await start({ folders: [folder.root], capabilities: pullCapabilities, server: { debounceMs: 300 } });
		});

		afterEach(async () => {
			await lsp.stop();
			folder.remove();
		});

		it('should answer a cancelled textDocument/diagnostic with ServerCancelled and retriggerRequest: true', async () => {
			// A long debounce, so that on a loaded machine the cancellation still reaches the server before the analysis
			// it waits for has run (with 300 ms, a late timer once let the analysis finish first).
			await lsp.stop();
			lsp = await start({ folders: [folder.root], capabilities: pullCapabilities, server: { debounceMs: 2000 } });
			const uri = folder.uri('compose.yaml');
			await open(lsp, uri, composeOf('172.18.0.5/32'));
			// A first pull proves the open was handled and analysed: whenIdle alone may run before the notification
			// arrives, and a change landing during the folder's first analysis is analysed at once by its rerun.
			assert.notEqual(await pullLikeVsCode(lsp, uri), 'gave up');
			await lsp.server.whenIdle();
			await change(lsp, uri, composeOf('0.0.0.0/0'), 2);
			// The pull waits for the debounced analysis; the next keystroke cancels it, as VS Code does.
			const source = new CancellationTokenSource();
			const pending = lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token).then(
				() => 'answered',
				(error: { code?: number; data?: unknown }) => error,
			);
			await new Promise((resolve) => setTimeout(resolve, 30));
			source.cancel();
			const outcome = await pending;
			assert.notEqual(outcome, 'answered');
			const response = (await lsp.waitFor(() => (lsp.raw as RawResponse[]).find((message) => message.error && message.error.code === -32802), 5000, 'the raw error')).error!;
			assert.deepEqual(response.data, { retriggerRequest: true });
			assert.ok(!(lsp.raw as RawResponse[]).some((message) => message.error?.code === -32800), 'no RequestCancelled answer');
			// The retriggered pull sees the edit.
			const report = await pullLikeVsCode(lsp, uri);
			assert.notEqual(report, 'gave up');
			assert.ok((report as FullReport).items.some((d) => d.code === 'nd/trust-all'), JSON.stringify(report));
		});

		it('should follow a value typed key by key, each pull cancelled by the next key, in both directions', async () => {
			const uri = folder.uri('compose.yaml');
			await open(lsp, uri, composeOf(''));
			await lsp.server.whenIdle();
			// vscode-languageclient's pull state for one document: a key cancels the pull in flight and marks it for a
			// re-pull when it returns; a ServerCancelled answer with retriggerRequest: false drops that re-pull.
			let active = false;
			let reschedule = false;
			let source: CancellationTokenSource | undefined;
			let shown: FullReport | undefined;
			const pull = (): void => {
				if (active) {
					source?.cancel();
					reschedule = true;
					return;
				}
				active = true;
				source = new CancellationTokenSource();
				void lsp.client.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token).then(
					(report) => {
						shown = report as FullReport;
						active = false;
						if (reschedule) (reschedule = false), pull();
					},
					(error: { data?: { retriggerRequest?: boolean } }) => {
						active = false;
						const again = error.data?.retriggerRequest !== false && reschedule;
						reschedule = false;
						if (again) pull();
					},
				);
			};
			let version = 1;
			const type = async (value: string): Promise<void> => {
				for (let length = 1; length <= value.length; length++) {
					await change(lsp, uri, composeOf(value.slice(0, length)), ++version);
					pull();
					await new Promise((resolve) => setTimeout(resolve, 40 + ((length * 17) % 41)));
				}
			};
			const trustsAll = (): boolean => shown?.items.some((d) => d.code === 'nd/trust-all') ?? false;
			await type('0.0.0.0/0');
			await lsp.waitFor(() => trustsAll(), 5000, 'trust-all after typing 0.0.0.0/0');
			await type('172.18.0.5/32');
			await lsp.waitFor(() => !active && !trustsAll(), 5000, 'trust-all gone after typing the /32 back');
		});
	});

	describe('compose syntax errors', () => {
		const broken = `${composeOf('172.18.0.5/32')}  bad: [unclosed\n`;

		it('should hide them when the client says a YAML extension reports them, and show them again when it stops', async () => {
			const folder = workspace({ 'compose.yaml': broken });
			const lsp = await start({ folders: [folder.root], initializationOptions: { enable: true, yamlSyntaxReportedByClient: true } });
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, `${composeOf('0.0.0.0/0')}  bad: [unclosed\n`);
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all'), 5000, 'trust-all');
				await lsp.server.whenIdle();
				assert.ok(!codes(lsp, uri).includes('syntax/parse-error'), codes(lsp, uri).join());
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: { 'navidrome-extauth': { enable: true, yamlSyntaxReportedByClient: false } } });
				await lsp.waitFor(() => codes(lsp, uri).includes('syntax/parse-error'), 5000, 'syntax error after the change');
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should take the flag from workspace/configuration too', async () => {
			const folder = workspace({ 'compose.yaml': broken });
			let reported = false;
			const lsp = await start({
				folders: [folder.root],
				capabilities: { ...pushCapabilities, workspace: { configuration: true } },
				configuration: () => ({ enable: true, yamlSyntaxReportedByClient: reported }),
			});
			try {
				const uri = folder.uri('compose.yaml');
				await open(lsp, uri, broken);
				await lsp.waitFor(() => codes(lsp, uri).includes('syntax/parse-error'), 5000, 'syntax error');
				reported = true;
				await lsp.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
				await lsp.waitFor(() => !codes(lsp, uri).includes('syntax/parse-error'), 5000, 'syntax error hidden');
				assert.ok(codes(lsp, uri).includes('nd/proxy-ip-unpinned'), codes(lsp, uri).join());
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});

	describe('before any document opens', () => {
		it('should answer workspace/diagnostic with the folder findings', async () => {
			const folder = workspace({ 'compose.yaml': composeOf('0.0.0.0/0'), 'sub/.env': 'A=1\n' });
			const lsp = await start({ folders: [folder.root], capabilities: pullCapabilities });
			try {
				const report = (await lsp.client.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as WorkspaceDiagnosticReport;
				const compose = report.items.find((item) => item.uri === folder.uri('compose.yaml'));
				assert.ok(compose && compose.kind === 'full' && compose.items.some((d) => d.code === 'nd/trust-all'), JSON.stringify(report));
				assert.equal(lsp.published.length, 0);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should publish the folder findings after initialized to a push client', async () => {
			const folder = workspace({ 'compose.yaml': composeOf('0.0.0.0/0') });
			const lsp = await start({ folders: [folder.root] });
			try {
				const uri = folder.uri('compose.yaml');
				await lsp.waitFor(() => codes(lsp, uri).includes('nd/trust-all'), 5000, 'published without didOpen');
				assert.equal(lsp.lastDiagnostics(uri)?.version, undefined);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});

	describe('files above 1 MB', () => {
		it('should analyse a prefix within the time budget and say where the unchecked rest starts', async () => {
			let text = composeOf('0.0.0.0/0');
			const filler = '  svc:\n    image: busybox\n    command: ["sh", "-c", "echo padding padding padding padding"]\n';
			while (text.length < 2_500_000) text += filler.replace('svc', `svc${text.length}`);
			// Past the cut: a second Navidrome trusting everything, and an unclosed flow sequence at the end.
			text += '  late:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n  tail: [open\n';
			const folder = workspace({});
			const lsp = await start({ folders: [folder.root], server: { largeFileBudgetMs: 1 } });
			try {
				const uri = folder.uri('compose.huge.yaml');
				await open(lsp, uri, text);
				const published = await lsp.waitFor(() => lsp.lastDiagnostics(uri), 30_000, 'diagnostics of the large file');
				const byCode = published.diagnostics.map((d) => String(d.code));
				assert.deepEqual(byCode.sort(), ['file-partly-analysed', 'nd/trust-all'], JSON.stringify(published.diagnostics));
				const info = published.diagnostics.find((d) => d.code === 'file-partly-analysed')!;
				assert.equal(info.severity, 3);
				const lines = text.split('\n');
				assert.ok(info.range.start.line > 20_000 && info.range.start.line < lines.length - 5, `cut at line ${info.range.start.line}`);
				assert.equal(info.range.start.character, 0);
				assert.match(String(info.message), new RegExp(`analysed lines 1-${info.range.start.line} \\(1\\.0 MB\\) within its 0\\.001 s budget, and did not check the rest`));
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});

	describe('duplicate compose keys', () => {
		it('should report each repeated key at its second occurrence, except merge keys', () => {
			const text = 'x-base: &base\n  restart: always\nservices:\n  a:\n    <<: *base\n    <<: *base\n    image: one\n    image: two\n  a:\n    image: three\n';
			const errors = parseCompose('/w/compose.yaml', text).errors;
			assert.deepEqual(
				errors.map((error) => [error.message, text.slice(error.span.start, error.span.end)]),
				[
					["Duplicate key 'image' (first on line 7): docker compose refuses a mapping that repeats a key", 'image'],
					["Duplicate key 'a' (first on line 4): docker compose refuses a mapping that repeats a key", 'a'],
				],
			);
			assert.equal(text.lastIndexOf('image: two'), errors[0]!.span.start);
		});

		it('should check 30,000 keys of one mapping in less time than the parse takes', () => {
			let text = 'services:\n  navidrome:\n    environment:\n';
			for (let index = 0; index < 30_000; index++) text += `      K${index}: v\n`;
			text += '      K5: again\n';
			let started = performance.now();
			const document = parseDocument(text, { uniqueKeys: false, strict: false });
			const parse = performance.now() - started;
			started = performance.now();
			const errors = duplicateKeyErrors(document.contents, text);
			const walk = performance.now() - started;
			assert.deepEqual(errors.map((error) => error.message), ["Duplicate key 'K5' (first on line 9): docker compose refuses a mapping that repeats a key"]);
			// Comparing every pair (4.5e8 comparisons here) would take many times the parse.
			assert.ok(walk < parse, `walk ${walk.toFixed(0)} ms, parse ${parse.toFixed(0)} ms`);
		});
	});
});
