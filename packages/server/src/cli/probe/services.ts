/**
The loopback services a probe runs the proxy against: one echo upstream per upstream the configuration names (each
answers with the raw request headers it received, case and duplicates kept, and its label), and fake auth services
of the kind the configuration names. A fake auth service answers by the probe's decision for the request in flight:
`user` gives 200 with the identity headers of its kind, `anonymous` 200 without identity (an Authelia `bypass`
policy), `deny` 401. The decision comes from the `X-Navidrome-Extauth-Probe` request header when the proxy forwards
it, else from the one request in flight (the probe sends one request at a time). Everything listens on 127.0.0.1.
*/
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthService } from '../../analysis/model/auth-services.js';

/** What the fake auth services answer for the request in flight. */
export type AuthDecision = 'user' | 'anonymous' | 'deny';

/** The header that carries `<request id> <decision>` to the fake auth services. */
export const probeHeader = 'X-Navidrome-Extauth-Probe';

export type EchoReply = { upstream: string; url: string; rawHeaders: string[] };

/** The request the probe is sending now; the fakes read it when the proxy did not forward `probeHeader`. */
export type InFlight = { id: string; decision: AuthDecision; user: string; authCalls: number };

export type Services = {
	/** Port of the echo standing in for `label` (an upstream as the configuration writes it), started on first use. */
	echo(label: string): Promise<number>;
	/** Port of a fake auth service sending `headers` (lower case) on success. */
	auth(kind: string, headers: readonly string[]): Promise<number>;
	/** Parse an echo's reply; `undefined` when the body is not one of ours. */
	reply(body: string): EchoReply | undefined;
	current: InFlight | undefined;
	close(): Promise<void>;
};

/** Identity headers of an auth service nobody named: every well-known user header, so any mapping can find its own. */
export const genericIdentity = ['remote-user', 'remote-email', 'remote-groups', 'x-authentik-username', 'x-auth-request-user', 'x-forwarded-user', 'x-webauth-user', 'tailscale-user'];

/** Headers of a known service that carry something other than a name (never set to the user). */
const notIdentity = new Set(['authorization', 'x-authentik-jwt']);

export function identityHeaders(service: AuthService | undefined, extra: readonly string[]): string[] {
	const names = service ? service.headers.filter((name) => !notIdentity.has(name)) : [...genericIdentity, ...extra];
	return [...new Set(names.map((name) => name.toLowerCase()))];
}

export async function startServices(): Promise<Services> {
	const token = randomBytes(12).toString('hex');
	const servers: Server[] = [];
	const echoes = new Map<string, Promise<number>>();
	const auths = new Map<string, Promise<number>>();
	const state: { current: InFlight | undefined } = { current: undefined };
	const listen = (server: Server): Promise<number> => {
		servers.push(server);
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen({ port: 0, host: '127.0.0.1' }, () => resolve((server.address() as AddressInfo).port));
		});
	};
	const decisionOf = (value: string | string[] | undefined): { id: string; decision: AuthDecision } | undefined => {
		const text = Array.isArray(value) ? value[0] : value;
		const match = /^(\S+) (user|anonymous|deny)$/.exec(text ?? '');
		return match ? { id: match[1]!, decision: match[2] as AuthDecision } : undefined;
	};
	const services: Services = {
		echo(label) {
			let port = echoes.get(label);
			if (!port) {
				port = listen(
					createServer((request, response) => {
						request.resume();
						response.setHeader('content-type', 'application/json');
						response.end(JSON.stringify({ probeToken: token, upstream: label, url: request.url ?? '', rawHeaders: request.rawHeaders }));
					}),
				);
				echoes.set(label, port);
			}
			return port;
		},
		auth(kind, headers) {
			const key = `${kind}\u0000${headers.join(',')}`;
			let port = auths.get(key);
			if (!port) {
				port = listen(
					createServer((request, response) => {
						request.resume();
						const current = state.current;
						const sent = decisionOf(request.headers[probeHeader.toLowerCase()]);
						if (current && (!sent || sent.id === current.id)) current.authCalls++;
						const decision = sent?.decision ?? current?.decision ?? 'deny';
						if (decision === 'deny') response.statusCode = 401;
						else if (decision === 'user' && current) for (const name of headers) response.setHeader(name, current.user);
						response.end();
					}),
				);
				auths.set(key, port);
			}
			return port;
		},
		reply(body) {
			try {
				const parsed = JSON.parse(body) as Partial<EchoReply> & { probeToken?: string };
				if (parsed?.probeToken !== token || typeof parsed.upstream !== 'string' || !Array.isArray(parsed.rawHeaders)) return undefined;
				return { upstream: parsed.upstream, url: String(parsed.url ?? ''), rawHeaders: parsed.rawHeaders.map(String) };
			} catch {
				return undefined;
			}
		},
		get current() {
			return state.current;
		},
		set current(value) {
			state.current = value;
		},
		close: () =>
			Promise.all(
				servers.map(
					(server) =>
						new Promise<void>((resolve) => {
							server.closeAllConnections();
							server.close(() => resolve());
						}),
				),
			).then(() => undefined),
	};
	return services;
}
