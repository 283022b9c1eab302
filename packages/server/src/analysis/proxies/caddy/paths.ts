/**
Caddy's `path` matcher ([D] https://caddyserver.com/docs/caddyfile/matchers#path; proxies.md §2.4 "Matchers", §2.1
C1f–C1i) and the witness paths the route model evaluates. Matching is case-insensitive; `*` at the end is a prefix
match, at the start a suffix match, at both ends a substring match, elsewhere a glob (`path.Match`), and a pattern
without wildcards is exact. Requests are cleaned before matching, so witnesses are clean paths.
*/

/** Whether `pattern` matches the (clean) request path. */
export function matchPath(pattern: string, path: string): boolean {
	return matchLowerPath(pattern.toLowerCase(), path.toLowerCase());
}

/** `matchPath` for a pattern and path already in lower case (the model's hot loop). */
export function matchLowerPath(p: string, s: string): boolean {
	if (p === '*') return true;
	// Witnesses are short; a huge pattern can only match a path of its own size, which no witness is.
	if (p.length > 1024) return p === s;
	if (p.length > 1 && p.startsWith('*') && p.endsWith('*')) return s.includes(p.slice(1, -1));
	if (p.startsWith('*')) return s.endsWith(p.slice(1));
	if (p.endsWith('*')) return s.startsWith(p.slice(0, -1));
	return globMatch(p, s);
}

/** Go's `path.Match` for `*` (no `/`), `?`, `[…]` classes and `\` escapes; a malformed pattern matches nothing. */
export function globMatch(pattern: string, name: string): boolean {
	// Iterative with one backtrack point per star, like Go: linear in practice, no regexes on user input.
	let p = 0;
	let n = 0;
	let starP = -1;
	let starN = -1;
	while (n < name.length || p < pattern.length) {
		if (p < pattern.length) {
			const char = pattern[p]!;
			if (char === '*') {
				starP = p++;
				starN = n;
				continue;
			}
			if (n < name.length && name[n] !== '/') {
				if (char === '?') {
					p++;
					n++;
					continue;
				}
				if (char === '[') {
					const matched = matchClass(pattern, p, name[n]!);
					if (matched === undefined) return false;
					if (matched.ok) {
						p = matched.next;
						n++;
						continue;
					}
				} else {
					let literal = char;
					let width = 1;
					if (char === '\\') {
						if (p + 1 >= pattern.length) return false;
						literal = pattern[p + 1]!;
						width = 2;
					}
					if (literal === name[n]) {
						p += width;
						n++;
						continue;
					}
				}
			} else if (n < name.length && name[n] === '/' && char === '/') {
				p++;
				n++;
				continue;
			}
		}
		// Backtrack: let the last star swallow one more character (never a `/`).
		if (starP >= 0 && starN < name.length && name[starN] !== '/') {
			starN++;
			p = starP + 1;
			n = starN;
			continue;
		}
		return false;
	}
	return true;
}

function matchClass(pattern: string, start: number, char: string): { ok: boolean; next: number } | undefined {
	let index = start + 1;
	let negated = false;
	if (pattern[index] === '^') {
		negated = true;
		index++;
	}
	let matched = false;
	let first = true;
	while (index < pattern.length && (first || pattern[index] !== ']')) {
		first = false;
		let low = pattern[index]!;
		if (low === '\\') low = pattern[++index] ?? '';
		index++;
		let high = low;
		if (pattern[index] === '-' && pattern[index + 1] !== undefined && pattern[index + 1] !== ']') {
			high = pattern[index + 1]!;
			if (high === '\\') high = pattern[index + 2] ?? '';
			index += high === pattern[index + 1] ? 2 : 3;
		}
		if (low === '' || high === '') return undefined;
		if (low <= char && char <= high) matched = true;
	}
	if (pattern[index] !== ']') return undefined;
	return { ok: matched !== negated, next: index + 1 };
}

/** Paths every site is probed with: Navidrome's web app, API, public shares and Subsonic API. */
const basePaths = ['/', '/app/', '/api/user', '/auth/login', '/rest/ping', '/rest/ping.view', '/share/abc', '/x'];

/** Most witness paths generated per site; past that, the model says it approximated. */
export const maxWitnessPaths = 600;

/**
Paths that tell the patterns apart: Navidrome's own (also under each BaseURL), and for each pattern, paths inside it
and just outside it. Every region of path space that a boolean combination of prefix, suffix, substring and exact
patterns defines holds at least one witness, as long as the regions are not defined by paths longer than the patterns
themselves.
*/
export function witnessPaths(patterns: Iterable<string>, baseUrls: Iterable<string> = []): { paths: string[]; truncated: boolean } {
	const set = new Set<string>(basePaths);
	// spec: navidrome-extauth.md §5 (the honoured paths sit under BaseURL); kept as written, Navidrome's router is case-sensitive
	for (const raw of baseUrls) {
		const base = raw.replace(/\/+$/, '');
		if (base.startsWith('/') && base.length <= 256 && !base.includes('//')) for (const path of basePaths) set.add(`${base}${path === '/' ? '' : path}`);
	}
	let truncated = false;
	const add = (path: string): void => {
		if (set.size >= maxWitnessPaths) {
			truncated = true;
			return;
		}
		if (path.startsWith('/') && !path.includes('//') && path.length <= 512) set.add(path.toLowerCase());
	};
	for (const raw of patterns) {
		if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256) continue;
		const pattern = raw.toLowerCase();
		if (pattern === '*') continue;
		const core = pattern.replace(/^\*+|\*+$/g, '');
		const literal = core.replace(/[*?]/g, 'w').replace(/\[[^\]]*\]/g, 'w').replace(/\\/g, '');
		if (pattern.startsWith('*')) {
			add(`/w${literal}`);
			add(`/w${literal}x`);
			add(`/w${literal.slice(0, -1)}`);
			if (pattern.endsWith('*')) add(`/w${literal}/x`);
			continue;
		}
		const base = literal.startsWith('/') ? literal : `/${literal}`;
		add(base);
		add(`${base}x`);
		add(`${base}/x`);
		add(`${base}zq/x`);
		if (base.length > 1) add(base.slice(0, -1));
		if (base.endsWith('/') && base.length > 1) add(base.slice(0, -1));
		else add(`${base}/`);
	}
	return { paths: [...set], truncated };
}
