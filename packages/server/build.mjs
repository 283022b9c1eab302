// Bundles the CLI and the language server into self-contained ESM files in dist/.
// One bundle per entry keeps start-up to a single file read (see docs/benchmarks.md). The server is split: dist/server.js
// holds only the protocol layer, and the engine (parsers, rules, features) is a chunk it imports after `initialize`.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	conditions: ['source'],
	sourcemap: false,
	legalComments: 'none',
	// Bundled CommonJS dependencies may call require() for Node built-ins.
	banner: { js: "import { createRequire as __ndCreateRequire } from 'node:module'; const require = __ndCreateRequire(import.meta.url);" },
	logLevel: 'warning',
};

await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist' });

const server = await build({
	...common,
	entryPoints: { server: 'src/main.ts' },
	outdir: 'dist',
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	metafile: true,
	define: { PACKAGE_VERSION: JSON.stringify(version) },
});

// Chunk names carry content hashes; drop the ones this build did not write (after it, so a running server keeps its own).
const written = new Set(Object.keys(server.metafile.outputs).map((path) => path.replace(/^dist\//, '')));
const chunks = new URL('./dist/chunks/', import.meta.url);
for (const name of existsSync(chunks) ? readdirSync(chunks) : []) if (!written.has(`chunks/${name}`)) rmSync(new URL(name, chunks), { force: true });
