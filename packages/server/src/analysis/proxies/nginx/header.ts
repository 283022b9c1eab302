/**
What nginx does with the user header H on one location, from the facts of proxies.md §3.1:

- nginx forwards every client header it does not redefine; `proxy_set_header H …` (any value) replaces client copies
  of H in any letter case, and a value that is empty at run time is not sent (N1c, N1d–f);
- `proxy_set_header` lines come from the nearest level that has any, so one unrelated line drops an inherited H line
  (N2b vs N2c);
- `$http_*` copies the client's value (N2d, N3c) and `$remote_user` is read, unverified, from the client's Basic header
  unless `auth_basic` is in force (N2e);
- `proxy_pass_request_headers off` drops every client header (N2f), headers-more `more_clear_input_headers` removes
  them before anything else runs (N4; [E] also for wildcards `H*`, merged from outer levels, any letter case);
- `auth_request_set $v $upstream_http_<x>` captures the auth service's answer; `$v` stays empty when the service does
  not send `x` (N1c), and outside an `auth_request` it is always empty (N2b).
*/
import type { Directive } from '../../formats/nginx/index.js';
import type { HeaderFate } from '../../model/deployment.js';
import { capturedHeader, sendsHeader, type AuthService } from '../../model/auth-services.js';
import { chain, effectiveArray, effectiveValue, own, type Level } from './levels.js';

/** Why a client-chosen H can reach Navidrome. */
export type ForgeCause =
	/** Nothing sets or clears H where this location takes its `proxy_set_header` lines. */
	| 'no-handling'
	/** An outer level's `proxy_set_header H …` was dropped because a nearer level has its own lines. */
	| 'inherit-lost'
	/** H is built from a client-controlled variable (`$http_*`, `$cookie_*`, `$arg_*`). */
	| 'client-variable'
	/** H comes from `$remote_user` without `auth_basic`. */
	| 'remote-user';

/** Why an authenticated user never reaches Navidrome on a protected location. */
export type LossCause =
	/** The captured `$upstream_http_<x>` is not a header the auth service sends. */
	| 'capture-mismatch'
	/** The variable mapped to H is not captured by any `auth_request_set` in effect here. */
	| 'not-captured'
	/** Nothing maps the auth answer to H (absent, cleared, or mapped under another name). */
	| 'no-mapping'
	/** H is built from client input or `$remote_user` without `auth_basic`, never from the auth answer. */
	| 'client-value';

export type UserHeaderAnalysis = {
	fate: HeaderFate;
	/** A client can make Navidrome see a user of its choice (for a protected location: any signed-in client). */
	forgeable: boolean;
	forgeCause: ForgeCause | undefined;
	/** On a protected location: the authenticated user reaches H. Decided independently of `forgeable`. */
	delivered: boolean;
	lossCause: LossCause | undefined;
	/** The directive a forgery (else a loss) is best shown at (an H line, an `auth_request_set`, …). */
	culprit: Directive | undefined;
	/** The directive the loss is best shown at, when there is one. */
	lossCulprit: Directive | undefined;
	/** The `auth_request` (not `off`) or `auth_basic` (not `off`) in force. */
	protection: Directive | undefined;
	/** An `auth_request off` / `auth_basic off` that disables an outer one. */
	disabledBy: Directive | undefined;
	/** `proxy_set_header` lines in effect, and the level they come from. */
	headerLines: { level: Level; directives: Directive[] } | undefined;
	/** The H lines among them. */
	userHeaderLines: Directive[];
	/** H lines of an outer level that nginx drops here, and the level whose own lines drop them. */
	lost: { lines: Directive[]; from: Level; droppedAt: Level } | undefined;
	/** `more_clear_input_headers` covering H, or `proxy_pass_request_headers off`. */
	clearedBy: Directive | undefined;
	/** The `auth_request_set` whose capture feeds H, when there is one. */
	capture: Directive | undefined;
	/** The auth service answering this location's `auth_request`, when recognised. */
	service: AuthService | undefined;
	/** Client-controlled variable feeding H, for messages (`http_remote_user`). */
	variable: string | undefined;
	/** The variable a `not-captured` loss names (mapped to H, captured by no `auth_request_set` in effect). */
	lossVariable: string | undefined;
	/** One sentence for hovers and route details. */
	detail: string;
	/** The directives deciding the fate, for hovers. */
	decisive: Directive[];
	/** Without an auth step: the `proxy_set_header H <fixed text>;` line that makes every client that user. */
	fixedUser?: { line: Directive; text: string };
};

export type HeaderContext = {
	/** The user header Navidrome reads (ExtAuth.UserHeader). */
	userHeader: string;
	/** The service answering an `auth_request` URI at this location, when it can be told. */
	authService(level: Level, uri: string): AuthService | undefined;
	/** Whether some `auth_request_set` anywhere in this configuration defines `$name`. */
	capturedAnywhere(name: string): boolean;
};

/** `$http_x`, `$cookie_x`, `$arg_x`: set by the client. */
function isClientVariable(name: string): boolean {
	const lower = name.toLowerCase();
	return lower.startsWith('http_') || lower.startsWith('cookie_') || lower.startsWith('arg_');
}

/** Variable names referenced in a directive argument's decoded value. */
export function variablesOf(value: string): string[] {
	const names: string[] = [];
	for (const match of value.matchAll(/\$\{?([A-Za-z0-9_]+)\}?/g)) names.push(match[1]!.toLowerCase());
	return names;
}

/** `Remote-User` → `http_remote_user`: the variable nginx matches against the header (also `Remote_User`). */
export function headerVariable(header: string): string {
	return `http_${header.toLowerCase().replaceAll('-', '_')}`;
}

/** Whether a `more_clear_input_headers` argument (case-insensitive, trailing `*` wildcard) names `header`. */
export function clearPatternCovers(pattern: string, header: string): boolean {
	const p = pattern.toLowerCase();
	const h = header.toLowerCase();
	return p.endsWith('*') ? h.startsWith(p.slice(0, -1)) : p === h;
}

/** The `more_clear_input_headers` in force for H: headers-more merges them from every outer level. */
export function findInputClear(level: Level, header: string): Directive | undefined {
	for (const current of chain(level)) {
		for (const directive of own(current, 'more_clear_input_headers')) {
			// `-t`/`-s` restrict the clear to some content types or statuses: not a clear for every request.
			if (directive.args.some((arg) => arg.value === '-t' || arg.value === '-s')) continue;
			if (directive.args.some((arg) => arg.value.split(/\s+/).some((word) => word && clearPatternCovers(word, header)))) return directive;
		}
	}
	return undefined;
}

/** Whether headers with `_` reach nginx's variables and the upstream (`underscores_in_headers on` or `ignore_invalid_headers off`). */
export function underscoreDirectives(level: Level): Directive[] {
	const found: Directive[] = [];
	const underscores = effectiveValue(level, 'underscores_in_headers');
	if (underscores?.args[0]?.value.toLowerCase() === 'on') found.push(underscores);
	const ignore = effectiveValue(level, 'ignore_invalid_headers');
	if (ignore?.args[0]?.value.toLowerCase() === 'off') found.push(ignore);
	return found;
}

type ValueSource =
	| { kind: 'empty' }
	| { kind: 'client'; variable: string }
	| { kind: 'remote-user' }
	| { kind: 'captured'; variable: string; capture: Directive; headers: string[] }
	| { kind: 'uncaptured'; variable: string }
	| { kind: 'other' };

/** Where the value of an H line comes from, following `set` and `map`; each variable is followed once. */
function classifyValue(value: string, level: Level, http: Level, context: HeaderContext, seen = new Set<string>()): ValueSource {
	const variables = variablesOf(value);
	if (variables.length === 0) return value === '' ? { kind: 'empty' } : { kind: 'other' };
	const client = variables.find(isClientVariable);
	if (client) return { kind: 'client', variable: client };
	const sources: ValueSource[] = [];
	for (const name of variables) {
		if (seen.has(name)) continue;
		seen.add(name);
		if (name === 'remote_user') {
			sources.push({ kind: 'remote-user' });
			continue;
		}
		const capture = effectiveArray(level, 'auth_request_set')?.directives.find((d) => d.args[0]?.value.toLowerCase() === `$${name}`);
		if (capture) {
			const headers = variablesOf(capture.args[1]?.value ?? '').map(capturedHeader).filter((h): h is string => h !== undefined);
			sources.push(headers.length > 0 ? { kind: 'captured', variable: name, capture, headers } : { kind: 'other' });
			continue;
		}
		const set = findSetValue(level, name);
		if (set !== undefined) {
			sources.push(classifyValue(set, level, http, context, seen));
			continue;
		}
		const map = findMap(http, name);
		if (map) {
			// Each entry is `<source pattern> <result>;`: a result built from a client variable copies the client's value.
			const results = (map.block ?? []).flatMap((entry) => entry.args.map((arg) => arg.value));
			const mapped = results.flatMap(variablesOf).find(isClientVariable);
			// A result of $remote_user copies the client's Basic user (found by the differential test of issue 16).
			if (mapped) sources.push({ kind: 'client', variable: mapped });
			else sources.push(results.flatMap(variablesOf).includes('remote_user') ? { kind: 'remote-user' } : { kind: 'other' });
			continue;
		}
		sources.push(context.capturedAnywhere(name) ? { kind: 'uncaptured', variable: name } : { kind: 'other' });
	}
	return sources.find((s) => s.kind === 'client') ?? sources.find((s) => s.kind === 'remote-user') ?? sources.find((s) => s.kind === 'other') ?? sources.find((s) => s.kind === 'captured') ?? sources[0] ?? { kind: 'other' };
}

function findSetValue(level: Level, name: string): string | undefined {
	for (const current of chain(level)) {
		const set = own(current, 'set').find((directive) => directive.args[0]?.value.toLowerCase() === `$${name}`);
		if (set) return set.args[1]?.value ?? '';
	}
	return undefined;
}

function findMap(http: Level, name: string): Directive | undefined {
	return http.directives.find((directive) => directive.name === 'map' && directive.args[1]?.value.toLowerCase() === `$${name}`);
}

/** The nearest outer `proxy_set_header` set that holds H, when nearer sets without H shadow it. */
function findLost(level: Level, header: string): UserHeaderAnalysis['lost'] {
	let shadowing = effectiveArray(level, 'proxy_set_header');
	while (shadowing) {
		const outer = shadowing.level.parent ? effectiveArray(shadowing.level.parent, 'proxy_set_header') : undefined;
		if (!outer) return undefined;
		const lines = outer.directives.filter((directive) => sameHeader(directive, header));
		if (lines.length > 0) return { lines, from: outer.level, droppedAt: shadowing.level };
		shadowing = outer;
	}
	return undefined;
}

function sameHeader(directive: Directive, header: string): boolean {
	return directive.args[0]?.value.toLowerCase() === header.toLowerCase();
}

/** Decide the fate of H on one location that proxies to Navidrome. */
export function analyseUserHeader(level: Level, http: Level, context: HeaderContext): UserHeaderAnalysis {
	const header = context.userHeader;
	const authRequest = effectiveValue(level, 'auth_request');
	const authBasic = effectiveValue(level, 'auth_basic');
	const requestOn = authRequest && authRequest.args[0]?.value !== 'off' ? authRequest : undefined;
	const basicOn = authBasic && authBasic.args[0]?.value !== 'off' ? authBasic : undefined;
	const protection = requestOn ?? basicOn;
	const disabledBy = !protection ? [authRequest, authBasic].find((d) => d && d.args[0]?.value === 'off') : undefined;
	const service = requestOn ? context.authService(level, requestOn.args[0]?.value ?? '') : undefined;
	const headerLines = effectiveArray(level, 'proxy_set_header');
	const userHeaderLines = headerLines?.directives.filter((directive) => sameHeader(directive, header)) ?? [];
	const inputClear = findInputClear(level, header);
	const requestHeaders = effectiveValue(level, 'proxy_pass_request_headers');
	const headersOff = requestHeaders?.args[0]?.value.toLowerCase() === 'off' ? requestHeaders : undefined;
	const underscoresReach = underscoreDirectives(level).length > 0;

	const result: UserHeaderAnalysis = {
		fate: 'stripped',
		forgeable: false,
		forgeCause: undefined,
		delivered: false,
		lossCause: undefined,
		culprit: undefined,
		lossCulprit: undefined,
		protection,
		disabledBy,
		headerLines,
		userHeaderLines,
		lost: undefined,
		clearedBy: inputClear ?? headersOff,
		capture: undefined,
		service,
		variable: undefined,
		lossVariable: undefined,
		detail: '',
		decisive: [],
	};
	const decisive = new Set<Directive>();
	if (protection) decisive.add(protection);
	if (disabledBy) decisive.add(disabledBy);

	if (userHeaderLines.length > 0) {
		for (const line of userHeaderLines) decisive.add(line);
		const sources = userHeaderLines.map((line) => ({ line, source: classifyValue(line.args[1]?.value ?? '', level, http, context) }));
		const client = sources.find(({ source }) => source.kind === 'client');
		const clientVariable = client?.source.kind === 'client' ? client.source.variable : undefined;
		// `$http_<h>` of H itself is empty once headers-more removed H, unless the `_` spelling still gets through (N3c).
		const clientNeutralised = clientVariable !== undefined && clientVariable === headerVariable(header) && inputClear !== undefined && !underscoresReach;
		const remoteUser = sources.find(({ source }) => source.kind === 'remote-user');
		const fixed = sources.find(({ line, source }) => source.kind === 'other' && variablesOf(line.args[1]?.value ?? '').length === 0 && (line.args[1]?.value ?? '').trim() !== '');
		if (fixed && !protection) result.fixedUser = { line: fixed.line, text: fixed.line.args[1]!.value };
		if (client && !clientNeutralised) {
			Object.assign(result, { forgeable: true, forgeCause: 'client-variable', culprit: client.line, variable: clientVariable });
		} else if (remoteUser && !basicOn) {
			Object.assign(result, { forgeable: true, forgeCause: 'remote-user', culprit: remoteUser.line, variable: 'remote_user' });
		}
		if (protection) {
			// Delivered is judged on its own: a line the client controls is not the auth answer either.
			const delivering = sources.find(({ source }) => (source.kind === 'captured' && requestOn && !mismatch(source.headers, service)) || (source.kind === 'remote-user' && basicOn) || source.kind === 'other');
			if (delivering) result.delivered = true;
			else {
				const captured = sources.find(({ source }) => source.kind === 'captured');
				const uncaptured = sources.find(({ source }) => source.kind === 'uncaptured');
				if (captured?.source.kind === 'captured' && requestOn) {
					Object.assign(result, { lossCause: 'capture-mismatch', lossCulprit: captured.source.capture, capture: captured.source.capture });
					decisive.add(captured.source.capture);
				} else if (uncaptured) Object.assign(result, { lossCause: 'not-captured', lossCulprit: uncaptured.line, lossVariable: uncaptured.source.kind === 'uncaptured' ? uncaptured.source.variable : undefined });
				else if (result.forgeable) Object.assign(result, { lossCause: 'client-value', lossCulprit: result.culprit });
				else Object.assign(result, { lossCause: 'no-mapping', lossCulprit: sources[0]!.line });
			}
			const capture = sources.find(({ source }) => source.kind === 'captured');
			if (capture?.source.kind === 'captured') {
				result.capture ??= capture.source.capture;
				decisive.add(capture.source.capture);
			}
		}
	} else {
		result.lost = findLost(level, header);
		if (result.lost) for (const line of result.lost.lines) decisive.add(line);
		// With the defaults nginx drops client headers whose names hold `_` (N1g), so such an H cannot be forged.
		const clientCannotSend = header.includes('_') && !underscoresReach;
		if (result.clearedBy || clientCannotSend) {
			if (result.clearedBy) decisive.add(result.clearedBy);
		} else {
			Object.assign(result, { forgeable: true, forgeCause: result.lost ? 'inherit-lost' : 'no-handling' });
		}
		// Nothing here maps the auth answer, whether or not the client's copy survives.
		if (protection) Object.assign(result, { lossCause: 'no-mapping' });
	}
	result.culprit ??= result.lossCulprit;
	if (!result.forgeable) result.variable ??= result.lossVariable;

	result.fate = result.forgeable ? 'passthrough' : protection ? (result.delivered ? 'authenticated' : 'never-delivered') : 'stripped';
	result.decisive = [...decisive];
	result.detail = describe(result, header);
	return result;
}

function mismatch(headers: readonly string[], service: AuthService | undefined): boolean {
	return service !== undefined && !headers.some((header) => sendsHeader(service, header));
}

function describe(analysis: UserHeaderAnalysis, header: string): string {
	const gate = analysis.protection ? `behind ${analysis.protection.name}` : analysis.disabledBy ? `with ${analysis.disabledBy.name} off` : 'without auth';
	switch (analysis.fate) {
		case 'passthrough':
			switch (analysis.forgeCause) {
				case 'client-variable':
					return `${header} is copied from $${analysis.variable}, which the client sets (${gate}).`;
				case 'remote-user':
					return `${header} is copied from $remote_user, read unverified from the client's Basic header (${gate}).`;
				case 'inherit-lost':
					return `The outer proxy_set_header ${header} is not inherited here, so the client's ${header} is forwarded (${gate}).`;
				default:
					return `Nothing sets or clears ${header}, so the client's ${header} is forwarded (${gate}).`;
			}
		case 'authenticated':
			return `${header} carries the user ${analysis.protection?.name === 'auth_basic' ? 'auth_basic checked' : 'the auth service answered'} (${gate}); client copies are replaced.`;
		case 'never-delivered':
			return `${gate[0]!.toUpperCase()}${gate.slice(1)}, but ${header} never carries the signed-in user.`;
		default:
			return analysis.clearedBy && analysis.userHeaderLines.length === 0 ? `Client copies of ${header} are removed by ${analysis.clearedBy.name} (${gate}).` : `${header} is removed or empty (${gate}).`;
	}
}
