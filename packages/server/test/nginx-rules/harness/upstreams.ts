/**
The loopback services of proxies.md §1, run inside the test process: echo upstreams that answer with the raw request
headers (case and duplicates kept), and fake auth services. Every fake auth service follows §1: a valid credential
gives 200 with identity headers, an original URI under `/bypass/` gives 200 with none (an Authelia `bypass` policy),
anything else 401. Besides `Authorization: Bearer good` a session cookie `session=good` is accepted, as Authelia and
Authentik judge their session cookie; that lets a test send its own `Authorization: Basic` next to a valid session.
Which identity headers are sent depends on the service modelled (proxies.md §5); `generic` sends the §1 set.
*/
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EchoReply = { upstream: string; url: string; rawHeaders: string[] };

export type AuthFlavour = 'generic' | 'authelia' | 'authentik' | 'oauth2-proxy';

const identity: Record<AuthFlavour, Record<string, string>> = {
	generic: { 'Remote-User': 'alice', 'Remote-Groups': 'users', 'Remote-Email': 'alice@example.com', 'X-Authentik-Username': 'alice', 'X-Auth-Request-User': 'alice' },
	authelia: { 'Remote-User': 'alice', 'Remote-Groups': 'users', 'Remote-Name': 'Alice', 'Remote-Email': 'alice@example.com' },
	authentik: { 'X-authentik-username': 'alice', 'X-authentik-groups': 'users', 'X-authentik-email': 'alice@example.com', 'X-authentik-name': 'Alice', 'X-authentik-uid': '0f3a' },
	'oauth2-proxy': { 'X-Auth-Request-User': 'alice', 'X-Auth-Request-Email': 'alice@example.com', 'X-Auth-Request-Preferred-Username': 'alice' },
};

export type Upstreams = {
	/** Port of the echo standing in for Navidrome. */
	navidrome: number;
	/** Port of the echo standing in for any other service. */
	other: number;
	auth: Record<AuthFlavour, number>;
	close(): Promise<void>;
};

function listen(server: Server): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => resolve((server.address() as AddressInfo).port));
	});
}

function echo(name: string): Server {
	return createServer((request, response) => {
		const reply: EchoReply = { upstream: name, url: request.url ?? '', rawHeaders: request.rawHeaders };
		request.resume();
		response.setHeader('content-type', 'application/json');
		response.end(JSON.stringify(reply));
	});
}

function originalPath(request: IncomingMessage): string {
	const header = (name: string): string => {
		const value = request.headers[name];
		return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
	};
	const uri = header('x-original-uri') || header('x-forwarded-uri');
	if (uri) return uri;
	const url = header('x-original-url');
	const match = /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(url);
	return match ? (match[1] ?? '/') : '';
}

function fakeAuth(flavour: AuthFlavour): Server {
	return createServer((request, response) => {
		request.resume();
		const authorization = request.headers.authorization ?? '';
		const cookie = request.headers.cookie ?? '';
		if (authorization === 'Bearer good' || /(?:^|;\s*)session=good(?:;|$)/.test(cookie)) {
			for (const [name, value] of Object.entries(identity[flavour])) response.setHeader(name, value);
			response.statusCode = 200;
		} else if (originalPath(request).startsWith('/bypass/')) response.statusCode = 200;
		else response.statusCode = 401;
		response.end();
	});
}

export async function startUpstreams(): Promise<Upstreams> {
	const servers: Server[] = [];
	const start = async (server: Server): Promise<number> => {
		servers.push(server);
		return listen(server);
	};
	const flavours: AuthFlavour[] = ['generic', 'authelia', 'authentik', 'oauth2-proxy'];
	const auth = {} as Record<AuthFlavour, number>;
	const navidrome = await start(echo('navidrome'));
	const other = await start(echo('other'));
	for (const flavour of flavours) auth[flavour] = await start(fakeAuth(flavour));
	return {
		navidrome,
		other,
		auth,
		close: () => Promise.all(servers.map((server) => new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		}))).then(() => undefined),
	};
}
