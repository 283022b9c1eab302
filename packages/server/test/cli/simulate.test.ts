import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, runCli } from '../harness/cli.js';

// The Caddy deployment of test/features/simulate.test.ts: /share/* and /rest/* skip forward_auth, nothing strips Remote-User.
const compose = `services:
  caddy:
    image: caddy:2.11.4
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  authelia:
    image: authelia/authelia:4.39
    networks: [proxy]
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
      ND_PASSWORDENCRYPTIONKEY: \${ND_KEY}
    networks: [proxy]
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;
const caddyfile = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/authz/forward-auth
		copy_headers Remote-User
	}
	reverse_proxy navidrome:4533
}
`;
const canary = 'canary-key-never-printed-4f1e';

describe('navidrome-extauth simulate', function () {
	this.timeout(120_000);
	let folder: string;
	let shown: string;

	before(() => {
		folder = mkdtempSync(join(tmpdir(), 'nd-simulate-'));
		writeFileSync(join(folder, 'compose.yaml'), compose);
		writeFileSync(join(folder, 'Caddyfile'), caddyfile);
		writeFileSync(join(folder, '.env'), `ND_KEY=${canary}\n`);
		shown = relative(repoRoot, folder);
	});

	after(() => rmSync(folder, { recursive: true, force: true }));

	it('should print the trace per route and exit 0 when a forged header logs in', () => {
		const { status, stdout, stderr } = runCli(['simulate', folder, '--path', '/rest/ping', '--header', 'Remote-User: admin']);
		assert.equal(status, 0, stderr);
		assert.match(stdout, /^GET \/rest\/ping\n {2}headers: Remote-User: admin\n {2}credentials: none\n/);
		assert.ok(stdout.includes(`caddy:Caddyfile:7  ${shown}/Caddyfile:7\n`), stdout);
		assert.match(stdout, /auth: skipped: forward_auth @protected authelia:9091 does not match/);
		assert.match(stdout, /Remote-User: "admin" → "admin" {2}passed/);
		assert.match(stdout, /peer: 172\.30\.0\.10: caddy's ipv4_address on network proxy/);
		assert.match(stdout, /Navidrome \(navidrome\): AUTHENTICATED as admin \[authenticated\]/);
	});

	it('should overwrite the forged header with the --as user, in JSON', () => {
		const { status, stdout } = runCli(['simulate', folder, '--path', '/app/', '--header', 'Remote-User: admin', '--as', 'alice', '--format', 'json']);
		assert.equal(status, 0);
		const [request] = JSON.parse(stdout).requests;
		assert.equal(request.request.credentials, 'signed-in as alice');
		const [route] = request.routes;
		assert.equal(route.location.file, `${shown}/Caddyfile`);
		assert.deepEqual(route.headers[0], { name: 'Remote-User', sent: 'admin', arrives: 'alice', fate: 'overwritten', detail: route.headers[0].detail });
		assert.equal(route.navidrome.outcome, 'authenticated');
		assert.equal(route.navidrome.user, 'alice');
		assert.equal(typeof route.navidrome.decision.matchedEntry.cidr.addressCount, 'string');
	});

	it('should run the common probes (/share/x honours the header too: navidrome-extauth.md §5) and never print secrets', () => {
		const { status, stdout } = runCli(['simulate', folder, '--format', 'json']);
		assert.equal(status, 0);
		const requests = JSON.parse(stdout).requests;
		assert.deepEqual(requests.map((entry: { request: { path: string } }) => entry.request.path), ['/rest/ping', '/share/x', '/app/']);
		assert.deepEqual(requests[0].request.headers, { 'Remote-User': 'admin' });
		assert.deepEqual(requests.map((entry: { routes: Array<{ navidrome: { outcome: string } }> }) => entry.routes[0]?.navidrome.outcome), ['authenticated', 'authenticated', 'rejected']);
		// A value equal to a deployment secret is masked wherever it shows, even in the headers given.
		for (const format of ['text', 'json']) {
			const output = runCli(['simulate', folder, '--path', '/rest/ping', '--format', format, '--header', `X-Probe: ${canary}`]).stdout;
			assert.doesNotMatch(output, new RegExp(canary));
			assert.match(output, /hidden/);
		}
	});

	it('should keep to --from and say when nothing matches it', () => {
		const { status, stdout } = runCli(['simulate', folder, '--path', '/rest/ping', '--from', 'direct']);
		assert.equal(status, 0);
		assert.match(stdout, /No route takes this request to Navidrome\./);
		assert.match(stdout, /note: No route matching 'direct' covers this request \(routes: caddy:Caddyfile:7\)\./);
	});

	it('should exit 2 on usage errors and print its own help', () => {
		for (const args of [['--header', 'no colon'], ['--format', 'sarif'], ['--path', 'rest/ping'], ['--as'], ['--fix'], ['--bogus']]) {
			const { status, stderr } = runCli(['simulate', folder, ...args]);
			assert.equal(status, 2, args.join(' '));
			assert.match(stderr, /^navidrome-extauth: /);
		}
		const help = runCli(['simulate', '--help']);
		assert.equal(help.status, 0);
		assert.match(help.stdout, /^Usage: navidrome-extauth simulate /);
	});
});
