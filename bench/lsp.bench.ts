/**
Language-server benchmarks (issue 8), each against its baseline in the same run:
1. cold start: spawn → `initialize` response of `node dist/server.js --stdio`, next to a bare `node -e ''` spawn → exit
   (interleaved runs, medians; target: at most 100 ms above bare node);
2. after an edit, re-diagnosing a 2,000-line compose file along the server's own path (incremental document update,
   `FolderAnalyzer` re-analysis, conversion to LSP diagnostics, publish) vs `yaml.parseDocument` alone on the same text
   (interleaved, medians; target ≤ 1.5×).
Run: node --import tsx bench/lsp.bench.ts [--write]   (--write updates the `## Language server` section of docs/benchmarks.md)
*/
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeOfLines } from './compose-fixture.js';

const root = join(import.meta.dirname, '..');
const loadAtStart = loadavg()[0]!;

// The workspace packages must resolve to their TypeScript sources, as in the tests.
if (!process.execArgv.some((arg) => arg.includes('conditions=source') || arg === 'source')) {
	const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', ...process.argv.slice(1)], { stdio: 'inherit', cwd: root });
	process.exit(result.status ?? 1);
}

const { parseDocument } = await import('yaml');
const { Server } = await import('../packages/server/src/protocol/server.js');
const { replaceSection } = await import('./markdown.js');

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

// ─── 1. Cold start ───────────────────────────────────────────────────────────────────────────────

const serverPath = join(root, 'packages/server/dist/server.js');

function frame(message: unknown): string {
	const body = JSON.stringify(message);
	return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Both processes get the same pipes, so only what runs inside them differs. */
const stdio: ['pipe', 'pipe', 'ignore'] = ['pipe', 'pipe', 'ignore'];

function bareNodeMs(): Promise<number> {
	const start = performance.now();
	const child = spawn(process.execPath, ['-e', ''], { stdio });
	return new Promise((resolve) => child.once('exit', () => resolve(performance.now() - start)));
}

/** Spawn to the `initialize` response; the server is then killed by its PID. */
function serverInitializeMs(): Promise<number> {
	const start = performance.now();
	const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio });
	child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
	return new Promise((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			if (!output.includes('"id":1')) return;
			const elapsed = performance.now() - start;
			child.once('exit', () => resolve(elapsed));
			process.kill(child.pid!, 'SIGKILL');
		});
		child.once('error', reject);
	});
}

execFileSync(process.execPath, ['build.mjs'], { cwd: join(root, 'packages/server') });
const coldRuns = 15;
const bareSamples: number[] = [];
const serverSamples: number[] = [];
await bareNodeMs();
await serverInitializeMs();
for (let i = 0; i < coldRuns; i++) {
	bareSamples.push(await bareNodeMs());
	serverSamples.push(await serverInitializeMs());
}
const bareMs = median(bareSamples);
const initializeMs = median(serverSamples);

// ─── 2. Re-diagnosing after an edit ─────────────────────────────────────────────────────────────

const folder = mkdtempSync(join(tmpdir(), 'ndx-lsp-bench-'));
const composePath = join(folder, 'compose.yaml');
const composeText = composeOfLines(2000);
writeFileSync(composePath, composeText);
writeFileSync(join(folder, '.env'), 'TZ=UTC\n');
writeFileSync(join(folder, 'navidrome.toml'), '[ExtAuth]\nUserHeader = "Remote-User"\n');
const uri = pathToFileURL(composePath).href;
let published = 0;
let lastDiagnostics = 0;
const client = {
	publishDiagnostics: (params: { uri: string; diagnostics: unknown[] }) => {
		if (params.uri === uri) {
			published++;
			lastDiagnostics = params.diagnostics.length;
		}
	},
	refreshDiagnostics: () => undefined,
	getConfiguration: async () => null,
	watchFiles: () => undefined,
	watchConfiguration: () => undefined,
	log: () => undefined,
	error: (message: string) => console.error(message),
};
const server = new Server(client, { debounceMs: 0 });
server.initialize({ processId: null, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }], capabilities: {} });
server.initialized();
server.didOpen({ textDocument: { uri, languageId: 'yaml', version: 1, text: composeText } });
await server.whenIdle();

// The edited line: a value of one service, as a user would type it.
const editLine = composeText.split('\n').findIndex((line) => line.includes('OTHER_100:'));
let version = 1;
let currentText = composeText;
async function editAndDiagnose(): Promise<number> {
	version++;
	const line = currentText.split('\n')[editLine]!;
	const newLine = line.replace(/value-\d+(-\d+)?/, `value-100-${version}`);
	currentText = currentText.replace(line, newLine);
	const before = published;
	const start = performance.now();
	server.didChange({ textDocument: { uri, version }, contentChanges: [{ range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: line.length } }, text: newLine }] });
	await server.whenIdle();
	const elapsed = performance.now() - start;
	if (published === before) throw new Error('the edit was not re-diagnosed');
	return elapsed;
}

function parseMs(): number {
	const start = performance.now();
	parseDocument(currentText, { keepSourceTokens: false, prettyErrors: false, strict: false, uniqueKeys: false });
	return performance.now() - start;
}

for (let i = 0; i < 15; i++) {
	await editAndDiagnose();
	parseMs();
}
const edits = 60;
const diagnoseSamples: number[] = [];
const parseSamples: number[] = [];
for (let i = 0; i < edits; i++) {
	diagnoseSamples.push(await editAndDiagnose());
	parseSamples.push(parseMs());
}
server.shutdown();
rmSync(folder, { recursive: true, force: true });
const diagnoseMs = median(diagnoseSamples);
const yamlMs = median(parseSamples);
const lines = composeText.split('\n').length - 1;
const services = (composeText.match(/^  app-\d+:$/gm) ?? []).length + 1;

const section = `## Language server

Measured by \`node --import tsx bench/lsp.bench.ts\` (medians of interleaved runs in one process).

| measurement | ours | baseline | difference | target |
|---|---:|---:|---:|---|
| cold start: spawn → \`initialize\` response, \`node dist/server.js --stdio\` (${coldRuns} runs) | ${initializeMs.toFixed(0)} ms | bare \`node -e ''\` spawn → exit: ${bareMs.toFixed(0)} ms | +${(initializeMs - bareMs).toFixed(0)} ms | ≤ +100 ms |
| re-diagnose a ${lines.toLocaleString('en-US')}-line compose file (${services} services) after a one-line edit (${lastDiagnostics} diagnostics published; ${edits} edits) | ${diagnoseMs.toFixed(1)} ms | \`yaml.parseDocument\` alone on the same text: ${yamlMs.toFixed(1)} ms | ${(diagnoseMs / yamlMs).toFixed(2)}× | ≤ 1.5× |

- Cold start: both processes get the same stdio pipes. \`dist/server.js\` is a two-line CommonJS entry for \`dist/server.cjs\`,
  which holds only the protocol layer (vscode-languageserver; CommonJS because Node loads a large CommonJS file much
  faster than an ES module; \`child_process\` and \`crypto\` load on first use). The engine, parsers, rules and features
  are \`dist/server-backend.cjs\`, required after \`initialize\` has been answered.
- The compose file: one Navidrome service with findings, then services with an image, environment, a network and, on
  every fourth, a Traefik router label.
- Re-diagnosing runs the server's own path for \`textDocument/didChange\` (debounce set to 0): incremental text update,
  re-analysis of the workspace folder (the compose file plus a \`.env\` and a navidrome.toml, whose parses and rule
  results are reused), conversion to LSP diagnostics and publishing. \`yaml.parseDocument\` gets the options the engine
  uses for compose files.

Machine: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}; 1-minute load average
${loadAtStart.toFixed(1)} at the start. The machine is shared with other jobs, so absolute numbers vary between runs;
interleaving keeps the comparisons fair.`;

console.log(section);
if (process.argv.includes('--write')) replaceSection(join(root, 'docs/benchmarks.md'), '## Language server', section);
