/**
CLI hygiene against hostile trees (issue 20, Deliver 5), run against the built CLI: exit statuses, reads that must not
block, a bad file that must not stop the run, closed and full outputs, strict arguments, symbolic links and terminal
escapes. Unreadable files need a user the permissions apply to, so as root the CLI runs as `nobody`.
*/
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles, cliPath, runCli } from '../harness/cli.js';

/** A compose file with an error-severity finding (`nd/trust-all`). */
const brokenCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.58.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n';
const safeCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.58.0\n';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const nobody = 65534;

type Run = { status: number; stdout: string; stderr: string; ms: number };

/** Runs the built CLI in `cwd`; as root, as `nobody`, so that mode 000 means unreadable. */
function run(args: string[], cwd: string, options: { asUser?: boolean } = {}): Run {
	buildBundles();
	const started = Date.now();
	const result = spawnSync(process.execPath, [cliPath, ...args], {
		cwd,
		encoding: 'utf8',
		timeout: 20_000,
		env: { ...process.env, NO_COLOR: '' },
		...(options.asUser && isRoot ? { uid: nobody, gid: nobody } : {}),
	});
	return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

type JsonOutput = { files: Array<{ path: string }>; findings: Array<{ ruleId: string; file: string; message: string; severity: string }> };

function json(result: Run): JsonOutput {
	return JSON.parse(result.stdout) as JsonOutput;
}

function assertNoStackTrace(stderr: string): void {
	assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace on stderr:\n${stderr}`);
	assert.doesNotMatch(stderr, /Unhandled|node:internal|Error: /, stderr);
}

describe('navidrome-extauth check on hostile input', function () {
	this.timeout(120_000);
	let folder: string;

	before(() => buildBundles());

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'nd-hostile-cli-'));
		// `nobody` must be able to enter the test folder when the CLI runs as that user.
		chmodSync(folder, 0o755);
	});

	afterEach(() => {
		execFileSync('chmod', ['-R', 'u+rwx', folder]);
		rmSync(folder, { recursive: true, force: true });
	});

	function tree(files: Record<string, string>): string {
		const root = join(folder, 'tree');
		mkdirSync(root, { recursive: true });
		for (const [path, text] of Object.entries(files)) {
			mkdirSync(join(root, path, '..'), { recursive: true });
			writeFileSync(join(root, path), text);
		}
		return root;
	}

	describe('--allow-read', () => {
		it('should refuse an import outside the checked folder, and read it once the folder is allowed', () => {
			const outside = join(folder, 'shared');
			mkdirSync(outside);
			writeFileSync(join(outside, 'snippet'), 'header_up -Remote-User\n');
			const root = tree({ 'compose.yaml': safeCompose, Caddyfile: `music.example.com {\n\timport ${outside}/snippet\n\treverse_proxy navidrome:4533\n}\n` });

			const refused = json(run(['check', '.', '--format', 'json'], root));
			const refusal = refused.findings.find((f) => f.message.includes(`${outside}/snippet`) && /outside/.test(f.message));
			assert.ok(refusal, JSON.stringify(refused.findings, null, 1));
			assert.match(refusal.message, /--allow-read/);

			const allowed = json(run(['check', '.', '--format', 'json', '--allow-read', outside], root));
			assert.ok(!allowed.findings.some((f) => f.message.includes(`${outside}/snippet`) && /outside/.test(f.message)), JSON.stringify(allowed.findings, null, 1));
			const inline = json(run(['check', '.', '--format', 'json', `--allow-read=${outside}`], root));
			assert.deepEqual(inline.findings, allowed.findings);
		});

		it('should let a named file bring its own folder, and nothing above it', () => {
			const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.58.0\n    env_file:\n      - navidrome.env\n      - ../secrets.env\n';
			const root = tree({ 'stack/compose.yaml': compose, 'stack/navidrome.env': 'ND_EXTAUTH_TRUSTEDSOURCES=0.0.0.0/0\n', 'secrets.env': 'ND_EXTAUTH_TRUSTEDSOURCES=0.0.0.0/0\n' });
			const outside = join(root, 'secrets.env');
			const result = json(run(['check', 'stack/compose.yaml', '--format', 'json'], root));
			// The sibling env_file is read (its trust-all is found); the one above the folder is refused by name.
			assert.ok(result.findings.some((f) => f.ruleId === 'nd/trust-all' && f.file.endsWith('navidrome.env')), JSON.stringify(result.findings, null, 1));
			assert.ok(!result.findings.some((f) => f.file.endsWith('secrets.env')), JSON.stringify(result.findings, null, 1));
			const refusal = result.findings.find((f) => f.ruleId === 'io/read-refused');
			assert.ok(refusal && refusal.message.includes(outside) && refusal.severity === 'information', JSON.stringify(result.findings, null, 1));
		});

		it('should exit 2 for --allow-read without a folder or with a missing one, and document the option', () => {
			const root = tree({ 'compose.yaml': safeCompose });
			const missing = run(['check', '.', '--allow-read'], root);
			assert.equal(missing.status, 2);
			assert.match(missing.stderr, /--allow-read expects a directory/);
			const absent = run(['check', '.', '--allow-read', join(folder, 'nope')], root);
			assert.equal(absent.status, 2);
			assert.match(absent.stderr, /--allow-read: cannot read '.*nope': no such file or directory/);
			const help = run(['--help'], root);
			assert.match(help.stdout, /--allow-read <dir>/);
			assert.match(help.stdout, /3 output could not be written/);
		});
	});

	describe('unreadable arguments', () => {
		it('should exit 2 for a missing path', () => {
			const result = run(['check', 'no/such/place'], folder);
			assert.equal(result.status, 2);
			assert.match(result.stderr, /cannot read 'no\/such\/place': no such file or directory/);
		});

		it('should exit 2 for a directory it cannot list', () => {
			const root = tree({ 'locked/compose.yaml': brokenCompose });
			chmodSync(join(root, 'locked'), 0o000);
			const result = run(['check', 'locked'], root, { asUser: true });
			assert.equal(result.status, 2, result.stdout + result.stderr);
			assert.match(result.stderr, /'locked' is a directory that cannot be listed \(EACCES\)/);
			assertNoStackTrace(result.stderr);
		});

		it('should exit 2 at once for a FIFO or a device, without reading it', () => {
			const fifo = join(folder, 'compose.yaml');
			execFileSync('mkfifo', [fifo]);
			for (const path of [fifo, '/dev/zero', '/dev/null']) {
				const result = run(['check', path], folder);
				assert.equal(result.status, 2, `${path}: ${result.stderr}`);
				assert.match(result.stderr, /not a regular file/);
				assert.ok(result.ms < 5_000, `${path} took ${result.ms} ms`);
			}
		});
	});

	describe('one bad file in a tree', () => {
		it('should report an unreadable, a too-large and a FIFO file as findings and still check the rest', () => {
			const root = tree({ 'a/compose.yaml': brokenCompose, 'b/compose.yaml': safeCompose, 'c/compose.yaml': safeCompose });
			chmodSync(join(root, 'b', 'compose.yaml'), 0o000);
			truncateSync(join(root, 'c', 'compose.yaml'), 9 * 1024 * 1024);
			execFileSync('mkfifo', [join(root, 'docker-compose.yaml')]);
			const result = run(['check', '.', '--format', 'json'], root, { asUser: true });
			assert.equal(result.status, 1, result.stderr);
			assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
			const output = json(result);
			assert.deepEqual(output.files.map((f) => f.path), ['a/compose.yaml']);
			assert.ok(output.findings.some((f) => f.file === 'a/compose.yaml' && f.ruleId === 'nd/trust-all'));
			const refusals = output.findings.filter((f) => f.ruleId === 'io/read-refused');
			assert.deepEqual(refusals.map((f) => f.file).sort(), ['b/compose.yaml', 'c/compose.yaml', 'docker-compose.yaml']);
			assert.match(refusals.find((f) => f.file === 'c/compose.yaml')!.message, /larger than/);
			assert.match(refusals.find((f) => f.file === 'docker-compose.yaml')!.message, /FIFO/);
		});

		it('should exit 2 with a clear message when a file named on the command line cannot be read', () => {
			const root = tree({ 'compose.yaml': safeCompose, 'compose.big.yaml': '' });
			truncateSync(join(root, 'compose.big.yaml'), 9 * 1024 * 1024);
			chmodSync(join(root, 'compose.yaml'), 0o000);
			const big = run(['check', 'compose.big.yaml'], root);
			assert.equal(big.status, 2);
			assert.match(big.stderr, /^navidrome-extauth: 'compose\.big\.yaml' is larger than 8 MiB/m);
			const locked = run(['check', 'compose.yaml'], root, { asUser: true });
			assert.equal(locked.status, 2, locked.stderr);
			assert.match(locked.stderr, /^navidrome-extauth: 'compose\.yaml' cannot be read \(EACCES\)/m);
		});
	});

	describe('output that cannot be written', () => {
		/** Enough compose files for several hundred kilobytes of findings: more than a pipe buffers. */
		function largeTree(): string {
			const files: Record<string, string> = {};
			for (let i = 0; i < 300; i++) files[`d${i}/compose.yaml`] = brokenCompose.replace('0.0.0.0/0', '0.0.0.0/0,10.0.0.1,::/0');
			return tree(files);
		}

		it('should exit 3 quietly when the reader closes the pipe after the first chunk', async () => {
			const root = largeTree();
			const child = spawn(process.execPath, [cliPath, 'check', '.'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
			let stderr = '';
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			child.stdout.once('data', () => child.stdout.destroy());
			const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
			assert.equal(status, 3, stderr);
			assert.equal(stderr, '');
		});

		it('should exit 3 quietly through `| head -c 10`', () => {
			const root = largeTree();
			const out = execFileSync('bash', ['-c', `"${process.execPath}" "${cliPath}" check . 2>"${join(folder, 'stderr')}" | head -c 10; echo " status=\${PIPESTATUS[0]}"; cat "${join(folder, 'stderr')}"`], { cwd: root, encoding: 'utf8' });
			assert.match(out, /^d0\/compose status=3\n$/, out);
		});

		it('should exit 3 with a one-line message when stdout is /dev/full', () => {
			const root = largeTree();
			const full = openSync('/dev/full', 'w');
			try {
				const result = spawnSync(process.execPath, [cliPath, 'check', '.'], { cwd: root, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 20_000 });
				assert.equal(result.status, 3, result.stderr);
				assert.equal(result.stderr, 'navidrome-extauth: cannot write the output (ENOSPC)\n');
				const help = spawnSync(process.execPath, [cliPath, '--help'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
				assert.equal(help.status, 3);
				assertNoStackTrace(help.stderr);
			} finally {
				closeSync(full);
			}
		});
	});

	describe('strict arguments', () => {
		it('should reject an unknown --rule id and suggest the nearest one', () => {
			const typo = runCli(['check', 'examples/safe-caddy-authelia', '--rule', 'nd/trust-al=off']);
			assert.equal(typo.status, 2);
			assert.match(typo.stderr, /unknown rule id 'nd\/trust-al'; did you mean 'nd\/trust-all'\?/);
			const bare = runCli(['check', 'examples/safe-caddy-authelia', '--rule', 'trust-all=off']);
			assert.match(bare.stderr, /did you mean 'nd\/trust-all'\?/);
			const far = runCli(['check', 'examples/safe-caddy-authelia', '--rule=zzzz/qqqq=off']);
			assert.equal(far.status, 2);
			assert.match(far.stderr, /unknown rule id 'zzzz\/qqqq'\n/);
			assert.equal(runCli(['check', 'examples/safe-caddy-authelia', '--rule', 'nd/trust-all=off']).status, 0);
		});

		it('should accept the versions the engine reads and reject malformed ones', () => {
			const check = (flag: string, value: string): number => runCli(['check', 'examples/safe-caddy-authelia', `${flag}=${value}`]).status;
			for (const value of ['0.58.0', 'v0.58.0', '0.58', '0.59.0-beta.1', 'latest', 'develop']) assert.equal(check('--navidrome-version', value), 0, value);
			for (const value of ['2.11.4', 'v2.10', '2.8', 'latest']) assert.equal(check('--caddy-version', value), 0, value);
			for (const flag of ['--navidrome-version', '--caddy-version']) {
				for (const value of ['banana', '1.2.3.4.5', '', ' ', '0.58.0.']) {
					const result = runCli(['check', 'examples/safe-caddy-authelia', `${flag}=${value}`]);
					assert.equal(result.status, 2, `${flag}=${value}`);
					assert.match(result.stderr, new RegExp(`${flag} expects a version such as`));
				}
			}
			assert.equal(runCli(['check', 'examples/safe-caddy-authelia', '--develop']).status, 2);
		});
	});

	describe('symbolic links', () => {
		it('should follow links to files and folders inside the roots, end cycles, and never leave the roots', () => {
			const outside = join(folder, 'outside');
			mkdirSync(outside);
			writeFileSync(join(outside, 'compose.yaml'), brokenCompose.replace('0.0.0.0/0', '0.0.0.0/0 # canary-outside-7c1f'));
			const root = tree({ 'store/navidrome-compose.txt': brokenCompose, 'node_modules/real/compose.yaml': brokenCompose, 'configs/compose.yaml': brokenCompose });
			// Second names of real places: found once, under the real name, though the links sort first.
			symlinkSync('configs', join(root, 'a-linked'));
			symlinkSync('configs/compose.yaml', join(root, 'compose.a-twin.yaml'));
			symlinkSync('store/navidrome-compose.txt', join(root, 'compose.yaml'));
			symlinkSync('node_modules/real', join(root, 'app'));
			symlinkSync('.', join(root, 'loop'));
			symlinkSync(outside, join(root, 'escape'));
			symlinkSync(join(outside, 'compose.yaml'), join(root, 'compose.escape.yaml'));
			const result = run(['check', '.', '--format', 'json'], root);
			assert.equal(result.status, 1, result.stderr);
			assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
			assert.doesNotMatch(result.stdout, /canary-outside/);
			const output = json(result);
			assert.deepEqual(output.files.map((f) => f.path).sort(), ['app/compose.yaml', 'compose.yaml', 'configs/compose.yaml']);
			const escape = output.findings.find((f) => f.file === 'compose.escape.yaml');
			assert.ok(escape && /outside/.test(escape.message), JSON.stringify(output.findings, null, 1));
			assert.ok(!output.findings.some((f) => f.file.startsWith('escape/') || f.file.startsWith('loop/')));
		});
	});

	describe('control bytes in text output', () => {
		it('should escape C0, DEL, C1 and escape sequences from file names and contents', () => {
			const name = 'evil\u001b]0;pwned\u0007\u009b2J\u007f\u202edir';
			const root = tree({ [`${name}/compose.yaml`]: brokenCompose.replace('0.0.0.0/0', '"0.0.0.0/0,10.0.0.1\u001b[2J\u009b31m"') });
			const text = run(['check', '.'], root);
			assert.equal(text.status, 1, text.stderr);
			assert.doesNotMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
			assert.match(text.stdout, /^evil\\x1b\]0;pwned\\x07\\x9b2J\\x7f\\u202edir\/compose\.yaml:5:/m);
			// JSON.stringify escapes C0 only; the CLI writes DEL, C1 and bidi controls as \uXXXX too, and the values parse back exactly.
			const jsonRun = run(['check', '.', '--format', 'json'], root);
			assert.doesNotMatch(jsonRun.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
			assert.equal(json(jsonRun).files[0]!.path, `${name}/compose.yaml`);
			assert.ok(json(jsonRun).findings.some((f) => f.message.includes('\u009b31m')));
			const sarifRun = run(['check', '.', '--format', 'sarif'], root);
			assert.doesNotMatch(sarifRun.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
			const sarif = JSON.parse(sarifRun.stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
			assert.equal(decodeURIComponent(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri), `${name}/compose.yaml`);
			const missing = run(['check', 'gone\u001b[2J'], root);
			assert.equal(missing.status, 2);
			assert.match(missing.stderr, /cannot read 'gone\\x1b\[2J'/);
			assert.doesNotMatch(missing.stderr, /\u001b/);
		});
	});
});
