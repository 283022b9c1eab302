/**
Engine benchmarks (issue 4), each against its named alternative in the same run:
1. analysing a 5,000-line compose file vs `yaml.parseDocument` alone on the same text (target: ≤ 2×);
2. `navidrome-extauth check examples` from process start to exit (target: < 300 ms), next to a bare `node -e ''`.
Run: node --import tsx bench/engine.bench.ts [--write]   (--write updates docs/benchmarks.md)
*/
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { Analyzer } from '../packages/server/src/analysis/engine.js';
import { replaceSection } from './markdown.js';

const root = join(import.meta.dirname, '..');

function composeOfLines(lines: number): string {
	const out = ['services:'];
	for (let i = 0; out.length < lines; i++) {
		const navidrome = i % 25 === 0;
		out.push(
			`  service-${i}:`,
			`    image: ${navidrome ? 'deluan/navidrome:0.63.2' : `example/app-${i}:1.${i % 10}`}`,
			'    environment:',
			navidrome ? `      ND_EXTAUTH_TRUSTEDSOURCES: "172.30.${i % 250}.10/32,10.${i % 250}.0.0/16"` : `      APP_URL: "https://app-${i}.example.com/"`,
			`      OTHER_${i}: value-${i}`,
			'    ports:',
			`      - "${8000 + (i % 1000)}:4533"`,
			'    networks:',
			'      proxy:',
			`        ipv4_address: 172.30.${i % 250}.${(i % 200) + 2}`,
		);
	}
	out.push('networks:', '  proxy:', '    ipam:', '      config:', '        - subnet: 172.30.0.0/16');
	return `${out.join('\n')}\n`;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

function timeIt(fn: () => void, rounds: number): number {
	for (let i = 0; i < 3; i++) fn();
	const samples: number[] = [];
	for (let i = 0; i < rounds; i++) {
		const start = process.hrtime.bigint();
		fn();
		samples.push(Number(process.hrtime.bigint() - start) / 1e6);
	}
	return median(samples);
}

const text = composeOfLines(5000);
const workspace = { readFile: () => undefined, listFiles: () => [] };
const rounds = 15;
let parseMs = 0;
let analyseMs = 0;
let findings = 0;
// Interleave so machine load hits both sides alike.
const parseSamples: number[] = [];
const analyseSamples: number[] = [];
for (let i = 0; i < 3; i++) {
	parseSamples.push(timeIt(() => parseDocument(text), 3));
	analyseSamples.push(
		timeIt(() => {
			findings = new Analyzer().analyze({ files: [{ path: '/bench/compose.yaml', text }], workspace }).findings.length;
		}, 3),
	);
}
parseMs = median([...parseSamples, timeIt(() => parseDocument(text), rounds)]);
analyseMs = median([...analyseSamples, timeIt(() => new Analyzer().analyze({ files: [{ path: '/bench/compose.yaml', text }], workspace }), rounds)]);

execFileSync(process.execPath, ['build.mjs'], { cwd: join(root, 'packages/server') });
function spawnMs(args: string[]): number {
	const start = process.hrtime.bigint();
	spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
	return Number(process.hrtime.bigint() - start) / 1e6;
}
const nodeSamples: number[] = [];
const cliSamples: number[] = [];
const cli = join(root, 'packages/server/dist/cli.js');
for (let i = 0; i < 15; i++) {
	nodeSamples.push(spawnMs(['-e', '']));
	cliSamples.push(spawnMs([cli, 'check', 'examples']));
}
const nodeMs = median(nodeSamples);
const cliMs = median(cliSamples);

const lines = text.split('\n').length - 1;
const examples = JSON.parse(spawnSync(process.execPath, [cli, 'check', 'examples', '--format', 'json'], { cwd: root, encoding: 'utf8' }).stdout).files.length;
const section = `## Analysis engine and CLI

Measured by \`node --import tsx bench/engine.bench.ts\` (medians; interleaved runs in one process).

| measurement | ours | named alternative | ratio | target |
|---|---:|---:|---:|---|
| analyse a ${lines.toLocaleString('en-US')}-line compose file (${findings} findings, cold \`Analyzer\`) | ${analyseMs.toFixed(1)} ms | \`yaml.parseDocument\` alone: ${parseMs.toFixed(1)} ms | ${(analyseMs / parseMs).toFixed(2)}× | ≤ 2× |
| \`navidrome-extauth check examples\` (${examples} files), process start to exit | ${cliMs.toFixed(0)} ms | bare \`node -e ''\`: ${nodeMs.toFixed(0)} ms | +${(cliMs - nodeMs).toFixed(0)} ms | < 300 ms |

\`dist/cli.js\` is a CommonJS entry requiring the CommonJS bundle \`dist/cli.cjs\`: an ES-module entry alone costs
Node about 50 ms more here, and Node reads a large CommonJS bundle faster than an ES module.
Machine: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${new Date().toISOString().slice(0, 10)}.`;

console.log(section);
if (process.argv.includes('--write')) replaceSection(join(root, 'docs/benchmarks.md'), '## Analysis engine and CLI', section);
