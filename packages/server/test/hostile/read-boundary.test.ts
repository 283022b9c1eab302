/**
Hostile input, issue 20 Deliver 1: the read boundary. Files committed to a repository must not make the built CLI or
the language server read outside the checked roots, read `/proc`, `/sys` or `/dev`, block on a FIFO or read a device
forever; each refusal is an `io/read-refused` finding that names the path, never the content.
*/
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createNodeWorkspace } from '../../src/cli/node-workspace.js';
import { buildBundles, cliPath, repoRoot, serverRoot } from '../harness/cli.js';
import { start, type Harness } from '../protocol/harness.js';

type Run = { status: number | null; stdout: string; stderr: string; ms: number };

/** Runs the built CLI in a child process with extra environment and node flags; a hang is killed after 20 s. */
function run(args: string[], options: { cwd: string; env?: Record<string, string>; nodeArgs?: string[] }): Run {
	buildBundles();
	const started = performance.now();
	const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
		cwd: options.cwd,
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1', ...options.env },
		timeout: 20_000,
	});
	return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

/** A temporary folder (real path, so symlink targets compare equal) with files; `remove()` deletes it. */
function tempFolder(files: Record<string, string> = {}): { root: string; path(name: string): string; remove(): void } {
	const root = realpathSync(mkdtempSync(join(tmpdir(), 'ndx-boundary-')));
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, name)), { recursive: true });
		writeFileSync(join(root, name), text);
	}
	return { root, path: (name) => join(root, name), remove: () => rmSync(root, { recursive: true, force: true }) };
}

type JsonFinding = { ruleId: string; file: string; message: string; range: { start: { line: number } } };

function jsonFindings(output: string): JsonFinding[] {
	return (JSON.parse(output) as { findings: JsonFinding[] }).findings;
}

const refused = (findings: JsonFinding[]): JsonFinding[] => findings.filter((finding) => finding.ruleId === 'io/read-refused');

const caddyImporting = (...targets: string[]): string => `music.example.com {\n${targets.map((target) => `\timport ${target}\n`).join('')}\treverse_proxy navidrome:4533\n}\n`;
const nginxIncluding = (...targets: string[]): string => `events {}\nhttp {\n${targets.map((target) => `\tinclude ${target};\n`).join('')}}\n`;

describe('hostile input: the read boundary', function () {
	this.timeout(120_000);
	before(() => buildBundles());

	describe('the built CLI', () => {
		let folder: ReturnType<typeof tempFolder>;
		afterEach(() => folder?.remove());

		it('should never show a canary from the environment, in text, JSON or SARIF, and name /proc/self/environ instead', () => {
			folder = tempFolder({
				Caddyfile: caddyImporting('/proc/self/environ'),
				'nginx/nginx.conf': nginxIncluding('/proc/self/environ'),
				'compose.yaml': 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    env_file: /proc/self/environ\n',
			});
			const canary = `canary-${randomBytes(12).toString('hex')}`;
			for (const format of ['text', 'json', 'sarif']) {
				const result = run(['check', '--format', format, '.'], { cwd: folder.root, env: { NAVIDROME_EXTAUTH_CANARY_TOKEN: canary } });
				assert.ok(!`${result.stdout}${result.stderr}`.includes(canary), `${format} output quotes the environment`);
				assert.ok(!`${result.stdout}${result.stderr}`.includes('NAVIDROME_EXTAUTH_CANARY_TOKEN'), `${format} output names an environment variable`);
				assert.match(result.stdout, /io\/read-refused/, format);
				assert.match(result.stdout, /\/proc\/self\/environ/, format);
			}
			const findings = refused(jsonFindings(run(['check', '--format', 'json', '.'], { cwd: folder.root, env: { NAVIDROME_EXTAUTH_CANARY_TOKEN: canary } }).stdout));
			assert.deepEqual(findings.map((finding) => `${finding.file}:${finding.range.start.line}`).sort(), ['Caddyfile:1', 'compose.yaml:3', 'nginx/nginx.conf:2']);
			for (const finding of findings) assert.match(finding.message, /^Not read: \/proc\/self\/environ is under \/proc, \/sys or \/dev/);
		});

		it('should refuse /etc/passwd as outside the checked folders, and read it with --allow-read /etc', () => {
			folder = tempFolder({ Caddyfile: caddyImporting('/etc/passwd'), 'nginx/nginx.conf': nginxIncluding('/etc/passwd') });
			const refusedRun = jsonFindings(run(['check', '--format', 'json', '.'], { cwd: folder.root }).stdout);
			const outside = refused(refusedRun);
			assert.equal(outside.length, 2);
			for (const finding of outside) assert.equal(finding.message, 'Not read: /etc/passwd is outside the checked folders; pass --allow-read /etc to read it');
			// Nothing of the file reached the analysis: no syntax error points into it.
			assert.ok(!refusedRun.some((finding) => finding.file.includes('passwd')));
			const allowed = jsonFindings(run(['check', '--format', 'json', '--allow-read', '/etc', '.'], { cwd: folder.root }).stdout);
			assert.deepEqual(refused(allowed), []);
		});

		it('should finish on import /dev/zero and include /dev/zero; in under 5 s with a finding', () => {
			folder = tempFolder({ Caddyfile: caddyImporting('/dev/zero', '/dev/urandom'), 'nginx/nginx.conf': nginxIncluding('/dev/zero') });
			const result = run(['check', '--format', 'json', '.'], { cwd: folder.root });
			assert.ok(result.ms < 5000, `took ${Math.round(result.ms)} ms`);
			assert.deepEqual(refused(jsonFindings(result.stdout)).map((finding) => finding.message.split(' is ')[0]).sort(), ['Not read: /dev/urandom', 'Not read: /dev/zero', 'Not read: /dev/zero']);
		});

		it('should finish on a FIFO as an import, an include and a path argument in under 5 s (nobody writes to it)', () => {
			folder = tempFolder({ Caddyfile: caddyImporting('pipe.caddy'), 'nginx/nginx.conf': nginxIncluding('pipe.conf') });
			mkdirSync(folder.path('arg'));
			execFileSync('mkfifo', [folder.path('pipe.caddy'), folder.path('nginx/pipe.conf'), folder.path('arg/nginx.conf')]);
			const result = run(['check', '--format', 'json', '.'], { cwd: folder.root });
			assert.ok(result.ms < 5000, `took ${Math.round(result.ms)} ms`);
			const findings = refused(jsonFindings(result.stdout));
			assert.deepEqual(findings.filter((finding) => finding.file !== 'arg/nginx.conf').map((finding) => finding.message).sort(), [
				`Not read: ${folder.path('nginx/pipe.conf')} is a FIFO, not a regular file`,
				`Not read: ${folder.path('pipe.caddy')} is a FIFO, not a regular file`,
			]);
			// A FIFO found while walking the tree is a finding on it; named on the command line, it is an error.
			assert.equal(findings.filter((finding) => finding.file === 'arg/nginx.conf').length, 1);
			const argument = run(['check', 'arg/nginx.conf'], { cwd: folder.root });
			assert.ok(argument.ms < 5000, `took ${Math.round(argument.ms)} ms`);
			assert.equal(argument.status, 2);
			assert.match(argument.stderr, /nginx\.conf.*FIFO/);
		});

		it('should refuse a symlink inside the root that points outside, and read one that points inside', () => {
			const outside = tempFolder({ 'secret.caddy': 'header X-Secret "outside-secret\n', 'secret.conf': 'add_header X-Secret "outside-secret;\n' });
			try {
				folder = tempFolder({
					Caddyfile: caddyImporting('out.caddy', 'in.caddy'),
					'nginx/nginx.conf': nginxIncluding('out.conf', 'in.conf'),
					'snippets/real.caddy': 'header "inside-unterminated\n',
					'nginx/snippets/real.conf': 'add_header X "inside-unterminated;\n',
				});
				symlinkSync(outside.path('secret.caddy'), folder.path('out.caddy'));
				symlinkSync(join(folder.root, 'snippets/real.caddy'), folder.path('in.caddy'));
				symlinkSync(outside.path('secret.conf'), folder.path('nginx/out.conf'));
				symlinkSync('snippets/real.conf', folder.path('nginx/in.conf'));
				const result = run(['check', '--format', 'json', '.'], { cwd: folder.root });
				assert.ok(!result.stdout.includes('outside-secret'));
				const findings = jsonFindings(result.stdout);
				assert.deepEqual(refused(findings).map((finding) => finding.message).sort(), [
					`Not read: ${folder.path('nginx/out.conf')} links to ${outside.path('secret.conf')}, outside the checked folders; pass --allow-read ${outside.root} to read it`,
					`Not read: ${folder.path('out.caddy')} links to ${outside.path('secret.caddy')}, outside the checked folders; pass --allow-read ${outside.root} to read it`,
				]);
				// The inside links were read: their unterminated strings are syntax errors in them.
				const syntaxFiles = findings.filter((finding) => finding.ruleId === 'syntax/parse-error').map((finding) => finding.file);
				assert.ok(syntaxFiles.includes('in.caddy'), JSON.stringify(syntaxFiles));
				assert.ok(syntaxFiles.some((file) => file.startsWith('nginx/')), JSON.stringify(syntaxFiles));
			} finally {
				outside.remove();
			}
		});
	});

	describe('createNodeWorkspace', () => {
		let folder: ReturnType<typeof tempFolder>;
		afterEach(() => folder?.remove());

		it('should read inside the roots and allowRead only, say why, and report nothing for missing files', () => {
			folder = tempFolder({ 'a/Caddyfile': 'x\n', 'b/other.caddy': 'y\n', 'big/large.caddy': 'z'.repeat(8 * 1024 * 1024 + 1) });
			const view = createNodeWorkspace({ roots: [folder.path('a')] });
			assert.equal(view.readFile(folder.path('a/Caddyfile')), 'x\n');
			assert.equal(view.readFile(folder.path('b/other.caddy')), undefined);
			assert.equal(view.problem(folder.path('b/other.caddy'))?.reason, 'outside-roots');
			assert.equal(view.problem(folder.path('a/missing')), undefined);
			assert.equal(view.problem('/etc/passwd')?.reason, 'outside-roots');
			assert.equal(view.problem('/proc/self/environ')?.reason, 'system-path');
			assert.deepEqual(view.listFiles(`${folder.root}/*/*.caddy`), []);
			assert.deepEqual(view.listFiles(`${folder.path('a')}/*`), [folder.path('a/Caddyfile')]);
			const allowed = createNodeWorkspace({ roots: [folder.path('a')], allowRead: [folder.path('b'), folder.path('big'), '/proc', '/dev'] });
			assert.equal(allowed.readFile(folder.path('b/other.caddy')), 'y\n');
			assert.equal(allowed.readFile(folder.path('big/large.caddy')), undefined);
			assert.equal(allowed.problem(folder.path('big/large.caddy'))?.reason, 'too-large');
			// System paths stay refused even when allowed.
			assert.equal(allowed.readFile('/proc/self/environ'), undefined);
			assert.equal(allowed.problem('/dev/zero')?.reason, 'system-path');
			assert.equal(allowed.problem(folder.path('a'))?.reason, 'special-file');
		});

		it('should treat a file root as a root of itself only', () => {
			folder = tempFolder({ Caddyfile: 'x\n', 'sibling.caddy': 'y\n' });
			const view = createNodeWorkspace({ roots: [folder.path('Caddyfile')] });
			assert.equal(view.readFile(folder.path('Caddyfile')), 'x\n');
			assert.equal(view.problem(folder.path('sibling.caddy'))?.reason, 'outside-roots');
		});
	});

	describe('the language server', () => {
		let folder: ReturnType<typeof tempFolder>;
		let lsp: Harness | undefined;
		const canary = `canary-${randomBytes(12).toString('hex')}`;
		const before = process.env.NAVIDROME_EXTAUTH_CANARY_TOKEN;

		beforeEach(() => {
			// The server runs in this process, so /proc/self/environ holds the canary.
			process.env.NAVIDROME_EXTAUTH_CANARY_TOKEN = canary;
		});
		afterEach(async () => {
			await lsp?.stop();
			lsp = undefined;
			folder?.remove();
			if (before === undefined) delete process.env.NAVIDROME_EXTAUTH_CANARY_TOKEN;
			else process.env.NAVIDROME_EXTAUTH_CANARY_TOKEN = before;
		});

		const diagnosticsOf = async (harness: Harness, path: string, what: string) => {
			const uri = pathToFileURL(path).href;
			return (await harness.waitFor(() => harness.published.find((p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'io/read-refused')), 10_000, what)).diagnostics;
		};

		it('should refuse /proc, /dev, FIFOs and outside paths in a workspace folder without quoting the environment', async () => {
			folder = tempFolder({
				Caddyfile: caddyImporting('/proc/self/environ', '/dev/zero', 'pipe.caddy', '/etc/passwd'),
				'nginx/nginx.conf': nginxIncluding('/proc/self/environ', '/dev/zero'),
			});
			execFileSync('mkfifo', [folder.path('pipe.caddy')]);
			const started = performance.now();
			lsp = await start({ folders: [folder.root] });
			// Analysis starts with the first open document; nginx.conf stays closed and is read from disk.
			await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(folder.path('Caddyfile')).href, languageId: 'caddyfile', version: 1, text: readFileSync(folder.path('Caddyfile'), 'utf8') } });
			const caddy = await diagnosticsOf(lsp, folder.path('Caddyfile'), 'Caddyfile diagnostics');
			const nginx = await diagnosticsOf(lsp, folder.path('nginx/nginx.conf'), 'nginx diagnostics');
			assert.ok(performance.now() - started < 5000);
			assert.deepEqual(caddy.filter((d) => d.code === 'io/read-refused').map((d) => [d.range.start.line, String(d.message).split(' is ')[0]]), [
				[1, 'Not read: /proc/self/environ'],
				[2, 'Not read: /dev/zero'],
				[3, `Not read: ${folder.path('pipe.caddy')}`],
				[4, 'Not read: /etc/passwd'],
			]);
			assert.match(String(caddy.find((d) => String(d.message).includes('/etc/passwd'))?.message), /add \/etc to the navidrome-extauth\.allowRead setting/);
			assert.equal(nginx.filter((d) => d.code === 'io/read-refused').length, 2);
			assert.ok(!JSON.stringify(lsp.raw).includes(canary), 'a server message quotes the environment');
		});

		it('should read the folder of a loose document, and outside paths only with the allowRead setting', async () => {
			folder = tempFolder({ 'site/Caddyfile': caddyImporting('snippet.caddy', '/etc/passwd'), 'site/snippet.caddy': 'header "unterminated\n' });
			const text = readFileSync(folder.path('site/Caddyfile'), 'utf8');
			const uri = pathToFileURL(folder.path('site/Caddyfile')).href;
			const open = (harness: Harness) => harness.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'caddyfile', version: 1, text } });
			lsp = await start();
			await open(lsp);
			const loose = await diagnosticsOf(lsp, folder.path('site/Caddyfile'), 'loose document diagnostics');
			assert.deepEqual(loose.filter((d) => d.code === 'io/read-refused').map((d) => String(d.message).split(';')[0]), ['Not read: /etc/passwd is outside the checked folders']);
			// The sibling was read (its syntax error is published on it).
			await lsp.waitFor(() => lsp!.published.find((p) => p.uri === pathToFileURL(folder.path('site/snippet.caddy')).href && p.diagnostics.length > 0), 10_000, 'snippet diagnostics');
			await lsp.stop();

			lsp = await start({ initializationOptions: { 'navidrome-extauth': { allowRead: ['/etc'] } } });
			await open(lsp);
			const published = await lsp.waitFor(() => lsp!.published.find((p) => p.uri === uri), 10_000, 'diagnostics with allowRead');
			assert.deepEqual(published.diagnostics.filter((d) => d.code === 'io/read-refused'), []);
		});
	});

	describe('no file outside the checked roots is opened (fs wrapped in the CLI process)', () => {
		let scratch: ReturnType<typeof tempFolder>;
		before(() => {
			scratch = tempFolder();
			writeFileSync(scratch.path('record-fs.cjs'), preload);
		});
		after(() => scratch.remove());

		/** Runs the CLI under the preload; returns every recorded path that is outside `root` and not the CLI's own. */
		const outsideReads = (args: string[], cwd: string, root: string): { run: Run; outside: string[]; recorded: number } => {
			const log = scratch.path(`reads-${randomBytes(4).toString('hex')}.log`);
			const result = run(args, { cwd, env: { NDX_FS_LOG: log }, nodeArgs: ['--require', scratch.path('record-fs.cjs')] });
			const recorded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
			const own = [join(serverRoot, 'dist') + '/', dirname(process.execPath) + '/'];
			const outside = [...new Set(recorded.map((path) => (isAbsolute(path) ? resolve(path) : resolve(cwd, path))))].filter(
				(path) => !(path === root || path.startsWith(`${root}/`)) && !own.some((prefix) => path.startsWith(prefix)) && !path.startsWith('node:'),
			);
			return { run: result, outside, recorded: recorded.length };
		};

		it('should open nothing outside examples/ when checking examples/', () => {
			const examples = join(repoRoot, 'examples');
			const { run: result, outside, recorded } = outsideReads(['check', '--format', 'sarif', 'examples'], repoRoot, examples);
			assert.match(result.stdout, /"version": "2\.1\.0"/);
			assert.ok(recorded > 30, `only ${recorded} fs calls were recorded: is the wrap working?`);
			assert.deepEqual(outside, []);
		});

		it('should catch a read outside the root (negative control: --allow-read makes the CLI read one)', () => {
			const outsideFolder = tempFolder({ 'shared.caddy': 'header X-Shared 1\n' });
			const folder = tempFolder({ Caddyfile: caddyImporting(outsideFolder.path('shared.caddy')) });
			try {
				const { outside } = outsideReads(['check', '--allow-read', outsideFolder.root, '.'], folder.root, folder.root);
				assert.ok(outside.includes(outsideFolder.path('shared.caddy')), JSON.stringify(outside));
				// Without --allow-read the same file is not even looked at.
				assert.deepEqual(outsideReads(['check', '.'], folder.root, folder.root).outside, []);
			} finally {
				folder.remove();
				outsideFolder.remove();
			}
		});
	});
});

/** Wraps every path-taking fs function the CLI could use and appends each path argument to $NDX_FS_LOG. */
const preload = String.raw`
const fs = require('node:fs');
const { fileURLToPath } = require('node:url');
const log = process.env.NDX_FS_LOG;
const append = fs.appendFileSync;
fs.writeFileSync(log, '');
const text = (value) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : value instanceof URL ? fileURLToPath(value) : undefined);
const record = (value) => {
	const path = text(value);
	if (path !== undefined && path !== log) append(log, path + '\n');
};
const wrap = (target, name, paths = 1) => {
	const original = target[name];
	if (typeof original !== 'function') return;
	const wrapped = function (...args) {
		for (let i = 0; i < paths; i++) record(args[i]);
		return original.apply(this, args);
	};
	for (const key of Object.keys(original)) wrapped[key] = original[key];
	if (typeof original.native === 'function') {
		const native = original.native;
		wrapped.native = function (...args) {
			record(args[0]);
			return native.apply(this, args);
		};
	}
	target[name] = wrapped;
};
for (const name of ['openSync', 'readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'realpathSync', 'opendirSync', 'existsSync', 'accessSync', 'open', 'readFile', 'readdir', 'stat', 'lstat', 'realpath', 'opendir', 'access', 'createReadStream']) wrap(fs, name);
for (const name of ['open', 'readFile', 'readdir', 'stat', 'lstat', 'realpath', 'opendir', 'access']) wrap(fs.promises, name);
`;
