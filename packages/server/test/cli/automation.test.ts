import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisResult } from '../../src/analysis/engine.js';
import type { Finding } from '../../src/analysis/findings.js';
import { applyEdits, createWriteBoundary, editableWorkspace, fixInMemory, selectFixes, writeFileAtomically } from '../../src/cli/fix.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/cli/format-github.js';
import { buildBundles, cliPath, repoRoot, runCli } from '../harness/cli.js';

type JsonFinding = { ruleId: string; severity: string; file: string; message: string; fixes?: Array<{ title: string; isPreferred?: boolean }> };

/** The built CLI with `input` on standard input. */
function runWithInput(args: string[], input: string | Buffer, cwd: string): { status: number; stdout: string; stderr: string } {
	buildBundles();
	const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, maxBuffer: 64 * 1024 * 1024 });
	return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `folder` with its bytes and mode, by relative path. */
function snapshot(folder: string): Map<string, { bytes: string; mode: number }> {
	const out = new Map<string, { bytes: string; mode: number }>();
	const walk = (dir: string, prefix: string): void => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
			else out.set(`${prefix}${entry.name}`, { bytes: readFileSync(path).toString('base64'), mode: lstatSync(path).mode });
		}
	};
	walk(folder, '');
	return out;
}

function withFolder(run: (folder: string) => void): void {
	const folder = mkdtempSync(join(tmpdir(), 'nd-automation-'));
	try {
		run(folder);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

const preferred = (findings: JsonFinding[]): JsonFinding[] => findings.filter((f) => f.fixes?.some((fix) => fix.isPreferred));

/** A Unix socket address without `unix:` (an error with a preferred fix) and a bare IP (a warning with one). */
const socketCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_ADDRESS: /run/navidrome/nd.sock\n      ND_EXTAUTH_TRUSTEDSOURCES: "10.0.0.2"\n';

describe('navidrome-extauth check for automation', function () {
	this.timeout(120_000);

	describe('--fix', () => {
		it('should leave no fixable finding in any example deployment, and a second run should change no byte', () => {
			withFolder((folder) => {
				cpSync(join(repoRoot, 'examples'), join(folder, 'examples'), { recursive: true, filter: (source) => !source.split(/[\\/]/).includes('node_modules') });
				const deployments = readdirSync(join(folder, 'examples'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => `examples/${entry.name}`);
				assert.ok(deployments.length >= 8, deployments.join(', '));
				const before = snapshot(join(folder, 'examples'));
				const all = JSON.parse(runCli(['check', 'examples', '--format', 'json'], folder).stdout) as { findings: JsonFinding[] };
				const fixable = deployments.filter((deployment) => preferred(all.findings).some((f) => f.file.startsWith(`${deployment}/`)));
				assert.ok(fixable.length >= 4, `expected several examples with preferred fixes, got ${fixable.join(', ')}`);
				// Values behind secret-looking variables in the examples (as in cli.test.ts): fix titles never show them.
				const secrets = ['never-shown-in-any-output-1f2e3d', 'also-never-shown-9a8b7c', 'do-not-echo-this-key-5d4c3b', 'secret-value-that-must-never-appear'];
				for (const deployment of deployments) {
					// With --format json the list of fixes goes to stderr and stdout holds what is left.
					// --no-error-on-empty: node-gateway/ holds no file this tool reads.
					const first = runCli(['check', deployment, '--fix', '--format', 'json', '--no-error-on-empty'], folder);
					const left = JSON.parse(first.stdout) as { findings: JsonFinding[] };
					if (fixable.includes(deployment)) assert.match(first.stderr, /^fixed .+: \[[a-z]+\/[a-z-]+\] .+$/m, deployment);
					assert.deepEqual(preferred(left.findings).map((f) => `${f.file}: ${f.ruleId}`), [], `${deployment} still has fixable findings`);
					assert.equal(first.status, left.findings.some((f) => f.severity === 'error') ? 1 : 0, `${deployment}: --fix exits by what is left`);
					for (const secret of secrets) assert.ok(!first.stdout.includes(secret) && !first.stderr.includes(secret), `${deployment}: --fix output leaks a secret`);
				}
				const fixed = snapshot(join(folder, 'examples'));
				assert.ok([...fixed].some(([path, file]) => before.get(path)?.bytes !== file.bytes), 'the first run changed something');
				assert.deepEqual([...fixed.keys()].sort(), [...before.keys()].sort(), 'no file was added or removed');
				for (const [path, file] of fixed) assert.equal(file.mode, before.get(path)!.mode, `${path} keeps its mode`);
				for (const deployment of deployments) {
					const second = runCli(['check', deployment, '--fix', '--no-error-on-empty'], folder);
					assert.match(second.stdout, /^0 fixes applied\.$/m, deployment);
					assert.doesNotMatch(second.stdout, /^fixed /m, deployment);
				}
				assert.deepEqual(snapshot(join(folder, 'examples')), fixed, 'the second run changed nothing');
			});
		});

		it('should print each fix, keep the file mode, leave no temporary file and exit by what is left', () => {
			withFolder((folder) => {
				writeFileSync(join(folder, 'compose.yaml'), socketCompose);
				chmodSync(join(folder, 'compose.yaml'), 0o640);
				assert.equal(runCli(['check', '.'], folder).status, 1, 'the socket address is an error before the fix');
				const { status, stdout } = runCli(['check', '.', '--fix'], folder);
				assert.match(stdout, /^fixed compose\.yaml: \[nd\/address-missing-unix\] Change to 'unix:\/run\/navidrome\/nd\.sock'$/m);
				assert.match(stdout, /^fixed compose\.yaml: \[nd\/trusted-source-ignored\] Change to '10\.0\.0\.2\/32'$/m);
				assert.match(stdout, /^2 fixes applied to 1 file\.$/m);
				assert.equal(status, 0, stdout);
				assert.equal(readFileSync(join(folder, 'compose.yaml'), 'utf8'), socketCompose.replace('/run/navidrome', 'unix:/run/navidrome').replace('"10.0.0.2"', '"10.0.0.2/32"'));
				assert.equal(statSync(join(folder, 'compose.yaml')).mode & 0o777, 0o640);
				assert.deepEqual(readdirSync(folder), ['compose.yaml']);
			});
		});

		it('should keep stdout machine-readable: with --format json the list of fixes goes to stderr', () => {
			withFolder((folder) => {
				writeFileSync(join(folder, 'compose.yaml'), socketCompose);
				const { stdout, stderr } = runCli(['check', '.', '--fix', '--format', 'json'], folder);
				const output = JSON.parse(stdout) as { findings: JsonFinding[] };
				assert.ok(!output.findings.some((f) => f.ruleId === 'nd/address-missing-unix'));
				assert.match(stderr, /^fixed compose\.yaml: \[nd\/address-missing-unix\]/m);
			});
		});

		it('should not write outside the checked folder, even where --allow-read lets it read, nor through a link that leads out', () => {
			withFolder((folder) => {
				const root = join(folder, 'root');
				const outside = join(folder, 'outside');
				mkdirSync(root);
				mkdirSync(outside);
				// nd/legacy-name offers a preferred rename in .env files.
				writeFileSync(join(outside, 'navidrome.env'), 'ND_REVERSEPROXYUSERHEADER=Remote-User\n');
				writeFileSync(join(outside, 'linked.env'), 'ND_REVERSEPROXYWHITELIST=10.0.0.2/32\n');
				symlinkSync(join(outside, 'linked.env'), join(root, 'linked.env'));
				writeFileSync(join(root, 'compose.yaml'), 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    env_file:\n      - ../outside/navidrome.env\n      - linked.env\n');
				const { stdout } = runCli(['check', 'root', '--allow-read', 'outside', '--fix'], folder);
				assert.match(stdout, /^not fixed outside\/navidrome\.env:1:1: \[nd\/legacy-name\] Rename to ND_EXTAUTH_USERHEADER \(outside\/navidrome\.env: it is outside the checked folders\)$/m);
				assert.match(stdout, /^not fixed root\/linked\.env:1:1: \[nd\/legacy-name\] Rename to ND_EXTAUTH_TRUSTEDSOURCES \(root\/linked\.env: it links to a place outside the checked folders\)$/m);
				assert.doesNotMatch(stdout, /^fixed /m);
				assert.equal(readFileSync(join(outside, 'navidrome.env'), 'utf8'), 'ND_REVERSEPROXYUSERHEADER=Remote-User\n');
				assert.equal(readFileSync(join(outside, 'linked.env'), 'utf8'), 'ND_REVERSEPROXYWHITELIST=10.0.0.2/32\n');
				assert.ok(lstatSync(join(root, 'linked.env')).isSymbolicLink());
				assert.deepEqual(readdirSync(outside).sort(), ['linked.env', 'navidrome.env']);
			});
		});

		it('should write a file reached through a link inside the folder at its real place, keeping the link', () => {
			withFolder((folder) => {
				mkdirSync(join(folder, 'real'));
				writeFileSync(join(folder, 'real', 'navidrome.env'), 'ND_REVERSEPROXYUSERHEADER=Remote-User\n');
				symlinkSync(join(folder, 'real', 'navidrome.env'), join(folder, 'link.env'));
				writeFileSync(join(folder, 'compose.yaml'), 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    env_file: link.env\n');
				const { stdout } = runCli(['check', 'compose.yaml', '--fix'], folder);
				assert.match(stdout, /^fixed link\.env: \[nd\/legacy-name\] Rename to ND_EXTAUTH_USERHEADER$/m);
				assert.ok(lstatSync(join(folder, 'link.env')).isSymbolicLink());
				assert.equal(readFileSync(join(folder, 'real', 'navidrome.env'), 'utf8'), 'ND_EXTAUTH_USERHEADER=Remote-User\n');
			});
		});
	});

	describe('fix selection (cli/fix.ts)', () => {
		const finding = (start: number, end: number, newText: string, isPreferred = true): Finding => ({
			ruleId: 'test/rule',
			category: 'hardening',
			severity: 'warning',
			file: '/f.env',
			span: { start, end },
			range: { start: { line: 0, character: start }, end: { line: 0, character: end } },
			message: 'm',
			fixes: [{ title: `to ${newText}`, ...(isPreferred ? { isPreferred: true } : {}), edits: [{ file: '/f.env', span: { start, end }, newText, range: { start: { line: 0, character: start }, end: { line: 0, character: end } } }] }],
		});
		const text = (): string => 'abcdefghij';

		it('should apply only preferred fixes, and of overlapping or touching edits only the first in one pass', () => {
			const { chosen } = selectFixes([finding(0, 2, 'X'), finding(1, 3, 'Y'), finding(2, 4, 'Z'), finding(5, 6, 'W'), finding(7, 8, 'N', false)], text, () => undefined);
			assert.deepEqual(chosen.map((fix) => fix.title), ['to X', 'to W']);
			assert.equal(applyEdits(text(), chosen.flatMap((fix) => fix.edits)), 'Xcde' + 'Wghij');
		});

		it('should skip fixes whose edits do not fit the text or lie in a file that may not change', () => {
			assert.deepEqual(selectFixes([finding(8, 12, 'X')], text, () => undefined).chosen, []);
			const { chosen, skipped } = selectFixes([finding(0, 1, 'X')], text, () => 'it is outside the checked folders');
			assert.deepEqual(chosen, []);
			assert.deepEqual(skipped.map((skip) => [skip.file, skip.reason]), [['/f.env', 'it is outside the checked folders']]);
		});

		it('should re-analyse until nothing changes, within a bounded number of passes', () => {
			const workspace = editableWorkspace({ readFile: () => undefined, listFiles: () => [] }, [{ path: '/f.env', text: 'aaaa' }]);
			// Each pass offers a fix for every 'a', all touching one another: one is applied per pass.
			const analyze = (): AnalysisResult => {
				const current = workspace.text('/f.env')!;
				const findings = [...current].flatMap((c, index) => (c === 'a' ? [finding(index, index + 1, 'b')] : []));
				return { files: [], findings, deployment: {} as AnalysisResult['deployment'] };
			};
			const run = fixInMemory({ workspace, analyze, mayEdit: () => undefined });
			assert.equal(workspace.text('/f.env'), 'bbbb');
			assert.equal(run.applied.length, 4);
			assert.ok(run.passes >= 3 && run.passes <= 5, String(run.passes));
			assert.deepEqual(workspace.changed(), ['/f.env']);
			const endless = editableWorkspace({ readFile: () => undefined, listFiles: () => [] }, [{ path: '/f.env', text: 'a' }]);
			const flip = fixInMemory({
				workspace: endless,
				analyze: () => ({ files: [], findings: [finding(0, 1, endless.text('/f.env') === 'a' ? 'b' : 'a')], deployment: {} as AnalysisResult['deployment'] }),
				mayEdit: () => undefined,
				maxPasses: 10,
			});
			assert.equal(flip.passes, 10, 'a fix that undoes itself stops at the bound');
		});

		it('should write atomically only when the file still holds the text the fixes were made on', () => {
			withFolder((folder) => {
				const path = join(folder, 'navidrome.env');
				writeFileSync(path, 'A=1\n');
				chmodSync(path, 0o600);
				const mayWrite = createWriteBoundary([folder]).problem;
				const readCurrent = (p: string): string => readFileSync(p, 'utf8');
				assert.match(writeFileAtomically(path, 'A=2\n', { expected: 'A=0\n', readCurrent, mayWrite }) ?? '', /changed while it was being fixed/);
				assert.equal(readFileSync(path, 'utf8'), 'A=1\n');
				assert.equal(writeFileAtomically(path, 'A=2\n', { expected: 'A=1\n', readCurrent, mayWrite }), undefined);
				assert.equal(readFileSync(path, 'utf8'), 'A=2\n');
				assert.equal(statSync(path).mode & 0o777, 0o600);
				assert.deepEqual(readdirSync(folder), ['navidrome.env']);
				assert.match(writeFileAtomically(join(tmpdir(), 'elsewhere.env'), 'x', { expected: 'x', readCurrent, mayWrite }) ?? '', /outside the checked folders/);
			});
		});
	});

	describe('--stdin-filename', () => {
		it('should check standard input as the named file, reading nothing else when that file does not exist', () => {
			withFolder((folder) => {
				writeFileSync(join(folder, 'navidrome.env'), 'ND_REVERSEPROXYUSERHEADER=Remote-User\n');
				const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    env_file: navidrome.env\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "10.0.0.2"\n';
				const missing = runWithInput(['check', '--stdin-filename', 'compose.yaml', '--format', 'json'], compose, folder);
				const unread = JSON.parse(missing.stdout) as { files: Array<{ path: string; kind: string }>; findings: JsonFinding[] };
				assert.deepEqual(unread.files, [{ path: 'compose.yaml', kind: 'compose' }]);
				assert.ok(unread.findings.some((f) => f.ruleId === 'nd/trusted-source-ignored' && f.file === 'compose.yaml'));
				assert.ok(unread.findings.some((f) => f.ruleId === 'io/read-refused' && f.message.includes('navidrome.env')), 'the .env beside a name that does not exist is not read');
				assert.ok(!unread.findings.some((f) => f.file === 'navidrome.env'));
				// Once the named file exists (with other text), its folder is the root: the .env is read, the disk copy is not.
				writeFileSync(join(folder, 'compose.yaml'), 'services: {}\n');
				const present = JSON.parse(runWithInput(['check', '--stdin-filename', 'compose.yaml', '--format', 'json'], compose, folder).stdout) as { findings: JsonFinding[] };
				assert.ok(present.findings.some((f) => f.ruleId === 'nd/legacy-name' && f.file === 'navidrome.env'));
				assert.ok(!present.findings.some((f) => f.ruleId === 'io/read-refused'));
			});
		});

		it('should print the fixed text on stdout with --fix and write nothing', () => {
			withFolder((folder) => {
				writeFileSync(join(folder, 'compose.yaml'), 'services: {}\n');
				const { status, stdout, stderr } = runWithInput(['check', '--stdin-filename', 'compose.yaml', '--fix'], socketCompose, folder);
				assert.equal(stdout, socketCompose.replace('/run/navidrome', 'unix:/run/navidrome').replace('"10.0.0.2"', '"10.0.0.2/32"'));
				assert.match(stderr, /^fixed compose\.yaml: \[nd\/address-missing-unix\]/m);
				assert.match(stderr, /^1 file checked: /m);
				assert.equal(status, 0);
				assert.equal(readFileSync(join(folder, 'compose.yaml'), 'utf8'), 'services: {}\n');
				assert.deepEqual(readdirSync(folder), ['compose.yaml']);
				const unfixed = runWithInput(['check', '--stdin-filename', 'compose.yaml'], socketCompose, folder);
				assert.equal(unfixed.status, 1, 'without --fix the error remains');
			});
		});

		it('should refuse more than 8 MiB on standard input, a name of no known kind, and paths beside it', () => {
			withFolder((folder) => {
				const big = runWithInput(['check', '--stdin-filename', 'compose.yaml'], Buffer.alloc(8 * 1024 * 1024 + 1, 0x20), folder);
				assert.equal(big.status, 2);
				assert.match(big.stderr, /cannot read standard input: it is larger than 8 MiB/);
				const justUnder = runWithInput(['check', '--stdin-filename', 'compose.yaml'], Buffer.alloc(8 * 1024 * 1024, 0x20), folder);
				assert.equal(justUnder.status, 0, justUnder.stderr);
				const unknown = runWithInput(['check', '--stdin-filename', 'notes.txt'], 'x', folder);
				assert.equal(unknown.status, 2);
				assert.match(unknown.stderr, /'notes\.txt' is not a file kind/);
				assert.equal(runWithInput(['check', '.', '--stdin-filename', 'compose.yaml'], 'x', folder).status, 2);
			});
		});
	});

	describe('--format github', () => {
		it('should print one workflow annotation per finding, with the severity mapped and properties escaped', () => {
			withFolder((folder) => {
				const dir = join(folder, 'a,b:c');
				mkdirSync(dir);
				writeFileSync(join(dir, 'compose.yaml'), 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_ADDRESS: /run/nd.sock\n      ND_EXTAUTH_TRUSTEDSOURCES: "10.0.0.5%\u001b[31m,10.0.0.2"\n');
				const { status, stdout } = runCli(['check', 'a,b:c', '--format', 'github'], folder);
				assert.equal(status, 1);
				const lines = stdout.trimEnd().split('\n');
				const json = JSON.parse(runCli(['check', 'a,b:c', '--format', 'json'], folder).stdout) as { findings: JsonFinding[] };
				assert.equal(lines.length, json.findings.length);
				for (const line of lines) assert.match(line, /^::(error|warning|notice) file=a%2Cb%3Ac\/compose\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:]+::[^\n\r]+$/);
				assert.match(stdout, /^::error file=a%2Cb%3Ac\/compose\.yaml,line=5,col=19,endLine=5,endColumn=31,title=nd\/address-missing-unix \(broken\)::ND_ADDRESS /m);
				assert.match(stdout, /^::warning .*title=nd\/trusted-source-ignored .*::"10\.0\.0\.5%25\\u001b\[31m"/m, 'a % in the message is %25, and no raw escape byte is printed');
				assert.doesNotMatch(stdout, /\u001b/);
			});
		});

		it('should map information to notice and keep related locations on the same line', () => {
			const { stdout } = runCli(['check', 'examples/broken-unix-socket', 'examples/caddy-unsafe', '--format', 'github']);
			assert.match(stdout, /^::notice file=examples\/broken-unix-socket\/navidrome\.toml,.*title=nd\/ip-entries-with-socket/m);
			assert.match(stdout, /^::error file=examples\/caddy-unsafe\/Caddyfile,.*title=route\/bypass-nostrip .*%0Aexamples\/caddy-unsafe\/Caddyfile:\d+:\d+: /m);
		});

		it('should escape what GitHub requires', () => {
			assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
			assert.equal(escapeProperty('a,b:c%\n'), 'a%2Cb%3Ac%25%0A');
			const finding: Finding = { ruleId: 'x/y', category: 'syntax', severity: 'hint', file: '/w/f.env', span: { start: 0, end: 0 }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'line\none\u202e' };
			assert.equal(formatGithub([finding], (path) => path.slice(3)), '::notice file=f.env,line=1,col=1,endLine=1,endColumn=1,title=x/y (syntax)::line%0Aone\\u202e\n');
			assert.equal(formatGithub([], (path) => path), '');
		});
	});

	describe('usage', () => {
		it('should name the new options in --help and reject values for --fix', () => {
			const help = runCli(['--help']).stdout;
			for (const option of ['--fix', '--stdin-filename <name>', 'text|json|sarif|github']) assert.ok(help.includes(option), option);
			assert.equal(runCli(['check', '--fix=yes']).status, 2);
			assert.match(runCli(['check', '--format', 'xml']).stderr, /--format must be text, json, sarif or github/);
		});
	});
});
