/**
Which auth service answers a forward-auth check, and which identity headers it sends back (proxies.md §5). Shared
by the proxies and the rules; the `$upstream_http_<x>` helpers are nginx's words for those headers. nginx copies
none of them by itself: `auth_request_set $v $upstream_http_<x>` captures one, and a header the service never sends
leaves `$v` empty, so nothing reaches Navidrome ([E] proxies.md §3.1 N1c).
*/

export type AuthServiceKind = 'authelia' | 'authentik' | 'oauth2-proxy' | 'tailscale-nginx-auth';

export type AuthService = {
	kind: AuthServiceKind;
	/** Display name for messages. */
	name: string;
	/** Response headers it sets on a successful check, lower case. */
	headers: readonly string[];
	/** The header that carries the user name best (proxies.md §5, "Best Navidrome UserHeader"). */
	userHeader: string;
};

const services: readonly AuthService[] = [
	{
		kind: 'authelia',
		name: 'Authelia',
		headers: ['remote-user', 'remote-groups', 'remote-name', 'remote-email'],
		userHeader: 'remote-user',
	},
	{
		kind: 'authentik',
		name: 'Authentik',
		headers: [
			'x-authentik-username',
			'x-authentik-groups',
			'x-authentik-entitlements',
			'x-authentik-email',
			'x-authentik-name',
			'x-authentik-uid',
			'x-authentik-jwt',
			'x-authentik-meta-outpost',
			'x-authentik-meta-provider',
			'x-authentik-meta-app',
			'x-authentik-meta-version',
		],
		userHeader: 'x-authentik-username',
	},
	{
		kind: 'oauth2-proxy',
		name: 'oauth2-proxy',
		headers: ['x-auth-request-user', 'x-auth-request-email', 'x-auth-request-preferred-username', 'x-auth-request-groups', 'x-auth-request-access-token', 'authorization'],
		userHeader: 'x-auth-request-user',
	},
	{
		kind: 'tailscale-nginx-auth',
		name: 'Tailscale nginx-auth',
		headers: ['tailscale-user', 'tailscale-login', 'tailscale-name', 'tailscale-profile-picture', 'tailscale-tailnet'],
		userHeader: 'tailscale-user',
	},
];

/** Response headers every HTTP service may send; capturing them says nothing about identity. */
const genericHeaders = new Set(['location', 'set-cookie', 'www-authenticate', 'content-type', 'content-length', 'cache-control', 'date', 'server', 'vary']);

/**
Recognise an auth service from the words that name it: the auth location's `proxy_pass` URL (host and path) and,
when that host is a compose service, its image. Only names that say so count; anything else stays unknown.
*/
export function identifyAuthService(words: readonly string[]): AuthService | undefined {
	const text = words.join(' ').toLowerCase();
	if (text.includes('authentik') || text.includes('outpost.goauthentik.io')) return services[1];
	if (text.includes('authelia')) return services[0];
	if (text.includes('oauth2-proxy') || text.includes('oauth2_proxy') || text.includes('oauth2proxy') || /\/oauth2\/auth\b/.test(text)) return services[2];
	if (text.includes('nginx-auth') || text.includes('tailscale')) return services[3];
	return undefined;
}

/** Whether `service` can answer with `header` (lower case, `-`-separated). */
export function sendsHeader(service: AuthService, header: string): boolean {
	return service.headers.includes(header) || genericHeaders.has(header);
}

/** `upstream_http_x_authentik_username` → `x-authentik-username`; `undefined` for other variables. */
export function capturedHeader(variable: string): string | undefined {
	const lower = variable.toLowerCase();
	return lower.startsWith('upstream_http_') && lower.length > 'upstream_http_'.length ? lower.slice('upstream_http_'.length).replaceAll('_', '-') : undefined;
}
