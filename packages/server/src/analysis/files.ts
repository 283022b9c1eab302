/**
Which files the engine understands, and the read-only view of the workspace it is given. The engine never touches
the filesystem: the CLI and the language server each implement `WorkspaceView`.
*/
export type FileKind = 'compose' | 'dotenv' | 'navidrome-toml' | 'caddyfile' | 'nginx' | 'traefik' | 'apache' | 'haproxy' | 'systemd' | 'shell';

export type SourceFile = {
	/** Absolute, `/`-separated path; the identity of the file in findings. */
	path: string;
	text: string;
	kind: FileKind;
};

/**
Why a file was not read. `message` names the path and the reason (never any content) and, for `outside-roots`, how
to allow the folder.
- `outside-roots`: outside the checked roots and the folders the user allowed (decided on the real path);
- `special-file`: a FIFO, socket, device or directory;
- `system-path`: under `/proc`, `/sys` or `/dev` (never read, even when allowed);
- `too-large`: larger than the size limit;
- `unreadable`: the read failed (permissions, I/O).
*/
export type ReadProblem = { reason: 'outside-roots' | 'special-file' | 'system-path' | 'too-large' | 'unreadable'; message: string };

export type WorkspaceView = {
	/** Text of a file by absolute path, or `undefined` when it does not exist or cannot be read. */
	readFile(path: string): string | undefined;
	/** Absolute paths matching an absolute glob (`*`, `?` and `[…]` in the last segments). */
	listFiles(glob: string): string[];
	/**
	Why `readFile(path)` returned `undefined` although the path exists; `undefined` when it does not exist. Paths
	outside the roots and system paths are refused by name alone, without looking whether they exist.
	*/
	problem?(path: string): ReadProblem | undefined;
};

export const emptyWorkspace: WorkspaceView = { readFile: () => undefined, listFiles: () => [] };

/**
Classify a path by name alone; `undefined` for names that do not tell (analysis/detect.ts then looks at the content).
A `.template` or `.tmpl` suffix is set aside (`compose.yml.template`, nginx's `default.conf.template`).
*/
export function detectFileKind(path: string): FileKind | undefined {
	const slash = path.lastIndexOf('/');
	const base = path.slice(slash + 1);
	const lower = base.toLowerCase().replace(/(.)\.(template|tmpl)$/, '$1');
	const parent = path.slice(0, Math.max(0, slash)).split('/').pop()?.toLowerCase() ?? '';
	if (/^(docker-)?compose[\w.-]*\.(ya?ml|json)$/.test(lower)) return 'compose';
	if (lower === '.env' || /^\.env\.[\w.-]+$/.test(lower) || /\.env$/.test(lower)) return 'dotenv';
	if (parent === 'dynamic' && lower.endsWith('.toml')) return 'traefik';
	if (/^navidrome[\w.-]*\.toml$/.test(lower)) return 'navidrome-toml';
	if (/^caddyfile([.\w-]*)$/.test(lower) || lower.endsWith('.caddyfile') || lower.endsWith('.caddy')) return 'caddyfile';
	// Apache httpd before nginx: Debian's apache2 also keeps `sites-enabled/*.conf` and `conf.d`-like folders.
	const segments = path.toLowerCase().split('/');
	if (lower === 'httpd.conf' || lower === 'apache2.conf' || (lower.endsWith('.conf') && (segments.includes('apache2') || segments.includes('httpd') || /^(conf|mods)-(enabled|available)$/.test(parent)))) return 'apache';
	if (lower === 'haproxy.cfg' || (lower.endsWith('.cfg') && parent === 'haproxy')) return 'haproxy';
	if (lower.endsWith('.service') || (parent.endsWith('.service.d') && lower.endsWith('.conf'))) return 'systemd';
	if (lower.endsWith('.sh')) return 'shell';
	if (lower === 'nginx.conf' || (lower.endsWith('.conf') && (parent === 'conf.d' || parent.startsWith('sites-') || parent === 'nginx'))) return 'nginx';
	// SWAG's proxy-confs (`navidrome.subdomain.conf`) and Nginx Proxy Manager's generated `data/nginx/proxy_host/1.conf`.
	if (/\.sub(domain|folder)\.conf$/.test(lower) || (parent === 'proxy_host' && lower.endsWith('.conf'))) return 'nginx';
	if (parent.startsWith('sites-') && !lower.includes('.')) return 'nginx';
	if (/^traefik[\w.-]*\.(ya?ml|toml)$/.test(lower) || ((parent === 'dynamic' || parent.includes('traefik')) && /\.(ya?ml|toml)$/.test(lower))) return 'traefik';
	return undefined;
}

export function dirname(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash <= 0 ? '/' : path.slice(0, slash);
}

export function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

/** Join and normalise `/`-separated paths (`.` and `..` resolved); absolute `relative` wins. */
export function resolvePath(base: string, relative: string): string {
	const joined = relative.startsWith('/') ? relative : `${base}/${relative}`;
	const parts: string[] = [];
	for (const part of joined.split('/')) {
		if (part === '' || part === '.') continue;
		if (part === '..') parts.pop();
		else parts.push(part);
	}
	return `/${parts.join('/')}`;
}
