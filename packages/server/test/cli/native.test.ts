/**
Navidrome configured outside Compose (issue 13): the quick start's lone `.env`, a systemd unit and a shell script are
instances of their own, judged by the built CLI like a compose service, and what they leave unseen is said.
*/
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../harness/cli.js';

type Finding = { ruleId: string; category: string; severity: string; message: string; file: string; range: { start: { line: number; character: number } } };
type Output = { findings: Finding[]; coverage: { judged: Record<string, number>; navidromes: number; assumed: Array<{ file?: string; message: string }> } };

describe('navidrome-extauth check: Navidrome outside Compose', function () {
	this.timeout(60_000);
	let folder: string;
	beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'nd-native-'))));
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	function write(files: Record<string, string>): void {
		for (const [name, text] of Object.entries(files)) {
			mkdirSync(dirname(join(folder, name)), { recursive: true });
			writeFileSync(join(folder, name), text);
		}
	}

	function check(...args: string[]): { status: number; stdout: string; output: Output } {
		const result = runCli(['check', '.', '--format', 'json', ...args], folder);
		return { status: result.status, stdout: result.stdout, output: JSON.parse(result.stdout) as Output };
	}

	it("should report the quick start's lone .env (a socket path without unix:, TrustedSources @) as broken", () => {
		write({ '.env': 'ND_ADDRESS=/var/run/navidrome.sock\nND_EXTAUTH_TRUSTEDSOURCES=@\n' });
		const { status, output } = check();
		const missing = output.findings.find((finding) => finding.ruleId === 'nd/address-missing-unix');
		assert.ok(missing, JSON.stringify(output.findings, null, 1));
		assert.equal(missing.category, 'broken');
		assert.equal(missing.severity, 'error');
		assert.deepEqual(missing.range.start, { line: 0, character: 11 });
		assert.equal(output.coverage.navidromes, 1);
		assert.deepEqual(output.coverage.judged, { dotenv: 1 });
		assert.match(output.coverage.assumed.map((item) => item.message).join('\n'), /judged as the newest release/);
		assert.equal(status, 1);
		const text = runCli(['check', '.'], folder);
		assert.match(text.stdout, /^\.env:1:12: error \[nd\/address-missing-unix\] ND_ADDRESS looks like a UNIX socket/m);
		assert.match(text.stdout, /^Judged: 1 \.env file \(1 Navidrome instance, 0 proxy routes\)\.$/m);
		assert.equal(text.status, 1);
	});

	it('should not judge an .env that a compose file in view consumes as a Navidrome of its own', () => {
		write({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n', '.env': 'ND_ADDRESS=/var/run/navidrome.sock\n' });
		const { output } = check();
		assert.deepEqual(output.findings.filter((finding) => finding.ruleId.startsWith('nd/')), []);
		assert.equal(output.coverage.navidromes, 0);
	});

	it('should judge a systemd unit, its drop-in and its EnvironmentFile, and say what it could not read', () => {
		write({
			'etc/systemd/system/navidrome.service': '[Service]\nEnvironmentFile=/etc/navidrome/navidrome.env\nExecStart=/usr/bin/navidrome\n',
			'etc/systemd/system/navidrome.service.d/override.conf': '[Service]\nEnvironment="ND_EXTAUTH_USERHEADER=Remote User"\n',
		});
		const { output } = check();
		assert.equal(output.coverage.judged.systemd, 2);
		assert.equal(output.coverage.navidromes, 1);
		// The EnvironmentFile is outside the checked folder: reported, and external auth assumed on rather than off.
		assert.ok(output.findings.some((finding) => finding.ruleId === 'io/read-refused' && finding.message.includes('/etc/navidrome/navidrome.env')), JSON.stringify(output.findings, null, 1));
		assert.ok(output.coverage.assumed.some((item) => /also come from '\/etc\/navidrome\/navidrome\.env', which is not in view, so external auth is assumed on/.test(item.message)), JSON.stringify(output.coverage.assumed));
		assert.ok(output.findings.some((finding) => finding.ruleId === 'nd/user-header-invalid' && finding.file.endsWith('override.conf')), JSON.stringify(output.findings, null, 1));
	});

	it('should judge a shell script that exports ND_* and stay silent on one that does not', () => {
		write({ 'start.sh': "#!/bin/sh\nexport ND_EXTAUTH_TRUSTEDSOURCES='0.0.0.0/0'\nexec /opt/navidrome/navidrome\n", 'backup.sh': '#!/bin/sh\ntar czf /tmp/x.tgz /var/lib/navidrome\n' });
		const { output } = check();
		const all = output.findings.find((finding) => finding.ruleId === 'nd/trust-all');
		assert.ok(all, JSON.stringify(output.findings, null, 1));
		assert.ok(all.file.endsWith('start.sh'));
		assert.equal(output.coverage.navidromes, 1);
		assert.deepEqual(output.findings.filter((finding) => finding.file.endsWith('backup.sh')), []);
	});
});
