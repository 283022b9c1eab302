/**
The proxies.md §1 harness for the Caddy truth tests: an echo upstream and a fake forward-auth service on 127.0.0.1,
Caddy run as a child process group on its own port, and forged requests classified by what the upstream received.
*/
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptsConnections } from '../harness/net.js';

/** `caddy version` when a 2.6.x binary is on PATH (the version the truth table was recorded with). */
export function findCaddy(): string | undefined {
	try {
		const version = execFileSync('caddy', ['version'], { encoding: 'utf8', timeout: 10_000 }).trim();
		return /^v?2\.6\./.test(version) ? version : undefined;
	} catch {
		return undefined;
	}
}

export function listen(server: Server): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
	});
}

export function close(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.closeAllConnections?.();
		server.close(() => resolve());
	});
}

/** Replies with the raw request headers, so case and duplicates stay visible (proxies.md §1 `upstream.js`). */
export function echoServer(): Server {
	return createServer((req, res) => {
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ echo: true, url: req.url, rawHeaders: req.rawHeaders }));
	});
}

/**
Models Authelia/Authentik (proxies.md §1 `auth.js`): `Bearer good` gets 200 with identity headers; an original URI under
`/bypass/` or `Bearer anon` gets 200 without them (an anonymous user under a bypass policy); anything else 401.
*/
export function authServer(): Server {
	return createServer((req, res) => {
		const uri = String(req.headers['x-forwarded-uri'] ?? req.headers['x-original-uri'] ?? '');
		const authorization = String(req.headers.authorization ?? '');
		if (uri.startsWith('/bypass/') || authorization === 'Bearer anon') {
			res.end('ok');
			return;
		}
		if (authorization === 'Bearer good') {
			res.setHeader('Remote-User', 'alice');
			res.setHeader('Remote-Groups', 'users');
			res.setHeader('Remote-Email', 'alice@example.com');
			res.setHeader('X-Authentik-Username', 'alice');
			res.setHeader('X-Authentik-Groups', 'users');
			res.setHeader('X-Auth-Request-User', 'alice');
			res.end('ok');
			return;
		}
		res.statusCode = 401;
		res.end('unauthorized');
	});
}

/** A free loopback port (bound and released; each Caddy gets its own). */
export async function freePort(): Promise<number> {
	const server = createServer();
	const port = await listen(server);
	await close(server);
	return port;
}

export type CaddyEnvironment = NodeJS.ProcessEnv;

export function caddyEnvironment(home: string): CaddyEnvironment {
	return { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: `${home}/config`, XDG_DATA_HOME: `${home}/data`, XDG_CACHE_HOME: `${home}/cache` };
}

export function adapt(configPath: string, env: CaddyEnvironment): Promise<{ ok: boolean; output: string }> {
	return new Promise((resolve) => {
		execFile('caddy', ['adapt', '--config', configPath, '--adapter', 'caddyfile'], { env, timeout: 30_000 }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}\n${stderr}` }));
	});
}

export type RunningCaddy = { process: ChildProcess; stop(): Promise<void>; output(): string };

/** `caddy run` in its own process group; resolves once the port accepts connections. */
export async function startCaddy(configPath: string, port: number, env: CaddyEnvironment): Promise<RunningCaddy> {
	const child = spawn('caddy', ['run', '--config', configPath, '--adapter', 'caddyfile'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exited = false;
	const exit = new Promise<void>((resolve) => child.once('exit', () => {
		exited = true;
		resolve();
	}));
	const stop = async (): Promise<void> => {
		if (exited || child.pid === undefined) return;
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			// already gone
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}, 5000);
		await exit;
		clearTimeout(timer);
	};
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`caddy exited before listening:\n${output}`);
		if (await acceptsConnections(port)) return { process: child, stop, output: () => output };
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	await stop();
	throw new Error(`caddy did not listen on ${port} within 15 s:\n${output}`);
}

export type Probe = { status: number; reached: boolean; values: string[] };

/** GET `path` through Caddy with raw header names; `values` are what the upstream received in `header` (Go-canonical match). */
export function probe(port: number, path: string, headers: Array<[string, string]>, header: string): Promise<Probe> {
	return new Promise((resolve) => {
		const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers: [['Host', `127.0.0.1:${port}`], ...headers].flat() }, (res: IncomingMessage) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () => {
				let reached = false;
				const values: string[] = [];
				try {
					const parsed = JSON.parse(body) as { echo?: boolean; rawHeaders?: string[] };
					if (parsed.echo) {
						reached = true;
						const raw = parsed.rawHeaders ?? [];
						for (let index = 0; index + 1 < raw.length; index += 2) if (goCanonical(raw[index]!) === goCanonical(header)) values.push(raw[index + 1]!);
					}
				} catch {
					// not the echo upstream
				}
				resolve({ status: res.statusCode ?? 0, reached, values });
			});
		});
		req.on('error', () => resolve({ status: 0, reached: false, values: [] }));
		req.setTimeout(10_000, () => req.destroy());
		req.end();
	});
}

/** Go's CanonicalMIMEHeaderKey for valid tokens (`remote-user` → `Remote-User`, `Remote_User` stays distinct). */
export function goCanonical(name: string): string {
	let upper = true;
	let result = '';
	for (const char of name) {
		result += upper ? char.toUpperCase() : char.toLowerCase();
		upper = char === '-';
	}
	return result;
}
