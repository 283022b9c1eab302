/**
`probe --live URL`: a side-effect-free check of a running deployment. Only `GET <URL>/rest/ping` is sent: Subsonic
requests never create users (spec navidrome-extauth.md §5, §6: only `/app/` and `/share/{id}` provision), so a forged
name that does not exist changes nothing. What Navidrome answers tells whether it read the header (§4, §5):
- Subsonic error 40 (wrong username or password) for the forged, non-existent name: the header was trusted and looked
  up, so with a real name anyone is that user;
- error 10 (required parameter missing): the header did not arrive or was not trusted, and with no `u` parameter
  Navidrome asks for one;
- 401, 403 or a redirect: the proxy demands auth before Navidrome.
`--as USER` sends an existing name too: `status ok` confirms the impersonation. Redirects are not followed.
*/
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { escapeControls } from '../format-text.js';
import type { ProbeArguments } from './args.js';
import type { ProbeIo } from './types.js';

export type LiveAnswer =
	| { kind: 'subsonic'; status: number; ok: boolean; code?: number; message?: string }
	| { kind: 'redirect'; status: number; location: string }
	| { kind: 'auth-required'; status: number }
	| { kind: 'other'; status: number; detail: string }
	| { kind: 'unreachable'; detail: string };

export type LiveExchange = { label: string; sent: { method: 'GET'; url: string; headers: Record<string, string> }; answer: LiveAnswer };

export type LiveVerdict = 'impersonation' | 'not-honoured' | 'auth-required' | 'inconclusive';

export type LiveReport = { live: string; header: string; exchanges: LiveExchange[]; verdict: LiveVerdict; explanation: string };

const query = 'v=1.16.1&c=navidrome-extauth&f=json';

export async function runLive(args: ProbeArguments, io: ProbeIo): Promise<number> {
	const base = args.live!.replace(/\/+$/, '');
	const url = `${base}/rest/ping?${query}`;
	const header = args.header ?? 'Remote-User';
	const forged = `navidrome-extauth-probe-${randomBytes(6).toString('hex')}`;
	const plan: Array<{ label: string; headers: Record<string, string> }> = [
		{ label: 'without the header', headers: {} },
		{ label: 'with a forged user that does not exist', headers: { [header]: forged } },
		...(args.user !== undefined ? [{ label: `as ${args.user}`, headers: { [header]: args.user } }] : []),
	];
	const exchanges: LiveExchange[] = [];
	for (const step of plan) {
		const headers = { Accept: 'application/json', 'User-Agent': 'navidrome-extauth-probe', ...step.headers };
		exchanges.push({ label: step.label, sent: { method: 'GET', url, headers }, answer: await get(url, headers, args.timeoutMs, args.insecure) });
	}
	const { verdict, explanation } = judgeLive(exchanges, header, args.user);
	const report: LiveReport = { live: base, header, exchanges, verdict, explanation };
	io.out(args.format === 'json' ? `${JSON.stringify(report, undefined, 2)}\n` : formatLiveText(report));
	return verdict === 'impersonation' ? 1 : verdict === 'inconclusive' ? 2 : 0;
}

/** The verdict from the answers (see the module comment). */
export function judgeLive(exchanges: readonly LiveExchange[], header: string, user: string | undefined): { verdict: LiveVerdict; explanation: string } {
	const [without, forged, asUser] = exchanges;
	const answer = forged?.answer;
	const confirm = (): string => {
		if (!asUser || user === undefined) return '';
		const as = asUser.answer;
		if (as.kind === 'subsonic' && as.ok) return ` Confirmed: with "${header}: ${user}" Navidrome answered status ok, signed in as ${user}.`;
		if (as.kind === 'subsonic' && as.code === 40) return ` With "${header}: ${user}" Navidrome also answered error 40: no user ${user} exists.`;
		return ` With "${header}: ${user}" the answer was ${describe(as)}.`;
	};
	if (without?.answer.kind === 'subsonic' && (without.answer.ok || without.answer.code === 40)) {
		return { verdict: 'impersonation', explanation: `Even without ${header}, Navidrome answered ${describe(without.answer)}: the proxy sends a user of its own on every request, so everyone is that user.${confirm()}` };
	}
	if (!answer) return { verdict: 'inconclusive', explanation: 'No request was answered.' };
	if (answer.kind === 'subsonic' && (answer.code === 40 || answer.ok)) {
		return { verdict: 'impersonation', explanation: `Navidrome trusted the forged ${header} and looked the user up (${describe(answer)}). Anyone can send the name of a real user and be that user.${confirm()}` };
	}
	if (answer.kind === 'subsonic' && answer.code === 10) {
		return { verdict: 'not-honoured', explanation: `Navidrome did not honour the forged ${header} (error 10, a required parameter is missing): the proxy removes it, or Navidrome does not trust the proxy's address, or this Navidrome does not read the header on /rest/.${confirm()}` };
	}
	if (answer.kind === 'auth-required' || answer.kind === 'redirect') {
		return { verdict: 'auth-required', explanation: `The proxy demands auth before Navidrome on /rest/ (${describe(answer)}), so the forged ${header} did not get through there. Other paths were not probed.${confirm()}` };
	}
	return { verdict: 'inconclusive', explanation: `The answer does not tell (${describe(answer)}): is ${forged!.sent.url.replace(/\/rest\/ping\?.*$/, '')} the base URL of a Navidrome?` };
}

function describe(answer: LiveAnswer): string {
	switch (answer.kind) {
		case 'subsonic':
			return answer.ok ? `HTTP ${answer.status}, Subsonic status ok` : `HTTP ${answer.status}, Subsonic error ${answer.code ?? '?'}${answer.message ? ` "${answer.message}"` : ''}`;
		case 'redirect':
			return `HTTP ${answer.status} redirect to ${answer.location || '(no Location)'}`;
		case 'auth-required':
			return `HTTP ${answer.status}`;
		case 'other':
			return `HTTP ${answer.status}${answer.detail ? `, ${answer.detail}` : ''}`;
		case 'unreachable':
			return `no answer: ${answer.detail}`;
	}
}

export function formatLiveText(report: LiveReport): string {
	const lines: string[] = [];
	for (const exchange of report.exchanges) {
		lines.push(`${exchange.label}:`);
		lines.push(`  sent:     GET ${escapeControls(exchange.sent.url)}`);
		for (const [name, value] of Object.entries(exchange.sent.headers)) if (name !== 'Accept' && name !== 'User-Agent') lines.push(`            ${escapeControls(name)}: ${escapeControls(value)}`);
		lines.push(`  answered: ${escapeControls(describe(exchange.answer))}`);
	}
	const title = { impersonation: 'IMPERSONATION', 'not-honoured': 'not honoured', 'auth-required': 'auth required', inconclusive: 'inconclusive' }[report.verdict];
	lines.push('', `${title}: ${escapeControls(report.explanation)}`);
	return `${lines.join('\n')}\n`;
}

/** One GET, no redirects followed, at most `timeoutMs` in all; the body is read up to 64 KiB. */
function get(url: string, headers: Record<string, string>, timeoutMs: number, insecure: boolean): Promise<LiveAnswer> {
	return new Promise((resolve) => {
		let done = false;
		const finish = (answer: LiveAnswer): void => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			resolve(answer);
		};
		const onResponse = (response: IncomingMessage): void => {
			const status = response.statusCode ?? 0;
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				if (body.length < 64 * 1024) body += chunk;
			});
			response.on('error', (error) => finish({ kind: 'unreachable', detail: error.message }));
			response.on('end', () => finish(classify(status, response.headers.location ?? '', body)));
		};
		const options = { method: 'GET', headers, agent: false as const, ...(url.startsWith('https:') ? { rejectUnauthorized: !insecure } : {}) };
		const req = url.startsWith('https:') ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
		const timer = setTimeout(() => {
			req.destroy();
			finish({ kind: 'unreachable', detail: `no answer within ${timeoutMs / 1000} s` });
		}, timeoutMs);
		req.on('error', (error) => finish({ kind: 'unreachable', detail: error.message }));
		req.end();
	});
}

/** What an answer is: a Subsonic response, a redirect, an auth demand or something else. */
export function classify(status: number, location: string, body: string): LiveAnswer {
	if (status >= 300 && status < 400) return { kind: 'redirect', status, location };
	if (status === 401 || status === 403 || status === 407) return { kind: 'auth-required', status };
	try {
		const parsed = JSON.parse(body) as { 'subsonic-response'?: { status?: string; error?: { code?: number; message?: string } } };
		const response = parsed?.['subsonic-response'];
		if (response && typeof response.status === 'string') {
			return { kind: 'subsonic', status, ok: response.status === 'ok', ...(typeof response.error?.code === 'number' ? { code: response.error.code } : {}), ...(typeof response.error?.message === 'string' ? { message: response.error.message.slice(0, 200) } : {}) };
		}
	} catch {
		// not JSON
	}
	return { kind: 'other', status, detail: body.trim() ? 'not a Subsonic answer' : 'empty body' };
}
