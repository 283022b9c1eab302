// Builds the extension into dist/: the client (dist/extension.cjs: CommonJS, `vscode` external, as VS Code loads it)
// and the language server (dist/server.js + dist/chunks/: the server package's entry, bundled with the same settings as
// packages/server/build.mjs; ESM, as this package is `"type": "module"`), so the VSIX carries a self-contained server. First regenerates what comes from the server's rule list (scripts/generate.mjs).
// `--require-server` fails when the server's entry is missing (packaging); a plain build only warns.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { generate } from './scripts/generate.mjs';

const requireServer = process.argv.includes('--require-server');
const serverEntry = fileURLToPath(new URL('../server/src/main.ts', import.meta.url));

const changed = await generate();
if (changed.length > 0) console.log(`esbuild.mjs: regenerated ${changed.join(', ')}`);

await build({
	entryPoints: ['src/extension.ts'],
	outfile: 'dist/extension.cjs',
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	external: ['vscode'],
	sourcemap: false,
	minify: true,
	legalComments: 'none',
	logLevel: 'warning',
});

if (existsSync(serverEntry)) {
	const serverPackage = JSON.parse(readFileSync(new URL('../server/package.json', import.meta.url), 'utf8'));
	rmSync(new URL('./dist/chunks', import.meta.url), { recursive: true, force: true });
	await build({
		entryPoints: { server: serverEntry },
		outdir: 'dist',
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
		// The engine is a chunk the server imports after `initialize`, as in the server package.
		splitting: true,
		chunkNames: 'chunks/[name]-[hash]',
		define: { PACKAGE_VERSION: JSON.stringify(serverPackage.version) },
	});
} else if (requireServer) {
	console.error(`esbuild.mjs: the language server's entry ${serverEntry} does not exist`);
	process.exit(1);
} else {
	console.warn('esbuild.mjs: packages/server/src/main.ts does not exist yet; built the client only');
}
