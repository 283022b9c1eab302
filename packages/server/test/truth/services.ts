/**
The loopback services of the differential test (proxies.md §1): an echo standing in for Navidrome, one for any other
upstream, and a fake auth service. The auth service answers `Authorization: Bearer good` (or the cookie
`session=good`) with 200 and identity headers, `Bearer anon` with 200 and no identity (an anonymous user under a
bypass policy), anything else with 401.
*/
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EchoReply = { upstream: string; url: string; rawHeaders: string[] };

export type Services = { navidrome: number; other: number; auth: number; close(): Promise<void> };

/** The identity headers of a signed-in `alice` (Authelia's and Authentik's names). */
export const identity: Record<string, string> = { 'Remote-User': 'alice', 'Remote-Groups': 'users', 'Remote-Email': 'alice@example.com', 'X-Authentik-Username': 'alice' };

function listen(server: Server): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => resolve((server.address() as AddressInfo).port));
	});
}

function echo(name: string): Server {
	return createServer((request, response) => {
		request.resume();
		response.setHeader('content-type', 'application/json');
		response.end(JSON.stringify({ upstream: name, url: request.url ?? '', rawHeaders: request.rawHeaders } satisfies EchoReply));
	});
}

function auth(): Server {
	return createServer((request, response) => {
		request.resume();
		const authorization = request.headers.authorization ?? '';
		if (authorization === 'Bearer good' || /(?:^|;\s*)session=good(?:;|$)/.test(request.headers.cookie ?? '')) {
			for (const [name, value] of Object.entries(identity)) response.setHeader(name, value);
		} else if (authorization !== 'Bearer anon') response.statusCode = 401;
		response.end();
	});
}

export async function startServices(): Promise<Services> {
	const servers = [echo('navidrome'), echo('other'), auth()];
	const [navidrome, other, authPort] = await Promise.all(servers.map(listen));
	return {
		navidrome: navidrome!,
		other: other!,
		auth: authPort!,
		close: async () => {
			await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})));
		},
	};
}
