/**
The packages as published (issue 19, Deliver 4): `npm pack` of packages/core and packages/server, installed into an
empty folder with plain npm and `--offline` (so any registry dependency would fail the install), then used as a
user would: `npx navidrome-extauth check .`, the language server's bin, the core from ES modules and CommonJS, and
its types from both under TypeScript's node16 resolution (stricter than nodenext, which accepts `require` of ES
modules as Node 20.19 does; the package supports Node 20.0 on).
*/
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, serverRoot } from '../harness/cli.js';
import { packTarballs, removeTarballs, run, type Tarballs } from './tarballs.js';

const brokenCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "0.0.0.0/0"\n';
const fixedCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "172.20.0.5/32"\n';

type PackedManifest = { name: string; version: string; license: string; files: string[]; bin?: Record<string, string>; exports: unknown; dependencies?: Record<string, string>; repository?: { url: string } };

/** The file list and package.json of a tarball. */
function contents(tarball: string, cwd: string): { files: string[]; manifest: PackedManifest } {
	const listed = run('tar', ['-tzf', tarball], { cwd });
	assert.equal(listed.status, 0, listed.output);
	const files = listed.stdout.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
	const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd }).stdout) as PackedManifest;
	return { files, manifest };
}

/** Every file path an exports map can lead to. */
function exportTargets(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
	return [];
}

describe('packed packages', function () {
	this.timeout(240_000);
	let packed: Tarballs;
	let site: string;

	before(() => {
		packed = packTarballs();
		site = mkdtempSync(join(packed.folder, 'site-'));
		writeFileSync(join(site, 'package.json'), '{ "name": "site", "private": true }\n');
		const install = run('npm', ['install', '--offline', '--no-package-lock', packed.core, packed.server], { cwd: site, env: packed.npmEnv });
		assert.equal(install.status, 0, `npm install --offline of the tarballs failed:\n${install.output}`);
	});

	after(() => {
		if (site) rmSync(site, { recursive: true, force: true });
		removeTarballs();
	});

	describe('contents', () => {
		it('should ship the core with both builds, types, sources, README and LICENSE, and no dependencies', () => {
			const { files, manifest } = contents(packed.core, packed.folder);
			for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'dist/cjs/settings/index.d.ts', 'src/index.ts']) {
				assert.ok(files.includes(file), `${file} missing from ${manifest.name}`);
			}
			for (const target of exportTargets(manifest.exports)) assert.ok(files.includes(target.replace(/^\.\//, '')), `exports names ${target}, which is not packed`);
			assert.ok(!files.some((file) => file.startsWith('test/') || file.startsWith('node_modules/') || file.includes('tsconfig')), files.join('\n'));
			assert.equal(manifest.license, 'MIT');
			assert.equal(manifest.dependencies, undefined);
			assert.match(manifest.repository?.url ?? '', /navidrome-extauth/);
		});

		it('should ship the CLI and language server bundles with no dependencies and no workspace protocol', () => {
			const { files, manifest } = contents(packed.server, packed.folder);
			assert.deepEqual(files.sort(), ['LICENSE', 'README.md', 'dist/cli.cjs', 'dist/cli.js', 'dist/package.json', 'dist/server-backend.cjs', 'dist/server.cjs', 'dist/server.js', 'package.json']);
			assert.deepEqual(manifest.bin, { 'navidrome-extauth': './dist/cli.js', 'navidrome-extauth-language-server': './dist/server.js' });
			assert.equal(manifest.dependencies, undefined, 'the bundles are self-contained');
			assert.equal(manifest.license, 'MIT');
			const raw = run('tar', ['-xzOf', packed.server, 'package/package.json'], { cwd: packed.folder }).stdout;
			assert.doesNotMatch(raw.replace(/"devDependencies": \{[^}]*\}/, ''), /workspace:/);
		});

		it('should require only Node built-ins from the bundles, so dependencies are not needed', () => {
			for (const bundle of ['cli.cjs', 'server.cjs', 'server-backend.cjs']) {
				const text = readFileSync(join(site, 'node_modules/@navidrome-extauth/server/dist', bundle), 'utf8');
				const required = [...text.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((match) => match[2]!);
				const builtins = new Set(['buffer', 'child_process', 'crypto', 'fs', 'net', 'os', 'path', 'process', 'url', 'util']);
				const foreign = required.filter((name) => !name.startsWith('node:') && !builtins.has(name) && name !== './server-backend.cjs');
				assert.deepEqual([...new Set(foreign)], [], `${bundle} requires packages`);
			}
		});

		it('should carry the repository LICENSE in both packages', () => {
			const licence = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
			assert.match(licence, /^MIT License\n\nCopyright \(c\) \d{4} navidrome-extauth contributors\n/);
			for (const name of ['core', 'server']) assert.equal(readFileSync(join(site, 'node_modules/@navidrome-extauth', name, 'LICENSE'), 'utf8'), licence);
		});
	});

	describe('installed from the tarballs', () => {
		it('should run `npx navidrome-extauth check .` and report a broken compose file, then pass once fixed', () => {
			writeFileSync(join(site, 'compose.yaml'), brokenCompose);
			const broken = run('npx', ['--offline', 'navidrome-extauth', 'check', '.'], { cwd: site, env: packed.npmEnv });
			assert.equal(broken.status, 1, broken.output);
			assert.match(broken.stdout, /^compose\.yaml:5:35: error \[nd\/trust-all\]/m);
			writeFileSync(join(site, 'compose.yaml'), fixedCompose);
			const bin = join(site, 'node_modules', '.bin', 'navidrome-extauth');
			const fixed = run(bin, ['check', '.'], { cwd: site });
			assert.equal(fixed.status, 0, fixed.output);
			assert.doesNotMatch(fixed.stdout, /error/);
			assert.equal(run(bin, ['--version'], { cwd: site }).stdout.trim(), JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')).version);
		});

		it('should import the core from an ES module', () => {
			writeFileSync(
				join(site, 'esm.mjs'),
				"import { decide, isTrustedSource } from '@navidrome-extauth/core';\n" +
					"const d = decide({ remoteAddr: '172.30.0.10:51234', headers: { 'remote-user': 'alice' }, path: '/rest/ping' }, { trustedSources: '172.30.0.10/32' });\n" +
					"console.log(JSON.stringify({ outcome: d.outcome, username: d.username, bare: isTrustedSource('172.30.0.10:1', '172.30.0.10'), from: import.meta.resolve('@navidrome-extauth/core') }));\n",
			);
			const result = run(process.execPath, ['esm.mjs'], { cwd: site });
			assert.equal(result.status, 0, result.output);
			const out = JSON.parse(result.stdout);
			assert.deepEqual({ outcome: out.outcome, username: out.username, bare: out.bare }, { outcome: 'authenticated', username: 'alice', bare: false });
			assert.match(out.from, /node_modules\/@navidrome-extauth\/core\/dist\/index\.js$/);
		});

		it('should require the core from CommonJS, through its CommonJS build', () => {
			writeFileSync(
				join(site, 'cjs.cjs'),
				"const { decide, compileTrustedSources } = require('@navidrome-extauth/core');\n" +
					"const d = decide({ remoteAddr: '10.0.0.9:4000', headers: { 'remote-user': 'admin' }, path: '/rest/ping' }, { trustedSources: '172.30.0.10/32' });\n" +
					"console.log(JSON.stringify({ outcome: d.outcome, compiled: typeof compileTrustedSources, from: require.resolve('@navidrome-extauth/core') }));\n",
			);
			const result = run(process.execPath, ['cjs.cjs'], { cwd: site });
			assert.equal(result.status, 0, result.output);
			const out = JSON.parse(result.stdout);
			assert.notEqual(out.outcome, 'authenticated', 'an untrusted peer is not logged in');
			assert.equal(out.compiled, 'function');
			assert.match(out.from, /node_modules\/@navidrome-extauth\/core\/dist\/cjs\/index\.js$/);
		});

		it('should type-check ES-module and CommonJS consumers against the shipped declarations', () => {
			writeFileSync(join(site, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, types: [] }, files: ['esm.mts', 'cjs.cts'] }));
			const body = (from: string) =>
				`${from}\nconst d: Decision = decide({ remoteAddr: '172.30.0.10:1', headers: {}, path: '/rest/ping' }, { trustedSources: '172.30.0.10/32' });\nexport const outcome: string = d.outcome;\n// @ts-expect-error decide takes a request and a config\ndecide(42);\n`;
			writeFileSync(join(site, 'esm.mts'), body("import { decide, type Decision } from '@navidrome-extauth/core';"));
			writeFileSync(join(site, 'cjs.cts'), body("import { decide, type Decision } from '@navidrome-extauth/core';"));
			const result = run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: site });
			assert.equal(result.status, 0, result.output);
		});

		it('should start the language server from its bin and answer initialize over stdio', async () => {
			const server = spawn(join(site, 'node_modules', '.bin', 'navidrome-extauth-language-server'), ['--stdio'], { cwd: site, stdio: ['pipe', 'pipe', 'pipe'] });
			const frame = (message: object) => {
				const body = JSON.stringify({ jsonrpc: '2.0', ...message });
				return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
			};
			let received = '';
			const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
			try {
				const answered = new Promise<string>((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no answer to initialize: ${received}`)), 30_000);
					server.stdout.on('data', (chunk: Buffer) => {
						received += chunk.toString('utf8');
						if (received.includes('"id":2')) {
							clearTimeout(timer);
							resolve(received);
						}
					});
				});
				server.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
				server.stdin.write(frame({ method: 'initialized', params: {} }));
				server.stdin.write(frame({ id: 2, method: 'shutdown' }));
				const answer = await answered;
				assert.match(answer, /"id":1,"result":\{"capabilities":/);
				server.stdin.write(frame({ method: 'exit' }));
				assert.equal(await exited, 0);
			} finally {
				if (server.exitCode === null) server.kill();
			}
		});
	});
});
