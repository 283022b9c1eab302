/**
Playground budgets (issue 19), in headless Chromium through playwright-core:
1. the page (packages/playground/dist/) is under 1.5 MB uncompressed;
2. the first verdict is on screen within 1 s of navigation start (the default example, served on loopback and from
   file://), next to the named alternative: a blank page loading a script of the same size that does nothing.
Samples are interleaved, each in a fresh browser context (no cache). Reports median and max.
Run: node --conditions=source --import tsx bench/playground.bench.ts [--write]   (--write updates docs/benchmarks.md)
*/
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../packages/playground/browser.js';
import { distDir, serve } from '../packages/playground/serve.js';
import { replaceSection } from './markdown.js';

const root = join(import.meta.dirname, '..');
const rounds = 11;

const missing = chromiumMissing();
if (missing) {
	console.error(`playground.bench: ${missing}`);
	process.exit(process.env.CI === 'true' ? 1 : 0);
}

const buildStart = performance.now();
execFileSync(process.execPath, ['build.mjs'], { cwd: join(root, 'packages/playground'), stdio: 'ignore' });
const buildMs = performance.now() - buildStart;

const files = readdirSync(distDir).map((name) => ({ name, bytes: statSync(join(distDir, name)).size, gzip: gzipSync(readFileSync(join(distDir, name))).length }));
const total = files.reduce((sum, file) => sum + file.bytes, 0);
const totalGzip = files.reduce((sum, file) => sum + file.gzip, 0);

// The alternative: the same three files, but the script is one comment of the same size.
const blankDir = mkdtempSync(join(tmpdir(), 'playground-blank-'));
const scriptBytes = files.find((file) => file.name === 'playground.js')!.bytes;
writeFileSync(join(blankDir, 'playground.js'), `/*${'x'.repeat(scriptBytes - 4)}*/`);
writeFileSync(join(blankDir, 'playground.css'), readFileSync(join(distDir, 'playground.css')));
writeFileSync(join(blankDir, 'index.html'), readFileSync(join(distDir, 'index.html')));

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/** Where the time went, per sample: the page's `playground:*` marks (ms from navigation start). */
const phases: Array<Record<string, number>> = [];

/** Milliseconds from navigation start to the first verdict on screen, by the page's own clock. */
async function firstVerdict(browser: Browser, url: string): Promise<number> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(url);
	await page.waitForFunction(() => document.documentElement.dataset.firstVerdictMs !== undefined, undefined, { timeout: 30_000, polling: 10 });
	const ms = Number(await page.evaluate(() => document.documentElement.dataset.firstVerdictMs));
	phases.push(await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((mark) => [mark.name.replace('playground:', ''), mark.startTime]))));
	await context.close();
	return ms;
}

/** Milliseconds from navigation start to the end of the load event. */
async function loaded(browser: Browser, url: string): Promise<number> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(url, { waitUntil: 'load' });
	const ms = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
	await context.close();
	return ms;
}

const served = await serve(distDir);
const blank = await serve(blankDir);
const browser = await launchChromium();
const load = loadavg()[0]!;
const http: number[] = [];
const file: number[] = [];
const baseline: number[] = [];
try {
	await firstVerdict(browser, served.url);
	phases.length = 0;
	for (let i = 0; i < rounds; i++) {
		http.push(await firstVerdict(browser, served.url));
		file.push(await firstVerdict(browser, pathToFileURL(join(distDir, 'index.html')).href));
		baseline.push(await loaded(browser, blank.url));
	}
} finally {
	await browser.close();
	await served.close();
	await blank.close();
	rmSync(blankDir, { recursive: true, force: true });
}

const phase = (name: string): string => `${median(phases.map((marks) => marks[name] ?? Number.NaN)).toFixed(0)} ms`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
const row = (label: string, samples: number[]): string => `| ${label} | ${median(samples).toFixed(0)} ms | ${Math.max(...samples).toFixed(0)} ms | ${(median(samples) / median(baseline)).toFixed(1)}× | < 1000 ms |`;
const section = `## Playground

Measured by \`node --conditions=source --import tsx bench/playground.bench.ts\`: headless Chromium (playwright-core,
Debian's \`/usr/bin/chromium\`), a fresh browser context per sample, ${rounds} interleaved samples each, the default
example (caddy-unsafe, 4 files). Times run from navigation start to the verdict banner's first text (the page's own
clock), the named alternative from navigation start to the load event of a blank page with a script of the same size.

| page | size | gzip | target |
|---|---:|---:|---|
${files.map((entry) => `| \`${entry.name}\` | ${kib(entry.bytes)} | ${kib(entry.gzip)} | |`).join('\n')}
| **dist/ total** | **${kib(total)}** (${total.toLocaleString('en-US')} bytes) | ${kib(totalGzip)} | < 1.5 MB |

| first verdict on screen | median | max | ratio to alternative | target |
|---|---:|---:|---:|---|
${row('served on loopback (HTTP)', http)}
${row('opened from `file://`', file)}
| alternative: blank page, same-size script, load event | ${median(baseline).toFixed(0)} ms | ${Math.max(...baseline).toFixed(0)} ms | 1.0× | |

Where the time goes (medians over all samples, ms from navigation start): the engine's worker has compiled at
${phase('worker-booted')}, it checks the example from ${phase('analysis-started')} to ${phase('analysis-finished')}, the page's own script starts at
${phase('script')}, and the page takes the result at ${phase('result-received')}. \`engine.js\`, the first script, holds the engine as a
string: it starts the worker from a Blob URL (so that \`file://\` works) with the example in front of the engine's code,
so the engine compiles and checks it while \`playground.js\` (the page, CodeMirror 6) is still being parsed. The build (\`node packages/playground/build.mjs\`) took ${(buildMs / 1000).toFixed(1)} s.
Machine: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${load.toFixed(1)} at the start; the machine is shared, so the max is mostly other work), ${new Date().toISOString().slice(0, 10)}.`;

console.log(section);
if (process.argv.includes('--write')) replaceSection(join(root, 'docs/benchmarks.md'), '## Playground', section);
if (total >= 1.5e6 || median(http) >= 1000) process.exitCode = 1;
