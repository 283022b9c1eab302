import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryUserStore } from '../src/core.js';
import type { ExtAuthConfig } from '../src/core.js';
import { configFromEnv } from '../src/config.js';
import { createGateway } from '../src/gateway.js';
import { escapeHtml } from '../src/html.js';

type Target = { host: string; port: number } | { socketPath: string };
type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One real HTTP request; `headers` is a flat name/value list so repeated headers go out as sent. */
function get(target: Target, path: string, headers: string[] = []): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const request = http.request({ ...target, path, method: 'GET', agent: false, headers: ['Host', 'localhost', ...headers] }, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (body += chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
		});
		request.on('error', reject);
		request.end();
	});
}

type Running = { target: Target; store: MemoryUserStore; lines: string[]; close: () => Promise<void> };

async function start(config: ExtAuthConfig, socketPath?: string): Promise<Running> {
	const store = new MemoryUserStore();
	const lines: string[] = [];
	const { server } = createGateway({ config, store, log: line => lines.push(line) });
	await new Promise<void>(resolve => (socketPath === undefined ? server.listen(0, '127.0.0.1', resolve) : server.listen(socketPath, resolve)));
	const target: Target = socketPath === undefined ? { host: '127.0.0.1', port: (server.address() as AddressInfo).port } : { socketPath };
	return {
		target,
		store,
		lines,
		close: () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

describe('node gateway example', () => {
	describe('over TCP on 127.0.0.1', () => {
		let gateway: Running | undefined;
		afterEach(async () => {
			await gateway?.close();
			gateway = undefined;
		});

		it('should honour the header from a trusted peer and make the first user admin', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'alice']);
			assert.equal(reply.status, 200);
			assert.match(reply.body, /Signed in as alice/);
			assert.match(reply.body, /administrator/);
			assert.match(reply.body, /created just now/);
			assert.equal(reply.headers['content-security-policy'], "default-src 'none'");
			const second = await get(gateway.target, '/app/', ['Remote-User', 'bob']);
			assert.match(second.body, /Role: user/);
			const me = JSON.parse((await get(gateway.target, '/api/me', ['remote-user', 'bob'])).body) as { user: Record<string, unknown> };
			assert.deepEqual([me.user.userName, me.user.isAdmin, 'password' in me.user], ['bob', false, false]);
		});

		it('should ignore a forged header from a peer outside the trusted list', async () => {
			gateway = await start({ trustedSources: '10.0.0.0/8', address: '127.0.0.1' });
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'admin', 'X-Forwarded-For', '10.0.0.1', 'X-Real-IP', '10.0.0.1']);
			assert.equal(reply.status, 401);
			assert.match(reply.body, /untrusted-peer/);
			assert.equal(await gateway.store.count(), 0);
			const api = await get(gateway.target, '/api/me', ['Remote-User', 'admin']);
			assert.deepEqual([api.status, JSON.parse(api.body).reason], [401, 'untrusted-peer']);
			assert.ok(gateway.lines.some(line => line.includes('untrusted-peer')));
		});

		it('should ignore the header entirely when TrustedSources is empty', async () => {
			gateway = await start({ trustedSources: '', address: '127.0.0.1' });
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'alice']);
			assert.equal(reply.status, 401);
			assert.match(reply.body, /feature-off/);
		});

		it('should look users up ASCII-case-insensitively and keep the stored spelling', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			await get(gateway.target, '/app/', ['Remote-User', 'Alice']);
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'aLICE']);
			assert.match(reply.body, /Signed in as Alice/);
			assert.doesNotMatch(reply.body, /created just now/);
			const me = JSON.parse((await get(gateway.target, '/api/me', ['Remote-User', 'ALICE'])).body) as { user: { userName: string } };
			assert.equal(me.user.userName, 'Alice');
			await get(gateway.target, '/app/', ['Remote-User', 'Élodie']);
			await get(gateway.target, '/app/', ['Remote-User', 'élodie']);
			assert.equal(await gateway.store.count(), 3);
		});

		it('should not create users from /api, only from /app/ and /share/{id}', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const api = await get(gateway.target, '/api/me', ['Remote-User', 'carol']);
			assert.deepEqual([api.status, JSON.parse(api.body).reason], [401, 'user-not-found']);
			assert.equal(await gateway.store.count(), 0);
			const share = await get(gateway.target, '/share/abc123', ['Remote-User', 'carol']);
			assert.equal(share.status, 200);
			assert.match(share.body, /Share: abc123/);
			assert.equal((await get(gateway.target, '/api/me', ['Remote-User', 'carol'])).status, 200);
		});

		it('should escape the username in HTML', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const reply = await get(gateway.target, '/app/', ['Remote-User', '<script>alert("x")</script>&\'']);
			assert.equal(reply.status, 200);
			assert.doesNotMatch(reply.body, /<script/);
			assert.ok(reply.body.includes(escapeHtml('<script>alert("x")</script>&\'')));
		});

		it('should take only the first of repeated user headers, as Go does', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'alice', 'Remote-User', 'mallory']);
			assert.match(reply.body, /Signed in as alice</);
		});

		it('should read the configured header name and ignore others', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1', userHeader: 'X-Authentik-Username' });
			assert.equal((await get(gateway.target, '/app/', ['Remote-User', 'alice'])).status, 401);
			assert.match((await get(gateway.target, '/app/', ['x-authentik-username', 'alice'])).body, /Signed in as alice/);
		});

		it('should route like Navidrome: redirects, health check, 404 and 405', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const root = await get(gateway.target, '/');
			assert.deepEqual([root.status, root.headers.location], [302, '/app/']);
			assert.equal((await get(gateway.target, '/app')).status, 302);
			assert.equal((await get(gateway.target, '/ping')).body, 'ok\n');
			assert.equal((await get(gateway.target, '/share/a/m3u', ['Remote-User', 'x'])).status, 404);
			assert.equal(await gateway.store.count(), 0);
		});

		it('should make exactly one admin when 100 first logins race over HTTP', async () => {
			gateway = await start({ trustedSources: '127.0.0.1/32', address: '127.0.0.1' });
			const target = gateway.target;
			const replies = await Promise.all(
				Array.from({ length: 100 }, (_, index) => get(target, '/app/', ['Remote-User', index % 2 === 0 ? `user${index >> 1}` : `USER${index >> 1}`])),
			);
			assert.ok(replies.every(reply => reply.status === 200));
			const users = gateway.store.list();
			assert.equal(users.length, 50);
			assert.equal(users.filter(user => user.isAdmin).length, 1);
			assert.equal(replies.filter(reply => reply.body.includes('created just now')).length, 50);
		});
	});

	describe('over a UNIX socket', () => {
		let dir: string | undefined;
		let gateway: Running | undefined;
		beforeEach(() => {
			dir = mkdtempSync(join(tmpdir(), 'nd-gateway-'));
		});
		afterEach(async () => {
			await gateway?.close();
			gateway = undefined;
			if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
		});

		it('should trust @ peers when the address is unix: and the list holds @', async () => {
			const socketPath = join(dir!, 'gw.sock');
			gateway = await start({ trustedSources: '@', address: `unix:${socketPath}` }, socketPath);
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'alice']);
			assert.equal(reply.status, 200);
			assert.match(reply.body, /Signed in as alice/);
		});

		it('should not trust @ peers through IP entries', async () => {
			const socketPath = join(dir!, 'gw.sock');
			gateway = await start({ trustedSources: '127.0.0.1/32,0.0.0.0/0', address: `unix:${socketPath}` }, socketPath);
			const reply = await get(gateway.target, '/app/', ['Remote-User', 'alice']);
			assert.equal(reply.status, 401);
			assert.equal(await gateway.store.count(), 0);
		});
	});

	describe('configFromEnv(env)', () => {
		it('should read Navidrome names, default empty values and spot UNIX addresses', () => {
			const tcp = configFromEnv({ ND_EXTAUTH_TRUSTEDSOURCES: '10.0.0.0/8, 1.2.3.4/32', ND_EXTAUTH_USERHEADER: '', ND_PORT: '8080' });
			assert.deepEqual(tcp.extAuth, { trustedSources: '10.0.0.0/8, 1.2.3.4/32', userHeader: 'Remote-User', address: '127.0.0.1' });
			assert.deepEqual(tcp.listen, { kind: 'tcp', host: '127.0.0.1', port: 8080 });
			assert.deepEqual(configFromEnv({ ND_ADDRESS: 'unix:/run/gw.sock' }).listen, { kind: 'unix', path: '/run/gw.sock' });
			assert.equal(configFromEnv({ ND_PORT: 'http' }).problems.length, 1);
			assert.equal(configFromEnv({ GATEWAY_USERNAME_POLICY: 'lax' }).problems.length, 1);
			assert.equal(configFromEnv({ GATEWAY_USERNAME_POLICY: 'strict' }).policy('a\u0000').ok, false);
		});
	});

	describe('npm start (src/main.ts as a child process)', () => {
		it('should serve header logins on the port it prints and stop on SIGTERM', async function () {
			this.timeout(20_000);
			const cwd = fileURLToPath(new URL('..', import.meta.url));
			const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
				cwd,
				env: { PATH: process.env.PATH, ND_EXTAUTH_TRUSTEDSOURCES: '127.0.0.1/32', ND_ADDRESS: '127.0.0.1', ND_PORT: '0' },
				stdio: ['ignore', 'ignore', 'pipe'],
			});
			const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
			try {
				const port = await new Promise<number>((resolve, reject) => {
					let stderr = '';
					child.stderr.setEncoding('utf8');
					child.stderr.on('data', (chunk: string) => {
						stderr += chunk;
						const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
						if (match) resolve(Number(match[1]));
					});
					child.once('exit', () => reject(new Error(`gateway exited early: ${stderr}`)));
				});
				const reply = await get({ host: '127.0.0.1', port }, '/app/', ['Remote-User', 'dave']);
				assert.equal(reply.status, 200);
				assert.match(reply.body, /Signed in as dave/);
			} finally {
				if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
			}
			assert.equal(await exited, 0);
		});
	});
});
