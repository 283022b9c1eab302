/**
Which proxy configuration a bind mount feeds, by where it lands in the container: the official images read fixed
paths (`/etc/caddy/Caddyfile`, `/etc/nginx/conf.d/*.conf`, `/etc/traefik/…`, `/usr/local/apache2/conf/httpd.conf`,
`/usr/local/etc/haproxy/haproxy.cfg`), so `./site.conf:/etc/caddy/Caddyfile` is a Caddyfile whatever its host name.
*/
import type { FileKind } from '../../files.js';
import { compileGlob } from '../../glob.js';
import type { ComposeService, MountedConfig } from './types.js';

/**
Container paths (a `*` matches within one name) and the kind of file each holds. A mount of a folder above one of
them feeds the matching files of the host folder.
*/
export const mountedConfigPaths: ReadonlyArray<readonly [string, FileKind]> = [
	['/etc/caddy/Caddyfile', 'caddyfile'],
	['/config/Caddyfile', 'caddyfile'],
	['/etc/nginx/nginx.conf', 'nginx'],
	['/etc/nginx/conf.d/*.conf', 'nginx'],
	['/etc/nginx/sites-enabled/*', 'nginx'],
	// The official image renders `templates/*.template` into conf.d at start.
	['/etc/nginx/templates/*.template', 'nginx'],
	// linuxserver/swag and Nginx Proxy Manager.
	['/config/nginx/nginx.conf', 'nginx'],
	['/config/nginx/site-confs/*', 'nginx'],
	['/config/nginx/proxy-confs/*.conf', 'nginx'],
	['/data/nginx/proxy_host/*.conf', 'nginx'],
	['/etc/traefik/*.yml', 'traefik'],
	['/etc/traefik/*.yaml', 'traefik'],
	['/etc/traefik/*.toml', 'traefik'],
	['/etc/traefik/*/*.yml', 'traefik'],
	['/etc/traefik/*/*.yaml', 'traefik'],
	['/etc/traefik/*/*.toml', 'traefik'],
	['/usr/local/apache2/conf/httpd.conf', 'apache'],
	['/usr/local/apache2/conf/extra/*.conf', 'apache'],
	['/etc/apache2/apache2.conf', 'apache'],
	['/etc/apache2/sites-enabled/*', 'apache'],
	['/etc/apache2/conf-enabled/*.conf', 'apache'],
	['/usr/local/etc/haproxy/haproxy.cfg', 'haproxy'],
	['/etc/haproxy/haproxy.cfg', 'haproxy'],
];

const matchers = mountedConfigPaths.map(([pattern, kind]) => ({ pattern, kind, matcher: compileGlob(pattern) }));

/** The kind of configuration a proxy reads at `containerPath` (`/etc/caddy/Caddyfile` → `caddyfile`), if any. */
export function mountedConfigKind(containerPath: string): FileKind | undefined {
	const path = trimSlashes(containerPath);
	return matchers.find((entry) => entry.matcher?.test(path))?.kind;
}

/**
The host files a bind mount of `source` at `target` feeds as proxy configuration: the source itself when the target is
such a file, else (a folder mounted above such paths) a glob of the host files below it, each with its kind.
*/
export function mountedConfigs(source: string, target: string): Array<{ path: string; kind: FileKind; glob: boolean }> {
	const from = trimSlashes(source);
	const to = trimSlashes(target);
	if (!from.startsWith('/') || !to.startsWith('/')) return [];
	const kind = mountedConfigKind(to);
	if (kind) return [{ path: from, kind, glob: false }];
	const found: Array<{ path: string; kind: FileKind; glob: boolean }> = [];
	for (const { pattern, kind: patternKind } of matchers) {
		if (!pattern.startsWith(to === '/' ? '/' : `${to}/`)) continue;
		const rest = pattern.slice(to === '/' ? 1 : to.length + 1);
		found.push({ path: `${from === '/' ? '' : from}/${rest}`, kind: patternKind, glob: rest.includes('*') });
	}
	return found;
}

/** Every proxy configuration the bind mounts of `services` feed (`ComposeFile.mountedConfigs`). */
export function serviceMountedConfigs(services: readonly ComposeService[]): MountedConfig[] {
	const configs: MountedConfig[] = [];
	for (const service of services) {
		for (const volume of service.volumes) {
			if (volume.type !== 'bind') continue;
			for (const config of mountedConfigs(volume.source, volume.target)) configs.push({ ...config, service: service.name });
		}
	}
	return configs;
}

function trimSlashes(path: string): string {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' && path.startsWith('/') ? '/' : trimmed;
}
