/**
Lowers the Traefik model into neutral routes (`model/route.ts`): one `ProxyRoute` per router and Navidrome instance it
reaches. Traefik's own evaluation (entrypoint and router middlewares, chains, priorities) stays in `build.ts`,
`chain.ts` and `reach.ts`; this module only says, per entrypoint the router receives requests on, why a client can
choose the user header (`forgeries`) and why the signed-in user does not arrive (`losses`), in Traefik's words, with
the quick fixes. The route rules (`rules/route/`) add the consequence and the gate's verdict.
*/
import type { Fix, Location, Related, TextEdit } from '../../findings.js';
import { field } from '../../formats/traefik/index.js';
import type { RuleNode } from '../../formats/traefik/rule.js';
import type { Deployment } from '../../model/deployment.js';
import { honouredPaths } from '../../model/gate.js';
import { siteOf } from '../../model/navidrome.js';
import type { AuthRun, Forgery, HeaderFate, Loss, ProxyRoute } from '../../model/route.js';
import { forwardAuthCovers, headerEntryFor } from './chain.js';
import { appendToList, insertLabels, insertSiblingLine, reorderList } from './fixes.js';
import type { ChainStep, NavidromeRoute, RouterView, TraefikMiddleware, TraefikModel } from './model.js';
import { describePaths } from './reach.js';

const fateRank: Record<HeaderFate, number> = { passthrough: 0, placeholder: 1, 'never-delivered': 2, stripped: 3, authenticated: 4 };

/** The entrypoint view that is worst for the user header, among those that receive requests. */
export function worstView(route: NavidromeRoute): RouterView | undefined {
	const receiving = route.views.filter((view) => view.reach.receives);
	const candidates = receiving.length > 0 ? receiving : route.views;
	return [...candidates].sort((a, b) => fateRank[a.header.fate] - fateRank[b.header.fate])[0];
}

/** Every route of one Traefik model, lowered. */
export function lowerRoutes(deployment: Deployment, model: TraefikModel): ProxyRoute[] {
	return model.routes.map((route) => lowerRoute(deployment, model, route));
}

// spec: proxies.md §4.1 (forward.go: only listed or regex-matched headers are replaced; others pass), §4.2 (header.go:
//   an empty customRequestHeaders value deletes; middlewares run in order, entrypoint ones first), §4.4 (mux.go: the
//   router wins only the requests no higher-priority router takes)
export function lowerRoute(deployment: Deployment, model: TraefikModel, route: NavidromeRoute): ProxyRoute {
	const view = worstView(route);
	const router = route.router;
	const receiving = route.views.filter((candidate) => candidate.reach.receives);
	const entryPoint = view && view.entryPoint !== '*' ? ` on entrypoint ${view.entryPoint}` : '';
	const receives = view && view.reach.wins.length > 0 ? `; receives ${describePaths(view.reach.wins)}` : view && !view.reach.receives ? '; receives nothing (other routers take every request)' : '';
	const locations: Location[] = view?.header.decisive.length ? view.header.decisive : router.def?.middlewares ? [router.def.middlewares.location] : [router.anchor];
	const lowered: ProxyRoute = {
		proxy: 'traefik',
		location: router.anchor,
		requests: `router ${router.qualifiedName}: ${router.rule || '(default rule)'} (priority ${router.priority}${router.priorityExplicit ? ', explicit' : ', rule length'})${entryPoint}${receives}`,
		witnesses: [...new Set(receiving.flatMap((candidate) => candidate.reach.wins.map((probe) => probe.path)))],
		conditions: conditionsOf(router.ruleTree),
		upstream: route.upstream,
		target: route.instance,
		peer: route.peer,
		auth: authRuns(route),
		authenticated: view?.header.authenticated ?? false,
		forgeries: [],
		losses: [],
		header: { fate: view?.header.fate ?? 'passthrough', detail: view?.header.detail ?? '', locations },
	};
	for (const candidate of route.views) {
		const outcomes = explain(deployment, model, route, candidate);
		lowered.forgeries.push(...outcomes.forgeries);
		lowered.losses.push(...outcomes.losses);
	}
	return lowered;
}

/** Matchers the reach probes do not decide for a real client: methods, headers, query values, client addresses. */
function conditionsOf(node: RuleNode | undefined, into: string[] = [], depth = 0): string[] {
	if (!node || depth > 64) return into;
	if (node.kind === 'and' || node.kind === 'or') {
		conditionsOf(node.left, into, depth + 1);
		conditionsOf(node.right, into, depth + 1);
	} else if (node.kind === 'not') {
		const inner = conditionsOf(node.operand, [], depth + 1);
		into.push(...inner.map((text) => `!${text}`));
	} else if (node.kind === 'matcher' && /^(Method|Header|Headers|HeaderRegexp|HeadersRegexp|Query|QueryRegexp|ClientIP)$/.test(node.name)) {
		const text = `${node.written}(${node.args.map((arg) => `\`${arg.value}\``).join(', ')})`;
		if (!into.includes(text)) into.push(text);
	}
	return into;
}

function authRuns(route: NavidromeRoute): AuthRun[] {
	const runs = new Map<string, AuthRun>();
	for (const view of route.views) {
		for (const step of view.chain) {
			const middleware = step.middleware;
			const kind = middleware?.def.kind;
			if (!middleware || (kind !== 'forwardAuth' && kind !== 'basicAuth' && kind !== 'digestAuth')) continue;
			if (runs.has(middleware.qualifiedName)) continue;
			runs.set(middleware.qualifiedName, {
				kind: kind === 'forwardAuth' ? 'forward-auth' : 'basic',
				name: middleware.qualifiedName,
				location: step.ref.location ?? route.router.anchor,
				setsUser: setsUser(step, route.header),
			});
		}
	}
	return [...runs.values()];
}

/** Whether an auth step replaces the header with the authenticated user (forward.go; basic_auth.go `headerField`). */
function setsUser(step: ChainStep, header: string): boolean {
	const def = step.middleware?.def;
	if (def?.kind === 'forwardAuth') return forwardAuthCovers(step, header).covers;
	return def?.headerField?.value === header;
}

function isForwardAuth(step: ChainStep): boolean {
	return step.middleware?.def.kind === 'forwardAuth';
}

/** The forgeries and losses of one entrypoint view. */
function explain(deployment: Deployment, model: TraefikModel, route: NavidromeRoute, view: RouterView): { forgeries: Forgery[]; losses: Loss[] } {
	const forgeries: Forgery[] = [];
	const losses: Loss[] = [];
	const analysis = view.header;
	const witnesses = view.reach.wins.map((probe) => probe.path);
	// A strip after the auth step deletes the user it set: judged on every view, as the order is wrong wherever it runs.
	if (analysis.stripAfterAuth) losses.push(stripAfterAuthLoss(deployment, route, view));
	// Plugins and middlewares of providers not in view may change headers: no verdict either way.
	if (!view.reach.receives || analysis.unknown.length > 0) return { forgeries, losses };
	const forwardAuths = analysis.notReplacing.filter(isForwardAuth);
	if (analysis.fate === 'passthrough') {
		if (forwardAuths.length > 0) {
			for (const step of forwardAuths) {
				forgeries.push({ cause: 'auth-no-user', who: 'signed-in', ...forwardAuthOutcome(deployment, model, route, step, 'forgery'), witnesses });
				losses.push({ cause: 'never-mapped', ...forwardAuthOutcome(deployment, model, route, step, 'loss'), witnesses });
			}
		} else if (analysis.notReplacing.length > 0) {
			forgeries.push({ cause: 'auth-no-user', who: 'signed-in', ...bypassOutcome(deployment, model, route, view), witnesses });
			for (const step of analysis.notReplacing) losses.push({ cause: 'never-mapped', ...basicAuthLoss(route, step), witnesses });
		} else {
			forgeries.push({ cause: 'bypass-nostrip', who: 'anyone', ...bypassOutcome(deployment, model, route, view), witnesses });
		}
	} else if (analysis.fixed && !analysis.authenticated && analysis.fixed.value.trim() !== '') {
		// spec: proxies.md §0 (Navidrome logs in whoever the header names): a fixed user without any auth step
		const { step, value } = analysis.fixed;
		forgeries.push({
			cause: 'literal-user',
			who: 'anyone',
			location: step.ref.location ?? route.router.anchor,
			what: `${capitalise(routerLabel(route))} sends ${requestsOf(route, view)} to Navidrome without an auth step, and ${step.ref.qualified} sets ${route.header} to the fixed text ${value}${entryPointClause(view)}`,
			consequence: `anyone who reaches it is logged in as ${value} (created if missing; on a fresh install, as admin)`,
			fix: `Remove the fixed ${route.header} from ${step.ref.qualified}, or add forwardAuth before it.`,
			related: [],
			witnesses,
		});
	} else if (analysis.fate === 'never-delivered' && !analysis.stripAfterAuth) {
		// A strip removes the client's copy, but no auth step ever sets the header.
		for (const step of forwardAuths) losses.push({ cause: 'never-mapped', ...forwardAuthOutcome(deployment, model, route, step, 'loss'), witnesses });
		for (const step of analysis.notReplacing.filter((candidate) => !isForwardAuth(candidate))) losses.push({ cause: 'never-mapped', ...basicAuthLoss(route, step), witnesses });
	}
	return { forgeries, losses };
}

type Outcome = { location: Location; what: string; fix: string; related: Related[]; fixes?: Fix[] };

function headerRelated(route: NavidromeRoute): Related[] {
	const site = siteOf(route.instance, route.instance.intended.settings.userHeader.source);
	return site ? [{ ...site.location, message: `the user header is ${route.header}` }] : [];
}

function withFix(outcome: Omit<Outcome, 'fixes'>, fix: Fix | undefined): Outcome {
	return fix ? { ...outcome, fixes: [fix] } : outcome;
}

function routerLabel(route: NavidromeRoute): string {
	const router = route.router;
	return router.origin.kind === 'default' ? `the default router ${router.name} (created by the Docker provider for the ${router.origin.service.name} container)` : `router ${router.name}`;
}

function entryPointClause(view: RouterView): string {
	return view.entryPoint === '*' ? '' : ` (entrypoint ${view.entryPoint})`;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The requests of a view worth naming: those that honour the header (today, else after an upgrade), else all it wins. */
function requestsOf(route: NavidromeRoute, view: RouterView): string {
	const wins = view.reach.wins;
	if (wins.length === 0) return 'the requests its rule matches';
	const paths = wins.map((probe) => probe.path);
	const today = new Set(honouredPaths(route.instance, paths, true));
	const newest = new Set(honouredPaths(route.instance, paths, false));
	const chosen = today.size > 0 ? today : newest;
	return describePaths(chosen.size > 0 ? wins.filter((probe) => chosen.has(probe.path)) : wins);
}

/** No forwardAuth, and nothing removes a client-sent header (with or without basicAuth/digestAuth). */
function bypassOutcome(deployment: Deployment, model: TraefikModel, route: NavidromeRoute, view: RouterView): Outcome {
	const router = route.router;
	const header = route.header;
	// basicAuth/digestAuth only set their own headerField; anyone with a password still chooses the user header.
	const basic = view.header.notReplacing.map((step) => step.ref.qualified);
	const how = basic.length > 0 ? `with only ${basic.join(', ')} (which does not set ${header})` : 'without forwardAuth';
	const related: Related[] = [];
	if (router.def?.middlewares) related.push({ ...router.def.middlewares.location, message: `none of these middlewares removes ${header}` });
	related.push(...headerRelated(route));
	return withFix(
		{
			location: router.anchor,
			what: `${capitalise(routerLabel(route))} sends ${requestsOf(route, view)} to Navidrome ${how}, and no middleware removes a client-sent ${header}${entryPointClause(view)}`,
			fix: `Add a headers middleware with customRequestHeaders.${header} set to "" to this router${basic.length > 0 ? `, or set headerField: ${header} on ${basic.join(', ')}` : ''}.`,
			related,
		},
		stripFix(deployment, model, route),
	);
}

/** A forwardAuth that neither lists nor matches the user header: the client's copy survives, the auth answer's is dropped. */
function forwardAuthOutcome(deployment: Deployment, model: TraefikModel, route: NavidromeRoute, step: ChainStep, kind: 'forgery' | 'loss'): Outcome {
	const middleware = step.middleware!;
	const forwardAuth = middleware.def.forwardAuth!;
	const header = route.header;
	const location: Location = forwardAuth.authResponseHeaders?.location ?? forwardAuth.address?.location ?? middleware.def.node.keyLocation ?? middleware.def.node.location;
	const routers = [
		...new Set(model.routes.filter((other) => other.instance === route.instance && other.views.some((view) => view.header.notReplacing.some((candidate) => candidate.middleware === middleware))).map((other) => other.router.name)),
	];
	const listed = forwardAuth.authResponseHeaders?.items.map((item) => item.value).filter(Boolean) ?? [];
	const regex = forwardAuth.authResponseHeadersRegex?.value;
	const regexClause = regex ? ` and its authResponseHeadersRegex ${regex} does not match ${header} (Traefik tests the canonical name)` : '';
	const lists = `${listed.length > 0 ? `lists only ${listed.join(', ')} in authResponseHeaders` : 'has no authResponseHeaders'}${regexClause}`;
	const on = `router${routers.length > 1 ? 's' : ''} ${routers.join(', ')}`;
	const strip = route.views.find((view) => view.header.notReplacing.includes(step) && view.header.strip)?.header.strip;
	const what =
		kind === 'forgery'
			? `The forwardAuth middleware ${middleware.qualifiedName} ${lists}, so Traefik leaves a client-sent ${header} in place on ${on}`
			: `The forwardAuth middleware ${middleware.qualifiedName} ${lists}, so Traefik never passes the auth server's ${header} to Navidrome on ${on}${strip ? ` (${strip.ref.qualified} removes the client's copy)` : ''}`;
	const related: Related[] = step.ref.location ? [{ ...step.ref.location, message: `${middleware.qualifiedName} is used here` }] : [];
	related.push(...headerRelated(route));
	return withFix({ location, what, fix: `Add ${header} to authResponseHeaders.`, related }, addHeaderFix(deployment, middleware, header));
}

/** basicAuth/digestAuth without `headerField: <user header>`: Navidrome never hears who logged in. */
function basicAuthLoss(route: NavidromeRoute, step: ChainStep): Outcome {
	const middleware = step.middleware!;
	const header = route.header;
	const written = middleware.def.headerField?.value;
	const location: Location = step.ref.location ?? middleware.def.node.keyLocation ?? middleware.def.node.location;
	const kind = middleware.def.kind === 'digestAuth' ? 'digestAuth' : 'basicAuth';
	return {
		location,
		what: `The ${kind} middleware ${middleware.qualifiedName} ${written ? `sets the user in ${written}, not ${header}` : 'has no headerField'}, so Traefik never passes the signed-in user to Navidrome on router ${route.router.name}`,
		fix: `Set headerField: ${header} on ${middleware.name}.`,
		related: [...(middleware.def.headerField ? [{ ...middleware.def.headerField.location, message: `headerField is ${written}` }] : []), ...headerRelated(route)],
	};
}

function stripAfterAuthLoss(deployment: Deployment, route: NavidromeRoute, view: RouterView): Loss {
	const pair = view.header.stripAfterAuth!;
	const location = pair.strip.ref.location ?? route.router.anchor;
	const where = pair.strip.ref.via === 'chain' ? ` (inside chain ${pair.strip.via.map((ref) => ref.qualified).join(' → ')})` : '';
	const related: Related[] = pair.auth.ref.location ? [{ ...pair.auth.ref.location, message: `${pair.auth.ref.qualified} sets ${route.header} here` }] : [];
	const fix = reorderFix(deployment, pair.strip, pair.auth);
	return {
		cause: 'strip-after-auth',
		location,
		what: `Middleware ${pair.strip.ref.qualified}${where} runs after ${pair.auth.ref.qualified} on router ${route.router.name}${entryPointClause(view)} and deletes the ${route.header} that ${pair.auth.ref.qualified} set`,
		fix: `List it before ${pair.auth.ref.qualified}.`,
		related,
		...(fix ? { fixes: [fix] } : {}),
		witnesses: view.reach.wins.map((probe) => probe.path),
	};
}

// ─── Quick fixes ─────────────────────────────────────────────────────────────────────────────────

/** Adds a strip middleware (an existing one if any) to a label-defined router's `middlewares`. */
function stripFix(deployment: Deployment, model: TraefikModel, route: NavidromeRoute): Fix | undefined {
	const router = route.router;
	if (router.origin.kind !== 'labels' || !router.def) return undefined;
	const existing = [...model.middlewares.values()]
		.filter((middleware) => headerEntryFor(middleware, route.header)?.value === '')
		.sort((a, b) => Number(b.provider === router.provider) - Number(a.provider === router.provider))[0];
	let name: string;
	let reference: string;
	if (existing) {
		name = existing.name;
		reference = existing.provider === router.provider ? existing.name : existing.qualifiedName;
	} else {
		const base = `strip-${route.header.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
		name = base;
		for (let suffix = 2; model.middlewares.has(`${name}@${router.provider}`); suffix++) name = `${base}-${suffix}`;
		reference = name;
	}
	const edits: TextEdit[] = [];
	const labels: Array<[string, string]> = [];
	const middlewares = router.def.middlewares;
	if (middlewares) {
		if (middlewares.items.some((item) => item.value === reference)) return undefined;
		const edit = appendToList(deployment, middlewares, reference);
		if (!edit) return undefined;
		edits.push(edit);
	} else labels.push([`traefik.http.routers.${router.name}.middlewares`, reference]);
	if (!existing) labels.push([`traefik.http.middlewares.${name}.headers.customrequestheaders.${route.header}`, '']);
	if (labels.length > 0) {
		const edit = insertLabels(deployment, router.def.node.entries, labels);
		if (!edit) return undefined;
		// Appending to the last label's value and adding lines after it touch the same offset: one edit, in order.
		const same = edits.find((other) => other.file === edit.file && other.span.start === edit.span.start && other.span.end === edit.span.end);
		if (same) same.newText += edit.newText;
		else edits.push(edit);
	}
	return {
		title: existing ? `Add ${reference} (removes ${route.header}) to router ${router.name}` : `Add a middleware removing ${route.header} to router ${router.name}`,
		isPreferred: true,
		edits,
	};
}

/** Adds the user header to a forwardAuth's `authResponseHeaders`, in the form the file uses. */
function addHeaderFix(deployment: Deployment, middleware: TraefikMiddleware, header: string): Fix | undefined {
	const forwardAuth = middleware.def.forwardAuth!;
	const title = `Add ${header} to authResponseHeaders of ${middleware.name}`;
	let edit: TextEdit | undefined;
	if (forwardAuth.authResponseHeaders) edit = appendToList(deployment, forwardAuth.authResponseHeaders, header);
	else if (middleware.origin.kind === 'labels') edit = insertLabels(deployment, middleware.def.node.entries, [[`traefik.http.middlewares.${middleware.name}.forwardauth.authResponseHeaders`, header]]);
	else if (middleware.origin.kind === 'file') {
		const sibling = field(forwardAuth.node, 'address') ?? forwardAuth.node.children[forwardAuth.node.children.length - 1];
		if (sibling) edit = insertSiblingLine(deployment, sibling, middleware.origin.format, 'authResponseHeaders', `[${JSON.stringify(header)}]`);
	}
	return edit ? { title, isPreferred: true, edits: [edit] } : undefined;
}

/** Moves the strip just before the auth step when both sit in the same router list. */
function reorderFix(deployment: Deployment, strip: ChainStep, auth: ChainStep): Fix | undefined {
	const list = strip.ref.list;
	if (!list || strip.ref.via !== 'router' || auth.ref.via !== 'router' || auth.ref.list !== list) return undefined;
	const order = list.items.map((_, index) => index).filter((index) => index !== strip.ref.index);
	order.splice(order.indexOf(auth.ref.index), 0, strip.ref.index);
	const edits = reorderList(deployment, list, order);
	if (!edits || edits.length === 0) return undefined;
	return { title: `Move ${strip.ref.written} before ${auth.ref.written}`, isPreferred: true, edits };
}
