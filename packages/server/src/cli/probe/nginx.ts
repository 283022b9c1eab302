/**
An nginx configuration prepared for the probe (proxies.md §3). Each file the engine read for it is copied into the
sandbox and rewritten with the engine's own parse: every `include` names the copies the engine resolved it to (an
include it could not read is left out, with a note); every server listens on 127.0.0.1 ports of its own (servers
that shared a listen address share one); TLS, logs, pid, temp paths, `user` and `resolver` lines are removed (the
command line puts pid and error log in the sandbox); `proxy_pass` in a location an `auth_request` names goes to a fake
auth service of the kind named (proxies.md §5), every other upstream (`proxy_pass`, `upstream` servers, URLs in `set`,
`*_pass`) to an echo labelled with the upstream as written. `stream` and `mail` blocks are left out. A file with no
`http` block is included from a generated main file, as the official image's nginx.conf includes `conf.d/*.conf`.
*/
import { readFileSync } from 'node:fs';
import type { AnalysisResult } from '../../analysis/engine.js';
import { basename, dirname, resolvePath } from '../../analysis/files.js';
import { parseNginx, walkDirectives, type Directive, type NginxConfig } from '../../analysis/formats/nginx/index.js';
import { compileGlob, isGlob } from '../../analysis/glob.js';
import { identifyAuthService } from '../../analysis/model/auth-services.js';
import type { ProxyRoute } from '../../analysis/model/deployment.js';
import { freePort, runOnce, type Sandbox } from './sandbox.js';
import { identityHeaders, type Services } from './services.js';
import type { PreparedProxy, ProbeTarget } from './types.js';

type Edit = { start: number; end: number; text: string };

/** Lines removed from the copy: TLS (no certificates on loopback), files outside the sandbox, outbound name lookups. */
const removed = /^(ssl|ssl_.*|proxy_ssl_.*|grpc_ssl_.*|http2|http3|quic_.*|pid|daemon|master_process|error_log|access_log|lock_file|user|resolver|resolver_timeout|.*_temp_path|working_directory|ssl_stapling.*)$/;
/** Upstream-passing directives other than `proxy_pass` whose target is an address. */
const otherPasses = new Set(['fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

export const headersMoreModule = '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';

export async function prepareNginx(options: {
	main: string;
	analysis: AnalysisResult;
	routes: readonly ProxyRoute[];
	texts: (path: string) => string | undefined;
	list: (glob: string) => string[];
	sandbox: Sandbox;
	services: Services;
	env: NodeJS.ProcessEnv;
	moduleExists: (path: string) => boolean;
	isRoot: boolean;
}): Promise<PreparedProxy> {
	const { main, sandbox, services } = options;
	const notes: string[] = [];
	const root = dirname(main);
	const io = { readFile: options.texts, listFiles: options.list };
	const parsed = options.analysis.deployment.files.get(main)?.data as NginxConfig | undefined;
	const mainTree = parsed?.directives ? parsed : parseNginx(options.texts(main) ?? '', { ...io, file: main, root }).ast;
	// Files reached only through the official image's /etc/nginx/… layout are parsed here, as the engine does.
	const trees: NginxConfig[] = [mainTree];
	const virtual = new Map<Directive, string[]>();
	const files = new Set<string>([main]);
	const pending = [mainTree];
	while (pending.length > 0 && trees.length < 200) {
		const tree = pending.shift()!;
		for (const { directive } of walkDirectives(tree.directives)) {
			files.add(directive.file);
			if (directive.name !== 'include') continue;
			for (const path of directive.included ?? []) files.add(path);
			const path = directive.args[0]?.value ?? '';
			if (directive.included?.length || !path.startsWith('/etc/nginx/')) continue;
			const mapped = resolvePath(dirname(directive.file), path.slice('/etc/nginx/'.length));
			const found = isGlob(mapped) ? options.list(mapped).filter((candidate) => compileGlob(mapped)?.test(candidate) && !basename(candidate).startsWith('.')).sort() : options.texts(mapped) !== undefined ? [mapped] : [];
			virtual.set(directive, found);
			for (const file of found) {
				if (files.has(file)) continue;
				files.add(file);
				const text = options.texts(file);
				if (text === undefined) continue;
				const tree = parseNginx(text, { ...io, file, root }).ast;
				trees.push(tree);
				pending.push(tree);
			}
		}
	}

	const visits = trees.flatMap((tree) => [...walkDirectives(tree.directives)]);
	const authUri = (directive: Directive): string | undefined => (directive.name === 'auth_request' && directive.args[0] && directive.args[0].value !== 'off' ? directive.args[0].value : undefined);
	// `auth_request` at http level applies to every server; inside a server, to that server only.
	const httpUris = visits.filter(({ ancestors }) => ancestors[ancestors.length - 1]?.name === 'http').flatMap(({ directive }) => authUri(directive) ?? []);
	const captured = visits.filter(({ directive }) => directive.name === 'auth_request_set').flatMap(({ directive }) => {
		const match = /^\$upstream_http_([a-z0-9_]+)$/i.exec(directive.args[1]?.value ?? '');
		return match ? [match[1]!.toLowerCase().replaceAll('_', '-')] : [];
	});
	// The locations nginx picks for the auth_request URIs, server by server: their proxy_pass is the auth service.
	const authLocations = new Set<Directive>();
	for (const { directive } of visits) {
		if (directive.name !== 'server' || !directive.block) continue;
		const uris = new Set([...httpUris, ...[...walkDirectives(directive.block)].flatMap((visit) => authUri(visit.directive) ?? [])]);
		for (const uri of uris) {
			const chosen = selectLocation(directive.block, uri);
			if (chosen) authLocations.add(chosen);
		}
	}
	const upstreamNames = new Set(visits.filter(({ directive }) => directive.name === 'upstream' && directive.args[0]).map(({ directive }) => directive.args[0]!.value.toLowerCase()));

	const edits = new Map<string, Edit[]>();
	const edit = (file: string, change: Edit): void => {
		const list = edits.get(file) ?? [];
		if (!list.some((known) => known.start === change.start)) list.push(change);
		edits.set(file, list);
	};
	const drop = (directive: Directive): void => edit(directive.file, { start: directive.span.start, end: directive.span.end, text: '' });
	const listenPorts = new Map<string, number>();
	const portFor = async (key: string): Promise<number> => {
		let port = listenPorts.get(key);
		if (port === undefined) listenPorts.set(key, (port = await freePort()));
		return port;
	};
	const targets: ProbeTarget[] = [];
	const serverRoutes = (server: Directive): ProxyRoute[] => {
		const heads = new Set<string>();
		for (const { directive } of walkDirectives([server])) heads.add(`${directive.file}\u0000${directive.nameSpan.start}`);
		return options.routes.filter((route) => heads.has(`${route.location.file}\u0000${route.location.span.start}`));
	};
	let usesHeadersMore = false;
	let loadsModule = false;

	for (const { directive, ancestors } of visits) {
		const parent = ancestors[ancestors.length - 1];
		const name = directive.name;
		if (name === 'stream' || name === 'mail') {
			notes.push(`the ${name} block was left out`);
			drop(directive);
			continue;
		}
		if (ancestors.some((ancestor) => ancestor.name === 'stream' || ancestor.name === 'mail')) continue;
		if (name.startsWith('more_')) usesHeadersMore = true;
		if (name === 'load_module') loadsModule ||= (directive.args[0]?.value ?? '').includes('headers_more');
		if (removed.test(name)) {
			drop(directive);
			continue;
		}
		if (name === 'include') {
			const resolved = virtual.get(directive) ?? directive.included ?? [];
			const path = directive.args[0]?.value ?? '';
			if (resolved.length === 0 && !isGlob(path)) notes.push(`include ${path} was left out: it could not be read (pass --allow-read for its folder to include it)`);
			edit(directive.file, { start: directive.span.start, end: directive.span.end, text: resolved.map((file) => `include ${quote(sandbox.mirrorText(file))};`).join(' ') });
			continue;
		}
		if (name === 'proxy_cache_path' && directive.args[0]) {
			const arg = directive.args[0];
			edit(directive.file, { start: arg.span.start, end: arg.span.end, text: quote(`${sandbox.dir}/cache-${listenPorts.size}-${arg.span.start}`) });
			continue;
		}
		if (name === 'server' && parent?.name !== 'upstream' && directive.block && directive.blockSpan) {
			const listens = directive.block.filter((child) => child.name === 'listen');
			const keys = new Map<string, boolean>();
			for (const listen of listens) {
				const key = listenKey(listen.args[0]?.value ?? '80');
				keys.set(key, (keys.get(key) ?? false) || listen.args.some((arg) => arg.value === 'default_server' || arg.value === 'default'));
			}
			if (listens.length === 0) keys.set('80', false);
			const lines: string[] = [];
			const hosts = serverNames(directive);
			const routes = serverRoutes(directive);
			for (const [key, isDefault] of keys) {
				const port = await portFor(key);
				lines.push(`listen 127.0.0.1:${port}${isDefault ? ' default_server' : ''};`);
				targets.push({ port, host: hosts[0] ?? 'localhost', label: `${hosts[0] ?? '(default server)'} (listen ${key})`, routes });
			}
			if (listens.length === 0) edit(directive.file, { start: directive.blockSpan.start + 1, end: directive.blockSpan.start + 1, text: ` ${lines.join(' ')}` });
			listens.forEach((listen, index) => edit(listen.file, { start: listen.span.start, end: listen.span.end, text: index === 0 ? lines.join(' ') : '' }));
			continue;
		}
		if (name === 'server' && parent?.name === 'upstream' && directive.args[0]) {
			const arg = directive.args[0];
			const label = parent.args[0]?.value ?? arg.value;
			edit(directive.file, { start: arg.span.start, end: arg.span.end, text: `127.0.0.1:${await services.echo(label)}` });
			continue;
		}
		if (name === 'proxy_pass' && directive.args[0]) {
			const arg = directive.args[0];
			const location = [...ancestors].reverse().find((ancestor) => ancestor.name === 'location');
			const isAuth = location !== undefined && authLocations.has(location);
			const url = parseUrl(arg.value);
			let target: string;
			if (isAuth) {
				const service = identifyAuthService([arg.value]);
				target = `http://127.0.0.1:${await services.auth(service?.kind ?? 'generic', identityHeaders(service, captured))}${url?.rest ?? ''}`;
			} else if (url && upstreamNames.has(url.host.toLowerCase()) && arg.variables.length === 0) target = `http://${url.host}${url.rest}`;
			else target = `http://127.0.0.1:${await services.echo(url && arg.variables.length === 0 ? url.authority : arg.value)}${url && arg.variables.length === 0 ? url.rest : ''}`;
			edit(directive.file, { start: arg.span.start, end: arg.span.end, text: quote(target) });
			continue;
		}
		if (otherPasses.has(name) && directive.args[0]) {
			const arg = directive.args[0];
			edit(directive.file, { start: arg.span.start, end: arg.span.end, text: `127.0.0.1:${await services.echo(arg.value)}` });
			continue;
		}
		if (name === 'set' && directive.args[1]) {
			const arg = directive.args[1];
			const url = arg.variables.length === 0 ? parseUrl(arg.value) : undefined;
			if (url) edit(directive.file, { start: arg.span.start, end: arg.span.end, text: quote(`http://127.0.0.1:${await services.echo(url.authority)}${url.rest}`) });
		}
	}

	for (const path of files) {
		const text = options.texts(path);
		if (text === undefined) continue;
		sandbox.write(path, applyEdits(text, edits.get(path) ?? []));
	}
	const prelude = ['access_log off;', ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${quote(`${sandbox.dir}/${kind}_temp`)};`)].join('\n');
	const moduleLine = usesHeadersMore && !loadsModule && options.moduleExists(headersMoreModule) ? `load_module ${headersMoreModule};\n` : '';
	let mainPath: string;
	const http = mainTree.directives.find((directive) => directive.name === 'http');
	if (http?.blockSpan) {
		const mainText = applyEdits(options.texts(main) ?? '', [...(edits.get(main) ?? []), { start: http.blockSpan.start + 1, end: http.blockSpan.start + 1, text: `\n${prelude}\n` }]);
		// The copy stays where the user's main file was mirrored: relative paths resolve against its folder.
		sandbox.write(main, `${moduleLine}${mainText}`);
		mainPath = sandbox.mirror(main);
	} else {
		const bare = mainTree.directives.some((directive) => directive.name === 'location') && !mainTree.directives.some((directive) => directive.name === 'server');
		let wrapped = `include ${quote(sandbox.mirrorText(main))};`;
		if (bare) {
			const port = await freePort();
			wrapped = `server { listen 127.0.0.1:${port}; ${wrapped} }`;
			targets.push({ port, host: 'localhost', label: `(server around ${basename(main)})`, routes: [...options.routes] });
		}
		mainPath = sandbox.file('nginx.conf', `${moduleLine}events {}\nhttp {\n${prelude}\n${wrapped}\n}\n`);
	}
	const log = `${sandbox.dir}/error.log`;
	const globals = `daemon off; pid ${sandbox.dir}/nginx.pid; error_log ${log} info;${options.isRoot ? ' user root;' : ''}`;
	const args = ['-e', log, '-p', `${sandbox.dir}/`, '-c', mainPath, '-g', globals];
	const checked = runOnce('nginx', ['-t', '-q', ...args], { env: options.env });
	if (!checked.ok) throw new Error(`nginx -t refused the configuration:\n${checked.stderr.trim()}`);
	const ports = [...new Set(targets.map((target) => target.port))];
	if (ports.length === 0) throw new Error(`${main} has no server block to probe`);
	const readLog = (): string => {
		try {
			return readFileSync(log, 'utf8').slice(-16 * 1024);
		} catch {
			return '';
		}
	};
	return { proxy: 'nginx', command: 'nginx', args, env: options.env, ports, targets: dedupeTargets(targets), notes, files: [...files], log: readLog };
}

/** The port part of a `listen` address (`443`, `[::]:443`, `0.0.0.0:80`, `unix:/run/x.sock`). */
function listenKey(address: string): string {
	if (address.startsWith('unix:')) return address;
	const match = /(?:^|:)(\d+)$/.exec(address);
	return match ? match[1]! : '80';
}

function serverNames(server: Directive): string[] {
	const names: string[] = [];
	for (const line of server.block?.filter((child) => child.name === 'server_name') ?? []) {
		for (const arg of line.args) {
			const name = arg.value.toLowerCase();
			if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(name)) names.push(name);
			else if (/^\*\.[a-z0-9.-]+$/.test(name)) names.push(`probe${name.slice(1)}`);
			else if (/^\.[a-z0-9.-]+$/.test(name)) names.push(name.slice(1));
		}
	}
	return names;
}

/**
The location nginx selects for `uri` among the locations of `block` (proxies.md §3): an exact `=` match; else the
longest prefix, unless it is a `^~` one, loses to the first matching regex; nested locations of the winner are
searched the same way. Directives spliced in by `include` count where the include stands.
*/
function selectLocation(block: readonly Directive[], uri: string, depth = 0): Directive | undefined {
	let longest: { location: Directive; length: number; stop: boolean } | undefined;
	let regex: Directive | undefined;
	for (const location of block) {
		if (location.name !== 'location') continue;
		const args = location.args.map((arg) => arg.value);
		const [modifier, path] = args.length >= 2 ? [args[0]!, args[1]!] : ['', args[0] ?? ''];
		if (modifier === '=') {
			if (uri === path) return location;
		} else if (modifier === '~' || modifier === '~*') {
			if (!regex && regexMatches(path, modifier === '~*', uri)) regex = location;
		} else if (path && !path.startsWith('@') && uri.startsWith(path) && (!longest || path.length > longest.length)) {
			longest = { location, length: path.length, stop: modifier === '^~' };
		}
	}
	const chosen = longest && (longest.stop || !regex) ? longest.location : (regex ?? longest?.location);
	if (chosen?.block && depth < 8) return selectLocation(chosen.block, uri, depth + 1) ?? chosen;
	return chosen;
}

function regexMatches(pattern: string, ignoreCase: boolean, uri: string): boolean {
	try {
		return new RegExp(pattern, ignoreCase ? 'i' : '').test(uri);
	} catch {
		return false;
	}
}

/** `http://host:port/path` → host, `host:port`, `/path`; also a bare `host:port`. */
function parseUrl(value: string): { host: string; authority: string; rest: string } | undefined {
	const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[^\]]+\]|[A-Za-z0-9._-]+|unix:[^:]+:?)(?::(\d+))?(\/.*)?$/i.exec(value);
	if (!match || (!match[1] && !match[3])) return undefined;
	return { host: match[2]!, authority: `${match[2]}${match[3] ? `:${match[3]}` : ''}`, rest: match[4] ?? '' };
}

function dedupeTargets(targets: ProbeTarget[]): ProbeTarget[] {
	const seen = new Set<string>();
	return targets.filter((target) => {
		const key = `${target.port}\u0000${target.host}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function quote(value: string): string {
	return /[\s;{}"'#$]/.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
	return result;
}
