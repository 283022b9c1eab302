/**
Budgets on every amplifier (issue 20, Deliver 2 and 6): YAML alias expansion, include and import depth, count and
size, findings per file and errors per parse, and `decide()` on a huge list. The bombs run through the built CLI and
the bundled language server, each in its own process with a bounded heap so a regression fails instead of thrashing.
*/
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { decide, isTrustedSource } from '@navidrome-extauth/core';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { capFindingsPerFile, maxFindingsPerFile, type Finding, type Severity } from '../../src/analysis/findings.js';
import { parseCaddyfile } from '../../src/analysis/formats/caddyfile/index.js';
import { parseNginx } from '../../src/analysis/formats/nginx/index.js';
import { parseTraefikYaml } from '../../src/analysis/formats/traefik/yaml.js';
import { buildBundles, cliPath, serverRoot } from '../harness/cli.js';
import { workspace } from '../protocol/harness.js';
import { memoryWorkspace } from './memory-workspace.js';

/** Nine levels of nine aliases each: 9^9 (387 million) nodes when expanded naively. */
function aliasLevels(prefix = ''): string {
	const lines = [`${prefix}a: &a [x, x, x, x, x, x, x, x, x]`];
	const names = 'abcdefghi';
	for (let i = 1; i < names.length; i++) lines.push(`${prefix}${names[i]}: &${names[i]} [${Array.from({ length: 9 }, () => `*${names[i - 1]}`).join(', ')}]`);
	return `${lines.join('\n')}\n`;
}

const traefikDynamicBomb = `${aliasLevels()}http:\n  routers:\n    navidrome:\n      rule: "Host(\`music.example.com\`)"\n      service: navidrome\n      middlewares: *i\n`;
const traefikStaticBomb = `${aliasLevels()}entryPoints:\n  web:\n    address: ":80"\n    forwardedHeaders:\n      trustedIPs: *i\nproviders:\n  docker: *i\n`;
const composeBomb = `${aliasLevels('x-')}x-base: &base\n  image: deluan/navidrome:0.58.0\n  labels: *i\n  environment: *i\nservices:\n  navidrome:\n    <<: *base\n    command: *i\n    ports: *i\n    volumes: *i\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n`;
/** About 1 MB where every line is a syntax error (500,000 findings before the caps). */
const junkToml = 'x\n'.repeat(500_000);

const heapFlag = '--max-old-space-size=1024';

type JsonOutput = { findings: Array<{ ruleId: string; file: string; message: string; severity: string }> };

function runCli(args: string[], cwd: string): { status: number | null; signal: string | null; stdout: string; stderr: string; ms: number } {
	buildBundles();
	const started = performance.now();
	const result = spawnSync(process.execPath, [heapFlag, cliPath, ...args], { cwd, encoding: 'utf8', timeout: 30_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '' } });
	return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

describe('budgets on amplifiers', function () {
	this.timeout(180_000);

	describe('YAML aliases', () => {
		let folder: ReturnType<typeof workspace>;

		before(() => {
			buildBundles();
			folder = workspace({
				'traefik/dynamic/bomb.yml': traefikDynamicBomb,
				'static/traefik.yml': traefikStaticBomb,
				'compose.yaml': composeBomb,
			});
		});

		after(() => folder.remove());

		for (const [name, path, finding] of [
			['a Traefik dynamic file', 'traefik/dynamic/bomb.yml', /^YAML aliases (expand to more than|are expanded more than) \d+/],
			['a Traefik static configuration', 'static/traefik.yml', /^YAML aliases (expand to more than|are expanded more than) \d+/],
			['a compose file with x- extensions and << merge keys', 'compose.yaml', /trusts every IPv4 peer/],
		] as const) {
			it(`should read ${name} of nested aliases in the CLI in under 5 s, with a finding`, () => {
				const result = runCli(['check', '--format', 'json', path], folder.root);
				assert.equal(result.signal, null, `killed by ${result.signal}: ${result.stderr.slice(0, 300)}`);
				assert.ok(result.ms < 5000, `${result.ms.toFixed(0)} ms`);
				const output = JSON.parse(result.stdout) as JsonOutput;
				assert.ok(output.findings.some((f) => finding.test(f.message)), JSON.stringify(output.findings.map((f) => f.message)));
				assert.ok(output.findings.length < 50);
			});
		}

		it('should report one error at the alias that started the expansion, and keep what came before it', () => {
			const { root, errors } = parseTraefikYaml('/w/dynamic/bomb.yml', traefikDynamicBomb);
			const budget = errors.filter((error) => /^YAML aliases/.test(error.message));
			assert.equal(budget.length, 1);
			// The anchors' own lines are part of the tree, so the budget runs out while reading them.
			const at = traefikDynamicBomb.slice(budget[0]!.span.start, budget[0]!.span.end);
			assert.match(at, /^\*[a-i]$/);
			const line = traefikDynamicBomb.slice(traefikDynamicBomb.lastIndexOf('\n', budget[0]!.span.start) + 1, budget[0]!.span.start);
			assert.match(line, /^[b-i]: &[b-i] \[/);
			assert.deepEqual(root.children.find((c) => c.name === 'a')?.items?.map((item) => item.scalar?.value), Array(9).fill('x'));
			assert.equal(root.children.find((c) => c.name === 'http'), undefined, 'the rest of the file is not read');
		});

		it('should expand ordinary aliases and merge keys as before', () => {
			const text = 'x-mw: &mw [auth@file]\nhttp:\n  routers:\n    r:\n      <<: &base { service: navidrome }\n      middlewares: *mw\n    s:\n      <<: *base\n';
			const { root, errors } = parseTraefikYaml('/w/dynamic/r.yml', text);
			assert.deepEqual(errors, []);
			const routers = root.children.find((c) => c.name === 'http')!.children[0]!.children;
			assert.deepEqual(routers.map((r) => r.children.map((c) => c.name)), [['service', 'middlewares'], ['service']]);
			assert.equal(routers[0]!.children[1]!.items?.[0]?.scalar?.value, 'auth@file');
		});

		it('should survive the bombs in the bundled language server and still answer', async () => {
			const server = await startBundledServer(folder.root);
			try {
				for (const [path, languageId, text] of [['traefik/dynamic/bomb.yml', 'yaml', traefikDynamicBomb], ['static/traefik.yml', 'yaml', traefikStaticBomb], ['compose.yaml', 'dockercompose', composeBomb]] as const) {
					const uri = folder.uri(path);
					const sent = performance.now();
					await server.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
					const published = await server.diagnosticsFor(uri, (d) => d.diagnostics.length > 0, 5000);
					assert.ok(performance.now() - sent < 5000);
					if (path !== 'compose.yaml') assert.ok(published.diagnostics.some((d) => /^YAML aliases/.test(String(d.message))), JSON.stringify(published.diagnostics.map((d) => d.message)));
				}
				const hover = await server.client.sendRequest('textDocument/hover', { textDocument: { uri: folder.uri('compose.yaml') }, position: { line: 0, character: 0 } });
				assert.ok(hover === null || typeof hover === 'object');
				assert.equal(server.child.exitCode, null, 'the server is still running');
			} finally {
				await server.stop();
			}
		});
	});

	describe('findings per file', () => {
		it('should give at most the cap for a 1 MB navidrome.toml of junk in the CLI', () => {
			const folder = workspace({ 'navidrome.toml': junkToml });
			try {
				const result = runCli(['check', '--format', 'json', 'navidrome.toml'], folder.root);
				assert.equal(result.signal, null, result.stderr.slice(0, 300));
				assert.ok(result.ms < 10_000, `${result.ms.toFixed(0)} ms`);
				const output = JSON.parse(result.stdout) as JsonOutput;
				assert.ok(output.findings.length > 100, `${output.findings.length} findings`);
				assert.ok(output.findings.length <= maxFindingsPerFile + 1, `${output.findings.length} findings`);
				assert.ok(output.findings.some((f) => /more (are|findings in this file were) not shown/.test(f.message)));
			} finally {
				folder.remove();
			}
		});

		it('should give at most the cap for the junk navidrome.toml in the bundled language server', async () => {
			const folder = workspace({ 'navidrome.toml': 'MusicFolder = "/music"\n' });
			const server = await startBundledServer(folder.root);
			try {
				const uri = folder.uri('navidrome.toml');
				await server.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'toml', version: 1, text: junkToml } });
				const published = await server.diagnosticsFor(uri, (d) => d.diagnostics.length > 0, 10_000);
				assert.ok(published.diagnostics.length <= maxFindingsPerFile + 1, `${published.diagnostics.length} diagnostics`);
				assert.ok(published.diagnostics.some((d) => /more (are|findings in this file were) not shown/.test(String(d.message))));
				assert.equal(server.child.exitCode, null);
			} finally {
				await server.stop();
				folder.remove();
			}
		});

		it('should keep the most severe findings, in order, and say how many were left out', () => {
			const severities: Severity[] = ['hint', 'information', 'warning', 'error'];
			const findings: Finding[] = [];
			for (let i = 0; i < 1200; i++) findings.push(finding('/w/a', i, severities[i % 4]!));
			findings.push(finding('/w/b', 0, 'hint'));
			const capped = capFindingsPerFile(findings, 500);
			const inA = capped.filter((f) => f.file === '/w/a');
			assert.equal(inA.length, 501);
			assert.equal(inA.filter((f) => f.severity === 'error').length, 300);
			assert.equal(inA.filter((f) => f.severity === 'warning').length, 200);
			const summary = inA[inA.length - 1]!;
			assert.equal(summary.severity, 'information');
			assert.equal(summary.message, '700 more findings in this file were not shown');
			const kept = inA.slice(0, -1).map((f) => f.span.start);
			assert.deepEqual(kept, [...kept].sort((a, b) => a - b));
			assert.equal(capped.filter((f) => f.file === '/w/b').length, 1);
			assert.equal(capFindingsPerFile(findings.slice(0, 10)).length, 10);
		});
	});

	describe('decide() on a huge list', () => {
		it('should cost about what isTrustedSource costs on 1 MB of commas', () => {
			const median = (run: () => void): number => {
				const times: number[] = [];
				for (let i = 0; i < 3; i++) {
					const start = performance.now();
					run();
					times.push(performance.now() - start);
				}
				return times.sort((a, b) => a - b)[1]!;
			};
			const peer = '192.168.1.20:41234';
			const reference = median(() => isTrustedSource(peer, ','.repeat(1_000_000)));
			let length = 1_000_000;
			// A new list each time, so every call compiles: the first call for a value is the one that must be cheap.
			const first = median(() => decide({ remoteAddr: peer, headers: { 'Remote-User': 'admin' }, path: '/app/' }, { trustedSources: ','.repeat(length++) }));
			const socket = median(() => decide({ remoteAddr: '@', headers: {}, path: '/app/' }, { trustedSources: ','.repeat(length++), address: 'unix:/run/navidrome.sock' }));
			const list = ','.repeat(1_000_000);
			decide({ remoteAddr: peer, headers: {}, path: '/app/' }, { trustedSources: list });
			const again = median(() => decide({ remoteAddr: peer, headers: {}, path: '/app/' }, { trustedSources: list }));
			for (const [what, ms] of [['first decision', first], ['socket decision', socket]] as const) {
				assert.ok(ms < 10 * reference + 150, `${what}: ${ms.toFixed(0)} ms against ${reference.toFixed(0)} ms for isTrustedSource`);
			}
			assert.ok(again < reference + 20, `repeated decision: ${again.toFixed(1)} ms against ${reference.toFixed(0)} ms`);
			const decision = decide({ remoteAddr: peer, headers: {}, path: '/app/' }, { trustedSources: list });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /has no valid CIDR entry/);
			assert.match(decision.explanation, /1000001 entries are ignored/);
		});

		it('should still point at the entry that was meant, past a thousand commas', () => {
			const decision = decide({ remoteAddr: '10.0.0.5:1234', headers: {}, path: '/app/' }, { trustedSources: `${','.repeat(5000)}10.0.0.5,172.16.0.0/12` });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /Writing it as 10\.0\.0\.5\/32 would trust this peer/);
			assert.match(decision.explanation, /not inside any range of ExtAuth\.TrustedSources \(172\.16\.0\.0\/12\)/);
		});
	});

	describe('include and import caps', () => {
		const errorsOf = (files: Map<string, string>, root: string, kind: 'caddy' | 'nginx'): Array<{ message: string; file?: string; span: { start: number; end: number } }> => {
			const view = memoryWorkspace(files);
			const io = { file: root, readFile: (path: string) => view.readFile(path), listFiles: (glob: string) => view.listFiles(glob) };
			return kind === 'caddy' ? parseCaddyfile(files.get(root)!, io).errors : parseNginx(files.get(root)!, io).errors;
		};
		const textAt = (files: Map<string, string>, error: { file?: string; span: { start: number; end: number } }): string => files.get(error.file!)!.slice(error.span.start, error.span.end);

		it('should report Caddy imports nested too deeply once, at the import that crossed the limit', () => {
			const files = new Map([['/w/Caddyfile', 'import f0.caddy\n']]);
			for (let i = 0; i < 40; i++) files.set(`/w/f${i}.caddy`, `import f${i + 1}.caddy\nimport f${i + 1}.caddy\n`);
			files.set('/w/f40.caddy', 'respond 200\n');
			const deep = errorsOf(files, '/w/Caddyfile', 'caddy').filter((e) => /nested too deeply/.test(e.message));
			assert.equal(deep.length, 1);
			assert.equal(deep[0]!.file, '/w/f31.caddy');
			assert.equal(textAt(files, deep[0]!), 'import f32.caddy');
		});

		it('should read at most 500 files through Caddy imports and say so once', () => {
			const files = new Map([['/w/Caddyfile', 'example.com {\n\timport parts/*.caddy\n\timport more/*.caddy\n}\n']]);
			for (let i = 0; i < 600; i++) files.set(`/w/parts/p${String(i).padStart(3, '0')}.caddy`, `header X-${i} 1\n`);
			for (let i = 0; i < 5; i++) files.set(`/w/more/m${i}.caddy`, `header X-M${i} 1\n`);
			const view = memoryWorkspace(files);
			const result = parseCaddyfile(files.get('/w/Caddyfile')!, { file: '/w/Caddyfile', readFile: (path) => view.readFile(path), listFiles: (glob) => view.listFiles(glob) });
			const many = result.errors.filter((e) => /More than 500 files/.test(e.message));
			assert.equal(many.length, 1);
			assert.equal(textAt(files, many[0]!), 'import parts/*.caddy');
			assert.ok(view.reads <= 500, `${view.reads} reads`);
			assert.equal(result.ast.sites[0]!.block.directives.length, 500);
		});

		it('should stop Caddy imports past 32 MiB in total and say so once', () => {
			const big = `${'# padding\n'.repeat(1_800_000)}header X-Big 1\n`;
			const files = new Map([['/w/Caddyfile', 'import a.caddy\nimport b.caddy\nimport c.caddy\n'], ['/w/a.caddy', big], ['/w/b.caddy', big], ['/w/c.caddy', big]]);
			const long = errorsOf(files, '/w/Caddyfile', 'caddy').filter((e) => /exceed \d+ characters/.test(e.message));
			assert.equal(long.length, 1);
			assert.equal(textAt(files, long[0]!), 'import b.caddy');
		});

		it('should report nginx includes nested too deeply once, at the include that crossed the limit', () => {
			const files = new Map([['/w/nginx.conf', 'http {\n  include conf.d/f0.conf;\n}\n']]);
			for (let i = 0; i < 30; i++) files.set(`/w/conf.d/f${i}.conf`, `include conf.d/f${i + 1}.conf;\ninclude conf.d/f${i + 1}.conf;\n`);
			files.set('/w/conf.d/f30.conf', 'proxy_pass http://navidrome:4533;\n');
			const deep = errorsOf(files, '/w/nginx.conf', 'nginx').filter((e) => /nested deeper than/.test(e.message));
			assert.equal(deep.length, 1);
			// Sixteen levels below nginx.conf: the include in f15.conf is the first not followed.
			assert.equal(deep[0]!.file, '/w/conf.d/f15.conf');
			assert.equal(textAt(files, deep[0]!), 'conf.d/f16.conf');
		});

		it('should read a bounded number of nginx files and characters and say so once each', () => {
			const files = new Map([['/w/nginx.conf', 'http {\n  include conf.d/*.conf;\n  include big/*.conf;\n}\n']]);
			for (let i = 0; i < 300; i++) files.set(`/w/conf.d/f${String(i).padStart(3, '0')}.conf`, `add_header X-${i} 1;\n`);
			const many = errorsOf(files, '/w/nginx.conf', 'nginx').filter((e) => /included files: the rest are not read/.test(e.message));
			assert.equal(many.length, 1);
			assert.equal(textAt(files, many[0]!), 'conf.d/*.conf');
			const big = `${'# padding\n'.repeat(500_000)}add_header X-Big 1;\n`;
			const sized = new Map([['/w/nginx.conf', 'http {\n  include big/*.conf;\n}\n']]);
			for (let i = 0; i < 4; i++) sized.set(`/w/big/b${i}.conf`, big);
			const long = errorsOf(sized, '/w/nginx.conf', 'nginx').filter((e) => /exceed \d+ characters/.test(e.message));
			assert.equal(long.length, 1);
			assert.equal(textAt(sized, long[0]!), 'big/*.conf');
		});
	});
});

function finding(file: string, start: number, severity: Severity): Finding {
	return { ruleId: 'syntax/parse-error', category: 'syntax', severity, file, span: { start, end: start + 1 }, range: { start: { line: start, character: 0 }, end: { line: start, character: 1 } }, message: `finding ${start}` };
}

type BundledServer = {
	child: ChildProcess;
	client: ReturnType<typeof createProtocolConnection>;
	diagnosticsFor(uri: string, accept: (params: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<PublishDiagnosticsParams>;
	stop(): Promise<void>;
};

/** `dist/server.js --stdio` with a bounded heap, initialised on `root`. */
async function startBundledServer(root: string): Promise<BundledServer> {
	buildBundles();
	const child = spawn(process.execPath, [heapFlag, join(serverRoot, 'dist', 'server.js'), '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (chunk) => (stderr += chunk));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
	const published: PublishDiagnosticsParams[] = [];
	client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => void published.push(params));
	client.onNotification('window/logMessage', () => undefined);
	client.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
	client.onRequest('client/registerCapability', () => null);
	client.listen();
	const died = exited.then((code) => Promise.reject(new Error(`server exited with ${code}: ${stderr.slice(0, 500)}`)));
	died.catch(() => undefined);
	await Promise.race([client.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: [{ uri: `file://${root}`, name: 'w' }], capabilities: {} }), died]);
	await client.sendNotification('initialized', {});
	return {
		child,
		client,
		async diagnosticsFor(uri, accept, timeoutMs) {
			const deadline = performance.now() + timeoutMs;
			for (;;) {
				const found = published.filter((p) => p.uri === uri && accept(p)).pop();
				if (found) return found;
				if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server died (${child.exitCode ?? child.signalCode}): ${stderr.slice(0, 500)}`);
				if (performance.now() > deadline) throw new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
		},
		async stop() {
			await Promise.race([client.sendRequest('shutdown').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
			client.dispose();
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		},
	};
}
