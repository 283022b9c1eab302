import http from 'node:http';
import { authenticate, fromNodeRequest, MemoryUserStore } from './core.js';
import type { AuthenticationResult, ExtAuthConfig, User, UsernamePolicy, UserStore } from './core.js';
import { escapeHtml, page } from './html.js';

export type GatewayOptions = {
	/** Navidrome's ExtAuth settings; `address` starting with `unix:` makes `@` peers trustable. */
	config: ExtAuthConfig;
	/** @default a fresh MemoryUserStore */
	store?: UserStore;
	policy?: UsernamePolicy;
	/** How the server will listen; `unix` makes every peer `@`, as Go reports it. @default derived from config.address */
	listener?: 'tcp' | 'unix';
	/** One line per refused header login (reason codes only). @default silent */
	log?: (line: string) => void;
};

export type Gateway = {
	server: http.Server;
	store: UserStore;
};

const securityHeaders = {
	'Cache-Control': 'no-store',
	'Content-Security-Policy': "default-src 'none'",
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
};

function send(response: http.ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
	response.writeHead(status, { ...securityHeaders, 'Content-Type': `${type}; charset=utf-8`, ...extra });
	response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** The user as shown to clients: never the password. */
function publicUser(user: User) {
	return { id: user.id, userName: user.userName, name: user.name, isAdmin: user.isAdmin };
}

function signedInPage(result: Extract<AuthenticationResult, { outcome: 'authenticated' }>, shareId: string | undefined): string {
	const { user, created, isAdmin } = result;
	return page(
		'Signed in',
		[
			`<h1>Signed in as ${escapeHtml(user.userName)}</h1>`,
			`<p>Name: ${escapeHtml(user.name)}</p>`,
			`<p>Role: ${isAdmin ? 'administrator' : 'user'}</p>`,
			created ? '<p>Your account was created just now from the proxy header.</p>' : '',
			shareId === undefined ? '' : `<p>Share: ${escapeHtml(shareId)}</p>`,
		].join('\n'),
	);
}

function loginPage(result: Extract<AuthenticationResult, { outcome: 'fallback' }>): string {
	return page(
		'Sign in',
		[
			'<h1>Not signed in</h1>',
			`<p>Header login was not used (<code>${escapeHtml(result.reason)}</code>).</p>`,
			`<p>${escapeHtml(result.explanation)}</p>`,
			'<p>A real Navidrome would now show its login form.</p>',
		].join('\n'),
	);
}

/**
A Node HTTP server that treats the proxy header exactly as Navidrome does:
- `GET /app/`, `GET /share/{id}`: header login with auto-provisioning (first user admin); otherwise a 401 login page.
- `GET /api/me`: header login for existing users only, as JSON; otherwise 401 `{"error":"Not authenticated"}`.
- `GET /`, `GET /app`: redirect to `/app/`; `GET /ping`: health check.
*/
export function createGateway(options: GatewayOptions): Gateway {
	const store = options.store ?? new MemoryUserStore();
	const listener = options.listener ?? (options.config.address?.startsWith('unix:') ? 'unix' : 'tcp');
	const log = options.log ?? (() => undefined);

	async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
		const extAuthRequest = fromNodeRequest(request, { listener });
		const path = extAuthRequest.path ?? '/';
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			send(response, 405, 'text/plain', 'Method not allowed\n', { Allow: 'GET, HEAD' });
			return;
		}
		if (path === '/' || path === '/app') {
			send(response, 302, 'text/plain', 'Found\n', { Location: '/app/' });
			return;
		}
		if (path === '/ping') {
			send(response, 200, 'text/plain', 'ok\n');
			return;
		}
		const shareMatch = /^\/share\/([^/]+)$/.exec(path);
		const isApi = path === '/api/me';
		if (path !== '/app/' && !shareMatch && !isApi) {
			send(response, 404, 'text/plain', 'Not found\n');
			return;
		}

		const result = await authenticate(extAuthRequest, options.config, store, { policy: options.policy });
		if (result.outcome === 'fallback') log(`header login refused: ${result.reason} (peer ${extAuthRequest.remoteAddr ?? 'unknown'}, path ${path})`);

		if (isApi) {
			if (result.outcome === 'authenticated') send(response, 200, 'application/json', `${JSON.stringify({ user: publicUser(result.user) })}\n`);
			else send(response, 401, 'application/json', `${JSON.stringify({ error: 'Not authenticated', reason: result.reason })}\n`);
			return;
		}
		if (result.outcome === 'authenticated') send(response, 200, 'text/html', signedInPage(result, shareMatch?.[1]));
		else send(response, 401, 'text/html', loginPage(result));
	}

	const server = http.createServer((request, response) => {
		handle(request, response).catch(() => {
			if (!response.headersSent) send(response, 500, 'text/plain', 'Internal error\n');
			else response.destroy();
		});
	});
	return { server, store };
}
