/**
Runs a rule fixture's Apache configuration on the real Apache httpd (Debian's apache2 2.4): the fixture is copied to a
temporary ServerRoot, its backend URLs are pointed at the loopback services of the nginx truth tests' `upstreams.ts`,
every `<VirtualHost>` listens on one free loopback port, `AuthUserFile` names a password file with alice:secret, and
Apache runs in the foreground from a generated main file (`apache2 -f <abs> -DFOREGROUND`) with its own PidFile and
ErrorLog. A configuration that loads no modules gets the set below (mod_ssl included, as the model assumes). Processes
are started and stopped by PID.
*/
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { detectFileKind } from '../../../src/analysis/files.js';
import { parseApache } from '../../../src/analysis/formats/apache/index.js';
import { startProxy } from '../../../src/cli/probe/sandbox.js';
import { logOf } from '../../harness/net.js';
import { portFor } from '../../nginx-rules/harness/nginx.js';
import type { Upstreams } from '../../nginx-rules/harness/upstreams.js';

export const apacheBinary = '/usr/sbin/apache2';
export const moduleDir = '/usr/lib/apache2/modules';

/** Modules loaded for a configuration that loads none itself. */
export const defaultModules = ['mpm_event', 'authz_core', 'authz_host', 'authz_user', 'authn_core', 'authn_file', 'auth_basic', 'headers', 'proxy', 'proxy_http', 'rewrite', 'setenvif', 'env', 'ssl', 'alias'];

export function findApache(): string | undefined {
	const probe = spawnSync(apacheBinary, ['-v'], { encoding: 'utf8' });
	return probe.error || probe.status !== 0 ? undefined : apacheBinary;
}

/** An htpasswd line for alice:secret (apr1 MD5, made with `htpasswd -nbm`). */
function passwordLine(): string {
	const made = spawnSync('htpasswd', ['-nbm', 'alice', 'secret'], { encoding: 'utf8' });
	if (made.error || made.status !== 0) throw new Error('htpasswd (apache2-utils) is needed for the Apache truth tests');
	return made.stdout.trim();
}

export type PreparedApache = { root: string; main: string; files: Map<string, string> };

function listFiles(folder: string): string[] {
	return readdirSync(folder).sort().flatMap((name) => (statSync(join(folder, name)).isDirectory() ? listFiles(join(folder, name)) : [join(folder, name)]));
}

const ignoredGlobals = /^[ \t]*(Listen|ServerRoot|PidFile|ErrorLog|CustomLog|TransferLog|User|Group|Mutex|DocumentRoot|LogLevel)\b.*$/gim;

function rewrite(text: string, port: number, upstreams: Upstreams, passwords: string): string {
	let out = text.replace(ignoredGlobals, (line) => `# (truth harness) ${line.trim()}`);
	out = out.replace(/^([ \t]*)<VirtualHost\b[^>]*>/gim, (_whole, indent: string) => `${indent}<VirtualHost 127.0.0.1:${port}>`);
	out = out.replace(/^([ \t]*AuthUserFile)[ \t]+.*$/gim, (_whole, head: string) => `${head} ${passwords}`);
	// Modules from Debian's folder; one built into Debian's apache2 (mod_unixd) has no file there.
	out = out.replace(/^([ \t]*LoadModule[ \t]+\S+[ \t]+)(\S+)/gim, (whole, head: string, path: string) => (existsSync(`${moduleDir}/${basename(path)}`) ? `${head}${moduleDir}/${basename(path)}` : `# (truth harness) ${whole.trim()}`));
	// Backend URLs, in the directives that proxy.
	out = out.replace(/^([ \t]*(?:ProxyPass|ProxyPassMatch|ProxyPassReverse|RewriteRule|BalancerMember|Define|<Proxy)\b.*)$/gim, (line) =>
		line.replace(/(https?|wss?):\/\/(\[[^\]]*\]|[A-Za-z0-9._-]+)(?::(\d+))?/g, (_url, _scheme: string, host: string, portText: string | undefined) => `http://127.0.0.1:${portFor(host, portText ? Number(portText) : undefined, upstreams)}`),
	);
	return out;
}

/** Copies and rewrites a fixture; the main file includes every root Apache file. */
export function prepareApache(folder: string, port: number, upstreams: Upstreams): PreparedApache {
	const root = mkdtempSync(join(tmpdir(), 'apache-truth-'));
	cpSync(folder, join(root, 'site'), { recursive: true });
	const passwords = join(root, 'htpasswd');
	writeFileSync(passwords, `${passwordLine()}\n`);
	const files = new Map<string, string>();
	const apacheFiles = listFiles(join(root, 'site')).filter((path) => !path.endsWith('.fixed') && detectFileKind(path) === 'apache');
	let loadsModules = false;
	let loadsMpm = false;
	for (const path of apacheFiles) {
		const text = readFileSync(path, 'utf8');
		if (/^[ \t]*LoadModule\b/im.test(text)) loadsModules = true;
		if (/^[ \t]*LoadModule[ \t]+mpm_/im.test(text)) loadsMpm = true;
		const rewritten = rewrite(text, port, upstreams, passwords);
		writeFileSync(path, rewritten);
		files.set(path, rewritten);
	}
	// Roots: files no other Apache file includes (as the engine decides it).
	const included = new Set<string>();
	for (const path of apacheFiles) {
		const parsed = parseApache(files.get(path)!, { file: path, readFile: (p) => files.get(p) ?? (existsSync(p) ? readFileSync(p, 'utf8') : undefined), listFiles: (glob) => apacheFiles.filter((candidate) => matchesGlob(glob, candidate)) });
		for (const other of parsed.config.files.slice(1)) included.add(other);
	}
	const roots = apacheFiles.filter((path) => !included.has(path));
	const serverRoot = roots[0] ? join(roots[0], '..') : join(root, 'site');
	const main = join(root, 'main.conf');
	const lines = [
		`ServerRoot ${serverRoot}`,
		`PidFile ${join(root, 'httpd.pid')}`,
		`ErrorLog ${join(root, 'error.log')}`,
		'LogLevel warn',
		`Listen 127.0.0.1:${port}`,
		...(loadsModules ? (loadsMpm ? [] : [`LoadModule mpm_event_module ${moduleDir}/mod_mpm_event.so`]) : defaultModules.map((name) => `LoadModule ${name}_module ${moduleDir}/mod_${name}.so`)),
		'ServerName localhost',
		...roots.map((path) => `Include ${path}`),
	];
	writeFileSync(main, `${lines.join('\n')}\n`);
	return { root, main, files };
}

function matchesGlob(glob: string, path: string): boolean {
	const pattern = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
	return pattern.test(path);
}

/** `apache2 -t` on the prepared files. */
export function testApache(apache: string, config: PreparedApache): Promise<{ status: number | string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(apache, ['-t', '-f', config.main], { encoding: 'utf8', timeout: 10_000 }, (error, _stdout, stderr) => {
			resolve({ status: error ? (typeof error.code === 'number' ? error.code : String(error.code ?? error.signal)) : 0, stderr });
		});
	});
}

export type RunningApache = { child: ChildProcess; stop(): Promise<void>; errorLog(): string };

export async function startApache(apache: string, config: PreparedApache, port: number): Promise<RunningApache> {
	const server = await startProxy(apache, ['-f', config.main, '-DFOREGROUND'], [port], { env: process.env, log: () => logOf(join(config.root, 'error.log')) });
	return { child: server.child, stop: server.stop, errorLog: server.output };
}

export function removeApache(config: PreparedApache): void {
	rmSync(config.root, { recursive: true, force: true });
}
