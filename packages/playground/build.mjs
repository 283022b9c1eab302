// Builds the playground into dist/: index.html (with its CSP), engine.js (the engine's worker as a string, started
// from a Blob URL so the page also runs from file://, and the examples/ deployments as JSON), playground.js (the
// page) and playground.css. Run as a script or import `buildPlayground(outdir)`.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const examplesRoot = fileURLToPath(new URL('../../examples', import.meta.url));

/** The page's Content-Security-Policy: nothing may be fetched or connected to; scripts from the page's folder and the worker's Blob URL only. */
export const contentSecurityPolicy = "default-src 'none'; script-src 'self' blob:; worker-src blob:; style-src 'self' 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Every text file of each examples/<name>/ folder (node_modules and tests left out), names relative to the folder. */
export function collectExamples(root = examplesRoot) {
	const examples = [];
	for (const name of readdirSync(root).sort()) {
		const folder = join(root, name);
		if (!statSync(folder).isDirectory()) continue;
		const files = [];
		const walk = (dir) => {
			for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
				if (['node_modules', 'test', 'src', 'dist'].includes(entry.name)) continue;
				const path = join(dir, entry.name);
				if (entry.isDirectory()) walk(path);
				else if (entry.isFile() && !/\.(md|json|ts|js|mjs)$/.test(entry.name)) files.push({ name: relative(folder, path).split('\\').join('/'), text: readFileSync(path, 'utf8') });
			}
		};
		walk(folder);
		if (files.length === 0) continue;
		const compose = files.find((file) => /compose[^/]*\.ya?ml$/.test(file.name));
		const description = compose?.text.match(/^#\s*(.+)$/m)?.[1] ?? '';
		examples.push({ name, description, files });
	}
	return examples;
}

const common = { bundle: true, platform: 'browser', format: 'iife', target: 'chrome111', minify: true, legalComments: 'none', logLevel: 'warning', conditions: ['source'], write: false, absWorkingDir: here };

/** Builds dist/ (or `outdir`); returns the sizes in bytes of what it wrote. */
export async function buildPlayground(outdir = join(here, 'dist')) {
	const worker = await build({ ...common, entryPoints: ['src/worker.ts'], outfile: 'worker.js' });
	const workerSource = worker.outputFiles[0].text;
	const examples = collectExamples();
	const engine = await build({ ...common, entryPoints: ['src/engine.ts'], outfile: 'engine.js', define: { __WORKER_SOURCE__: JSON.stringify(workerSource), __EXAMPLES__: JSON.stringify(JSON.stringify(examples)) } });
	const page = await build({ ...common, entryPoints: ['src/main.ts'], outfile: 'playground.js' });
	rmSync(outdir, { recursive: true, force: true });
	mkdirSync(outdir, { recursive: true });
	const html = readFileSync(join(here, 'src/index.html'), 'utf8').replace('%CSP%', contentSecurityPolicy);
	const written = { 'index.html': html, 'engine.js': engine.outputFiles[0].text, 'playground.js': page.outputFiles[0].text, 'playground.css': readFileSync(join(here, 'src/playground.css'), 'utf8') };
	const sizes = {};
	for (const [name, text] of Object.entries(written)) {
		writeFileSync(join(outdir, name), text);
		sizes[name] = Buffer.byteLength(text);
	}
	return { sizes, workerBytes: Buffer.byteLength(workerSource) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const started = performance.now();
	const { sizes } = await buildPlayground();
	const total = Object.values(sizes).reduce((a, b) => a + b, 0);
	console.log(`playground: dist/ ${(total / 1024).toFixed(0)} KiB in ${Math.round(performance.now() - started)} ms`);
}
