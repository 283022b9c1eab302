/**
`navidrome-extauth probe [paths...]`: the user's configuration measured with the real Caddy and nginx in a loopback
sandbox, beside the static analysis. Tests needing a proxy skip with a notice only when it is missing and CI is not
`true`.
*/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArguments } from '../../src/cli/args.js';
import { runProbe, type ProbeArguments } from '../../src/cli/probe/index.js';
import type { ProbeReport } from '../../src/cli/probe/types.js';
import { repoRoot, serverRoot } from '../harness/cli.js';

const caddyExample = join(repoRoot, 'examples', 'caddy-unsafe', 'Caddyfile');

/** The nginx counterpart of the docs' Caddy example: auth_request on `/`, and /rest/ and /share/ skip it without a strip. */
const nginxExample = `events {}
http {
	server {
		listen 443 ssl;
		server_name music.example.com;
		ssl_certificate /etc/ssl/music.pem;
		ssl_certificate_key /etc/ssl/music.key;

		location = /internal/authz {
			internal;
			proxy_pass http://authelia:9091/api/authz/auth-request;
			proxy_pass_request_body off;
			proxy_set_header Content-Length "";
			proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
		}

		location / {
			auth_request /internal/authz;
			auth_request_set $user $upstream_http_remote_user;
			proxy_set_header Remote-User $user;
			proxy_pass http://navidrome:4533;
		}

		location /rest/ {
			proxy_pass http://navidrome:4533;
		}

		location /share/ {
			proxy_pass http://navidrome:4533;
		}
	}
}
`;

function probeArgs(argv: string[]): ProbeArguments {
	const parsed = parseArguments(['probe', ...argv]);
	assert.equal(parsed.command, 'probe', JSON.stringify(parsed));
	return parsed as ProbeArguments;
}

async function probe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const status = await runProbe(probeArgs(argv), { env, out: (text) => (stdout += text), err: (text) => (stderr += text), relative: (path) => relative(process.cwd(), path) || '.', isRoot: process.getuid?.() === 0 });
	return { status, stdout, stderr };
}

function installed(command: string, args: string[]): boolean {
	return !spawnSync(command, args, { encoding: 'utf8' }).error;
}

function needs(context: Mocha.Context, command: string, args: string[]): void {
	if (installed(command, args)) return;
	if (process.env.CI === 'true') throw new Error(`${command} is required in CI`);
	console.log(`    (skipped: ${command} is not installed)`);
	context.skip();
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const sandboxes = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('navidrome-extauth-probe-'));

function result(report: ProbeReport, path: string): ProbeReport['results'][number] {
	const found = report.results.find((entry) => entry.path === path);
	assert.ok(found, `${path} was probed (${report.results.map((entry) => entry.path).join(', ')})`);
	return found;
}

describe('navidrome-extauth probe [paths...]', function () {
	this.timeout(60_000);

	it("measures the docs' Caddy example with the real Caddy: /rest/… and /share/… spoofable, /app/ not", async function () {
		needs(this, 'caddy', ['version']);
		const before = sha(caddyExample);
		const { status, stdout, stderr } = await probe([caddyExample, '--format', 'json']);
		assert.equal(status, 1, stderr);
		const report = JSON.parse(stdout) as ProbeReport;
		assert.equal(report.proxy, 'caddy');
		for (const path of ['/rest/ping', '/rest/ping.view', '/share/abc']) {
			assert.equal(result(report, path).spoofable, true, path);
			assert.equal(result(report, path).delivered, null, `${path} runs no auth step`);
		}
		const app = result(report, '/app/');
		assert.equal(app.spoofable, false);
		assert.equal(app.delivered, true, 'the signed-in user arrives through forward_auth');
		assert.equal(app.static.spoofable, false);
		assert.deepEqual(result(report, '/rest/ping').static.forgeries.map((forgery) => forgery.cause), ['bypass-nostrip']);
		assert.ok(result(report, '/rest/ping').static.findings.some((finding) => finding.startsWith('route/bypass-nostrip (error)')));
		assert.deepEqual(report.results.filter((entry) => !entry.agrees).map((entry) => entry.path), [], 'the engine agrees with Caddy on every path');
		assert.equal(sha(caddyExample), before, 'the user file is unchanged');
	});

	it('prints a per-path table with the static verdict beside the measurement', async function () {
		needs(this, 'caddy', ['version']);
		const { stdout } = await probe([caddyExample, '--path', '/rest/ping', '--path', '/app/']);
		assert.match(stdout, /forged user reached Navidrome\s+signed-in user delivered\s+static analysis/);
		assert.match(stdout, /music\.example\.com\s+\/rest\/ping\s+YES\s+- \(no auth asked\)\s+spoofable \(bypass-nostrip\)\s+agrees/);
		assert.match(stdout, /music\.example\.com\s+\/app\/\s+no(?: \(a literal placeholder did\))?\s+yes\s+/);
		assert.match(stdout, /1 of 2 paths let a forged user reach Navidrome/);
	});

	it('measures an nginx example with the real nginx, TLS and upstreams rewritten to loopback', async function () {
		needs(this, 'nginx', ['-v']);
		const dir = mkdtempSync(join(tmpdir(), 'probe-test-nginx-'));
		try {
			const file = join(dir, 'nginx.conf');
			writeFileSync(file, nginxExample);
			const left = sandboxes().length;
			const { status, stdout, stderr } = await probe([file, '--format', 'json']);
			assert.equal(status, 1, stderr);
			const report = JSON.parse(stdout) as ProbeReport;
			assert.equal(report.proxy, 'nginx');
			assert.match(report.version, /nginx/);
			for (const path of ['/rest/ping.view', '/share/abc']) assert.equal(result(report, path).spoofable, true, path);
			assert.equal(result(report, '/app/').spoofable, false);
			assert.equal(result(report, '/app/').delivered, true);
			assert.deepEqual(report.results.filter((entry) => !entry.agrees).map((entry) => entry.path), []);
			assert.equal(readFileSync(file, 'utf8'), nginxExample, 'the user file is unchanged');
			assert.equal(sandboxes().length, left, 'the sandbox is removed');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('follows includes through the read boundary (examples/nginx-safe: conf.d and snippets), all safe', async function () {
		needs(this, 'nginx', ['-v']);
		const { status, stdout, stderr } = await probe([join(repoRoot, 'examples', 'nginx-safe'), '--format', 'json']);
		assert.equal(status, 0, stderr);
		const report = JSON.parse(stdout) as ProbeReport;
		assert.ok(report.results.length >= 5);
		assert.deepEqual(report.results.filter((entry) => entry.spoofable).map((entry) => entry.path), []);
		assert.equal(result(report, '/app/').delivered, true);
		assert.ok(report.results.every((entry) => entry.agrees));
	});

	it('exits 2 with how to install the proxy when it is not on PATH', async () => {
		for (const [file, proxy, hint] of [
			[caddyExample, 'caddy', /caddyserver\.com\/docs\/install/],
			[join(repoRoot, 'examples', 'nginx-unsafe', 'nginx', 'nginx.conf'), 'nginx', /nginx\.org/],
		] as const) {
			const { status, stdout, stderr } = await probe([file], { PATH: '' });
			assert.equal(status, 2, proxy);
			assert.equal(stdout, '');
			assert.match(stderr, new RegExp(`${proxy} was not found`));
			assert.match(stderr, hint);
		}
	});

	it('is wired into the CLI (exit 2 without the binary, PATH emptied)', () => {
		const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', join(serverRoot, 'src', 'cli.ts'), 'probe', caddyExample], { cwd: serverRoot, encoding: 'utf8', env: { PATH: '' }, timeout: 60_000 });
		assert.equal(run.status, 2, run.stderr);
		assert.match(run.stderr, /caddy was not found/);
		const help = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', join(serverRoot, 'src', 'cli.ts'), 'probe', '--help'], { cwd: serverRoot, encoding: 'utf8', timeout: 60_000 });
		assert.equal(help.status, 0);
		assert.match(help.stdout, /^Usage: navidrome-extauth probe/);
	});

	it('refuses a folder with no Caddyfile or nginx configuration', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'probe-test-empty-'));
		try {
			writeFileSync(join(dir, 'navidrome.toml'), 'MusicFolder = "/music"\n');
			const { status, stderr } = await probe([dir]);
			assert.equal(status, 2);
			assert.match(stderr, /no Caddyfile or nginx configuration found/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('parses its flags and refuses check-only ones', () => {
		const parsed = probeArgs(['a/Caddyfile', '--path', '/rest/ping', '--header', 'X-User', '--format', 'json']);
		assert.deepEqual([parsed.paths, parsed.requestPaths, parsed.header, parsed.format], [['a/Caddyfile'], ['/rest/ping'], 'X-User', 'json']);
		assert.equal(parseArguments(['probe', '--fix']).command, 'error');
		assert.equal(parseArguments(['probe', '--path', 'rest']).command, 'error');
		assert.equal(parseArguments(['probe', '--as', 'alice']).command, 'error', '--as needs --live');
	});
});
