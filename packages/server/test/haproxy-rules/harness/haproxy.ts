/**
Runs a rule fixture's `haproxy.cfg` on the real HAProxy: the file is copied to a temporary folder and rewritten for
loopback. The first `bind` of the frontend listens on one free loopback port (other binds go), every `server` points
at the loopback service of nginx-rules/harness/upstreams.ts its name stands for, `lua-load` loads the harness's own
auth-request script, and global lines that need root or the network (`user`, `chroot`, `log`, `stats socket`…) go.
HAProxy runs in the foreground (`-db`) and is stopped by its PID.
*/
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHaproxy } from '../../../src/analysis/formats/haproxy/index.js';
import { startProxy } from '../../../src/cli/probe/sandbox.js';
import { portFor } from '../../nginx-rules/harness/nginx.js';
import type { Upstreams } from '../../nginx-rules/harness/upstreams.js';

export { freePort } from '../../nginx-rules/harness/nginx.js';

export const authRequestLua = join(dirname(fileURLToPath(import.meta.url)), 'auth-request.lua');

export function findHaproxy(): string | undefined {
	for (const candidate of ['haproxy', '/usr/sbin/haproxy']) {
		const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
		if (!probe.error && probe.status === 0) return candidate;
	}
	return undefined;
}

/** Whether this HAProxy was built with Lua (`haproxy -vv` lists `+LUA`). */
export function hasLua(haproxy: string): boolean {
	const probe = spawnSync(haproxy, ['-vv'], { encoding: 'utf8' });
	return /\+LUA\b/.test(probe.stdout ?? '');
}

/** Global keywords dropped: they need root, a log socket or a stats socket. */
const droppedGlobal = new Set(['user', 'group', 'uid', 'gid', 'chroot', 'daemon', 'log', 'stats', 'pidfile', 'master-worker', 'nbproc', 'nbthread', 'cpu-map', 'ca-base', 'crt-base', 'lua-prepend-path']);
/** Keywords dropped everywhere. */
const droppedAnywhere = new Set(['log', 'errorfile', 'stats']);

export type PreparedConfig = { dir: string; cfg: string; text: string };

/** The fixture's HAProxy file: `haproxy.cfg`, or `haproxy/haproxy.cfg` in a deployment folder. */
export function haproxyFile(folder: string): string {
	const direct = join(folder, 'haproxy.cfg');
	return existsSync(direct) ? direct : join(folder, 'haproxy', 'haproxy.cfg');
}

export function prepareConfig(folder: string, port: number, upstreams: Upstreams): PreparedConfig {
	const source = readFileSync(haproxyFile(folder), 'utf8');
	const { config } = parseHaproxy(source);
	const edits: Array<{ start: number; end: number; text: string }> = [];
	const lineRange = (span: { start: number; end: number }): { start: number; end: number } => {
		const start = source.lastIndexOf('\n', span.start - 1) + 1;
		const newline = source.indexOf('\n', span.end);
		return { start, end: newline < 0 ? source.length : newline + 1 };
	};
	let listening = 0;
	for (const section of config.sections) {
		let bound = false;
		for (const line of section.lines) {
			const range = lineRange(line.span);
			if ((section.kind === 'global' && droppedGlobal.has(line.keyword)) || droppedAnywhere.has(line.keyword)) edits.push({ ...range, text: '' });
			else if (line.keyword === 'lua-load') edits.push({ ...range, text: `    lua-load ${authRequestLua}\n` });
			else if (line.keyword === 'bind') {
				edits.push({ ...range, text: bound ? '' : `    bind 127.0.0.1:${port}\n` });
				if (!bound) listening++;
				bound = true;
			} else if (line.keyword === 'server') {
				const match = /^(?:[a-z0-9]+@)?(\[[^\]]*\]|[A-Za-z0-9._-]+)(?::(\d+))?$/.exec(line.words[2]?.value ?? '');
				const target = match ? portFor(match[1]!, match[2] ? Number(match[2]) : undefined, upstreams) : upstreams.other;
				edits.push({ ...range, text: `    server ${line.words[1]?.value ?? 's'} 127.0.0.1:${target}\n` });
			}
		}
	}
	if (listening !== 1) throw new Error(`${folder}: the truth test needs exactly one listening frontend, found ${listening}`);
	let text = source;
	for (const edit of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
	const dir = mkdtempSync(join(tmpdir(), 'haproxy-truth-'));
	const cfg = join(dir, 'haproxy.cfg');
	writeFileSync(cfg, text);
	return { dir, cfg, text };
}

/** `haproxy -c` on the prepared file. */
export function testConfig(haproxy: string, config: PreparedConfig): Promise<{ status: number | string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(haproxy, ['-c', '-q', '-f', config.cfg], { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
			const status = error ? (typeof error.code === 'number' ? error.code : (error.signal ?? String(error.code))) : 0;
			resolve({ status, stderr: `${stdout}${stderr}` });
		});
	});
}

export type RunningHaproxy = { child: ChildProcess; stop(): Promise<void>; log(): string };

/** Starts HAProxy in the foreground and waits until it accepts connections on `port`. */
export async function startHaproxy(haproxy: string, config: PreparedConfig, port: number): Promise<RunningHaproxy> {
	const server = await startProxy(haproxy, ['-db', '-f', config.cfg], [port], { env: process.env });
	return { child: server.child, stop: server.stop, log: server.output };
}

export function removeConfig(config: PreparedConfig): void {
	rmSync(config.dir, { recursive: true, force: true });
}
