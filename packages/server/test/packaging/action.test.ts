/**
The composite GitHub Action (issue 19, Deliver 3): action.yml's wiring, and its script scripts/action/run.sh run under
bash with the environment GitHub gives the step (INPUT_*, GITHUB_WORKSPACE, RUNNER_TEMP, GITHUB_OUTPUT). The CLI is
installed from the packed tarball (INPUT_VERSION takes a .tgz path) so nothing reaches a registry. The upload step
(github/codeql-action/upload-sarif) and a real runner cannot run here; see docs/ci.md.
*/
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../harness/cli.js';
import { packTarballs, removeTarballs, run, type Tarballs } from './tarballs.js';

const brokenCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "0.0.0.0/0"\n';
/** One warning (nd/proxy-ip-unpinned), no error. */
const warningCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "172.20.0.5/32"\n';
const script = join(repoRoot, 'scripts', 'action', 'run.sh');

type ActionStep = { id?: string; name?: string; if?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; with?: Record<string, string> };
type Action = { inputs: Record<string, { default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: ActionStep[] } };

describe('GitHub Action', function () {
	this.timeout(240_000);
	let packed: Tarballs;
	let folder: string;
	let count = 0;

	/** A workspace with the given files and a fresh GITHUB_OUTPUT; RUNNER_TEMP is shared, as by a job's steps. */
	const workspace = (files: Record<string, string>) => {
		const root = join(folder, `run-${++count}`);
		const github = join(root, 'workspace');
		for (const [name, text] of Object.entries(files)) {
			mkdirSync(join(github, name, '..'), { recursive: true });
			writeFileSync(join(github, name), text);
		}
		mkdirSync(github, { recursive: true });
		return { github, temp: join(folder, 'runner-temp'), outputFile: join(root, 'github-output') };
	};

	/** Runs the script as the composite step does, from an unrelated folder (GitHub's cwd is the workspace, but the script must not rely on it). */
	const action = (files: Record<string, string>, inputs: Record<string, string> = {}) => {
		const { github, temp, outputFile } = workspace(files);
		writeFileSync(outputFile, '');
		const env: NodeJS.ProcessEnv = { ...packed.npmEnv, npm_config_offline: 'true', GITHUB_WORKSPACE: github, RUNNER_TEMP: temp, GITHUB_OUTPUT: outputFile, GITHUB_ACTIONS: 'true', INPUT_VERSION: packed.server, ...inputs };
		const result = run('bash', [script], { cwd: folder, env });
		const outputs = Object.fromEntries(
			readFileSync(outputFile, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
		);
		return { ...result, outputs, temp, github };
	};

	before(() => {
		packed = packTarballs();
		folder = mkdtempSync(join(packed.folder, 'action-'));
		mkdirSync(join(folder, 'runner-temp'));
	});

	after(() => removeTarballs());

	describe('action.yml', () => {
		const manifest = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as Action;

		it('should be a composite action whose check step passes every check input to run.sh as INPUT_*', () => {
			assert.equal(manifest.runs.using, 'composite');
			const check = manifest.runs.steps.find((step) => step.id === 'check')!;
			assert.equal(check.shell, 'bash');
			assert.equal(check.run, 'bash "$GITHUB_ACTION_PATH/scripts/action/run.sh"');
			assert.ok(existsSync(script));
			for (const input of ['paths', 'format', 'fail-on', 'version', 'args']) {
				assert.equal(check.env?.[`INPUT_${input.toUpperCase().replace(/-/g, '_')}`], `\${{ inputs.${input} }}`, input);
				assert.match(readFileSync(script, 'utf8'), new RegExp(`INPUT_${input.toUpperCase().replace(/-/g, '_')}\\b`));
			}
			assert.deepEqual(Object.keys(manifest.inputs).sort(), ['args', 'category', 'fail-on', 'format', 'paths', 'upload-sarif', 'version']);
		});

		it('should upload the SARIF file with upload-sarif even when the check step failed', () => {
			const upload = manifest.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
			assert.ok(upload, 'an upload-sarif step');
			assert.match(upload.if ?? '', /^always\(\) && /);
			assert.equal(upload.with?.sarif_file, '${{ steps.check.outputs.sarif-file }}');
		});

		it('should expose outputs that run.sh writes', () => {
			const text = readFileSync(script, 'utf8');
			for (const [name, output] of Object.entries(manifest.outputs)) {
				assert.equal(output.value, `\${{ steps.check.outputs.${name} }}`);
				assert.match(text, new RegExp(`output ${name} `), `run.sh writes ${name}`);
			}
		});

		it('should pass bash -n', () => {
			const result = run('bash', ['-n', script], { cwd: repoRoot });
			assert.equal(result.status, 0, result.output);
		});
	});

	describe('scripts/action/run.sh', () => {
		it('should write the SARIF file, set the outputs, print the findings and fail on an error', () => {
			const result = action({ 'deploy/compose.yaml': brokenCompose });
			assert.equal(result.status, 1, result.output);
			assert.equal(result.outputs['sarif-file'], join(result.temp, 'navidrome-extauth.sarif'));
			assert.deepEqual([result.outputs.errors, result.outputs.warnings, result.outputs.notes, result.outputs['exit-code']], ['1', '0', '0', '1']);
			const sarif = JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8'));
			assert.equal(sarif.version, '2.1.0');
			const [finding] = sarif.runs[0].results;
			assert.equal(finding.ruleId, 'nd/trust-all');
			assert.equal(finding.locations[0].physicalLocation.artifactLocation.uri, 'deploy/compose.yaml', 'relative to GITHUB_WORKSPACE, as upload-sarif expects');
			assert.match(result.stdout, /^deploy\/compose\.yaml:5:35: error \[nd\/trust-all\]/m);
			assert.match(result.stdout, /^::error title=navidrome-extauth::1 finding\(s\) at or above 'error'/m);
			assert.ok(!existsSync(join(result.github, 'node_modules')) && !existsSync(join(result.github, 'package.json')), 'nothing written to the workspace');
		});

		it('should pass by fail-on: a warning passes at error, fails at warning; an error passes at never', () => {
			const atError = action({ 'compose.yaml': warningCompose });
			assert.equal(atError.status, 0, atError.output);
			assert.deepEqual([atError.outputs.errors, atError.outputs.warnings, atError.outputs['exit-code']], ['0', '1', '0']);
			const atWarning = action({ 'compose.yaml': warningCompose }, { INPUT_FAIL_ON: 'warning' });
			assert.equal(atWarning.status, 1, atWarning.output);
			assert.equal(atWarning.outputs['exit-code'], '1');
			const never = action({ 'compose.yaml': brokenCompose }, { INPUT_FAIL_ON: 'never' });
			assert.equal(never.status, 0, never.output);
			assert.equal(never.outputs.errors, '1');
			assert.ok(existsSync(never.outputs['sarif-file']!));
		});

		it('should read paths one per line (spaces kept) or space-separated, and pass args to the CLI', () => {
			const files = { 'a dir/compose.yaml': brokenCompose, 'b/compose.yaml': brokenCompose, 'c/compose.yaml': brokenCompose };
			const lines = action(files, { INPUT_PATHS: 'a dir\n  b  \n\n' });
			const uris = (result: { outputs: Record<string, string> }) =>
				JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8')).runs[0].results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
			assert.deepEqual(uris(lines), ['a%20dir/compose.yaml', 'b/compose.yaml']);
			const spaced = action(files, { INPUT_PATHS: 'b c' });
			assert.deepEqual(uris(spaced), ['b/compose.yaml', 'c/compose.yaml']);
			const silenced = action(files, { INPUT_PATHS: 'b', INPUT_ARGS: '--rule nd/trust-all=off' });
			assert.equal(silenced.status, 0, silenced.output);
			assert.equal(silenced.outputs.errors, '0');
		});

		it('should print the chosen format to the log and still write SARIF', () => {
			const result = action({ 'compose.yaml': brokenCompose }, { INPUT_FORMAT: 'json' });
			assert.equal(result.status, 1, result.output);
			const printed = JSON.parse(result.stdout.slice(0, result.stdout.lastIndexOf('\n::error')));
			assert.equal(printed.findings[0].ruleId, 'nd/trust-all');
			assert.equal(JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8')).runs[0].results.length, 1);
		});

		it('should exit 2 with a workflow error for a bad input or an unreadable path, leaving no sarif-file output', () => {
			const badInput = action({ 'compose.yaml': brokenCompose }, { INPUT_FAIL_ON: 'sometimes' });
			assert.equal(badInput.status, 2, badInput.output);
			assert.match(badInput.stdout, /^::error title=navidrome-extauth::fail-on must be error, warning, note or never \(got 'sometimes'\)$/m);
			assert.equal(badInput.outputs['sarif-file'], undefined);
			const badVersion = action({ 'compose.yaml': brokenCompose }, { INPUT_VERSION: '1.0; rm -rf /' });
			assert.equal(badVersion.status, 2, badVersion.output);
			const missing = action({ 'compose.yaml': brokenCompose }, { INPUT_PATHS: 'no-such-folder' });
			assert.equal(missing.status, 2, missing.output);
			assert.match(missing.stderr, /cannot read 'no-such-folder'/);
			assert.deepEqual(missing.outputs, { 'exit-code': '2' });
		});
	});
});
