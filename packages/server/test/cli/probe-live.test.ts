/**
`navidrome-extauth probe --live URL` end to end on loopback: a fake Navidrome that answers `/rest/ping` as spec
navidrome-extauth.md §4–§6 says (the header is read only from its trusted peer, 127.0.0.2; an unknown user is error
40, no credentials error 10) behind a safe and an unsafe real nginx (`proxy_bind 127.0.0.2`), plus the verdict rules.
*/
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArguments } from '../../src/cli/args.js';
import { runProbe, type ProbeArguments } from '../../src/cli/probe/index.js';
import { classify, judgeLive, type LiveReport } from '../../src/cli/probe/live.js';
import { acceptsConnections } from '../harness/net.js';

const trustedPeer = '127.0.0.2';

/** A Navidrome stand-in for `/rest/ping` (spec §4: trusted peer, first header value; §5: unknown user → 40; no u → 10). */
function fakeNavidrome(users: readonly string[], paths: string[]): Server {
	return createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://navidrome');
		paths.push(url.pathname);
		response.setHeader('content-type', 'application/json');
		const answer = (body: Record<string, unknown>): void => void response.end(JSON.stringify({ 'subsonic-response': { version: '1.16.1', type: 'navidrome', ...body } }));
		if (url.pathname !== '/rest/ping') {
			response.statusCode = 404;
			response.end();
			return;
		}
		const raw = request.headers['remote-user'];
		const header = request.socket.remoteAddress === trustedPeer ? (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '' : '';
		if (header) {
			if (users.some((user) => user.toLowerCase() === header.toLowerCase())) answer({ status: 'ok' });
			else answer({ status: 'failed', error: { code: 40, message: 'Wrong username or password' } });
			return;
		}
		if (!url.searchParams.get('u')) answer({ status: 'failed', error: { code: 10, message: 'Required parameter is missing: u' } });
		else answer({ status: 'failed', error: { code: 40, message: 'Wrong username or password' } });
	});
}

function listen(server: Server): Promise<number> {
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
	const server = createServer();
	const port = await listen(server);
	await new Promise((resolve) => server.close(resolve));
	return port;
}

type Nginx = { port: number; stop(): Promise<void> };

/** nginx in the foreground with `location /rest/ { … }` of its own, in a temporary prefix; stopped by PID. */
async function startNginx(rest: string, navidrome: number): Promise<Nginx> {
	const prefix = mkdtempSync(join(tmpdir(), 'probe-live-nginx-'));
	const port = await freePort();
	const config = `events {}
http {
	access_log off;
	server {
		listen 127.0.0.1:${port};
		location /rest/ {
			proxy_bind ${trustedPeer};
			${rest}
			proxy_pass http://127.0.0.1:${navidrome};
		}
	}
}
`;
	writeFileSync(join(prefix, 'nginx.conf'), config);
	const child: ChildProcess = spawn('nginx', ['-e', join(prefix, 'error.log'), '-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-g', `daemon off; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`], { stdio: 'ignore' });
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async (): Promise<void> => {
		if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
		await exited;
		rmSync(prefix, { recursive: true, force: true });
	};
	const deadline = Date.now() + 10_000;
	while (!(await acceptsConnections(port))) {
		if (Date.now() > deadline || child.exitCode !== null) {
			await stop();
			throw new Error('nginx did not start');
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return { port, stop };
}

async function live(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
	const parsed = parseArguments(['probe', ...argv]);
	assert.equal(parsed.command, 'probe', JSON.stringify(parsed));
	let stdout = '';
	let stderr = '';
	const status = await runProbe(parsed as ProbeArguments, { env: process.env, out: (text) => (stdout += text), err: (text) => (stderr += text), relative: (path) => path });
	return { status, stdout, stderr };
}

describe('navidrome-extauth probe --live URL', function () {
	this.timeout(30_000);
	const paths: string[] = [];
	let navidrome: Server;
	let navidromePort: number;

	before(async () => {
		navidrome = fakeNavidrome(['alice'], paths);
		navidromePort = await listen(navidrome);
	});
	after(async () => {
		navidrome.closeAllConnections();
		await new Promise((resolve) => navidrome.close(resolve));
	});

	describe('behind the real nginx', function () {
		let safe: Nginx | undefined;
		let unsafe: Nginx | undefined;
		let demanding: Nginx | undefined;
		before(async function () {
			if (spawnSync('nginx', ['-v']).error) {
				if (process.env.CI === 'true') throw new Error('nginx is required in CI');
				console.log('    (skipped: nginx is not installed)');
				this.skip();
			}
			safe = await startNginx('proxy_set_header Remote-User "";', navidromePort);
			unsafe = await startNginx('', navidromePort);
			demanding = await startNginx('return 401;', navidromePort);
		});
		after(async () => {
			await safe?.stop();
			await unsafe?.stop();
			await demanding?.stop();
		});

		it('reports impersonation behind the unsafe config (error 40 for the forged user), and prints what it sent', async () => {
			paths.length = 0;
			const { status, stdout } = await live(['--live', `http://127.0.0.1:${unsafe!.port}`]);
			assert.equal(status, 1);
			assert.match(stdout, new RegExp(`GET http://127\\.0\\.0\\.1:${unsafe!.port}/rest/ping\\?v=1\\.16\\.1&c=navidrome-extauth&f=json`));
			assert.match(stdout, /Remote-User: navidrome-extauth-probe-[0-9a-f]{12}/);
			assert.match(stdout, /Subsonic error 10/);
			assert.match(stdout, /Subsonic error 40/);
			assert.match(stdout, /^IMPERSONATION: /m);
			assert.deepEqual([...new Set(paths)], ['/rest/ping'], 'only /rest/ping is ever requested');
		});

		it('confirms with --as an existing user (status ok)', async () => {
			const { status, stdout } = await live(['--live', `http://127.0.0.1:${unsafe!.port}/`, '--as', 'alice', '--format', 'json']);
			assert.equal(status, 1);
			const report = JSON.parse(stdout) as LiveReport;
			assert.equal(report.verdict, 'impersonation');
			assert.equal(report.exchanges.length, 3);
			assert.deepEqual(report.exchanges[2]!.answer, { kind: 'subsonic', status: 200, ok: true });
			assert.match(report.explanation, /Confirmed: .*status ok, signed in as alice/);
		});

		it('reports the header not honoured behind the safe config (error 10)', async () => {
			const { status, stdout } = await live(['--live', `http://127.0.0.1:${safe!.port}`, '--as', 'alice', '--format', 'json']);
			assert.equal(status, 0);
			const report = JSON.parse(stdout) as LiveReport;
			assert.equal(report.verdict, 'not-honoured');
			assert.deepEqual(report.exchanges.map((exchange) => exchange.answer.kind === 'subsonic' && exchange.answer.code), [10, 10, 10]);
		});

		it('reports that the proxy demands auth on a 401', async () => {
			const { status, stdout } = await live(['--live', `http://127.0.0.1:${demanding!.port}`, '--format', 'json']);
			assert.equal(status, 0);
			assert.equal((JSON.parse(stdout) as LiveReport).verdict, 'auth-required');
		});
	});

	it('straight to Navidrome from an untrusted peer: not honoured', async () => {
		const { status, stdout } = await live(['--live', `http://127.0.0.1:${navidromePort}`, '--header', 'Remote-User', '--format', 'json']);
		assert.equal(status, 0);
		assert.equal((JSON.parse(stdout) as LiveReport).verdict, 'not-honoured');
	});

	it('times out quickly on a server that never answers (inconclusive, exit 2)', async () => {
		const silent = createServer(() => undefined);
		const port = await listen(silent);
		try {
			const started = Date.now();
			const { status, stdout } = await live(['--live', `http://127.0.0.1:${port}`, '--timeout', '0.3', '--format', 'json']);
			assert.equal(status, 2);
			assert.equal((JSON.parse(stdout) as LiveReport).verdict, 'inconclusive');
			assert.ok(Date.now() - started < 5000);
		} finally {
			silent.closeAllConnections();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('refuses URLs that are not http(s), carry credentials or a query', () => {
		for (const url of ['ftp://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)', '127.0.0.1:4533', 'http://user:pw@127.0.0.1/', 'http://127.0.0.1/?u=x']) {
			const parsed = parseArguments(['probe', '--live', url]);
			assert.equal(parsed.command, 'error', url);
		}
		assert.equal(parseArguments(['probe', '--live', 'http://127.0.0.1', 'Caddyfile']).command, 'error', 'no paths with --live');
	});

	it('classifies answers: redirects and 401 demand auth, Subsonic errors by code', () => {
		assert.deepEqual(classify(302, '/login', ''), { kind: 'redirect', status: 302, location: '/login' });
		assert.deepEqual(classify(401, '', ''), { kind: 'auth-required', status: 401 });
		assert.equal(classify(200, '', '<html>').kind, 'other');
		const exchange = (code: number | 'ok') => ({ label: '', sent: { method: 'GET' as const, url: 'http://x/rest/ping?', headers: {} }, answer: classify(200, '', JSON.stringify({ 'subsonic-response': code === 'ok' ? { status: 'ok' } : { status: 'failed', error: { code } } })) });
		assert.equal(judgeLive([exchange(10), exchange(40)], 'Remote-User', undefined).verdict, 'impersonation');
		assert.equal(judgeLive([exchange(10), exchange(10)], 'Remote-User', undefined).verdict, 'not-honoured');
		assert.equal(judgeLive([exchange(40), exchange(40)], 'Remote-User', undefined).verdict, 'impersonation', 'a fixed user on every request');
		assert.equal(judgeLive([exchange(10), exchange(70)], 'Remote-User', undefined).verdict, 'inconclusive');
	});
});
