/**
What Apache does with the user header on one request path: authentication (mod_authn/mod_authz, mod_auth_openidc,
mod_auth_mellon) and mod_headers' `RequestHeader`, in mod_headers' order. Facts measured on Apache 2.4 (docs/apache.md):

- `RequestHeader … early` runs when the request is read, before authentication; it is honoured only in the server
  and virtual-host context: inside `<Location>` Apache accepts it and does nothing;
- every other `RequestHeader` runs in the fixup phase, after authentication, in merge order (main server, virtual
  host, then each section); none replaces another;
- names compare case-insensitively: `unset Remote-User` removes `remote-user` and `REMOTE-USER` too;
- `%{REMOTE_USER}e` is `(null)` even after a successful login (REMOTE_USER is not in the environment at fixup);
- `%{REMOTE_USER}s` is the authenticated user when mod_ssl is loaded (with or without SSL), else `(null)`; on a
  request that was not authenticated it is `(null)`; any unset `%{…}e`/`%{…}s` is sent as `(null)`;
- `"expr=%{REMOTE_USER}"` is the authenticated user, and empty (Navidrome: no user) when nobody logged in;
  `"expr=%{ENV:X}"` is empty when X is unset;
- `setifempty` keeps a client's copy; `append`/`merge` add to it (`admin, alice`); `add` puts a second copy after it.
*/
import type { ApacheDirective } from '../../formats/apache/index.js';
import type { Applied } from './select.js';
import type { Item } from './config.js';

/** What kind of auth runs on the path. */
export type AuthKind = 'basic' | 'digest' | 'openid-connect' | 'mellon' | 'form' | 'other';

export type AuthFacts = {
	/** The effective `AuthType` and `Require` directives, when a login is required. */
	type: ApacheDirective | undefined;
	kind: AuthKind | undefined;
	require: ApacheDirective[];
	/** Whether a login is required on every request of the path. */
	runs: boolean;
	/** `Require all denied` (or only denials): nothing reaches the backend. */
	denied: boolean;
	/** Requires that let some requests through without a login (`Require ip …` next to `Require valid-user`). */
	alternatives: ApacheDirective[];
};

/** Where a header value comes from. */
export type Source =
	| { kind: 'user' }
	| { kind: 'client'; what: string }
	| { kind: 'literal'; text: string };

export type HeaderOp = {
	directive: ApacheDirective;
	action: string;
	header: string;
	value: string | undefined;
	early: boolean;
	/** `env=…`/`expr=…`, an `<If>` or a `<Limit>`: it may not run. */
	condition: string | undefined;
	item: Item & { server: 'main' | 'vhost' };
	/** An `early` inside a section: Apache ignores it. */
	ignored: boolean;
};

/** The header's fate at Navidrome. */
export type HeaderState = {
	/** A client's copy is the first value (or the value starts with it). */
	client: boolean;
	/** What the proxy set, when the client's copy is gone. */
	value: { source: Source; op: HeaderOp } | undefined;
	/** The last unconditional strip or replacement of the client's copy. */
	strippedBy: HeaderOp | undefined;
	/** Conditional strips and sets that may leave the client's copy. */
	conditional: HeaderOp[];
	/** Ignored `early` strips. */
	ignored: HeaderOp[];
	/** A set of the user that a later `unset` removed. */
	removedUser: { set: HeaderOp; unset: HeaderOp } | undefined;
	/** The op that decided the value (for client-input or literal values). */
	decisive: HeaderOp | undefined;
};

const lower = (directive: ApacheDirective): string => directive.name.toLowerCase();

const authTypes: Record<string, AuthKind> = { basic: 'basic', digest: 'digest', 'openid-connect': 'openid-connect', 'auth-openidc': 'openid-connect', mellon: 'mellon', form: 'form' };

/** `Require` providers that do not need a user. */
const noUser = new Set(['all', 'ip', 'host', 'forward-dns', 'local', 'env', 'method', 'expr']);

export function authFacts(applied: Applied): AuthFacts {
	let type: ApacheDirective | undefined;
	let requires: Array<Item & { server: 'main' | 'vhost' }> = [];
	let requireSection: unknown = null;
	for (const item of applied.items) {
		const name = lower(item.directive);
		if (name === 'authtype') type = item.directive.args[0]?.value.toLowerCase() === 'none' ? undefined : item.directive;
		if (name === 'require') {
			// AuthMerging Off: a section's Require lines replace the earlier section's.
			if (item.section !== requireSection) {
				requires = [];
				requireSection = item.section;
			}
			requires.push(item);
		}
	}
	const needsUser = (directive: ApacheDirective): boolean => {
		const provider = directive.args[0]?.value.toLowerCase() ?? '';
		return provider !== 'not' && !noUser.has(provider);
	};
	const denies = (directive: ApacheDirective): boolean => {
		const words = directive.args.map((arg) => arg.value.toLowerCase());
		return (words[0] === 'all' && words[1] === 'denied') || words[0] === 'not';
	};
	const grants = (directive: ApacheDirective): boolean => !needsUser(directive) && !denies(directive);
	const list = requires.map((item) => item.directive);
	// Require lines outside a container, or in <RequireAny>, pass when any passes; <RequireAll> needs all.
	const all = requires.some((item) => item.requireContainer?.name.toLowerCase() === 'requireall');
	const userNeeded = all ? list.some(needsUser) : list.length > 0 && list.every((d) => needsUser(d) || denies(d)) && list.some(needsUser);
	const alternatives = all ? [] : list.filter(grants);
	const denied = list.length > 0 && list.every(denies);
	const runsAuth = userNeeded && type !== undefined;
	const kind = type ? (authTypes[type.args[0]?.value.toLowerCase() ?? ''] ?? 'other') : undefined;
	return { type: runsAuth ? type : undefined, kind: runsAuth ? kind : undefined, require: list, runs: runsAuth, denied: denied || (userNeeded && !type), alternatives: userNeeded ? [] : alternatives.filter((d) => !(d.args[0]?.value.toLowerCase() === 'all')) };
}

/** The `RequestHeader` operations on `header` in effect, in the order they run. */
export function headerOps(applied: Applied, header: string): HeaderOp[] {
	const wanted = header.toLowerCase();
	const early: HeaderOp[] = [];
	const fixup: HeaderOp[] = [];
	for (const item of applied.items) {
		if (lower(item.directive) !== 'requestheader') continue;
		const words = item.directive.args.map((arg) => arg.value);
		const action = (words[0] ?? '').toLowerCase();
		const name = words[1] ?? '';
		if (name.toLowerCase() !== wanted) continue;
		const takesValue = !['unset', 'note'].includes(action);
		const valueIndex = action === 'edit' || action === 'edit*' ? 3 : 2;
		const value = takesValue ? words[valueIndex] : undefined;
		const rest = words.slice(takesValue ? valueIndex + 1 : 2);
		const isEarly = rest.some((word) => word.toLowerCase() === 'early');
		const condition = rest.find((word) => /^(env=|expr=)/i.test(word));
		const sectionCondition = item.section?.kind === 'if' || item.section?.parent?.kind === 'if' ? `<${item.section.node.name} ${item.section.node.args.map((arg) => arg.raw).join(' ')}>` : undefined;
		const limit = item.limit ? `<${item.limit.name} ${item.limit.args.map((arg) => arg.raw).join(' ')}>` : undefined;
		const op: HeaderOp = { directive: item.directive, action, header: name, value, early: isEarly, condition: condition ?? sectionCondition ?? limit, item, ignored: isEarly && item.section !== undefined };
		(isEarly ? early : fixup).push(op);
	}
	return [...early, ...fixup];
}

export type EvalContext = {
	auth: AuthFacts;
	/** mod_ssl is loaded (or assumed to be). */
	ssl: boolean;
	/** Environment variables set by the configuration in effect, and what they come from. */
	env: Map<string, Source>;
};

/** Where a `RequestHeader` value comes from (a mod_headers format string or `expr=`), in the phase it runs in. */
export function valueSource(value: string, early: boolean, context: EvalContext): Source {
	const loggedIn = context.auth.runs && !early;
	if (/^expr=/i.test(value)) {
		const expr = value.slice(5);
		const client = /%\{\s*(HTTP|req|http|req_novary|REQ)\s*:([^}]*)\}|\b(req|http|req_novary|resp)\s*\(\s*['"]([^'"]*)|%\{\s*(HTTP_COOKIE|HTTP_REFERER|HTTP_USER_AGENT|QUERY_STRING|REQUEST_URI|THE_REQUEST)\s*\}/i.exec(expr);
		if (client) return { kind: 'client', what: client[2] ?? client[4] ?? client[5] ?? 'a request header' };
		if (/%\{\s*REMOTE_USER\s*\}/i.test(expr)) return loggedIn ? { kind: 'user' } : { kind: 'literal', text: expr.replace(/%\{\s*REMOTE_USER\s*\}/gi, '').replace(/^["']|["']$/g, '') };
		const env = /%\{\s*ENV\s*:\s*([^}\s]+)\s*\}/i.exec(expr);
		if (env) {
			// ap_expr gives an unset variable as empty, not `(null)`.
			const source = envSource(env[1]!, loggedIn, context);
			return source.kind === 'literal' && source.text === '(null)' ? { kind: 'literal', text: '' } : source;
		}
		return { kind: 'literal', text: expr };
	}
	let text = '';
	let user = false;
	for (const part of value.matchAll(/%\{([^}]*)\}([es])|%(.)|[^%]+|%$/g)) {
		if (part[1] !== undefined) {
			const name = part[1];
			const source = part[2] === 'e' ? envSource(name, loggedIn, context) : sslSource(name, loggedIn, context);
			if (source.kind === 'client') return source;
			if (source.kind === 'user') user = true;
			else text += source.text;
		} else if (part[3] !== undefined) text += part[3] === '%' ? '%' : `<%${part[3]}>`;
		else text += part[0];
	}
	return user ? { kind: 'user' } : { kind: 'literal', text };
}

function envSource(name: string, loggedIn: boolean, context: EvalContext): Source {
	const set = context.env.get(name);
	if (set) return set.kind === 'user' && !loggedIn ? { kind: 'literal', text: '(null)' } : set;
	const upper = name.toUpperCase();
	// mod_auth_openidc and mod_auth_mellon put the claims and attributes in the environment after a login.
	if (loggedIn && ((upper.startsWith('OIDC_CLAIM_') && context.auth.kind === 'openid-connect') || (upper.startsWith('MELLON_') && context.auth.kind === 'mellon'))) return { kind: 'user' };
	return { kind: 'literal', text: '(null)' };
}

function sslSource(name: string, loggedIn: boolean, context: EvalContext): Source {
	if (!context.ssl) return { kind: 'literal', text: '(null)' };
	const upper = name.toUpperCase();
	if (upper === 'REMOTE_USER') return loggedIn ? { kind: 'user' } : { kind: 'literal', text: '(null)' };
	if (upper.startsWith('HTTP_')) return { kind: 'client', what: upper.slice(5).replaceAll('_', '-') };
	return { kind: 'literal', text: '(null)' };
}

/** Runs the operations over a request that carries the client's own copy. */
export function simulate(ops: readonly HeaderOp[], context: EvalContext): HeaderState {
	const state: HeaderState = { client: true, value: undefined, strippedBy: undefined, conditional: [], ignored: [], removedUser: undefined, decisive: undefined };
	for (const op of ops) {
		if (op.ignored) {
			state.ignored.push(op);
			continue;
		}
		const source = op.value !== undefined ? valueSource(op.value, op.early, context) : undefined;
		if (op.condition) {
			state.conditional.push(op);
			// For the user's side, a conditional mapping is taken to run; the client's copy may stay.
			if (op.action === 'set' && source && (!state.client || source.kind === 'user')) state.value = { source, op };
			continue;
		}
		switch (op.action) {
			case 'unset':
				if (state.value?.source.kind === 'user' && !op.early) state.removedUser = { set: state.value.op, unset: op };
				state.client = false;
				state.value = undefined;
				state.strippedBy = op;
				break;
			case 'set':
				state.client = false;
				state.strippedBy = op;
				state.value = source ? { source, op } : undefined;
				state.decisive = op;
				break;
			case 'setifempty':
				if (!state.client && !state.value && source) {
					state.value = { source, op };
					state.decisive = op;
				}
				break;
			case 'append':
			case 'merge':
			case 'add':
				if (!state.client && !state.value && source) {
					state.value = { source, op };
					state.decisive = op;
				}
				break;
			default:
				// edit, edit*: the value's origin stays.
				break;
		}
	}
	return state;
}

/** Environment variables the configuration sets (`SetEnv`, `SetEnvIf`, `RewriteRule … [E=…]`) in effect here. */
export function environment(applied: Applied): Map<string, Source> {
	const env = new Map<string, Source>();
	for (const item of applied.items) {
		const name = lower(item.directive);
		const words = item.directive.args.map((arg) => arg.value);
		if (name === 'setenv' && words[0]) env.set(words[0], { kind: 'literal', text: words[1] ?? '' });
		else if ((name === 'setenvif' || name === 'setenvifnocase') && words[0]) {
			const attribute = words[0];
			const fromRequest = !/^(remote_host|remote_addr|server_addr|request_method|request_protocol|request_uri)$/i.test(attribute);
			for (const assignment of words.slice(2)) {
				const [variable = '', value = '1'] = assignment.replace(/^!/, '').split('=');
				if (!variable) continue;
				env.set(variable, fromRequest && /\$\d/.test(value) ? { kind: 'client', what: attribute } : { kind: 'literal', text: value });
			}
		} else if (name === 'rewriterule') {
			for (const flag of (words[2] ?? '').replace(/^\[|\]$/g, '').split(',')) {
				const match = /^\s*(?:E|env)=([^:]+):(.*)$/i.exec(flag);
				if (!match) continue;
				const value = match[2]!;
				const header = /%\{HTTP:([^}]+)\}/i.exec(value);
				env.set(match[1]!, header ? { kind: 'client', what: header[1]! } : /%\{LA-U:REMOTE_USER\}/i.test(value) ? { kind: 'user' } : { kind: 'literal', text: value });
			}
		}
	}
	return env;
}
