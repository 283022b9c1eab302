/**
What the server reads and says it judged, over real JSON-RPC: a document's language id decides its kind when its name
does not, discovery finds files by content through the read boundary, and `navidrome-extauth/coverage` tells a client
that asked what was judged, assumed and not seen.
*/
import assert from 'node:assert/strict';
import { coverageNotification, type CoverageParams } from '../../src/shared/index.js';
import { start, workspace, type Harness } from './harness.js';

const composeOf = (trusted: string): string => `services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}\n`;
/** A Caddyfile that proxies everything to Navidrome with no auth step and no strip (route/bypass-nostrip). */
const bareCaddy = 'music.example.com {\n\treverse_proxy navidrome:4533\n}\n';
const bareNginx = 'server {\n  listen 80;\n  server_name music.example.com;\n  location / {\n    proxy_pass http://navidrome:4533;\n  }\n}\n';

const open = (lsp: Harness, uri: string, languageId: string, text: string) => lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
const codes = (lsp: Harness, uri: string): string[] => (lsp.lastDiagnostics(uri)?.diagnostics ?? []).map((d) => String(d.code));

/** A server whose client asks for coverage notifications, collecting them. */
async function startWithCoverage(folders: string[], flag = true): Promise<{ lsp: Harness; coverage: CoverageParams[] }> {
	const coverage: CoverageParams[] = [];
	const lsp = await start({ folders, initializationOptions: flag ? { coverageNotifications: true } : {} });
	lsp.client.onNotification(coverageNotification, (params: CoverageParams) => void coverage.push(params));
	return { lsp, coverage };
}

describe('file kinds and coverage over LSP', () => {
	describe('language ids', () => {
		it('should analyse a document as its language id says when its name says nothing', async () => {
			const folder = workspace({});
			const lsp = await start({ folders: [folder.root] });
			try {
				const caddy = folder.uri('site');
				await open(lsp, caddy, 'caddyfile', bareCaddy);
				await lsp.waitFor(() => codes(lsp, caddy).includes('route/bypass-nostrip'), 10_000, 'the Caddyfile finding');
				const nginx = folder.uri('music.txt');
				await open(lsp, nginx, 'nginx', bareNginx);
				await lsp.waitFor(() => codes(lsp, nginx).includes('route/bypass-nostrip'), 10_000, 'the nginx finding');
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should read a document of a shared language id by its content, and leave it alone when the content says nothing', async () => {
			const folder = workspace({});
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				const stack = folder.uri('stack.yml');
				await open(lsp, stack, 'yaml', composeOf('192.168.1.10'));
				const values = folder.uri('values.yaml');
				await open(lsp, values, 'yaml', 'replicaCount: 1\nimage:\n  repository: nginx\n');
				const conf = folder.uri('music.conf.txt');
				await open(lsp, conf, 'properties', bareNginx);
				await lsp.waitFor(() => codes(lsp, stack).includes('nd/trusted-source-ignored') && codes(lsp, conf).includes('route/bypass-nostrip'), 10_000, 'compose and nginx findings');
				await lsp.server.whenIdle();
				const last = await lsp.waitFor(() => coverage.at(-1)?.folders[0]?.judged.nginx === 1 && coverage.at(-1), 5000, 'coverage with the nginx config');
				assert.deepEqual(last.folders[0]!.judged, { compose: 1, nginx: 1 });
				assert.deepEqual(codes(lsp, values), []);
				// A shell script opened as such is of its kind even without the `.sh` name.
				const script = folder.uri('run-navidrome');
				await open(lsp, script, 'shellscript', '#!/bin/sh\nexport ND_MUSICFOLDER=/music\n');
				await lsp.waitFor(() => coverage.at(-1)?.folders[0]?.judged.shell === 1, 5000, 'the shell script judged');
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should let the name win over a language id another association gave', async () => {
			const folder = workspace({});
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				// VS Code opens `.env.local` as `shellscript`; it is a .env file.
				await open(lsp, folder.uri('.env.local'), 'shellscript', 'ND_EXTAUTH_TRUSTEDSOURCES=0.0.0.0/0\n');
				const last = await lsp.waitFor(() => coverage.at(-1)?.folders[0]?.judged.dotenv === 1 && coverage.at(-1), 10_000, 'the .env judged');
				assert.equal(last.folders[0]!.judged.shell, undefined);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});

	describe('discovery by content', () => {
		it('should find files by content without opening them, and follow created ones', async () => {
			const folder = workspace({ 'navidrome.yml': composeOf('192.168.1.10'), 'proxy/music.conf': bareNginx, 'package.json': '{"services": {"image": 1}}\n', 'notes.yml': 'todo: nothing\n' });
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				const compose = folder.uri('navidrome.yml');
				await lsp.waitFor(() => codes(lsp, compose).includes('nd/trusted-source-ignored'), 10_000, 'the compose file found by content');
				const first = await lsp.waitFor(() => coverage.at(-1), 5000, 'coverage');
				assert.deepEqual(first.folders[0]!.judged, { compose: 1, nginx: 1 });
				assert.ok(first.folders[0]!.notes[0]?.startsWith('Judged: 1 compose file, 1 nginx config'), first.folders[0]!.notes.join('\n'));
				assert.equal(lsp.lastDiagnostics(folder.uri('notes.yml')), undefined);
				// A file that mentions Navidrome's settings in no form of ours is listed as skipped; one created later by content is found.
				folder.write('legacy.ini', '[navidrome]\nND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.1\n');
				folder.write('later.yaml', composeOf('10.0.0.1'));
				await lsp.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: folder.uri('legacy.ini'), type: 1 }, { uri: folder.uri('later.yaml'), type: 1 }] });
				const later = folder.uri('later.yaml');
				await lsp.waitFor(() => codes(lsp, later).includes('nd/trusted-source-ignored'), 10_000, 'the created compose file');
				const now = await lsp.waitFor(() => coverage.at(-1)?.folders[0]?.judged.compose === 2 && coverage.at(-1), 5000, 'coverage with both compose files');
				assert.deepEqual(now.folders[0]!.skipped.map((file) => [file.uri, file.reason]), [[folder.uri('legacy.ini'), 'unrecognised']]);
				// Deleted: gone from the coverage.
				await lsp.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: later, type: 3 }, { uri: folder.uri('legacy.ini'), type: 3 }] });
				const after = await lsp.waitFor(() => coverage.at(-1)?.folders[0]?.judged.compose === 1 && coverage.at(-1), 5000, 'coverage after the deletion');
				assert.deepEqual(after.folders[0]!.skipped, []);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});

	describe('navidrome-extauth/coverage', () => {
		it('should say nothing was judged in a folder without a deployment', async () => {
			const folder = workspace({ 'README.md': '# notes\n' });
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				const params = await lsp.waitFor(() => coverage.at(-1), 10_000, 'coverage');
				assert.deepEqual(params.folders.map((entry) => entry.uri), [`${folder.uri('')}`.replace(/\/$/, '')]);
				const [only] = params.folders;
				assert.deepEqual([only!.judged, only!.navidromes, only!.routes, only!.navidromeAssumed], [{}, 0, 0, false]);
				assert.match(only!.notes[0] ?? '', /^Nothing judged: /);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should say what was assumed for a lone proxy config, and send again only what changed', async () => {
			const folder = workspace({ Caddyfile: bareCaddy });
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				const params = await lsp.waitFor(() => coverage.at(-1), 10_000, 'coverage');
				const [only] = params.folders;
				assert.deepEqual([only!.judged, only!.navidromes, only!.routes, only!.navidromeAssumed], [{ caddyfile: 1 }, 1, 1, true]);
				assert.ok(only!.assumed.length > 0 && only!.notes.some((note) => note.startsWith('Assumed: ')), only!.notes.join('\n'));
				// An edit that changes no coverage sends none.
				const count = coverage.length;
				await open(lsp, folder.uri('Caddyfile'), 'caddyfile', `${bareCaddy}# a comment\n`);
				await lsp.waitFor(() => lsp.lastDiagnostics(folder.uri('Caddyfile'))?.version === 1, 5000, 'the open document analysed');
				await lsp.server.whenIdle();
				assert.equal(coverage.length, count);
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should tell a proxy service whose config is not in view', async () => {
			const compose = `${composeOf('172.20.0.5/32')}  proxy:\n    image: jc21/nginx-proxy-manager:2.12.1\n`;
			const folder = workspace({ 'compose.yaml': compose });
			const { lsp, coverage } = await startWithCoverage([folder.root]);
			try {
				const params = await lsp.waitFor(() => coverage.at(-1), 10_000, 'coverage');
				assert.deepEqual(params.folders[0]!.unseen.map((proxy) => [proxy.uri, proxy.service]), [[folder.uri('compose.yaml'), 'proxy']]);
				assert.ok(params.folders[0]!.notes.some((note) => note.startsWith('Not seen: compose.yaml: service "proxy"')), params.folders[0]!.notes.join('\n'));
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});

		it('should not be sent to a client that did not ask', async () => {
			const folder = workspace({ Caddyfile: bareCaddy });
			const { lsp, coverage } = await startWithCoverage([folder.root], false);
			try {
				await lsp.waitFor(() => codes(lsp, folder.uri('Caddyfile')).length > 0, 10_000, 'diagnostics');
				await lsp.server.whenIdle();
				assert.equal(coverage.length, 0);
				assert.ok(!lsp.raw.some((message) => (message as { method?: string }).method === coverageNotification));
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});
});
