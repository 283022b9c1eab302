// Bundles the CLI and the language server into self-contained files in dist/.
// One bundle per entry keeps start-up to a single file read (see docs/benchmarks.md).
// - dist/cli.js: the CLI's entry, a two-line CommonJS file requiring dist/cli.cjs.
// - dist/server.js: the language server's entry, a two-line CommonJS file (dist/package.json) requiring dist/server.cjs. The server is
//   CommonJS because Node's CommonJS loader reads a 500 kB bundle markedly faster than its ESM loader (cold start).
// - dist/server-backend.cjs: the engine (parsers, rules, features), which the server loads after answering `initialize`.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	conditions: ['source'],
	sourcemap: false,
	legalComments: 'none',
	logLevel: 'warning',
};


/**
vscode-languageserver loads `child_process` and `crypto` at start-up for features this server never uses (module
resolution through npm, random pipe names); loading them costs about 10 ms of every cold start. The bundle gets a
stand-in that requires the real module on first use.
*/
const lazyBuiltins = {
	name: 'lazy-builtins',
	setup(pluginBuild) {
		pluginBuild.onResolve({ filter: /^(child_process|crypto)$/ }, (args) => (args.importer.includes('node_modules') ? { path: args.path, namespace: 'lazy-builtin' } : undefined));
		pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
			contents: `let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:${args.path}'))[key] });`,
			loader: 'js',
		}));
	},
};

/**
The server's lazy `import('../host/backend.js')` becomes a `require` of the separate engine bundle, made when the import
runs: `require` reads a large CommonJS file in well under half the time `import()` takes (no ESM loader, no export scan).
*/
const backendBundle = {
	name: 'backend-bundle',
	setup(pluginBuild) {
		pluginBuild.onResolve({ filter: /\/host\/backend\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: 'backend', namespace: 'backend-bundle' } : undefined));
		pluginBuild.onLoad({ filter: /.*/, namespace: 'backend-bundle' }, () => ({ contents: "module.exports = require('./server-backend.cjs');", loader: 'js', resolveDir: '.' }));
		pluginBuild.onResolve({ filter: /^\.\/server-backend\.cjs$/ }, (args) => ({ path: args.path, external: true }));
	},
};

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
dist/*.js entries are CommonJS (the package itself is ESM): an ES-module entry costs Node about 50 ms more at start-up,
which is a third of the CLI's budget.
*/
function writeCommonJsMarker(outdir) {
	writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
}

/** Builds the language server (server.js, server.cjs, server-backend.cjs) into `outdir`; the extension reuses this. */
export async function buildLanguageServer(outdir = here('./dist')) {
	await build({
		...common,
		entryPoints: [here('./src/main.ts')],
		outfile: `${outdir}/server.cjs`,
		format: 'cjs',
		plugins: [lazyBuiltins, backendBundle],
		define: { PACKAGE_VERSION: JSON.stringify(version) },
	});
	await build({ ...common, entryPoints: [here('./src/host/backend.ts')], outfile: `${outdir}/server-backend.cjs`, format: 'cjs' });
	writeFileSync(`${outdir}/server.js`, "#!/usr/bin/env node\n// The language server (`--stdio` or `--node-ipc`); the code is in server.cjs, see build.mjs.\nrequire('./server.cjs');\n", { mode: 0o755 });
	writeCommonJsMarker(outdir);
	// Left over from the earlier split ESM layout.
	if (existsSync(`${outdir}/chunks`)) rmSync(`${outdir}/chunks`, { recursive: true, force: true });
}

/** Builds the CLI: dist/cli.js is a two-line CommonJS entry (dist/package.json) requiring dist/cli.cjs. */
export async function buildCli(outdir = here('./dist')) {
	await build({ ...common, entryPoints: [here('./src/cli.ts')], outfile: `${outdir}/cli.cjs`, format: 'cjs', define: { PACKAGE_VERSION: JSON.stringify(version) } });
	writeFileSync(`${outdir}/cli.js`, "#!/usr/bin/env node\n// navidrome-extauth; the code is in cli.cjs, see build.mjs.\nrequire('./cli.cjs');\n", { mode: 0o755 });
	writeCommonJsMarker(outdir);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	await buildCli();
	await buildLanguageServer();
}
