// Builds the extension into dist/: the client (dist/extension.cjs: CommonJS, `vscode` external, as VS Code loads it)
// and the language server (dist/server.js + server.cjs + server-backend.cjs, built by packages/server/build.mjs's
// buildLanguageServer), so the VSIX carries a self-contained server. First regenerates what comes from the server's rule list (scripts/generate.mjs).
// `--require-server` fails when the server's entry is missing (packaging); a plain build only warns.
import { existsSync, rmSync } from 'node:fs';
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
	// `@navidrome-extauth/server/shared` is exported as TypeScript source only (the `source` condition).
	conditions: ['source'],
	sourcemap: false,
	minify: true,
	legalComments: 'none',
	logLevel: 'warning',
});

if (existsSync(serverEntry)) {
	// The same build as the server package's own (one definition: packages/server/build.mjs), into this package's dist/.
	const { buildLanguageServer } = await import('../server/build.mjs');
	await buildLanguageServer(fileURLToPath(new URL('./dist', import.meta.url)));
} else if (requireServer) {
	console.error(`esbuild.mjs: the language server's entry ${serverEntry} does not exist`);
	process.exit(1);
} else {
	console.warn('esbuild.mjs: packages/server/src/main.ts does not exist yet; built the client only');
}
