/**
Re-diagnosis over stdio (issue 18, acceptance): the bundled server (`node dist/server.js --stdio --debounce-ms=0`) as a
push client such as Neovim sees it. After opening a 2,000-line compose file, each sample sends one
`textDocument/didChange` (a one-line incremental edit) and waits for the `textDocument/publishDiagnostics` of that
version: the time from writing the frame to parsing the answer, with the debounce set to 0. Each sample is
interleaved with `yaml.parseDocument` of the same text in this process (target: ≤ 1.5×, medians).
Run: node --import tsx bench/lsp-stdio.bench.ts [--samples=N] [--cpu-prof] [--server=path/to/server.js] [--write]
(--cpu-prof writes the server's CPU profile to $TMPDIR/ndx-lsp-stdio-profiles/; --write updates `## Language server over stdio` in
docs/benchmarks.md)
*/
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { replaceSection } from './markdown.js';
import { composeOfLines } from './compose-fixture.js';

const root = join(import.meta.dirname, '..');
const option = (name: string): string | undefined => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const serverPath = option('server') ?? join(root, 'packages/server/dist/server.js');
const loadAtStart = loadavg()[0]!;
const samples = Number(option('samples') ?? 200);
const warmup = 40;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** The same file as bench/lsp.bench.ts (keep them alike so the in-process and stdio figures compare). */
type Message = { id?: number; method?: string; params?: { uri?: string; version?: number; diagnostics?: unknown[] }; result?: unknown; error?: unknown };

/** A minimal LSP client over the child's stdio: Content-Length frames out, frames parsed in as they arrive. */
class StdioClient {
	private buffer = Buffer.alloc(0);
	private waiters: Array<{ check: (message: Message) => boolean; resolve: (message: Message) => void }> = [];
	private nextId = 1;

	constructor(private readonly child: ReturnType<typeof spawn>) {
		child.stdout!.on('data', (chunk: Buffer) => this.collect(chunk));
	}

	send(message: object): void {
		const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
		this.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
	}

	request(method: string, params: unknown): Promise<Message> {
		const id = this.nextId++;
		const answer = this.next((message) => message.id === id && message.method === undefined, `answer to ${method}`);
		this.send({ id, method, params });
		return answer;
	}

	next(check: (message: Message) => boolean, what = 'an answer'): Promise<Message> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${what} within 60 s`)), 60_000);
			this.waiters.push({ check, resolve: (message) => (clearTimeout(timer), resolve(message)) });
		});
	}

	private collect(chunk: Buffer): void {
		this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
		for (;;) {
			const headerEnd = this.buffer.indexOf('\r\n\r\n');
			if (headerEnd < 0) return;
			const length = Number(/Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
			if (this.buffer.length < headerEnd + 4 + length) return;
			const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as Message;
			this.buffer = this.buffer.subarray(headerEnd + 4 + length);
			// Server-to-client requests (registrations, configuration) get a null result.
			if (message.method !== undefined && message.id !== undefined) this.send({ id: message.id, result: null });
			const index = this.waiters.findIndex((waiter) => waiter.check(message));
			if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
		}
	}
}

if (!option('server')) execFileSync(process.execPath, ['build.mjs'], { cwd: join(root, 'packages/server') });

const folder = mkdtempSync(join(tmpdir(), 'ndx-lsp-stdio-bench-'));
const composePath = join(folder, 'compose.yaml');
const composeText = composeOfLines(2000);
writeFileSync(composePath, composeText);
writeFileSync(join(folder, '.env'), 'TZ=UTC\n');
writeFileSync(join(folder, 'navidrome.toml'), '[ExtAuth]\nUserHeader = "Remote-User"\n');
const uri = pathToFileURL(composePath).href;

const profileDir = join(tmpdir(), 'ndx-lsp-stdio-profiles');
const profile = process.argv.includes('--cpu-prof');
if (profile) {
	mkdirSync(profileDir, { recursive: true });
	console.error(`the server's CPU profile goes to ${profileDir}`);
}
const child = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), serverPath, '--stdio', '--debounce-ms=0'], { stdio: ['pipe', 'pipe', 'inherit'] });
const client = new StdioClient(child);
// The server is this process's child: stop it if the benchmark ends early.
process.on('exit', () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));

const diagnosticsOf = (version: number) => (message: Message) => message.method === 'textDocument/publishDiagnostics' && message.params?.uri === uri && message.params.version === version;

await client.request('initialize', {
	processId: process.pid,
	rootUri: pathToFileURL(folder).href,
	workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
	// What Neovim 0.7 announces for diagnostics: push only.
	capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } }, synchronization: { didSave: true } }, workspace: {} },
});
client.send({ method: 'initialized', params: {} });
let version = 1;
const opened = client.next(diagnosticsOf(version));
client.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version, text: composeText } } });
const first = await opened;
const diagnosticCount = first.params?.diagnostics?.length ?? 0;

// The edited line: a value of one service, as a user would type it.
const lines = composeText.split('\n');
const editLine = lines.findIndex((line) => line.includes('OTHER_100:'));
let currentText = composeText;

async function editAndDiagnose(): Promise<number> {
	version++;
	const line = lines[editLine]!;
	const newLine = line.replace(/value-\d+(-\d+)?/, `value-100-${version}`);
	lines[editLine] = newLine;
	currentText = lines.join('\n');
	const published = client.next(diagnosticsOf(version), `publishDiagnostics for version ${version}`);
	const start = performance.now();
	client.send({ method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: line.length } }, text: newLine }] } });
	await published;
	return performance.now() - start;
}

let parseCpuUs = 0;
function parseMs(): number {
	const cpu = process.cpuUsage();
	const start = performance.now();
	parseDocument(currentText, { keepSourceTokens: false, prettyErrors: false, strict: false, uniqueKeys: false });
	const elapsed = performance.now() - start;
	const used = process.cpuUsage(cpu);
	parseCpuUs += used.user + used.system;
	return elapsed;
}

/** The server's CPU time so far in ms (user + system, /proc/<pid>/stat, 10 ms ticks): robust against other jobs' load. */
function serverCpuMs(): number {
	const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

for (let i = 0; i < warmup; i++) {
	await editAndDiagnose();
	parseMs();
}
const diagnoseSamples: number[] = [];
const parseSamples: number[] = [];
parseCpuUs = 0;
const serverCpuBefore = serverCpuMs();
for (let i = 0; i < samples; i++) {
	// Alternate the order, so neither side always runs right after the other's garbage.
	if (i % 2 === 0) {
		diagnoseSamples.push(await editAndDiagnose());
		parseSamples.push(parseMs());
	} else {
		parseSamples.push(parseMs());
		diagnoseSamples.push(await editAndDiagnose());
	}
}

const serverCpuPerEdit = (serverCpuMs() - serverCpuBefore) / samples;
const parseCpuPerRun = parseCpuUs / 1000 / samples;
await client.request('shutdown', null);
client.send({ method: 'exit' });
await new Promise((resolve) => child.once('exit', resolve));
rmSync(folder, { recursive: true, force: true });

const diagnoseMs = median(diagnoseSamples);
const yamlMs = median(parseSamples);
const ratio = diagnoseMs / yamlMs;
const lineCount = composeText.split('\n').length - 1;
const services = (composeText.match(/^  app-\d+:$/gm) ?? []).length + 1;

const section = `## Language server over stdio

Measured by \`node --import tsx bench/lsp-stdio.bench.ts\` (medians of ${samples} interleaved samples after ${warmup} warm-up edits).

| measurement | ours | baseline | ratio | target |
|---|---:|---:|---:|---|
| \`didChange\` → \`publishDiagnostics\` over stdio, bundled server, ${lineCount.toLocaleString('en-US')}-line compose file (${services} services, ${diagnosticCount} diagnostics), one-line edit, debounce 0 | ${diagnoseMs.toFixed(1)} ms (p90 ${quantile(diagnoseSamples, 0.9).toFixed(1)}) | \`yaml.parseDocument\` of the same text in the client process: ${yamlMs.toFixed(1)} ms (p90 ${quantile(parseSamples, 0.9).toFixed(1)}) | ${ratio.toFixed(2)}× | ≤ 1.5× |
| CPU time per edit (the server process) vs per parse (the client process), same samples | ${serverCpuPerEdit.toFixed(1)} ms | ${parseCpuPerRun.toFixed(1)} ms | ${(serverCpuPerEdit / parseCpuPerRun).toFixed(2)}× | |

Machine: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}; 1-minute load average
${loadAtStart.toFixed(1)} at the start.`;

console.log(section);
if (process.argv.includes('--write')) replaceSection(join(root, 'docs/benchmarks.md'), '## Language server over stdio', section);
