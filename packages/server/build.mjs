// Bundles the CLI and the language server into self-contained ESM files in dist/.
// One bundle per entry keeps start-up to a single file read (see docs/benchmarks.md). The server is split: dist/server.js
// holds only the protocol layer, and the engine (parsers, rules, features) is a chunk it imports after `initialize`.
import { readFileSync, rmSync } from 'node:fs';
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

rmSync(new URL('./dist/chunks', import.meta.url), { recursive: true, force: true });
await build({
	...common,
	entryPoints: { server: 'src/main.ts' },
	outdir: 'dist',
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	define: { PACKAGE_VERSION: JSON.stringify(version) },
});
