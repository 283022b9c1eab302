import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { rules } from '../../src/analysis/rules/index.js';
import { repoRoot, runCli } from '../harness/cli.js';

const require = createRequire(import.meta.url);

describe('navidrome-extauth check', function () {
	this.timeout(60_000);

	describe('on the bundled examples', () => {
		it('should exit 1 and print file:line:col, severity, rule id and message', () => {
			const { status, stdout } = runCli(['check', 'examples']);
			assert.equal(status, 1);
			assert.match(stdout, /^examples\/broken-bare-ip\/compose\.yaml:17:35: warning \[nd\/trusted-source-ignored\] .*172\.20\.0\.5/m);
			assert.match(stdout, /files checked: \d+ errors?/);
			assert.doesNotMatch(stdout, /\u001b\[/, 'no colour when stdout is not a TTY');
		});

		it('should report nothing for the safe example and exit 0', () => {
			const { status, stdout } = runCli(['check', 'examples/safe-caddy-authelia']);
			assert.equal(stdout.match(/files checked: no findings/)?.length, 1, stdout);
			assert.equal(status, 0);
		});

		it('should never print secret values', () => {
			const secrets = ['never-shown-in-any-output-1f2e3d', 'also-never-shown-9a8b7c', 'do-not-echo-this-key-5d4c3b', 'secret-value-that-must-never-appear'];
			for (const format of ['text', 'json', 'sarif']) {
				const { stdout, stderr } = runCli(['check', 'examples', '--format', format]);
				for (const secret of secrets) assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${format} output leaks a secret`);
			}
		});
	});

	describe('--format json', () => {
		it('should follow the JSON contract with relative paths and 0-based positions', () => {
			const { stdout } = runCli(['check', 'examples/broken-bare-ip', '--format', 'json']);
			const output = JSON.parse(stdout);
			assert.ok(output.files.some((f: { path: string; kind: string }) => f.path === 'examples/broken-bare-ip/compose.yaml' && f.kind === 'compose'));
			const finding = output.findings.find((f: { ruleId: string }) => f.ruleId === 'nd/trusted-source-ignored');
			assert.deepEqual(Object.keys(finding).slice(0, 7), ['ruleId', 'category', 'severity', 'file', 'range', 'message', 'fixes']);
			assert.equal(finding.category, 'ignored-setting');
			assert.equal(finding.file, 'examples/broken-bare-ip/compose.yaml');
			assert.deepEqual(finding.range, { start: { line: 16, character: 34 }, end: { line: 16, character: 44 } });
			const line = readFileSync(join(repoRoot, finding.file), 'utf8').split('\n')[finding.range.start.line]!;
			assert.equal(line.slice(finding.range.start.character, finding.range.end.character), '172.20.0.5');
			assert.equal(finding.fixes[0].edits[0].newText, '172.20.0.5/32');
		});
	});

	describe('--format sarif', () => {
		it('should validate against the SARIF 2.1.0 schema', () => {
			const { stdout } = runCli(['check', 'examples', '--format', 'sarif']);
			const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
			const ajv = new Ajv.default({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
			const validate = ajv.compile(schema);
			const log = JSON.parse(stdout) as { runs: Array<{ tool: { driver: { rules: unknown[] } }; results: Array<{ locations: Array<{ physicalLocation: { region: { startLine: number }; artifactLocation: { uriBaseId: string } } }> }> }> };
			assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
			assert.equal(log.runs[0]!.tool.driver.rules.length, rules.length);
			const result = log.runs[0]!.results[0]!;
			assert.equal(result.locations[0]!.physicalLocation.region.startLine >= 1, true);
			assert.equal(result.locations[0]!.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
		});
	});

	describe('options', () => {
		it('should turn a rule off or change its severity with --rule', () => {
			const off = runCli(['check', 'examples/broken-legacy-names', '--rule', 'nd/trust-all=off', '--rule', 'nd/option-unknown-to-version=info', '--format', 'json']);
			const findings = JSON.parse(off.stdout).findings as Array<{ ruleId: string; severity: string }>;
			assert.ok(!findings.some((f) => f.ruleId === 'nd/trust-all'));
			assert.ok(findings.some((f) => f.ruleId === 'nd/option-unknown-to-version' && f.severity === 'information'));
			assert.equal(off.status, 0);
		});

		it('should assume --navidrome-version when the image has no tag', () => {
			const folder = mkdtempSync(join(tmpdir(), 'nd-cli-'));
			try {
				writeFileSync(join(folder, 'compose.yaml'), 'services:\n  navidrome:\n    image: deluan/navidrome\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.2/32\n');
				const old = runCli(['check', folder, '--navidrome-version', '0.58.0', '--format', 'json']);
				assert.ok(JSON.parse(old.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'nd/option-unknown-to-version'));
				const current = runCli(['check', folder, '--format', 'json']);
				assert.ok(!JSON.parse(current.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'nd/option-unknown-to-version'));
			} finally {
				rmSync(folder, { recursive: true, force: true });
			}
		});
	});

	describe('usage errors', () => {
		it('should exit 2 with a clear message for an unreadable path', () => {
			const { status, stderr } = runCli(['check', 'does/not/exist']);
			assert.equal(status, 2);
			assert.match(stderr, /cannot read 'does\/not\/exist': no such file or directory/);
		});

		it('should exit 2 for unknown options and bad --rule values', () => {
			assert.equal(runCli(['check', '--frobnicate']).status, 2);
			const bad = runCli(['check', '--rule', 'nd/trust-all=loud']);
			assert.equal(bad.status, 2);
			assert.match(bad.stderr, /--rule expects/);
		});

		it('should print help and exit 0', () => {
			const { status, stdout } = runCli(['--help']);
			assert.equal(status, 0);
			assert.match(stdout, /Usage: navidrome-extauth check/);
		});
	});
});
