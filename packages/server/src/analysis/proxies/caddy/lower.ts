/**
Lowers the Caddy route model (`CaddyRoute`, types.ts) into neutral routes (`ProxyRoute`, model/route.ts): the paths
each route takes, the peer as Navidrome sees it, the auth steps, and the two independent outcomes for the user header,
forgeable (`forgeries`) and delivered (`losses`), each with its cause in Caddy's words, its location and its quick
fixes. One cause seen at one location on several request sets becomes one `Explanation` naming all of them. The route
rules (`rules/route/`) gate and report these; nothing else re-reads the Caddy model to judge a route.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import type { Fix, Location, Related, Severity } from '../../findings.js';
import type { Directive, Token } from '../../formats/caddyfile/index.js';
import type { Deployment } from '../../model/deployment.js';
import { peerTrust } from '../../model/peer.js';
import type { AuthRun, Explanation, ForgeCause, Forgery, Loss, LossCause, ProxyRoute } from '../../model/route.js';
import { caddyTagBumpFix } from './fixes.js';
import { directiveHead } from './site.js';
import type { AuthStep, CaddyAnalysis, CaddyFileAnalysis, CaddyRoute, HeaderOrigin, HeaderValue } from './types.js';

/** One cause on one route, before the request sets that share its location are known. */
type Candidate = {
	outcome: 'forgery' | 'loss';
	cause: ForgeCause | LossCause;
	/** The detection that found it (kept apart when two detections of one cause share a location). */
	source: string;
	location: Location;
	/** Builds the explanation from every route that has this cause at this location (the first one found first). */
	build: (routes: readonly CaddyRoute[]) => Draft;
};

type Draft = Omit<Explanation, 'location' | 'witnesses'> & { who?: Forgery['who'] };
type Outcome = Explanation & { outcome: 'forgery' | 'loss'; cause: ForgeCause | LossCause; who?: Forgery['who'] };

/**
The neutral routes of every Caddy route in `analysis`, in order; also sets each `CaddyRoute.proxyRoute`.
`deployment` gives the compose files (for the peer and the image-tag fix).
*/
export function lowerCaddy(analysis: CaddyAnalysis, deployment: Deployment): ProxyRoute[] {
	const members: Array<{ file: CaddyFileAnalysis; route: CaddyRoute }> = [];
	for (const file of analysis.files) for (const site of file.sites) for (const route of site.routes) members.push({ file, route });
	const groups = new Map<string, { candidate: Candidate; routes: CaddyRoute[] }>();
	const keys = new Map<CaddyRoute, string[]>();
	for (const { file, route } of members) {
		const own: string[] = [];
		for (const candidate of candidates(file, route, deployment)) {
			const key = `${candidate.source}\u0000${locationKey(candidate.location)}`;
			const group = groups.get(key);
			if (!group) groups.set(key, { candidate, routes: [route] });
			else if (!group.routes.includes(route)) group.routes.push(route);
			if (!own.includes(key)) own.push(key);
		}
		keys.set(route, own);
	}
	const built = new Map<string, Outcome>();
	for (const [key, { candidate, routes }] of groups) {
		const draft = candidate.build(routes);
		const witnesses = [...new Set(routes.flatMap((route) => route.paths))];
		built.set(key, { ...draft, outcome: candidate.outcome, cause: candidate.cause, location: candidate.location, witnesses });
	}
	return members.map(({ file, route }) => {
		const outcomes = mergeByLocation((keys.get(route) ?? []).map((key) => built.get(key)!));
		const forgeries: Forgery[] = [];
		const losses: Loss[] = [];
		for (const { outcome, cause, who, ...explanation } of outcomes) {
			if (outcome === 'forgery') forgeries.push({ ...explanation, cause: cause as ForgeCause, who: who ?? 'anyone' });
			else losses.push({ ...explanation, cause: cause as LossCause });
		}
		const proxyRoute = toProxyRoute(route, file, forgeries, losses);
		route.proxyRoute = proxyRoute;
		return proxyRoute;
	});
}

/** Two detections of one cause at one location on one route (e.g. both copy_headers eras of a floating tag) read as one. */
function mergeByLocation(outcomes: readonly Outcome[]): Outcome[] {
	const merged: Outcome[] = [];
	for (const outcome of outcomes) {
		const index = merged.findIndex((known) => known.cause === outcome.cause && locationKey(known.location) === locationKey(outcome.location));
		if (index < 0) {
			merged.push(outcome);
			continue;
		}
		const known = merged[index]!;
		const severity = known.severity && outcome.severity ? (rank(known.severity) <= rank(outcome.severity) ? known.severity : outcome.severity) : undefined;
		const fixes = [...(known.fixes ?? []), ...(outcome.fixes ?? []).filter((fix) => !(known.fixes ?? []).some((other) => other.title === fix.title))];
		merged[index] = {
			...known,
			what: `${known.what}; ${outcome.what.charAt(0).toLowerCase()}${outcome.what.slice(1)}`,
			fix: known.fix === outcome.fix ? known.fix : `${known.fix} ${outcome.fix}`,
			related: [...(known.related ?? []), ...(outcome.related ?? []).filter((entry) => !(known.related ?? []).some((other) => locationKey(other) === locationKey(entry)))],
			witnesses: [...new Set([...(known.witnesses ?? []), ...(outcome.witnesses ?? [])])],
			...(fixes.length > 0 ? { fixes } : {}),
			...(severity ? { severity } : {}),
		};
		if (!severity) delete merged[index]!.severity;
	}
	return merged;
}

function rank(severity: Severity): number {
	return ['error', 'warning', 'information', 'hint'].indexOf(severity);
}

function toProxyRoute(route: CaddyRoute, file: CaddyFileAnalysis, forgeries: Forgery[], losses: Loss[]): ProxyRoute {
	const locations: Location[] = [directiveHead(route.proxy)];
	const add = (location: Location | undefined): void => {
		if (location && !locations.some((known) => known.file === location.file && known.span.start === location.span.start)) locations.push(location);
	};
	for (const step of route.authSteps) add(directiveHead(step.directive));
	for (const step of route.skippedAuth) add(step.matcherToken ? tokenLocation(step.matcherToken) : directiveHead(step.directive));
	add(originLocation(valueOrigin(route.value)));
	add(originLocation(route.lostAuth));
	for (const strip of route.skippedStrips) add(originLocation(strip));
	const conditional = `${route.conditional.length > 0 ? ` (depending on ${route.conditional.join(', ')})` : ''}${route.approximations.length > 0 ? ` (approximate: ${route.approximations.join('; ')})` : ''}`;
	return {
		proxy: 'caddy',
		location: directiveHead(route.proxy),
		requests: `${route.requests}${conditional}`,
		witnesses: route.paths,
		conditions: route.conditional,
		upstream: route.upstream,
		target: route.target,
		peer: peerTrust(route.target, file.service ? [file.service] : []),
		auth: route.authSteps.map((step) => authRun(step, route)),
		authenticated: route.authenticated,
		forgeries,
		losses,
		header: { fate: route.fate, detail: describeRoute(route), locations },
	};
}

function authRun(step: AuthStep, route: CaddyRoute): AuthRun {
	const header = canonicalHeaderName(route.userHeader);
	const copies = step.copies.some((copy) => canonicalHeaderName(copy.to) === header);
	const sets = route.value.kind === 'auth' && route.value.source === step.kind;
	return { kind: step.kind === 'forward_auth' ? 'forward-auth' : 'basic', name: directiveText(step.directive), location: directiveHead(step.directive), setsUser: copies || sets };
}

/** Every cause this route has, with where to report it (the detections of the former per-cause Caddy rules). */
function candidates(file: CaddyFileAnalysis, route: CaddyRoute, deployment: Deployment): Candidate[] {
	const found: Candidate[] = [];
	const header = route.userHeader;
	const value = route.value;
	// spec: proxies.md §2.1 (C1d, C1e, C7b; fixes C3, C4, C8, C9), §2.3 and §9 (CADDY-BYPASS-NOSTRIP)
	if (value.kind === 'client' && !value.via && !route.authenticated && route.skippedStrips.length === 0) {
		const skipped = route.skippedAuth.find((step) => step.matcherToken);
		found.push({
			outcome: 'forgery',
			cause: 'bypass-nostrip',
			source: 'bypass-nostrip',
			location: skipped?.matcherToken ? tokenLocation(skipped.matcherToken) : directiveHead(route.proxy),
			build: (routes) => {
				const why = skipped ? `${directiveText(skipped.directive)} does not match them` : 'no forward_auth runs on them';
				const fixes: Fix[] = [];
				for (const candidate of routes) {
					if (candidate.fixes.stripPublic && !fixes.includes(candidate.fixes.stripPublic)) fixes.push(candidate.fixes.stripPublic);
					if (candidate.fixes.headerUpStrip && !fixes.includes(candidate.fixes.headerUpStrip)) fixes.push({ ...candidate.fixes.headerUpStrip, isPreferred: fixes.length === 0 });
				}
				return {
					who: 'anyone',
					what: `${subject(joinRequests(routes))} reach Navidrome (${route.upstream}) unauthenticated (${why}) and nothing strips ${header}`,
					fix: `Strip ${header} on these requests.`,
					related: [proxyRelated(route)],
					fixes: fixes.slice(0, 3),
				};
			},
		});
	}
	// spec: proxies.md §2.1 (C1f–C1i, C8), §2.4 ("Matchers") and §9 (CADDY-STRIP-MATCHER-GAP)
	if (value.kind === 'client' && !value.via && !route.authenticated && route.skippedStrips.length > 0) {
		const strip = route.skippedStrips[0]!;
		const matcher = strip.directive.args[0];
		found.push({
			outcome: 'forgery',
			cause: 'strip-gap',
			source: 'strip-gap',
			location: matcher && matcher.file === strip.directive.file ? tokenLocation(matcher) : directiveHead(strip.directive),
			build: (routes) => ({
				who: 'anyone',
				what: `The strip ${directiveText(strip.directive)} does not match ${joinRequests(routes)}, which skip forward_auth too, so there the client's ${header} reaches Navidrome`,
				fix: "Give the strip the exact complement of forward_auth's matcher.",
				related: [proxyRelated(route), ...route.skippedAuth.filter((step) => step.matcherToken).map((step) => ({ ...tokenLocation(step.matcherToken!), message: 'forward_auth skips these requests' }))],
				fixes: [route.fixes.alignStrip, route.fixes.stripPublic].filter((fix) => fix !== undefined).map((fix, index) => ({ ...fix, isPreferred: index === 0 })),
			}),
		});
	}
	// spec: proxies.md §0 (Navidrome logs in whoever the header names): a fixed user without any auth step
	if (value.kind === 'literal' && value.text.trim() !== '' && !route.authenticated) {
		const by = value.by;
		found.push({
			outcome: 'forgery',
			cause: 'literal-user',
			source: 'literal-user',
			location: originLocation(by)!,
			build: (routes) => ({
				who: 'anyone',
				what: `The directive ${directiveText(by.directive)} sets ${header} to the fixed text ${value.text} on ${joinRequests(routes)}, and no auth step runs there`,
				consequence: `anyone who reaches these requests is logged in as ${value.text} (created if missing; on a fresh install, as admin)`,
				fix: `Remove the fixed ${header}, or set it only behind forward_auth.`,
				related: [proxyRelated(route)],
			}),
		});
	}
	// spec: proxies.md §2.1 (C1e): forward_auth runs, copies nothing into the header, and nothing strips it
	if (value.kind === 'client' && !value.via && route.authenticated) {
		const step = route.authSteps.find((candidate) => candidate.kind === 'forward_auth') ?? route.authSteps[0];
		if (step) {
			found.push({
				outcome: 'forgery',
				cause: 'auth-no-user',
				source: 'auth-no-user',
				location: directiveHead(step.directive),
				build: (routes) => ({
					who: 'signed-in',
					what: `The auth step ${directiveText(step.directive)} runs on ${joinRequests(routes)} but never sets ${header}, and nothing strips it, so the client's ${header} reaches Navidrome`,
					fix: `Copy the user into ${header} (copy_headers …>${header}) and strip the client's copy.`,
					related: [proxyRelated(route)],
					fixes: route.fixes.renameCopy ? [route.fixes.renameCopy] : [],
				}),
			});
		}
	}
	// spec: proxies.md §2.2, §2.4 and §9 (CADDY-PASSTHRU-PLACEHOLDER)
	if (value.kind === 'client' && value.via) {
		const via = value.via;
		found.push({
			outcome: 'forgery',
			cause: 'client-input',
			source: 'client-input',
			location: originLocation(via)!,
			build: (routes) => ({
				who: route.authenticated ? 'signed-in' : 'anyone',
				what: `The directive ${directiveText(via.directive)} copies the client's ${value.header} into ${route.userHeader} on ${joinRequests(routes)}, so the client chooses the Navidrome user${route.authenticated ? ' even after forward_auth' : ''}`,
				consequence: `${route.authenticated ? 'any user the auth service lets through' : 'anyone'} can send "${value.header}: admin" and be logged in as admin`,
				fix: `Set ${route.userHeader} only from the auth answer.`,
				related: [proxyRelated(route)],
			}),
		});
	}
	found.push(...placeholderCandidates(file, route), ...passThroughCandidates(file, route, deployment), ...lossCandidates(route));
	return found;
}

/** A literal placeholder reaches Navidrome (spec: proxies.md §2.1 C1c, C3, C4 notes, C6, §2.2, §9 CADDY-COPYHDR-PLACEHOLDER). */
function placeholderCandidates(file: CaddyFileAnalysis, route: CaddyRoute): Candidate[] {
	const options = [...(route.value.kind === 'placeholder' ? [{ era: undefined, versions: '', value: route.value }] : []), ...route.withoutIdentity];
	const placeholder = options.find((entry) => entry.value.kind === 'placeholder');
	if (!placeholder || placeholder.value.kind !== 'placeholder') return [];
	const value = placeholder.value;
	const header = route.userHeader;
	const byCopy = value.by.kind === 'copy_headers' && placeholder.era === 'placeholder';
	return [
		{
			outcome: 'forgery',
			cause: 'placeholder',
			source: 'placeholder-literal',
			location: originLocation(value.by)!,
			build: (routes) => {
				const when = placeholder.era === undefined ? 'even when the auth service accepts the user' : 'when the auth service answers 2xx without the user (Authelia bypass policies, Authentik unauthenticated paths)';
				const scope = byCopy ? `On Caddy ${placeholder.versions} (${file.version.description}), copy_headers sets` : `The directive ${directiveText(value.by.directive)} sets`;
				return {
					who: 'anyone',
					what: `${scope} ${header} to the literal text ${value.text} ${when} on ${joinRequests(routes)}`,
					consequence: `Navidrome logs such requests in as a user named ${value.text} and creates it (an admin on a fresh install)`,
					fix: byCopy ? 'Use a conditional set (@has … != null) inside route, or Caddy 2.11.2 or later with an explicit strip.' : 'Set the header only when the auth answer has it (@has … != null).',
					related: [proxyRelated(route)],
					severity: 'warning',
					...(byCopy ? { proxyVersion: file.version.description } : {}),
				};
			},
		},
	];
}

/** The client's header passes when the auth answer lacks the user (spec: proxies.md §2.2, §5, §8, §9 CADDY-COPYHDR-VERSION). */
function passThroughCandidates(file: CaddyFileAnalysis, route: CaddyRoute, deployment: Deployment): Candidate[] {
	if (!route.authenticated || route.value.kind === 'client') return [];
	const leaking = route.withoutIdentity.filter((entry) => entry.value.kind === 'client');
	if (leaking.length === 0) return [];
	const header = route.userHeader;
	const copy = route.authSteps.flatMap((step) => step.copies.map((entry) => ({ step, entry }))).find(({ entry }) => entry.to.toLowerCase() === header.toLowerCase());
	const severity: Severity = leaking.length === route.withoutIdentity.length ? 'error' : 'warning';
	const byCopy = copy && leaking.some((entry) => entry.era === 'passthrough');
	const location = byCopy ? tokenLocation(copy.entry.token) : route.value.kind === 'auth' ? originLocation(route.value.by)! : directiveHead(route.authSteps[0]!.directive);
	const when = '(Authelia bypass policies, Authentik unauthenticated paths)';
	return [
		{
			outcome: 'forgery',
			cause: 'placeholder',
			source: 'placeholder-passthrough',
			location,
			build: (routes) => {
				const requests = joinRequests(routes);
				if (byCopy) {
					const versions = leaking.find((entry) => entry.era === 'passthrough')!.versions;
					// A tag bump removes the finding only when every leaking version is in the pass-through era.
					const bump = leaking.every((entry) => entry.era === 'passthrough') && file.version.location ? caddyTagBumpFix(file.version, deployment.files.get(file.version.location.file)?.text) : undefined;
					const scope = severity === 'error' ? `On ${file.version.description}, copy_headers only sets` : `On Caddy ${versions} (${file.version.description} allows it), copy_headers only sets`;
					return {
						who: 'anyone',
						what: `${scope} ${header} when the auth answer has ${copy.entry.from}, so when the auth service answers 2xx without it ${when}, the client's ${header} passes through on ${requests} (GHSA-7r4p-vjf4-gxv4, Caddy 2.9.0–2.11.1)`,
						fix: `Upgrade to Caddy 2.11.2 or later and strip ${header} before forward_auth.`,
						severity,
						proxyVersion: file.version.description,
						related: [proxyRelated(route), ...(file.version.location ? [{ ...file.version.location, message: 'Caddy version' }] : [])],
						...(bump ? { fixes: [bump] } : {}),
					};
				}
				const setter = route.value.kind === 'auth' ? directiveText(route.value.by.directive) : directiveText(route.authSteps[0]!.directive);
				return {
					who: 'anyone',
					what: `The directive ${setter} only sets ${header} when the auth answer has the user, and nothing strips ${header} before forward_auth, so when the auth service answers 2xx without it ${when}, the client's ${header} passes through on ${requests}`,
					fix: `Strip ${header} first (route { request_header -${header} … }).`,
					severity,
					related: [proxyRelated(route)],
				};
			},
		},
	];
}

/** Why the signed-in user does not arrive (spec: proxies.md §2.1 C2, C5, §2.2, §2.3, §5, §9). */
function lossCandidates(route: CaddyRoute): Candidate[] {
	if (!route.authenticated) return [];
	const header = route.userHeader;
	const lost = route.lostAuth;
	// spec: proxies.md §2.1 (C2 vs C3, C8, C9) and §9 (CADDY-STRIP-AFTER-AUTH)
	if (lost?.kind === 'request_header') {
		const auth = route.authSteps.map((step) => directiveText(step.directive)).join(', ');
		return [
			{
				outcome: 'loss',
				cause: 'strip-after-auth',
				source: 'strip-after-auth',
				location: directiveHead(lost.directive),
				build: (routes) => {
					const fixes: Fix[] = [];
					if (route.fixes.wrapInRoute) fixes.push(route.fixes.wrapInRoute);
					if (route.fixes.orderOption) fixes.push({ ...route.fixes.orderOption, isPreferred: fixes.length === 0 });
					return {
						what: `The directive ${directiveText(lost.directive)} runs after ${auth} (Caddy orders request_header after forward_auth outside route), so it deletes the ${header} forward_auth just set on ${joinRequests(routes)}`,
						fix: 'Strip first: wrap the site in route { … } or add the global option `order request_header before forward_auth`.',
						related: [proxyRelated(route), ...route.authSteps.map((step) => ({ file: step.directive.file, span: step.directive.nameToken.span, message: `sets ${header} first` }))],
						fixes,
					};
				},
			},
		];
	}
	// spec: proxies.md §2.1 (C5, C4, C7a) and §9 (CADDY-HEADERUP-STRIPS-AUTH)
	if (lost?.kind === 'header_up') {
		return [
			{
				outcome: 'loss',
				cause: 'strip-after-auth',
				source: 'header-up',
				location: directiveHead(lost.directive),
				build: (routes) => ({
					what: `The directive ${directiveText(lost.directive)} runs when the request is proxied, after forward_auth, so it also removes the authenticated ${header} on ${joinRequests(routes)}`,
					fix: 'Strip only in the reverse_proxy of the bypassed paths, and before forward_auth on the protected ones.',
					related: [proxyRelated(route)],
				}),
			},
		];
	}
	// spec: proxies.md §2.2 (`>` renames), §5 (which header each auth service sends), §9 (CADDY-COPYHDR-NAME-MISMATCH)
	if (lost || route.fate === 'authenticated' || route.fate === 'placeholder') return [];
	if (route.value.kind === 'client' && route.value.via) return [];
	const step = route.authSteps.find((candidate) => candidate.kind === 'forward_auth');
	if (!step) return basicLoss(route);
	const userLike = step.copies.filter((copy) => /user|login/i.test(copy.from));
	const anchor = userLike.length === 1 ? userLike[0]!.token : undefined;
	const location = anchor ? tokenLocation(anchor) : step.copyDirectives[0] ? directiveHead(step.copyDirectives[0]) : directiveHead(step.directive);
	const copied = step.copies.map((copy) => (copy.from === copy.to ? copy.from : `${copy.from}>${copy.to}`));
	return [
		{
			outcome: 'loss',
			// A user header copied under another name is renamed; no user header copied at all is never mapped.
			cause: userLike.length > 0 ? 'renamed' : 'never-mapped',
			source: 'name-mismatch',
			location,
			build: (routes) => ({
				what: `${copied.length > 0 ? `This forward_auth copies ${copied.join(', ')}` : 'This forward_auth has no copy_headers'}, but Navidrome reads ${header} (ExtAuth.UserHeader) on ${joinRequests(routes)}`,
				fix: anchor ? `Copy it as ${anchor.text.split('>')[0]}>${header}, or set ND_EXTAUTH_USERHEADER to the copied name.` : userLike.length > 0 ? `Copy the user header as …>${header}, or set ND_EXTAUTH_USERHEADER to the copied name.` : `Add copy_headers <user header>>${header}.`,
				related: [proxyRelated(route)],
				fixes: route.fixes.renameCopy ? [route.fixes.renameCopy] : [],
			}),
		},
	];
}

/**
basic_auth alone runs and nothing sets the header from the signed-in user (stripped, emptied or never set): the user
never arrives (found by the differential test of issue 16 against Caddy 2.6.2). A client's copy passing through is
the `auth-no-user` forgery instead.
*/
function basicLoss(route: CaddyRoute): Candidate[] {
	const basic = route.authSteps.find((candidate) => candidate.kind === 'basic_auth');
	if (!basic || route.value.kind === 'client' || route.value.kind === 'literal') return [];
	const header = route.userHeader;
	return [
		{
			outcome: 'loss',
			cause: 'never-mapped',
			source: 'basic-no-user',
			location: directiveHead(basic.directive),
			build: (routes) => ({
				what: `The auth step ${directiveText(basic.directive)} runs on ${joinRequests(routes)}, but nothing sets ${header} from the signed-in user`,
				fix: `Set it after the strip: request_header ${header} {http.auth.user.id} (or header_up in reverse_proxy).`,
				related: [proxyRelated(route)],
			}),
		},
	];
}

function locationKey(location: Location): string {
	return `${location.file}\u0000${location.span.start}\u0000${location.span.end}`;
}

function tokenLocation(token: Token): Location {
	return { file: token.file, span: token.span };
}

function valueOrigin(value: HeaderValue): HeaderOrigin | undefined {
	if (value.kind === 'client') return value.via;
	return value.by;
}

function originLocation(origin: HeaderOrigin | undefined): Location | undefined {
	return origin ? tokenLocation(origin.token) : undefined;
}

function proxyRelated(route: CaddyRoute): Related {
	return { ...directiveHead(route.proxy), message: `reaches Navidrome (${route.target.id}) here` };
}

/** The request set with the undecided matchers it depends on and the model's approximations, if any. */
function requestsOf(route: CaddyRoute): string {
	let text = route.requests;
	if (route.conditional.length > 0) text += ` (depending on ${route.conditional.join(', ')}, which the model does not decide)`;
	if (route.approximations.length > 0) text += ` (approximate: ${route.approximations.join('; ')})`;
	return text;
}

/** `a; b` for several request sets (each already in Caddy's words). */
function joinRequests(routes: readonly CaddyRoute[]): string {
	return [...new Set(routes.map(requestsOf))].join('; ');
}

/** `Requests to /share/*, /rest/*` / `All requests`. */
function subject(requests: string): string {
	return requests.startsWith('all requests') ? `All requests${requests.slice('all requests'.length)}` : `Requests to ${requests}`;
}

/** `request_header -Remote-User`, `forward_auth @protected authelia:9091` (the head of a directive, shortened). */
export function directiveText(directive: Directive): string {
	const text = [directive.nameToken, ...directive.args].map((token) => token.raw).join(' ');
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** One sentence on what happens to the user header along the route, for hovers and messages. */
export function describeRoute(route: CaddyRoute): string {
	const header = route.userHeader;
	const value = route.value;
	const auth = route.authSteps.map((step) => directiveText(step.directive)).join(', ');
	if (!route.authenticated) {
		const skipped = route.skippedAuth.length > 0 ? ` (${route.skippedAuth.map((step) => directiveText(step.directive)).join(', ')} does not match)` : '';
		if (value.kind === 'client') {
			if (value.via) return `no auth step runs${skipped}, and ${directiveText(value.via.directive)} copies the client's ${value.header} into ${header}`;
			return `no auth step runs${skipped} and nothing strips ${header}: the client's value reaches Navidrome`;
		}
		if (value.kind === 'absent' || (value.kind === 'literal' && value.text === '')) return `no auth step runs${skipped}; ${value.by ? directiveText(value.by.directive) : 'the proxy'} removes the client's ${header}`;
		return `no auth step runs${skipped}; ${header} is set to the fixed text ${value.kind === 'literal' || value.kind === 'placeholder' ? value.text : ''}`;
	}
	switch (value.kind) {
		case 'auth':
			if (value.by.kind === 'copy_headers') return `${auth} authenticates the request and copies the auth answer's ${value.header} into ${header}`;
			return `${auth} authenticates the request and ${directiveText(value.by.directive)} sets ${header} from the auth answer's ${value.header}`;
		case 'client':
			if (value.via) return `${auth} runs, but ${directiveText(value.via.directive)} copies the client's ${value.header} into ${header}`;
			return `${auth} runs but never sets ${header}, and nothing strips it: the client's value reaches Navidrome`;
		case 'absent':
		case 'literal':
			if (route.lostAuth) return `${auth} sets ${header}, then ${directiveText(route.lostAuth.directive)} removes it`;
			if (value.kind === 'literal' && value.text !== '') return `${auth} runs, then ${header} is set to the fixed text ${value.text}`;
			return `${auth} runs but never sets ${header}, so Navidrome never sees the user`;
		case 'placeholder':
			return `${auth} runs, then ${header} is set to the literal text ${value.text}`;
	}
}
