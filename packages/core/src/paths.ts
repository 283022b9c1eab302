/**
Which Navidrome endpoints read the external-auth header (navidrome-extauth.md §5). Paths are BasePath-relative and
matched case-sensitively like chi's router; a query string or fragment is ignored.
*/
import { isAtLeast, type Version } from './version.js';

export type PathKind =
	/** No path was given: treated as a path that honours the header. */
	| 'unspecified'
	/** `/app/`: the UI index; creates unknown users (§6). */
	| 'ui-index'
	/** `/share/{id}`: the public share page; creates unknown users like the UI index. */
	| 'share-page'
	/** `/api/*`: the native API; a JWT wins over the header. */
	| 'native-api'
	/** `/rest/*`: the Subsonic API (header honoured since 0.52.0). */
	| 'subsonic'
	/** `/rest/getOpenSubsonicExtensions`: public. */
	| 'subsonic-public'
	/** `/auth/login`, `/auth/createAdmin`: body credentials only. */
	| 'auth-endpoint'
	| 'ping'
	/** `/share/img/*`, `/share/s/*`, `/share/d/*`, `/share/{id}/m3u`: token-based public endpoints. */
	| 'share-public'
	/** `/jellyfin/*` (master only). */
	| 'jellyfin'
	/** Files under `/app/` other than the index. */
	| 'static-asset'
	| 'other';

export type PathInfo = {
	kind: PathKind;
	/** The path without query string or fragment. */
	path: string;
	/** Whether Navidrome (at the given version) reads the header on this path. */
	honoursHeader: boolean;
	/** Why it does not, as a clause for explanations (`/ping is a health check that never authenticates`). */
	reason: string | undefined;
};

/** Classify a BasePath-relative request path for the given Navidrome version (`undefined` = newest release). */
export function classifyPath(path: string | undefined, version?: Version): PathInfo {
	if (path === undefined) return { kind: 'unspecified', path: '', honoursHeader: true, reason: undefined };
	let clean = String(path);
	const cut = clean.search(/[?#]/);
	if (cut >= 0) clean = clean.slice(0, cut);
	if (!clean.startsWith('/')) clean = `/${clean}`;
	const shown = clean.length > 80 ? `${clean.slice(0, 77)}…` : clean;
	const ignored = (kind: PathKind, reason: string): PathInfo => ({ kind, path: clean, honoursHeader: false, reason });
	const honoured = (kind: PathKind): PathInfo => ({ kind, path: clean, honoursHeader: true, reason: undefined });

	if (clean === '/app' || clean === '/app/') return honoured('ui-index');
	if (clean.startsWith('/app/')) return ignored('static-asset', `${shown} is a static UI file, served without authentication`);
	if (clean === '/api' || clean.startsWith('/api/')) return honoured('native-api');
	if (clean.startsWith('/rest/')) {
		if (clean === '/rest/getOpenSubsonicExtensions' || clean === '/rest/getOpenSubsonicExtensions.view') {
			return ignored('subsonic-public', 'getOpenSubsonicExtensions is a public Subsonic endpoint that needs no login');
		}
		if (!isAtLeast(version, [0, 52, 0])) return ignored('subsonic', 'the Subsonic API (/rest) only reads the header since Navidrome 0.52.0');
		return honoured('subsonic');
	}
	if (clean === '/auth' || clean.startsWith('/auth/')) {
		return ignored('auth-endpoint', `${shown} takes credentials from the request body only (password login keeps working alongside header auth)`);
	}
	if (clean === '/ping') return ignored('ping', '/ping is a health check that never authenticates');
	if (clean.startsWith('/share/')) {
		const rest = clean.slice('/share/'.length);
		if (/^(?:img|s|d)\//.test(rest)) return ignored('share-public', `${shown} is a public share endpoint that uses its own token`);
		const slash = rest.indexOf('/');
		if (rest !== '' && slash < 0) return honoured('share-page');
		if (slash > 0 && rest.slice(slash) === '/m3u') return ignored('share-public', `${shown} is a public share playlist that uses the share id as its token`);
		return ignored('other', `Navidrome serves ${shown} without reading the header`);
	}
	if (clean === '/jellyfin' || clean.startsWith('/jellyfin/')) {
		return ignored('jellyfin', 'the Jellyfin API (only on Navidrome master, unreleased) is not wired to external authentication');
	}
	if (clean === '/') return ignored('other', '/ only redirects to /app/, where the header is read');
	return ignored('other', `no Navidrome handler reads the header on ${shown}`);
}
