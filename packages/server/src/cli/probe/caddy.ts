/**
A Caddyfile prepared for the probe. The copy's `import` paths point into the sandbox; `caddy adapt` turns the copy
into JSON (so imports, snippets and matchers are Caddy's own); the JSON is then rewritten: every server listens on
its own 127.0.0.1 port with automatic HTTPS and TLS off, the admin API is off, storage and log files live in the
sandbox, `forward_auth` targets go to a fake auth service of the kind named (proxies.md §2, §5), and every other
`reverse_proxy` upstream goes to an echo labelled with the upstream as written. Only the `http` app is kept.
*/
import { dirname } from 'node:path';
import type { CaddyfileParseResult } from '../../analysis/formats/caddyfile/index.js';
import type { ProxyRoute } from '../../analysis/model/deployment.js';
import { identifyAuthService } from '../../analysis/model/auth-services.js';
import { caddyAnalysis } from '../../analysis/proxies/caddy/index.js';
import type { AnalysisResult } from '../../analysis/engine.js';
import { freePort, runOnce, type Sandbox } from './sandbox.js';
import { identityHeaders, type Services } from './services.js';
import type { PreparedProxy, ProbeTarget } from './types.js';

type Edit = { start: number; end: number; text: string };
type Json = Record<string, unknown>;

/** `caddy` with a minimal environment of its own (HOME and XDG folders in the sandbox) plus the user's for `{$VAR}`. */
export function caddyEnvironment(sandbox: Sandbox, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const home = `${sandbox.dir}/home`;
	return { ...base, HOME: home, XDG_CONFIG_HOME: `${home}/config`, XDG_DATA_HOME: `${home}/data`, XDG_CACHE_HOME: `${home}/cache` };
}

/**
Copies `main` and what it imports into the sandbox, adapts and rewrites it; `texts` reads a file through the read
boundary. Throws with Caddy's own message when the copy does not adapt.
*/
export async function prepareCaddy(options: {
	main: string;
	analysis: AnalysisResult;
	routes: readonly ProxyRoute[];
	texts: (path: string) => string | undefined;
	sandbox: Sandbox;
	services: Services;
	env: NodeJS.ProcessEnv;
}): Promise<PreparedProxy> {
	const { main, sandbox, services } = options;
	const notes: string[] = [];
	const parse = options.analysis.deployment.files.get(main)?.data as CaddyfileParseResult | undefined;
	if (!parse?.ast) throw new Error(`${main} could not be parsed as a Caddyfile`);
	const edits = new Map<string, Edit[]>();
	const addEdit = (file: string, edit: Edit): void => {
		const list = edits.get(file) ?? [];
		if (!list.some((known) => known.start === edit.start)) list.push(edit);
		edits.set(file, list);
	};
	const files = new Set<string>([main]);
	for (const record of parse.ast.imports) {
		if (record.kind === 'snippet') continue;
		if (record.status === 'resolved') {
			for (const path of record.files) files.add(path);
			if (record.pattern) addEdit(record.pattern.file, { start: record.pattern.span.start, end: record.pattern.span.end, text: quote(sandbox.mirrorText(record.target)) });
		} else {
			notes.push(`import ${record.pattern?.text ?? ''} was left out: it could not be read (${record.status}); pass --allow-read for its folder to include it`);
			addEdit(record.file, { start: record.span.start, end: record.span.end, text: '# (left out by navidrome-extauth probe)' });
		}
	}
	for (const path of files) {
		const text = options.texts(path);
		if (text === undefined) throw new Error(`${path} could not be read`);
		sandbox.write(path, applyEdits(text, edits.get(path) ?? []));
	}
	const env = caddyEnvironment(sandbox, options.env);
	const adapted = runOnce('caddy', ['adapt', '--config', sandbox.mirror(main), '--adapter', 'caddyfile'], { env, cwd: dirname(sandbox.mirror(main)) });
	if (!adapted.ok) throw new Error(`caddy adapt refused the configuration:\n${adapted.stderr.trim()}`);
	let config: Json;
	try {
		config = JSON.parse(adapted.stdout) as Json;
	} catch {
		throw new Error('caddy adapt did not print JSON');
	}
	const servers = rewriteConfig(config, sandbox, notes);
	await rewriteHandlers(config, services);
	const targets: ProbeTarget[] = [];
	const ports: number[] = [];
	for (const server of servers) {
		const port = await freePort();
		server.json.listen = [`127.0.0.1:${port}`];
		ports.push(port);
		const hosts = server.hosts.length > 0 ? server.hosts : ['localhost'];
		for (const host of hosts) targets.push({ port, host: host.startsWith('*.') ? `probe${host.slice(1)}` : host, label: `${host} (${server.listen.join(' ')})`, routes: routesForHost(options, host) });
	}
	const configPath = sandbox.file('caddy.json', JSON.stringify(config));
	return { proxy: 'caddy', command: 'caddy', args: ['run', '--config', configPath], env, ports, targets, notes, files: [...files] };
}

/** The config's servers with their original listen addresses and the hosts their routes match. */
function rewriteConfig(config: Json, sandbox: Sandbox, notes: string[]): Array<{ json: Json; listen: string[]; hosts: string[] }> {
	config.admin = { disabled: true };
	config.storage = { module: 'file_system', root: `${sandbox.dir}/storage` };
	const apps = (config.apps ?? {}) as Json;
	for (const name of Object.keys(apps)) {
		if (name === 'http') continue;
		if (name !== 'tls' && name !== 'pki') notes.push(`the Caddy app '${name}' was left out`);
		delete apps[name];
	}
	config.apps = apps;
	const logging = config.logging as { logs?: Record<string, Json> } | undefined;
	let logIndex = 0;
	for (const log of Object.values(logging?.logs ?? {})) {
		const writer = log.writer as Json | undefined;
		if (!writer || ['stdout', 'stderr', 'discard'].includes(String(writer.output))) continue;
		log.writer = writer.output === 'file' ? { output: 'file', filename: `${sandbox.dir}/log-${++logIndex}.log` } : { output: 'discard' };
	}
	const http = (apps.http ?? {}) as Json;
	const servers = (http.servers ?? {}) as Record<string, Json>;
	const found: Array<{ json: Json; listen: string[]; hosts: string[] }> = [];
	for (const server of Object.values(servers)) {
		const listen = Array.isArray(server.listen) ? server.listen.map(String) : [];
		server.automatic_https = { disable: true };
		delete server.tls_connection_policies;
		delete server.listener_wrappers;
		delete server.strict_sni_host;
		server.protocols = ['h1'];
		const hosts = new Set<string>();
		let hostless = false;
		for (const route of (Array.isArray(server.routes) ? server.routes : []) as Json[]) {
			const matchers = Array.isArray(route.match) ? (route.match as Json[]) : [];
			const named = matchers.flatMap((matcher) => (Array.isArray(matcher.host) ? matcher.host.map(String) : []));
			if (named.length === 0) hostless = true;
			for (const host of named) if (/^[A-Za-z0-9.*-]+$/.test(host)) hosts.add(host.toLowerCase());
		}
		if (hostless && hosts.size > 0) hosts.add('localhost');
		found.push({ json: server, listen, hosts: [...hosts] });
	}
	return found;
}

/** Every `reverse_proxy` handler, however deeply nested, pointed at the loopback services. */
async function rewriteHandlers(value: unknown, services: Services): Promise<void> {
	if (Array.isArray(value)) {
		for (const item of value) await rewriteHandlers(item, services);
		return;
	}
	if (!value || typeof value !== 'object') return;
	const object = value as Json;
	if (object.handler === 'reverse_proxy') {
		const upstreams = (Array.isArray(object.upstreams) ? object.upstreams : []) as Json[];
		const dials = upstreams.map((upstream) => String(upstream.dial ?? ''));
		const isAuth = object.rewrite !== undefined && Array.isArray(object.handle_response);
		if (isAuth) {
			const words = [...dials, String((object.rewrite as Json).uri ?? '')];
			const copied = [...JSON.stringify(object.handle_response).matchAll(/\{http\.reverse_proxy\.header\.([A-Za-z0-9_-]+)\}/g)].map((match) => match[1]!);
			const service = identifyAuthService(words);
			object.upstreams = [{ dial: `127.0.0.1:${await services.auth(service?.kind ?? 'generic', identityHeaders(service, copied))}` }];
		} else if (object.dynamic_upstreams !== undefined && upstreams.length === 0) {
			object.upstreams = [{ dial: `127.0.0.1:${await services.echo('dynamic upstreams')}` }];
		} else {
			object.upstreams = await Promise.all(dials.map(async (dial) => ({ dial: `127.0.0.1:${await services.echo(dial)}` })));
		}
		delete object.dynamic_upstreams;
		const transport = object.transport as Json | undefined;
		if (transport && transport.protocol !== 'fastcgi') object.transport = { protocol: 'http' };
		if (Array.isArray(object.handle_response)) await rewriteHandlers(object.handle_response, services);
		return;
	}
	for (const child of Object.values(object)) await rewriteHandlers(child, services);
}

/** The neutral routes of the sites serving `host` (or of the host-less sites when none names it). */
function routesForHost(options: { analysis: AnalysisResult; routes: readonly ProxyRoute[]; main: string }, host: string): ProxyRoute[] {
	const file = caddyAnalysis(options.analysis.deployment)?.files.find((entry) => entry.file === options.main);
	if (!file) return [...options.routes];
	const sitesOf = (wanted: (hosts: string[]) => boolean) => file.sites.filter((site) => wanted(site.site.addresses.map((address) => addressHost(address.text))));
	let sites = sitesOf((hosts) => hosts.some((name) => name !== '' && hostMatches(name, host)));
	if (sites.length === 0) sites = sitesOf((hosts) => hosts.includes(''));
	const heads = new Set(sites.flatMap((site) => site.routes.map((route) => `${route.proxy.file}\u0000${route.proxy.nameToken.span.start}`)));
	return options.routes.filter((route) => heads.has(`${route.location.file}\u0000${route.location.span.start}`));
}

/** `https://music.example.com:8443/path` → `music.example.com`; `:443`, `http://` → ``. */
function addressHost(address: string): string {
	const rest = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
	const host = rest.startsWith('[') ? rest.slice(0, rest.indexOf(']') + 1) : rest.split(/[:/]/)[0]!;
	return host.toLowerCase();
}

function hostMatches(pattern: string, host: string): boolean {
	if (pattern === host) return true;
	if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && !host.slice(0, -pattern.length + 1).includes('.');
	return false;
}

function quote(path: string): string {
	return /[\s"{}#]/.test(path) ? `"${path.replace(/["\\]/g, '\\$&')}"` : path;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
	return result;
}
