/**
The measurement: requests to the sandboxed proxy, one at a time, and what the echo standing in for Navidrome
received. Navidrome reads the user header with Go's `Header.Get`: the name matches case-insensitively, the first
value wins and an empty value counts as absent (spec navidrome-extauth.md §4). Per path:
- **spoofable**: a forged value arrived (without credentials, under a lower-case name, when the auth service answers
  200 without identity, or from a signed-in user), or a request without credentials arrived as some fixed user;
- **placeholder**: a request the auth service let through without identity arrived as a literal Caddy placeholder
  (`{http.reverse_proxy.header.…}`): not the client's choice, but one shared user (the truth tests' own class);
- **delivered**: with the auth service accepting the user, that user arrived; `null` when no auth service was asked
  or the request went elsewhere.
*/
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { probeHeader, type AuthDecision, type EchoReply, type Services } from './services.js';
import type { ProbeTarget } from './types.js';

export type Exchange = { status: number; reply: EchoReply | undefined; authCalls: number; error?: string };

type Variant = { name: string; decision: AuthDecision; headers: Array<[string, string]>; forged: boolean };

/** Go's `Header.Get(name)` over raw headers: the first case-insensitive match; `''` when absent. */
export function goGet(rawHeaders: readonly string[], name: string): string {
	const wanted = name.toLowerCase();
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === wanted) return rawHeaders[i + 1]!.trim();
	return '';
}

export type MeasureContext = {
	services: Services;
	userHeader: string;
	forgedUser: string;
	signedInUser: string;
	/** Whether an echo label stands for Navidrome. */
	isNavidrome: (label: string) => boolean;
};

export type Measurement = { spoofable: boolean; placeholder: boolean; delivered: boolean | null; evidence: string[] };

export async function measurePath(target: ProbeTarget, path: string, context: MeasureContext): Promise<Measurement> {
	const { userHeader, forgedUser } = context;
	const variants: Variant[] = [
		{ name: 'no credentials', decision: 'deny', headers: [[userHeader, forgedUser]], forged: true },
		{ name: 'no credentials, lower-case name', decision: 'deny', headers: [[userHeader.toLowerCase(), forgedUser]], forged: true },
		{ name: 'auth answers 200 without identity', decision: 'anonymous', headers: [[userHeader, forgedUser]], forged: true },
		{ name: 'signed in, forging', decision: 'user', headers: [[userHeader, forgedUser]], forged: true },
		{ name: 'signed in', decision: 'user', headers: [], forged: false },
	];
	const evidence: string[] = [];
	let spoofable = false;
	let placeholder = false;
	let delivered: boolean | null = null;
	for (const variant of variants) {
		const exchange = await send(target, path, variant, context);
		if (exchange.error) evidence.push(`${variant.name}: ${exchange.error}`);
		const atNavidrome = exchange.reply !== undefined && context.isNavidrome(exchange.reply.upstream);
		if (!atNavidrome) continue;
		const value = goGet(exchange.reply!.rawHeaders, userHeader);
		if (variant.forged && value === forgedUser) {
			spoofable = true;
			evidence.push(`${variant.name}: the forged ${userHeader} reached Navidrome`);
		} else if (value.startsWith('{') && variant.decision !== 'user') {
			placeholder = true;
			evidence.push(`${variant.name}: Navidrome got the literal ${value}`);
		} else if (value !== '' && variant.decision === 'deny') {
			spoofable = true;
			evidence.push(`${variant.name}: arrived as the fixed user ${JSON.stringify(value)}`);
		}
		if (!variant.forged && exchange.authCalls > 0) {
			delivered = value === context.signedInUser;
			if (!delivered) evidence.push(`${variant.name}: the auth service accepted the user, but Navidrome got ${value === '' ? `no ${userHeader}` : JSON.stringify(value)}`);
		}
	}
	return { spoofable, placeholder, delivered, evidence };
}

/** One GET through the proxy, with the fake auth services told what to answer. */
function send(target: ProbeTarget, path: string, variant: Variant, context: MeasureContext): Promise<Exchange> {
	const id = randomBytes(6).toString('hex');
	const current = { id, decision: variant.decision, user: context.signedInUser, authCalls: 0 };
	context.services.current = current;
	const headers = [['Host', target.host], [probeHeader, `${id} ${variant.decision}`], ...variant.headers].flat();
	return new Promise((resolve) => {
		let done = false;
		const finish = (exchange: Omit<Exchange, 'authCalls'>): void => {
			if (done) return;
			done = true;
			context.services.current = undefined;
			resolve({ ...exchange, authCalls: current.authCalls });
		};
		const req = request({ host: '127.0.0.1', port: target.port, path, method: 'GET', setHost: false, headers, agent: false }, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				if (body.length < 1024 * 1024) body += chunk;
			});
			response.on('end', () => finish({ status: response.statusCode ?? 0, reply: context.services.reply(body) }));
			response.on('error', () => finish({ status: response.statusCode ?? 0, reply: undefined }));
		});
		req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
		req.on('error', (error) => finish({ status: 0, reply: undefined, error: error.message }));
		req.end();
	});
}
