/**
The probe's sandbox: a private temporary folder holding a copy of the user's configuration (each file at
`<temp>/root<its absolute path>`, so relative includes keep working), free loopback ports, and the proxy as a child
process stopped by its PID. The user's files are only read (through the read boundary), never written.
*/
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromEnginePath } from '../node-workspace.js';

export type Sandbox = {
	/** The temporary folder (native path). */
	dir: string;
	/** Where the copy of an engine path lives (native path). */
	mirror(enginePath: string): string;
	/** The copy's path in `/`-separated engine form, for rewriting paths inside configuration text. */
	mirrorText(enginePath: string): string;
	/** Write the copy of `enginePath`. */
	write(enginePath: string, text: string): void;
	/** Write a file of the probe's own directly in the sandbox; returns its native path. */
	file(name: string, text: string): string;
	remove(): void;
};

export function createSandbox(): Sandbox {
	const dir = mkdtempSync(join(tmpdir(), 'navidrome-extauth-probe-'));
	const mirror = (enginePath: string): string => join(dir, 'root', fromEnginePath(enginePath));
	return {
		dir,
		mirror,
		mirrorText: (enginePath) => `${dir.split('\\').join('/')}/root${enginePath}`,
		write(enginePath, text) {
			const target = mirror(enginePath);
			mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
			writeFileSync(target, text, { mode: 0o600 });
		},
		file(name, text) {
			const target = join(dir, name);
			writeFileSync(target, text, { mode: 0o600 });
			return target;
		},
		remove() {
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A free port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

function acceptsConnections(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Whether `command` can be run (found on PATH); its version line when it can. */
export function findBinary(command: string, versionArgs: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
	const result = spawnSync(command, versionArgs, { encoding: 'utf8', env, timeout: 10_000 });
	if (result.error) return undefined;
	const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '';
	return text || command;
}

/** Runs `command args` to completion (a check such as `nginx -t` or `caddy adapt`). */
export function runOnce(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): { ok: boolean; stdout: string; stderr: string } {
	const result = spawnSync(command, args, { encoding: 'utf8', env: options.env, cwd: options.cwd, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
	return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error.message) : ''}` };
}

export type Running = { child: ChildProcess; stop(): Promise<void>; output(): string };

/** Start `command` and wait until every port accepts connections; stopped by its PID (SIGTERM, then SIGKILL). */
export async function startProxy(command: string, args: readonly string[], ports: readonly number[], options: { env: NodeJS.ProcessEnv; cwd?: string; log?: () => string }): Promise<Running> {
	const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output = `${output}${chunk.toString()}`.slice(-64 * 1024)));
	child.stderr!.on('data', (chunk: Buffer) => (output = `${output}${chunk.toString()}`.slice(-64 * 1024)));
	let exited = child.exitCode !== null;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => {
			exited = true;
			resolve();
		}),
	);
	child.once('error', () => (exited = true));
	const text = (): string => `${output}${options.log?.() ?? ''}`;
	const stop = async (): Promise<void> => {
		if (exited || child.pid === undefined) return;
		try {
			process.kill(child.pid, 'SIGTERM');
		} catch {
			return;
		}
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([exit, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
		clearTimeout(timer);
		if (!exited) {
			try {
				process.kill(child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
			await exit;
		}
	};
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`${command} exited before listening:\n${text()}`);
		const ready = await Promise.all(ports.map(acceptsConnections));
		if (ready.every(Boolean)) return { child, stop, output: text };
		await new Promise((resolve) => setTimeout(resolve, 30));
	}
	await stop();
	throw new Error(`${command} did not listen on 127.0.0.1:${ports.join(', ')} within 15 s:\n${text()}`);
}
