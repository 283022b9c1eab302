/**
Lowers one nginx location that proxies to Navidrome into the neutral `ProxyRoute` (model/route.ts): the paths nginx
sends there (location matching, nested locations, BaseURL, a static `proxy_pass` URI), the conditions the model does
not decide, the proxy's peer, the auth steps, and the user header's two outcomes with their causes in nginx's words
and fixes. The hard part, what nginx does with the header (inheritance, captures, headers-more), is `header.ts`.
*/
import type { Fix, Related } from '../../findings.js';
import type { Directive } from '../../formats/nginx/index.js';
import type { ServiceRef } from '../../model/deployment.js';
import type { NavidromeInstance } from '../../model/instance.js';
import { peerTrust } from '../../model/peer.js';
import type { AuthRun, Forgery, Loss, ProxyRoute } from '../../model/route.js';
import { capturedHeader } from '../../model/auth-services.js';
import { argLocation, at, directiveText, inheritedLines, insertIntoLevel, locationHead, nginxWord, where } from './edits.js';
import { headerVariable, underscoreDirectives, variablesOf, type UserHeaderAnalysis } from './header.js';
import { chain, describeLevel, effectiveArray, effectiveValue, own, type Level } from './levels.js';
import { locationArgs, regexMatches, selectLocation } from './locations.js';
import type { ProxyTarget } from './targets.js';

/** What the nginx model knows about one location that proxies to a Navidrome instance. */
export type NginxRouteFacts = {
	level: Level;
	server: Level | undefined;
	/** The `location` directive. */
	location: Directive;
	proxyPass: Directive;
	target: ProxyTarget & { instance: NavidromeInstance };
	/** The user header Navidrome reads (ExtAuth.UserHeader as intended). */
	userHeader: string;
	header: UserHeaderAnalysis;
};

export type LowerContext = {
	/** Text of a file, for fixes that need indentation. */
	readText(path: string): string | undefined;
	/** The compose services that run this nginx (they mount its configuration); none for a host nginx. */
	proxyServices: readonly ServiceRef[];
};

/** Typical Navidrome request paths (BasePath-relative): the UI, Subsonic, a share, the native API, login, health. */
export const typicalPaths: readonly string[] = ['/app/', '/rest/ping.view', '/share/abc', '/api/song', '/auth/login', '/ping'];

/** A second path per API area, so that an exact location on one typical path does not hide the rest of the area. */
const secondaryPaths: readonly string[] = ['/rest/stream.view', '/share/def', '/api/album'];

/** Witnesses kept per route. */
const maxWitnesses = 12;

/** The location each candidate path selects, per server: a large server asks the same typical paths per location. */
const selections = new WeakMap<Level, Map<string, Level | undefined>>();

export function lowerRoute(facts: NginxRouteFacts, context: LowerContext): ProxyRoute {
	const { header, target } = facts;
	const instance = target.instance;
	const assumed = target.assumed ? ` (${target.written} is taken to be Navidrome '${instance.id}', the only instance found)` : '';
	// The engine already states what it assumed about an assumed (unseen) Navidrome; do not say it twice.
	const note = instance.assumed ? '' : assumed;
	return {
		proxy: 'nginx',
		location: locationHead(facts.location),
		requests: describeLevel(facts.level),
		witnesses: witnessesOf(facts),
		conditions: conditionsOf(facts.level),
		upstream: target.written,
		target: instance,
		peer: peerTrust(instance, context.proxyServices),
		auth: authRuns(facts),
		authenticated: header.protection !== undefined,
		forgeries: forgeriesOf(facts, context, note),
		losses: lossesOf(facts, context, note),
		header: { fate: header.fate, detail: `${header.detail}${assumed}`, locations: header.decisive.map(at) },
	};
}

/**
The paths Navidrome receives through this location: each typical path (under BaseURL), the location's own path and,
with a static `proxy_pass` URI, the typical paths under the location, kept when nginx picks this location for them and
mapped through the URI. Empty when that cannot be told: a named or unrunnable regex location, `rewrite`, or a
`proxy_pass` URI with variables.
*/
export function witnessesOf(facts: Pick<NginxRouteFacts, 'level' | 'server' | 'target'>): string[] {
	const { level, server } = facts;
	if (!server) return [];
	// spec: proxies.md §3 (location matching; `rewrite` changes the URI before and after the location is chosen)
	for (const current of chain(level)) if (own(current, 'rewrite').length > 0) return [];
	const [modifier, value] = locationArgs(level);
	const regex = modifier === '~' || modifier === '~*';
	if (value.startsWith('@') || (regex && regexMatches(level, '/') === undefined)) return [];
	const uri = proxyPassUri(facts.target.url);
	if (uri === undefined || (uri !== '' && regex)) return [];
	const base = facts.target.instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
	const candidates = new Set([...typicalPaths, ...secondaryPaths].map((path) => `${base}${path}`));
	if (!regex) {
		// A prefix that does not start with `/` matches no request path (nginx compares it with the URI as written).
		if (value.startsWith('/')) candidates.add(value);
		if (uri !== '' && modifier !== '=' && value.endsWith('/')) {
			for (const path of typicalPaths) {
				candidates.add(`${value}${path.slice(1)}`);
				if (base) candidates.add(`${value}${base.slice(1)}${path}`);
			}
		}
	} else {
		const literal = /^\^?(\/[A-Za-z0-9/_.-]*)/.exec(value)?.[1];
		if (literal && literal.length > 1) candidates.add(literal.replace(/\\/g, ''));
	}
	const witnesses: string[] = [];
	let chosen = selections.get(server);
	if (!chosen) selections.set(server, (chosen = new Map()));
	for (const path of candidates) {
		if (!chosen.has(path)) chosen.set(path, selectLocation(server, path).level);
		if (chosen.get(path) !== level) continue;
		// A static URI replaces the matched prefix (an exact location's whole path).
		const sent = uri === '' ? path : `${uri}${modifier === '=' ? '' : path.slice(value.length)}`;
		if (sent.startsWith('/') && !witnesses.includes(sent)) witnesses.push(sent);
		if (witnesses.length >= maxWitnesses) break;
	}
	return witnesses;
}

/** The URI part of a `proxy_pass` URL (`''` when none); `undefined` when it holds variables. */
function proxyPassUri(url: string): string | undefined {
	const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/]*)(.*)$/s.exec(url.trim());
	if (!match) return url.includes('$') ? undefined : '';
	const rest = match[2]!;
	if (rest.includes('$')) return undefined;
	if (match[1]!.includes('$')) return rest === '' ? '' : undefined;
	return rest;
}

/** `if (…)` blocks, `limit_except` and `allow`/`deny` lists that decide which requests get through. */
function conditionsOf(level: Level): string[] {
	const conditions: string[] = [];
	for (const current of chain(level)) {
		if (current.kind === 'http') break;
		for (const directive of current.directives) {
			if (directive.name === 'if' || directive.name === 'limit_except') conditions.push(`${directive.name} ${directive.args.map((arg) => arg.raw).join(' ')}`.trim());
		}
	}
	// Client-address lists come from the nearest level that has any.
	const access = effectiveArray(level, 'deny');
	if (access) {
		for (const directive of access.level.directives) {
			if (directive.name === 'allow' || directive.name === 'deny') conditions.push(directiveText(directive).slice(0, -1));
		}
	}
	return conditions;
}

function authRuns(facts: NginxRouteFacts): AuthRun[] {
	const runs: AuthRun[] = [];
	for (const name of ['auth_request', 'auth_basic']) {
		const directive = effectiveValue(facts.level, name);
		if (!directive || directive.args[0]?.value === 'off') continue;
		runs.push({
			kind: name === 'auth_request' ? 'forward-auth' : 'basic',
			name: `${name} ${directive.args.map((arg) => arg.raw).join(' ')}`.trim(),
			location: at(directive),
			setsUser: facts.header.delivered,
		});
	}
	return runs;
}

/** `with auth_request off` / `without auth_request`. */
function gateWords(header: UserHeaderAnalysis): string {
	return header.disabledBy ? `with ${header.disabledBy.name} off` : 'without auth_request';
}

/** How to map the auth answer to the user header, for fixes. */
function mappingFix(facts: NginxRouteFacts): string {
	const name = facts.userHeader;
	if (facts.header.protection?.name === 'auth_basic') return `Map it: proxy_set_header ${name} $remote_user;`;
	const answer = `$upstream_http_${(facts.header.service?.userHeader ?? 'remote-user').replaceAll('-', '_')}`;
	return `Map the auth answer: auth_request_set $user ${answer}; and proxy_set_header ${name} $user;`;
}

// spec: proxies.md §3.1 (N1–N4), §3.2 and §9 (NGINX-BYPASS-NOSTRIP, NGINX-INHERIT-LOST, NGINX-PASSTHRU-VAR, NGINX-REMOTE-USER-VAR)
function forgeriesOf(facts: NginxRouteFacts, context: LowerContext, note: string): Forgery[] {
	const { header, level } = facts;
	const name = facts.userHeader;
	const here = where(level, facts.server);
	// spec: proxies.md §0 (Navidrome logs in whoever the header names): a fixed user without any auth step
	if (header.fixedUser && !header.forgeable) {
		const { line, text } = header.fixedUser;
		return [
			{
				cause: 'literal-user',
				who: 'anyone',
				location: at(line),
				what: `${here} proxies to Navidrome ${gateWords(header)} and sets ${name} to the fixed text ${text}${note}`,
				consequence: `anyone who reaches it is logged in as ${text} (created if missing; on a fresh install, as admin)`,
				fix: `Remove the fixed ${name}, or set it only behind auth_request.`,
			},
		];
	}
	const who = header.protection ? 'signed-in' : 'anyone';
	switch (header.forgeCause) {
		case 'no-handling': {
			if (header.protection) {
				return [{ cause: 'auth-no-user', who: 'signed-in', location: locationHead(facts.location), what: `${here} is behind ${header.protection.name} but nothing sets or clears ${name}${note}`, fix: `${mappingFix(facts)}` }];
			}
			const lines = [`proxy_set_header ${nginxWord(name)} "";`, ...inheritedLines(level, header.headerLines)];
			const edit = insertIntoLevel(level, lines, context.readText);
			return [
				{
					cause: 'bypass-nostrip',
					who: 'anyone',
					location: locationHead(facts.location),
					what: `${here} proxies to Navidrome ${gateWords(header)} and forwards the client's own ${name}${note}`,
					fix: `Add proxy_set_header ${name} "";`,
					fixes: edit ? [{ title: `Clear ${name} in ${here}`, edits: [edit], isPreferred: true }] : [],
				},
			];
		}
		case 'inherit-lost': {
			const lost = header.lost;
			if (!lost) return [];
			const dropping = lost.droppedAt === level ? 'has its own proxy_set_header lines' : `takes its proxy_set_header lines from ${describeLevel(lost.droppedAt)}`;
			const related: Related[] = lostRelated(facts);
			const shadow = header.headerLines?.directives[0];
			if (shadow) related.push({ ...at(shadow), message: `This proxy_set_header makes ${describeLevel(lost.droppedAt)} drop every inherited one` });
			return [
				{
					cause: 'inherit-lost',
					who,
					location: locationHead(facts.location),
					what: `${describeLevel(level)} ${dropping}, so nginx drops the inherited '${directiveText(lost.lines[0]!)}' of ${describeLevel(lost.from)} and the client's own ${name} reaches Navidrome${note}`,
					fix: 'Repeat the line here.',
					related,
					fixes: repeatFix(facts, context),
				},
			];
		}
		case 'client-variable': {
			if (!header.culprit) return [];
			const variable = header.variable ?? 'http_…';
			const underscores = underscoreDirectives(level);
			const alias = variable === headerVariable(name) && underscores.length > 0 ? ` (with ${underscores[0]!.name} ${underscores[0]!.args[0]?.value ?? ''}, a client's '${name.replaceAll('-', '_')}' matches it too)` : '';
			return [{ cause: 'client-input', who, location: argLocation(header.culprit, 1), what: `In ${here}, ${name} is copied from $${variable}, which the client sets${alias}${note}`, fix: 'Use a variable captured from the auth service with auth_request_set.', fixes: captureFix(facts) }];
		}
		case 'remote-user': {
			if (!header.culprit) return [];
			const basic = header.disabledBy?.name === 'auth_basic' ? 'auth_basic is off' : 'no auth_basic is in force';
			return [
				{
					cause: 'client-input',
					who,
					location: argLocation(header.culprit, 1),
					what: `$remote_user comes unverified from the client's 'Authorization: Basic' header in ${here} (${basic}), so 'Basic admin:x' sets ${name}${note}`,
					fix: 'Use $remote_user only where auth_basic with auth_basic_user_file is in force; with an auth service, capture its answer with auth_request_set.',
				},
			];
		}
		default:
			return [];
	}
}

// spec: proxies.md §3.1 ([E] N1c, N2b), §5 and §9 (NGINX-AUTHVAR-MISMATCH)
function lossesOf(facts: NginxRouteFacts, context: LowerContext, note: string): Loss[] {
	const { header, level } = facts;
	const protection = header.protection;
	if (!protection || header.delivered || !header.lossCause) return [];
	const name = facts.userHeader;
	const here = where(level, facts.server);
	switch (header.lossCause) {
		case 'capture-mismatch': {
			const capture = header.capture;
			const service = header.service;
			if (!capture || !service) return [];
			const arg = capture.args[1];
			const captured = (arg?.value.match(/upstream_http_[A-Za-z0-9_]+/g) ?? []).map((variable) => capturedHeader(variable)).join("', '");
			const replacement = `$upstream_http_${service.userHeader.replaceAll('-', '_')}`;
			const fixes: Fix[] = arg && /^\$\{?upstream_http_[A-Za-z0-9_]+\}?$/.test(arg.value) ? [{ title: `Capture ${replacement}`, edits: [{ file: capture.file, span: arg.span, newText: replacement }], isPreferred: true }] : [];
			return [
				{
					cause: 'wrong-name',
					location: argLocation(capture, 1),
					what: `${service.name} does not send '${captured}', so ${capture.args[0]?.value ?? 'the variable'} is always empty and ${name} never reaches Navidrome from ${here}${note}`,
					fix: `${service.name} sends the user in '${service.userHeader}' (${replacement}).`,
					fixes,
				},
			];
		}
		case 'not-captured': {
			const culprit = header.lossCulprit;
			if (!culprit) return [];
			return [
				{
					cause: 'never-mapped',
					location: argLocation(culprit, 1),
					what: `$${header.lossVariable ?? '…'} is not captured by any auth_request_set in effect in ${here} (its own auth_request_set lines replace the outer ones), so ${name} is always empty there${note}`,
					fix: 'Repeat the auth_request_set that captures it in this location.',
				},
			];
		}
		case 'client-value': {
			const culprit = header.lossCulprit;
			if (!culprit) return [];
			const source = header.forgeCause === 'remote-user' ? "$remote_user (the client's Basic credentials)" : `$${header.variable ?? 'http_…'}`;
			return [{ cause: 'never-mapped', location: argLocation(culprit, 1), what: `In ${here}, ${name} is copied from ${source}, not from the answer of ${protection.name}${note}`, fix: mappingFix(facts), fixes: captureFix(facts) }];
		}
		case 'no-mapping': {
			const cleared = header.clearedBy?.name;
			const why =
				header.userHeaderLines.length > 0
					? `proxy_set_header ${name} is empty here`
					: header.lost
						? `the outer proxy_set_header ${name} is not inherited (this level has its own lines)${cleared ? ` and ${cleared} removes the client's copy` : ''}`
						: cleared
							? `${cleared} removes ${name} and no proxy_set_header ${name} maps the auth answer`
							: `nothing maps the auth answer to ${name}`;
			const mapsLost = header.lost?.lines.some((line) => variablesOf(line.args[1]?.value ?? '').length > 0);
			return [
				{
					cause: 'never-mapped',
					location: locationHead(facts.location),
					what: `${here} is behind ${protection.name}, but ${why}${note}`,
					fix: mapsLost ? 'Repeat the line here.' : mappingFix(facts),
					related: lostRelated(facts),
					fixes: mapsLost ? repeatFix(facts, context) : [],
				},
			];
		}
		default:
			return [];
	}
}

function lostRelated(facts: NginxRouteFacts): Related[] {
	const here = where(facts.level, facts.server);
	return (facts.header.lost?.lines ?? []).map((line) => ({ ...at(line), message: `Not inherited by ${here}: ${directiveText(line)}` }));
}

/** Repeat the lost outer lines in the level that drops them. */
function repeatFix(facts: NginxRouteFacts, context: LowerContext): Fix[] {
	const lost = facts.header.lost;
	if (!lost) return [];
	const edit = insertIntoLevel(lost.droppedAt, lost.lines.map(directiveText), context.readText);
	return edit ? [{ title: `Repeat the ${facts.userHeader} line in ${describeLevel(lost.droppedAt)}`, edits: [edit], isPreferred: true }] : [];
}

/** Replace a client variable with a captured one already in effect, when there is one. */
function captureFix(facts: NginxRouteFacts): Fix[] {
	const { header } = facts;
	const culprit = header.forgeCause === 'client-variable' ? header.culprit : undefined;
	const variable = header.variable;
	const arg = culprit?.args[1];
	if (!culprit || !arg || !variable || header.protection?.name !== 'auth_request') return [];
	const name = facts.userHeader;
	const capture = effectiveArray(facts.level, 'auth_request_set')?.directives.find((directive) => {
		const captured = capturedHeader((directive.args[1]?.value ?? '').replace(/^\$\{?|\}?$/g, ''));
		return captured !== undefined && (captured === name.toLowerCase() || captured === header.service?.userHeader);
	});
	if (!capture?.args[0] || !arg.value.includes(`$${variable}`)) return [];
	return [{ title: `Use ${capture.args[0].value} from the auth answer`, edits: [{ file: culprit.file, span: arg.span, newText: capture.args[0].value }], isPreferred: true }];
}
