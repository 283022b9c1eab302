/**
A proxy config checked alone is judged under stated assumptions (issue 13): the docs' Caddy example, the most copied
config there is, must never get a silent all-clear from the built CLI.
*/
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';

const docsCaddyfile = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/verify?rd=https://auth.example.com/
		copy_headers Remote-User Remote-Groups Remote-Name Remote-Email
	}
	reverse_proxy navidrome:4533
}
`;

const loneNginx = `events {}
http {
	server {
		listen 80;
		location / {
			auth_request /auth;
			auth_request_set $user $upstream_http_remote_user;
			proxy_set_header Remote-User $user;
			proxy_pass http://navidrome:4533;
		}
		location /rest/ {
			proxy_pass http://navidrome:4533;
		}
		location = /auth {
			internal;
			proxy_pass http://authelia:9091/api/verify;
		}
	}
}
`;

type Finding = { ruleId: string; category: string; severity: string; message: string };

describe('a proxy config checked alone', function () {
	this.timeout(60_000);
	let folder: string;
	beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'nd-lone-'))));
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	function check(name: string, text: string): { status: number; findings: Finding[] } {
		writeFileSync(join(folder, name), text);
		const result = runCli(['check', join(folder, name), '--format', 'json']);
		return { status: result.status, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
	}

	for (const [name, text] of [
		['Caddyfile', docsCaddyfile],
		['nginx.conf', loneNginx],
	] as const) {
		it(`should report the unauthenticated /rest/ bypass in a lone ${name} as impersonation, saying what it assumed`, () => {
			const { status, findings } = check(name, text);
			const bypass = findings.find((finding) => finding.category === 'impersonation');
			assert.ok(bypass, JSON.stringify(findings, null, 1));
			assert.equal(bypass.severity, 'error');
			assert.match(bypass.message, /\/rest\//);
			assert.match(bypass.message, /No Navidrome configuration is in view, so this assumes external auth is on/);
			assert.equal(status, 1);
		});
	}

	it('should not judge a lone Caddyfile whose upstream does not look like Navidrome', () => {
		const { status, findings } = check('Caddyfile', docsCaddyfile.replace('navidrome:4533', 'jellyfin:8096'));
		assert.deepEqual(findings.filter((finding) => finding.category === 'impersonation'), []);
		assert.equal(status, 0);
	});
});
