/**
Runs a rule fixture's nginx configuration on the real nginx: the fixture folder (or its `nginx/` folder) is copied to a temporary prefix, its
upstream addresses are pointed at the loopback services of `upstreams.ts`, every server listens on one free loopback
port, and nginx runs in the foreground (`-p <prefix> -c <prefix>/nginx.conf -g 'daemon off; pid …; error_log …;'`).
A folder without an `nginx.conf` (only `conf.d/`, `sites-enabled/`) is included from a generated one, as the official
image's own nginx.conf does. Processes are started and stopped by PID.
*/
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseNginx, walkDirectives, type Directive } from '../../../src/analysis/formats/nginx/index.js';
import { parseCompose } from '../../../src/analysis/formats/compose/parse.js';
import type { AuthFlavour, Upstreams } from './upstreams.js';
import { startProxy } from '../../../src/cli/probe/sandbox.js';
import { logOf } from '../../harness/net.js';

export const headersMoreModule = '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';

export function findNginx(): string | undefined {
	for (const candidate of ['nginx', '/usr/sbin/nginx']) {
		const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
		if (!probe.error) return candidate;
	}
	return undefined;
}

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

type Edit = { start: number; end: number; text: string };

function applyEdits(text: string, edits: Edit[]): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
	return result;
}

/** Which loopback service stands in for a host named in the fixture. */
export function portFor(host: string, port: number | undefined, upstreams: Upstreams): number {
	const name = host.toLowerCase();
	const flavour: AuthFlavour | undefined = name.includes('authentik')
		? 'authentik'
		: name.includes('authelia')
			? 'authelia'
			: name.includes('oauth2')
				? 'oauth2-proxy'
				: name.includes('auth')
					? 'generic'
					: undefined;
	if (name.includes('navidrome') || ((name === 'localhost' || name.startsWith('127.')) && port === 4533)) return upstreams.navidrome;
	return flavour ? upstreams.auth[flavour] : upstreams.other;
}

function rewriteUrls(value: string, upstreamNames: Set<string>, upstreams: Upstreams): string {
	return value.replace(/https?:\/\/(\[[^\]]*\]|[A-Za-z0-9._-]+)(?::(\d+))?/g, (whole, host: string, port: string | undefined) => {
		if (!port && upstreamNames.has(host.toLowerCase())) return `http://${host}`;
		return `http://127.0.0.1:${portFor(host, port ? Number(port) : undefined, upstreams)}`;
	});
}

function quoted(raw: string, value: string): string {
	return raw.startsWith('"') || raw.startsWith("'") ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

/** The nginx files of a prefix: `*.conf` anywhere, and everything under `sites-*`. */
function configFiles(dir: string, root = dir): string[] {
	const files: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) files.push(...configFiles(path, root));
		else if (name.endsWith('.conf') || /(^|\/)sites-[^/]+\//.test(relative(root, path))) files.push(path);
	}
	return files;
}

/** Rewrites one file's listen and upstream addresses; returns the new text. */
function rewriteFile(text: string, port: number, upstreamNames: Set<string>, upstreams: Upstreams): string {
	const { ast } = parseNginx(text);
	const edits: Edit[] = [];
	for (const { directive, ancestors } of walkDirectives(ast.directives)) {
		const parent = ancestors[ancestors.length - 1];
		if (directive.name === 'server' && directive.block && parent?.name !== 'upstream' && directive.blockSpan) {
			const listens = directive.block.filter((child) => child.name === 'listen');
			listens.forEach((listen, index) => edits.push({ start: listen.span.start, end: listen.span.end, text: index === 0 ? `listen 127.0.0.1:${port};` : '' }));
			if (listens.length === 0) edits.push({ start: directive.blockSpan.start + 1, end: directive.blockSpan.start + 1, text: ` listen 127.0.0.1:${port};` });
		}
		const arg = (index: number) => directive.args[index];
		const rewriteArg = (index: number) => {
			const a = arg(index);
			if (!a) return;
			const value = rewriteUrls(a.value, upstreamNames, upstreams);
			if (value !== a.value) edits.push({ start: a.span.start, end: a.span.end, text: quoted(a.raw, value) });
		};
		// The official image's absolute paths point into the prefix, where the folder was copied.
		if (directive.name === 'include' && arg(0)?.value.startsWith('/etc/nginx/')) {
			const a = arg(0)!;
			edits.push({ start: a.span.start, end: a.span.end, text: quoted(a.raw, a.value.slice('/etc/nginx/'.length)) });
		}
		if (directive.name === 'proxy_pass') rewriteArg(0);
		if (directive.name === 'set') rewriteArg(1);
		if (directive.name === 'server' && parent?.name === 'upstream') {
			const a = arg(0);
			const match = a ? /^(\[[^\]]*\]|[A-Za-z0-9._-]+)(?::(\d+))?$/.exec(a.value) : null;
			if (a && match) edits.push({ start: a.span.start, end: a.span.end, text: `127.0.0.1:${portFor(match[1]!, match[2] ? Number(match[2]) : undefined, upstreams)}` });
		}
	}
	return applyEdits(text, edits);
}

/** Directives that keep nginx's files inside the prefix. */
function prelude(prefix: string): string {
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${prefix}/${kind}_temp;`);
	return ['access_log off;', ...temp].join('\n');
}

export type PreparedConfig = { prefix: string; main: string; files: Map<string, string>; needsHeadersMore: boolean };

/** Copy the fixture to a temporary prefix and rewrite it for loopback (see the module comment). */
export function prepareConfig(fixture: string, port: number, upstreams: Upstreams): PreparedConfig {
	const prefix = mkdtempSync(join(tmpdir(), 'nginx-truth-'));
	// A deployment folder (like examples/nginx-safe) keeps its nginx configuration in nginx/.
	const source = !existsSync(join(fixture, 'nginx.conf')) && existsSync(join(fixture, 'nginx', 'nginx.conf')) ? join(fixture, 'nginx') : fixture;
	cpSync(source, prefix, { recursive: true });
	// What a compose service bind-mounts under /etc/nginx/ is where nginx reads it in the container.
	for (const mount of nginxMounts(fixture)) cpSync(mount.source, join(prefix, mount.target), { recursive: true });
	// nginx workers drop root privileges; they must still read the prefix (htpasswd files).
	chmodSync(prefix, 0o755);
	const files = configFiles(prefix);
	const upstreamNames = new Set<string>();
	for (const file of files) {
		for (const { directive } of walkDirectives(parseNginx(readFileSync(file, 'utf8')).ast.directives)) {
			if (directive.name === 'upstream' && directive.args[0]) upstreamNames.add(directive.args[0].value.toLowerCase());
		}
	}
	let needsHeadersMore = false;
	const texts = new Map<string, string>();
	for (const file of files) {
		const text = rewriteFile(readFileSync(file, 'utf8'), port, upstreamNames, upstreams);
		if (/\bmore_(clear|set)_input_headers\b/.test(text)) needsHeadersMore = true;
		writeFileSync(file, text);
		texts.set(file, text);
	}
	const main = join(prefix, 'nginx.conf');
	let mainText: string;
	if (existsSync(main)) {
		const text = readFileSync(main, 'utf8');
		const http = parseNginx(text).ast.directives.find((directive: Directive) => directive.name === 'http');
		const at = http?.blockSpan ? http.blockSpan.start + 1 : text.length;
		mainText = `${text.slice(0, at)}\n${prelude(prefix)}\n${text.slice(at)}`;
	} else {
		const includes = ['conf.d/*.conf', 'sites-enabled/*'].filter((glob) => existsSync(join(prefix, glob.split('/')[0]!)));
		mainText = `events {}\nhttp {\n${prelude(prefix)}\n${includes.map((glob) => `include ${glob};`).join('\n')}\n}\n`;
	}
	if (needsHeadersMore) mainText = `load_module ${headersMoreModule};\n${mainText}`;
	writeFileSync(main, mainText);
	texts.set(main, mainText);
	for (const file of readdirSync(prefix)) if (statSync(join(prefix, file)).isFile()) chmodSync(join(prefix, file), 0o644);
	return { prefix, main, files: texts, needsHeadersMore };
}

/** Bind mounts of the fixture's compose.yaml into /etc/nginx/, as paths relative to the prefix. */
function nginxMounts(fixture: string): Array<{ source: string; target: string }> {
	const path = join(fixture, 'compose.yaml');
	if (!existsSync(path)) return [];
	const compose = parseCompose(path, readFileSync(path, 'utf8'));
	return compose.services.flatMap((service) => service.volumes).filter((volume) => volume.type === 'bind' && volume.target.startsWith('/etc/nginx/') && existsSync(volume.source)).map((volume) => ({ source: volume.source, target: volume.target.slice('/etc/nginx/'.length) }));
}

function nginxArgs(config: PreparedConfig, daemon: boolean): string[] {
	const log = join(config.prefix, 'error.log');
	const globals = `${daemon ? '' : 'daemon off; '}pid ${join(config.prefix, 'nginx.pid')}; error_log ${log} info;`;
	return ['-e', log, '-p', `${config.prefix}/`, '-c', config.main, '-g', globals];
}

/** `nginx -t` on the prepared prefix. */
export function testConfig(nginx: string, config: PreparedConfig): Promise<{ status: number | string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(nginx, ['-t', '-q', ...nginxArgs(config, true)], { encoding: 'utf8', timeout: 10_000 }, (error, _stdout, stderr) => {
			const status = error ? (typeof error.code === 'number' ? error.code : (error.signal ?? String(error.code))) : 0;
			resolve({ status, stderr });
		});
	});
}

export type RunningNginx = { child: ChildProcess; stop(): Promise<void>; errorLog(): string };

/** Start nginx in the foreground and wait until it accepts connections on `port`. */
export async function startNginx(nginx: string, config: PreparedConfig, port: number): Promise<RunningNginx> {
	const server = await startProxy(nginx, nginxArgs(config, false), [port], { env: process.env, log: () => logOf(join(config.prefix, 'error.log')) });
	return { child: server.child, stop: server.stop, errorLog: server.output };
}

export function removePrefix(config: PreparedConfig): void {
	rmSync(config.prefix, { recursive: true, force: true });
}
