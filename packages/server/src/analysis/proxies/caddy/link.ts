/**
Links a Caddyfile to the compose service that runs it (a bind mount of the file or of its folder) and resolves
`reverse_proxy` upstreams to Navidrome instances through the deployment's one linking rule (`model/links.ts`
`upstream`: the Caddyfile's own stack first, never a sibling stack's Navidrome when its own has one).
*/
import { joinImportPath } from '../../formats/caddyfile/imports.js';
import { parseCaddyfile, type CaddyfileParseResult, type ImportPaths } from '../../formats/caddyfile/index.js';
import type { SyntaxError } from '../../formats/syntax-error.js';
import { parseDotenv } from '../../formats/dotenv/parse.js';
import type { ParseContext } from '../../formats/handler.js';
import type { Deployment, NavidromeInstance, ParsedFile, ServiceRef } from '../../model/deployment.js';
import type { UpstreamAddress } from '../../model/links.js';
import { looksLikeCaddyService } from './version.js';

/** The service mounting `file` (directly or through its folder); a Caddy-looking one wins. */
export function findCaddyService(deployment: Deployment, file: string): ServiceRef | undefined {
	const mounting = deployment.links.mounting(file);
	const caddyLike = mounting.find(({ service }) => looksLikeCaddyService(service));
	if (caddyLike) return caddyLike;
	if (mounting.length > 0) return mounting[0];
	// No mount: a single Caddy service in a compose file next to (or above) the Caddyfile.
	const nearby = deployment.links.servicesAbove(file).filter(({ service }) => looksLikeCaddyService(service));
	return nearby.length === 1 ? nearby[0] : undefined;
}

/**
The Caddy container's bind mounts as path maps for `import` (`formats/caddyfile` `ImportPaths`): the most specific
mount wins, as in the container. `undefined` without a service or bind mounts.
*/
export function mountPaths(service: ServiceRef | undefined): ImportPaths | undefined {
	const binds = (service?.service.volumes ?? []).filter((volume) => volume.type === 'bind' && volume.source.startsWith('/') && volume.target.startsWith('/')).map((volume) => ({ source: trimSlashes(volume.source), target: trimSlashes(volume.target) }));
	if (binds.length === 0) return undefined;
	const through = (path: string, from: 'source' | 'target', to: 'source' | 'target'): string | undefined => {
		let best: { length: number; path: string } | undefined;
		for (const bind of binds) {
			const prefix = bind[from];
			const rest = path === prefix ? '' : path.startsWith(prefix === '/' ? '/' : `${prefix}/`) ? path.slice(prefix === '/' ? 1 : prefix.length + 1) : undefined;
			if (rest === undefined || (best && best.length >= prefix.length)) continue;
			best = { length: prefix.length, path: rest === '' ? bind[to] : `${bind[to] === '/' ? '' : bind[to]}/${rest}` };
		}
		return best?.path;
	};
	return { toHost: (path) => through(path, 'target', 'source'), toContainer: (path) => through(path, 'source', 'target') };
}

function trimSlashes(path: string): string {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' ? '/' : trimmed;
}

/**
Re-reads a Caddyfile whose imports resolve elsewhere through its container's mounts (`import /etc/caddy/snippets/*`),
so that its tree and its errors are the container's: an import the mounts resolve is no "file not found".
*/
export function resolveMountedImports(file: ParsedFile<CaddyfileParseResult>, deployment: Deployment, context: ParseContext): void {
	const paths = mountPaths(findCaddyService(deployment, file.path));
	if (!paths) return;
	const moved = file.data.ast.imports.some((record) => record.kind !== 'snippet' && record.pattern && joinImportPath(record.pattern.file, record.pattern.text, paths) !== record.target);
	// A snippet import that was taken for a missing file: the snippet may come from a mounted file.
	if (!moved) return;
	const parse = parseCaddyfile(file.text, { file: file.path, readFile: (path) => context.readText(path), listFiles: (glob) => safeList(context, glob), importPaths: paths });
	const resolved = parse.ast.imports.filter((record) => record.status === 'resolved' && record.pattern).map((record) => record.pattern!);
	const at = (error: SyntaxError, token: { file: string; span: { start: number; end: number } }): boolean => (error.file ?? file.path) === token.file && error.span.start === token.span.start && error.span.end === token.span.end;
	file.errors = file.errors.filter((error) => !resolved.some((token) => at(error, token)));
	file.data = parse;
}

function safeList(context: ParseContext, glob: string): string[] {
	try {
		const listed: unknown = context.workspace.listFiles(glob);
		return Array.isArray(listed) ? listed.filter((path): path is string => typeof path === 'string') : [];
	} catch {
		return [];
	}
}

/** Environment of the Caddy container: `env_file` entries, then `environment` (which wins). */
export function serviceEnvironment(service: ServiceRef | undefined, deployment: Deployment, context: ParseContext): Record<string, string> | undefined {
	if (!service) return undefined;
	const env: Record<string, string> = Object.create(null);
	for (const envFile of service.service.envFiles) {
		let parsed = deployment.dotenvFiles.get(envFile.path);
		if (!parsed) {
			const text = context.readText(envFile.path);
			if (text !== undefined) parsed = parseDotenv(text);
		}
		for (const entry of parsed?.values.values() ?? []) if (!entry.fromShell) env[entry.name] = entry.value;
	}
	for (const entry of service.service.environment) if (entry.value !== undefined) env[entry.key] = entry.value;
	return env;
}

export type { UpstreamAddress };

/** `navidrome:4533`, `http://navidrome:4533`, `[::1]:4533`, `h2c://x`, `{env.X}` (runtime env). */
export function parseUpstream(text: string, env: Record<string, string> | undefined): UpstreamAddress | undefined {
	let value = text.trim();
	const runtime = /^\{env\.([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
	if (runtime) value = env?.[runtime[1]!] ?? '';
	if (value === '' || value.includes('{') || value.length > 512) return undefined;
	let defaultPort: number | undefined;
	const scheme = /^([a-z0-9+.-]+):\/\//i.exec(value);
	if (scheme) {
		const name = scheme[1]!.toLowerCase();
		if (name.startsWith('unix')) return undefined;
		defaultPort = name === 'https' ? 443 : 80;
		value = value.slice(scheme[0].length);
	}
	if (value.startsWith('unix/')) return undefined;
	value = value.split('/')[0]!;
	let host = value;
	let portText: string | undefined;
	if (value.startsWith('[')) {
		const close = value.indexOf(']');
		host = value.slice(1, close < 0 ? undefined : close);
		portText = close >= 0 && value[close + 1] === ':' ? value.slice(close + 2) : undefined;
	} else {
		const colon = value.lastIndexOf(':');
		if (colon >= 0 && value.indexOf(':') === colon) {
			host = value.slice(0, colon);
			portText = value.slice(colon + 1);
		}
	}
	const port = portText !== undefined && /^\d{1,5}$/.test(portText) ? Number(portText) : defaultPort;
	if (host === '') host = 'localhost';
	return { host: host.toLowerCase(), port };
}

/** The Navidrome instance an upstream reaches, if the model can tell (`model/links.ts` `upstream`: the Caddyfile's own stack first). */
export function resolveUpstream(address: UpstreamAddress, deployment: Deployment, caddyService: ServiceRef | undefined, file: string): NavidromeInstance | undefined {
	return deployment.links.upstream(address, { file, proxies: caddyService ? [caddyService] : [] }).instance;
}
