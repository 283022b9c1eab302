/**
A client request simulated end to end: through every proxy route that covers it (Caddy, nginx, Traefik route models)
or straight to a published Navidrome port, to the peer address Navidrome sees and the core's `decide()`. Pure: reads
only the analysis; where a model cannot decide (an opaque matcher, an unknown middleware) the trace says `maybe`.
Facts: navidrome-extauth.md §2 (the raw peer is checked), §5 (which paths honour the header); proxies.md §2 (Caddy),
§3 (nginx), §4 (Traefik), §7 (Docker addresses, docker-proxy and the gateway).
*/
import { decide, formatIp, formatVersion, parseCidr, type Decision, type DecisionReason } from '@navidrome-extauth/core';
import type { AnalysisResult } from '../analysis/engine.js';
import { basename } from '../analysis/files.js';
import type { Location } from '../analysis/findings.js';
import type { Deployment, NavidromeInstance, ProxyKind, ServiceRef } from '../analysis/model/deployment.js';
import { instanceSecrets } from '../analysis/model/navidrome.js';
import { directiveOrder, type HandlerRoute } from '../analysis/proxies/caddy/chain.js';
import { compileBlock } from '../analysis/proxies/caddy/chain.js';
import { replay, runRequest, type RunOutcome, type Scenario } from '../analysis/proxies/caddy/evaluate.js';
import { caddyAnalysis, describeRoute, directiveText } from '../analysis/proxies/caddy/index.js';
import { fateOf } from '../analysis/proxies/caddy/site.js';
import type { CaddyFileAnalysis, CaddyRoute, CaddySiteAnalysis, HeaderValue as CaddyHeaderValue } from '../analysis/proxies/caddy/types.js';
import { copyHeadersEras, rangeAtLeast, rangeBelow, underscoreDropFrom } from '../analysis/proxies/caddy/version.js';
import { describeLevel, type Level } from '../analysis/proxies/nginx/levels.js';
import { nginxModel, type NginxRoute } from '../analysis/proxies/nginx/model.js';
import { traefikModels } from '../analysis/proxies/traefik/adapter.js';
import type { ChainStep, NavidromeRoute, ReachTable, RouterView, TraefikModel } from '../analysis/proxies/traefik/model.js';
import { winners } from '../analysis/proxies/traefik/reach.js';
import { evaluateRule, ruleLiterals, type Probe, type Truth } from '../analysis/formats/traefik/rule.js';
import { compileGoRegexp } from '../analysis/regexp/index.js';
import { maskUrlPasswords, redact, type Secret } from '../analysis/secrets.js';
import { LineIndex } from '../analysis/text.js';

/** The client's request. */
export type SimulatedRequest = {
	/** The path as the client sends it (query allowed): `/rest/ping?u=x`. */
	path: string;
	/** The Host header; omitted means every site, server and router host that reaches Navidrome. */
	host?: string;
	method?: string;
	/** Headers the client sends, forged ones included. */
	headers: Record<string, string>;
	/** `none`, or `signed-in as USER`: the auth service authenticates the client as USER. Default `none`. */
	credentials?: string;
	/** Only this way in: a route id (`caddy:Caddyfile:7`), a proxy kind or service name (`caddy`), or `direct`. */
	via?: string;
	/** The client's own address on the direct path (default: an internet address, 203.0.113.7). */
	clientAddress?: string;
	/** Only this Navidrome instance (id). */
	instance?: string;
};

/** The address Navidrome sees the connection come from (navidrome-extauth.md §2: the raw peer, never X-Forwarded-For). */
export type PeerAddress = {
	address: string;
	/** `pinned`: an `ipv4_address`; `network-range`: somewhere in the network's subnet; `default-pool`: a subnet Docker picks; `gateway`: docker-proxy or a host-network proxy; `client`: the client itself. */
	basis: 'pinned' | 'network-range' | 'default-pool' | 'gateway' | 'loopback' | 'client' | 'unknown';
	/** True when the address is an example from a range, not the one the deployment fixes. */
	guess: boolean;
	detail: string;
};

/** What happened to one header between the client and Navidrome. */
export type HeaderTrace = {
	name: string;
	/** As the client sent it (`undefined`: not sent). */
	sent: string | undefined;
	/** As Navidrome receives it (`undefined`: not there); meaningless when `fate` is `maybe`. */
	arrives: string | undefined;
	/** `not-forwarded`: the request stops before Navidrome (the auth step refuses it). */
	fate: 'passed' | 'stripped' | 'overwritten' | 'set' | 'renamed' | 'absent' | 'not-forwarded' | 'maybe';
	detail: string;
};

export type NavidromeOutcome = {
	/** `login`: Navidrome ignores the header and falls back to its own login; `rejected`: the request never gets a page (the auth service refuses it, or 400). */
	outcome: 'authenticated' | 'login' | 'rejected' | 'maybe';
	user?: string;
	reason?: DecisionReason | 'auth-refused' | 'undecided';
	explanation: string;
	/** The core's decision, when Navidrome gets the request and the header is known. */
	decision?: Decision;
};

/** One way the request takes to Navidrome. */
export type RouteTrace = {
	/** `caddy:Caddyfile:9`, `nginx:nginx.conf:21`, `traefik:compose.yaml:14`, `direct:navidrome`, `direct-gateway:navidrome`. */
	id: string;
	kind: 'proxy' | 'direct';
	proxy?: ProxyKind;
	/** The route in the proxy's words. */
	route: string;
	/** Which requests the route takes, as the model describes them. */
	requests: string;
	location?: { file: string; line: number };
	/** `maybe` when the route takes the request only under conditions the model cannot decide (`conditions`). */
	matched: 'yes' | 'maybe';
	conditions: string[];
	auth: { ran: boolean; result: 'accepted' | 'refused' | 'skipped' | 'none'; detail: string };
	headers: HeaderTrace[];
	peer: PeerAddress;
	instance: string;
	navidrome: NavidromeOutcome;
};

/** A route of the deployment, for pickers (`via`). */
export type RouteSummary = { id: string; kind: 'proxy' | 'direct'; proxy?: ProxyKind; route: string; requests: string; instance: string; peer: PeerAddress };

export type SimulationTrace = {
	request: { path: string; host: string | undefined; method: string; headers: Record<string, string>; credentials: string; via: string | undefined };
	/** One entry per route that covers the request (and the direct path to a published port). */
	routes: RouteTrace[];
	/** Every route of the deployment and its peer address, whatever the request. */
	available: RouteSummary[];
	/** Requests that end elsewhere (another upstream, the proxy answers itself), and limits of the models. */
	notes: string[];
};

/** What reaches Navidrome in the user header, in the terms every proxy model can give. */
type UserHeaderResult =
	/** The client's own header `header` (the user header itself, or another one copied into it). */
	| { kind: 'client'; header: string; by?: string }
	/** The signed-in user, set by the auth step. */
	| { kind: 'user'; by: string }
	| { kind: 'absent'; by?: string }
	| { kind: 'fixed'; text: string; by?: string }
	| { kind: 'unknown'; detail: string };

type Pending = Omit<RouteTrace, 'headers' | 'navidrome' | 'auth'> & {
	target: NavidromeInstance;
	userHeader: string;
	/** `refused`: the auth step turns the request away (no credentials). */
	auth: RouteTrace['auth'];
	result: UserHeaderResult;
	/** Other headers pass unchanged (the proxy models track only the user header). */
	direct?: boolean;
};

const internetClient = '203.0.113.7';
const probeNames = new Set(['caddy', 'nginx', 'traefik']);

/** Runs the request through every route of the deployment that covers it. Never throws on odd input. */
export function simulate(analysis: AnalysisResult | undefined, request: SimulatedRequest): SimulationTrace {
	const method = typeof request.method === 'string' && request.method ? request.method.toUpperCase() : 'GET';
	const headers = cleanHeaders(request.headers);
	const user = signedInUser(request.credentials);
	const credentials = user === undefined ? 'none' : `signed-in as ${user}`;
	const path = typeof request.path === 'string' && request.path.startsWith('/') ? request.path : `/${typeof request.path === 'string' ? request.path : ''}`;
	const host = typeof request.host === 'string' && request.host.trim() ? request.host.trim().toLowerCase() : undefined;
	const via = typeof request.via === 'string' && request.via.trim() ? request.via.trim() : undefined;
	const trace: SimulationTrace = { request: { path, host, method, headers, credentials, via }, routes: [], available: [], notes: [] };
	const deployment = analysis?.deployment;
	if (!deployment) {
		trace.notes.push('No deployment was analysed.');
		return trace;
	}
	const context: Context = {
		deployment,
		request: { path, host, method, headers, user, clientAddress: typeof request.clientAddress === 'string' && request.clientAddress.trim() ? request.clientAddress.trim() : undefined },
		lines: new Map(),
		notes: trace.notes,
	};
	const instances = deployment.navidromes.filter((instance) => request.instance === undefined || instance.id === request.instance);
	if (instances.length === 0) trace.notes.push(request.instance === undefined ? 'No Navidrome service was found.' : `No Navidrome instance '${request.instance}'.`);
	const wanted = (instance: NavidromeInstance) => instances.includes(instance);
	const pending: Pending[] = [];
	const guarded = (name: string, run: () => Pending[]): void => {
		try {
			pending.push(...run().filter((entry) => wanted(entry.target)));
		} catch (error) {
			trace.notes.push(`The ${name} model could not simulate this request (${(error as Error)?.message ?? error}).`);
		}
	};
	guarded('Caddy', () => caddyTraces(context));
	guarded('nginx', () => nginxTraces(context));
	guarded('Traefik', () => traefikTraces(context));
	for (const instance of instances) pending.push(...directTraces(instance, context));
	const available = availableRoutes(context, instances);
	trace.available = available;
	const chosen = via === undefined ? pending : pending.filter((entry) => viaMatches(via, entry, deployment));
	if (via !== undefined && chosen.length === 0) {
		const known = available.map((route) => route.id).join(', ');
		trace.notes.push(`No route matching '${via}' covers this request${known ? ` (routes: ${known})` : ''}.`);
	}
	trace.routes = chosen.map((entry) => finish(entry, context));
	if (trace.routes.length === 0 && via === undefined && instances.length > 0) {
		trace.notes.push('No proxy route and no published port reaches Navidrome with this request; only containers on its networks can connect.');
	}
	const secrets = deployment.navidromes.flatMap(instanceSecrets);
	return hideSecrets(trace, secrets);
}

/** `signed-in as alice` → `alice`; `none`, empty or anything else → undefined. */
export function signedInUser(credentials: unknown): string | undefined {
	if (typeof credentials !== 'string') return undefined;
	const match = /^\s*signed[- ]in as\s+(.+?)\s*$/i.exec(credentials);
	return match ? match[1] : undefined;
}

/** A copy of plain data with every secret in its strings replaced (a string that cannot be cleaned becomes `(hidden)`), URL passwords masked. */
export function hideSecrets<T>(value: T, secrets: readonly Secret[], depth = 0): T {
	if (typeof value === 'string') return maskUrlPasswords(secrets.length === 0 ? value : (redact(value, secrets) ?? '(hidden)')) as T;
	if (depth > 32) return value;
	if (Array.isArray(value)) return value.map((item) => hideSecrets(item, secrets, depth + 1)) as T;
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[hideSecrets(key, secrets, depth + 1)] = hideSecrets(item, secrets, depth + 1);
		return out as T;
	}
	return value;
}

type Context = {
	deployment: Deployment;
	request: { path: string; host: string | undefined; method: string; headers: Record<string, string>; user: string | undefined; clientAddress: string | undefined };
	lines: Map<string, LineIndex | undefined>;
	notes: string[];
};

function cleanHeaders(raw: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
	for (const [name, value] of Object.entries(raw as Record<string, unknown>).slice(0, 100)) {
		if (typeof value === 'string' && name.trim()) out[name.trim()] = value;
	}
	return out;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
	const lower = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
	return undefined;
}

function pathOnly(path: string): string {
	const cut = path.search(/[?#]/);
	return cut >= 0 ? path.slice(0, cut) : path;
}

function locationOf(context: Context, location: Location): { file: string; line: number } {
	if (!context.lines.has(location.file)) {
		const text = context.deployment.files.get(location.file)?.text;
		context.lines.set(location.file, typeof text === 'string' ? new LineIndex(text) : undefined);
	}
	const index = context.lines.get(location.file);
	return { file: location.file, line: index ? index.position(location.span.start).line + 1 : 0 };
}

function routeId(proxy: string, location: { file: string; line: number }): string {
	return `${proxy}:${basename(location.file)}:${location.line}`;
}

function viaMatches(via: string, entry: Pending, deployment: Deployment): boolean {
	const lower = via.toLowerCase();
	if (lower === 'direct') return entry.kind === 'direct';
	if (entry.id.toLowerCase() === lower) return true;
	if (entry.kind !== 'proxy') return false;
	if (probeNames.has(lower)) return entry.proxy === lower;
	// A proxy's compose service name.
	const service = entry.location ? mountingService(deployment, entry.location.file) : undefined;
	return service?.service.name.toLowerCase() === lower;
}

// ─── Peer addresses (proxies.md §7) ──────────────────────────────────────────────────────────────

/** The compose service that bind-mounts `file` (the proxy container reading it). */
function mountingService(deployment: Deployment, file: string): ServiceRef | undefined {
	return deployment.links.mounting(file)[0];
}

/** The address a proxy container connects to Navidrome from. */
export function proxyPeer(proxy: ServiceRef | undefined, instance: NavidromeInstance): PeerAddress {
	if (!proxy) {
		const address = guessInRange(instance, undefined);
		return { address, basis: 'unknown', guess: true, detail: `the proxy's container is not in the compose files, so its address is unknown; ${address} is a guess` };
	}
	const name = proxy.service.name;
	if (proxy.service.networkMode?.value === 'host') {
		const gateway = gatewayOf(instance);
		return { address: gateway.address, basis: 'gateway', guess: gateway.guess, detail: `${name} uses the host's network, so it connects from the host side of Navidrome's bridge: the gateway ${gateway.address}${gateway.guess ? ' (a guess: the network has no fixed subnet)' : ''}` };
	}
	const own = proxy.service.networks ?? [{ name: 'default', span: { start: 0, end: 0 }, ipv4Address: undefined, ipv6Address: undefined }];
	const shared = own.filter((network) => instance.networks.includes(network.name));
	for (const network of shared) {
		const pinned = network.ipv4Address?.value.trim() || network.ipv6Address?.value.trim();
		if (pinned && !pinned.includes('${')) return { address: pinned, basis: 'pinned', guess: false, detail: `${name}'s ipv4_address on network ${network.name}` };
	}
	if (shared.length === 0) {
		const address = guessInRange(instance, undefined);
		return { address, basis: 'unknown', guess: true, detail: `${name} shares no compose network with Navidrome here, so how it connects is unknown; ${address} is a guess` };
	}
	const network = shared[0]!;
	const subnet = subnetOf(instance, network.name);
	const address = guessInRange(instance, subnet);
	if (subnet) return { address, basis: 'network-range', guess: true, detail: `Docker gives ${name} some address in ${subnet} (network ${network.name}) when it starts; ${address} is an example, not pinned` };
	return { address, basis: 'default-pool', guess: true, detail: `network ${network.name} has no fixed subnet: Docker picks one from its default pools (172.17.0.0/16–172.31.0.0/16, then 192.168.x.0/20) and gives ${name} any address in it; ${address} is a guess` };
}

function subnetOf(instance: NavidromeInstance, networkName: string): string | undefined {
	const network = instance.compose?.networks.find((candidate) => candidate.name === networkName);
	const subnet = network?.subnets.map((entry) => entry.value.trim()).find((text) => parseCidr(text) !== undefined);
	return subnet;
}

/**
An example address in `range` (or Docker's default pools): inside a TrustedSources entry that lies in the range when
there is one (the usual intent: the list names the proxy's network), else the range's first container address (.2).
*/
function guessInRange(instance: NavidromeInstance, range: string | undefined): string {
	const network = range ? parseCidr(range) : undefined;
	const pools = ['172.16.0.0/12', '192.168.0.0/16', '10.0.0.0/8'].map((text) => parseCidr(text)!);
	const within = (first: bigint, last: bigint) => (network ? first >= network.first && last <= network.last : pools.some((pool) => first >= pool.first && last <= pool.last));
	for (const entry of instance.trust.entries) {
		if (!entry.honoured || entry.kind !== 'cidr' || !entry.cidr) continue;
		const cidr = parseCidr(entry.cidr.normalized);
		if (!cidr || cidr.comparedFamily !== 'ipv4' || !within(cidr.first, cidr.last)) continue;
		const pick = cidr.last - cidr.first >= 3n ? cidr.first + 2n : cidr.first;
		return formatIp('ipv4', pick);
	}
	if (network && network.comparedFamily === 'ipv4' && network.last - network.first >= 3n) return formatIp('ipv4', network.first + 2n);
	return '172.18.0.2';
}

function gatewayOf(instance: NavidromeInstance): { address: string; guess: boolean } {
	for (const name of instance.networks) {
		const network = instance.compose?.networks.find((candidate) => candidate.name === name);
		const gateway = network?.gateways[0]?.value.trim();
		if (gateway) return { address: gateway, guess: false };
		const subnet = subnetOf(instance, name);
		const cidr = subnet ? parseCidr(subnet) : undefined;
		if (cidr && cidr.comparedFamily === 'ipv4' && cidr.last - cidr.first >= 3n) return { address: formatIp('ipv4', cidr.first + 1n), guess: false };
	}
	return { address: '172.18.0.1', guess: true };
}

// ─── Caddy (proxies.md §2) ───────────────────────────────────────────────────────────────────────

function caddyTraces(context: Context): Pending[] {
	const out: Pending[] = [];
	for (const file of caddyAnalysis(context.deployment)?.files ?? []) {
		if (file.failure) {
			context.notes.push(`${basename(file.file)}: ${file.failure}`);
			continue;
		}
		for (const site of file.sites) {
			if (site.routes.length === 0) continue;
			const hostMatch = siteMatchesHost(site, context.request.host);
			if (hostMatch === 'no') continue;
			out.push(...caddySite(file, site, context, hostMatch === 'maybe'));
		}
	}
	return out;
}

/** Whether a site's addresses take `host` (`undefined`: any host). Placeholders make it `maybe`. */
function siteMatchesHost(site: CaddySiteAnalysis, host: string | undefined): 'yes' | 'no' | 'maybe' {
	if (host === undefined) return 'yes';
	const bare = host.replace(/:\d+$/, '');
	let result: 'yes' | 'no' | 'maybe' = 'no';
	for (const address of site.site.addresses) {
		const text = address.text.toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
		const name = text.startsWith('[') ? text.slice(0, text.indexOf(']') + 1) : text.replace(/:[^:]*$/, '');
		if (name === '' || name === '*') return 'yes';
		if (name.includes('{')) result = 'maybe';
		else if (name === bare) return 'yes';
		else if (name.startsWith('*.') && bare.endsWith(name.slice(1)) && !bare.slice(0, -name.length + 1).includes('.')) return 'yes';
	}
	return result;
}

function caddySite(file: CaddyFileAnalysis, site: CaddySiteAnalysis, context: Context, hostUncertain: boolean): Pending[] {
	const parse = file.parse;
	const version = file.version;
	const compile = {
		order: directiveOrder(parse.ast),
		version,
		namedRoutes: new Map(parse.ast.namedRoutes.map((route) => [route.name, route.block])),
		patterns: new Set<string>(),
		approximations: new Set<string>(),
		nextId: 0,
		matcherCache: new Map(),
		invoking: new Set<string>(),
		misreadBlocks: new Set(rangeBelow(version, [2, 7, 0]) ? parse.features.filter((feature) => feature.kind === 'brace-on-new-line').map((feature) => `${feature.file}:${feature.span.start}`) : []),
	};
	const chain = compileBlock(site.site.block, new Map(), true, compile);
	const key = (directive: { file: string; nameToken: { span: { start: number } } }) => `${directive.file}:${directive.nameToken.span.start}`;
	const byProxy = new Map<string, CaddyRoute[]>();
	for (const route of site.routes) {
		const list = byProxy.get(key(route.proxy)) ?? [];
		list.push(route);
		byProxy.set(key(route.proxy), list);
	}
	const eras = copyHeadersEras(version);
	const scenario: Scenario = { auth: context.request.user === undefined ? 'deny' : 'ok', era: eras[0] ?? 'delete' };
	const underscoreDropped = rangeAtLeast(version, underscoreDropFrom);
	const out: Pending[] = [];
	const siteName = site.site.addresses.map((address) => address.text).join(', ') || '(no address)';
	for (const userHeader of [...new Set(site.routes.map((route) => route.userHeader))]) {
		const options = { userHeader, path: pathOnly(context.request.path), underscoreDropped, scenario };
		const { outcomes, truncated } = exploreRequest(chain, options, context.request);
		if (truncated) context.notes.push(`Caddy site ${siteName}: too many undecidable matchers to explore every combination; some outcomes are not shown.`);
		const several = outcomes.length > 1 || hostUncertain;
		for (const { outcome, conditions } of outcomes) {
			const matched: 'yes' | 'maybe' = several ? 'maybe' : 'yes';
			const allConditions = [...(hostUncertain ? [`the site address ${siteName} takes host ${context.request.host}`] : []), ...conditions];
			// A refused request: where it would have gone had the client signed in.
			const reached = outcome.end === 'denied' ? replay(chain, { ...options, scenario: { ...scenario, auth: 'ok' } }, outcome.choices) : outcome;
			const candidates = reached.end === 'upstream' && reached.proxy ? byProxy.get(key(reached.proxy.directive)) : undefined;
			if (!candidates) {
				if (outcome.end === 'upstream' || reached.end === 'upstream') context.notes.push(`Caddy site ${siteName}: ${context.request.path} goes to another upstream, not Navidrome${several ? ' (in one of the undecided cases)' : ''}.`);
				else context.notes.push(`Caddy site ${siteName}: Caddy answers ${context.request.path} itself (${reached.end === 'responded' ? 'respond, redir, file_server or similar' : 'no handler matches'})${several ? ' in one of the undecided cases' : ''}.`);
				continue;
			}
			const fate = fateOf(reached.authenticated, reached.value);
			const route = candidates.find((candidate) => candidate.authenticated === reached.authenticated && candidate.fate === fate) ?? candidates[0]!;
			if (route.userHeader !== userHeader) continue;
			const location = locationOf(context, { file: route.proxy.file, span: route.proxy.nameToken.span });
			const service = file.service ?? mountingService(context.deployment, file.file);
			const approximations = route.approximations.length > 0 ? ` (approximate: ${route.approximations.join('; ')})` : '';
			let auth: RouteTrace['auth'];
			if (outcome.end === 'denied') {
				const step = reached.authSteps[0];
				auth = { ran: true, result: 'refused', detail: `${step ? directiveText(step.directive) : 'the auth step'} asks the auth service, which refuses a client that is not signed in (a redirect to its login page or 401)` };
			} else if (outcome.authenticated) {
				auth = { ran: true, result: 'accepted', detail: `${outcome.authSteps.map((step) => directiveText(step.directive)).join(', ')} accepts ${context.request.user}` };
			} else {
				const skipped = outcome.skippedAuth.map((step) => directiveText(step.directive));
				auth = { ran: false, result: skipped.length > 0 ? 'skipped' : 'none', detail: skipped.length > 0 ? `${skipped.join(', ')} does not match this request` : 'no auth step on this route' };
			}
			out.push({
				id: routeId('caddy', location),
				kind: 'proxy',
				proxy: 'caddy',
				route: `site ${siteName}: ${directiveText(route.proxy)}`,
				requests: `${route.requests}${approximations}`,
				location,
				matched,
				conditions: allConditions,
				auth,
				peer: proxyPeer(service, route.target),
				instance: route.target.id,
				target: route.target,
				userHeader,
				result: outcome.end === 'denied' ? { kind: 'absent' } : caddyResult(outcome.value, describeRoute({ ...route, value: outcome.value, authenticated: outcome.authenticated })),
			});
		}
	}
	return out;
}

/** Runs the request through the chain: header matchers are decided by the request's headers, other opaque matchers explored. */
function exploreRequest(chain: readonly HandlerRoute[], options: Omit<Parameters<typeof runRequest>[1], 'decide'>, request: Context['request']): { outcomes: Array<{ outcome: RunOutcome; conditions: string[] }>; truncated: boolean } {
	const known = (key: string): boolean | undefined => knownAtom(key, request);
	const outcomes: Array<{ outcome: RunOutcome; conditions: string[] }> = [];
	const seen = new Set<string>();
	const stack: boolean[][] = [[]];
	let runs = 0;
	while (stack.length > 0) {
		if (++runs > 64) return { outcomes, truncated: true };
		const prefix = stack.pop()!;
		const outcome = runRequest(chain, { ...options, decide: (key, _text, index) => known(key) ?? prefix[index] ?? false });
		const free = outcome.choices.filter((choice) => known(choice.key) === undefined);
		const signature = JSON.stringify([outcome.end, outcome.proxy?.id, outcome.authenticated, outcome.value.kind, 'header' in outcome.value ? outcome.value.header : '', 'text' in outcome.value ? outcome.value.text : '']);
		if (!seen.has(signature)) {
			seen.add(signature);
			outcomes.push({ outcome, conditions: free.map((choice) => `${choice.value ? '' : 'not '}${choice.text}`) });
		}
		for (let index = outcome.choices.length - 1; index >= prefix.length; index--) {
			if (known(outcome.choices[index]!.key) !== undefined) continue;
			stack.push([...outcome.choices.slice(0, index).map((choice) => choice.value), !outcome.choices[index]!.value]);
		}
	}
	return { outcomes, truncated: false };
}

/**
Caddy matchers the request itself decides (conditions.ts keys, lower case): `has header X`, `method …`, `host …` when
the Host is given, and `header X …` when the client does not send X. Anything else stays opaque and is explored.
*/
function knownAtom(key: string, request: Context['request']): boolean | undefined {
	const [type, ...words] = key.split(' ');
	if (type === 'has' && words[0] === 'header' && words[1]) return headerValue(request.headers, words.slice(1).join(' ')) !== undefined;
	if (words.some((word) => word.includes('{'))) return undefined;
	if (type === 'method' && words.length > 0) return words.includes(request.method.toLowerCase());
	if (type === 'host' && words.length > 0 && request.host !== undefined) {
		const host = request.host.replace(/:\d+$/, '');
		return words.some((word) => word === host || (word.startsWith('*.') && host.endsWith(word.slice(1)) && !host.slice(0, host.length - word.length + 1).includes('.')));
	}
	if (type === 'header' && words[0] && headerValue(request.headers, words[0]) === undefined) return false;
	return undefined;
}

function caddyResult(value: CaddyHeaderValue, detail: string): UserHeaderResult {
	switch (value.kind) {
		case 'client':
			return { kind: 'client', header: value.header, ...(value.via ? { by: directiveText(value.via.directive) } : {}) };
		case 'auth':
			return { kind: 'user', by: value.by.kind === 'copy_headers' ? `${directiveText(value.by.directive)} copy_headers ${value.by.token.text}` : directiveText(value.by.directive) };
		case 'absent':
			return { kind: 'absent', ...(value.by ? { by: directiveText(value.by.directive) } : {}) };
		case 'literal':
			return value.text === '' ? { kind: 'absent', by: directiveText(value.by.directive) } : { kind: 'fixed', text: value.text, by: directiveText(value.by.directive) };
		case 'placeholder':
			return { kind: 'fixed', text: value.text, by: `${directiveText(value.by.directive)} (${detail})` };
	}
}

// ─── nginx (proxies.md §3) ───────────────────────────────────────────────────────────────────────

function nginxTraces(context: Context): Pending[] {
	const model = nginxModel(context.deployment);
	if (model.routes.length === 0) return [];
	const routeOf = new Map<Level, NginxRoute>(model.routes.map((route) => [route.level, route]));
	const out: Pending[] = [];
	const path = pathOnly(context.request.path);
	for (const root of model.roots) {
		for (const http of root.levels) {
			const servers = http.children.filter((level) => level.kind === 'server');
			const chosen = context.request.host === undefined ? servers.filter((server) => model.routes.some((route) => route.server === server)) : selectServers(servers, context.request.host);
			for (const server of chosen) {
				const selection = selectLocation(server, path);
				const where = `nginx ${describeLevel(server)}`;
				if (!selection.level && selection.undecided.length === 0) {
					context.notes.push(`${where}: no location takes ${path}.`);
					continue;
				}
				// The location taken when no undecided regex matches, then each undecided regex (earlier ones not matching).
				const candidates: Array<{ level: Level; matched: 'yes' | 'maybe'; conditions: string[] }> = selection.undecided.map((level, index) => ({
					level,
					matched: 'maybe',
					conditions: [...selection.undecided.slice(0, index).map((other) => `${describeLevel(other)} does not match`), `${describeLevel(level)} matches`],
				}));
				if (selection.level) candidates.unshift({ level: selection.level, matched: selection.undecided.length > 0 ? 'maybe' : 'yes', conditions: selection.undecided.map((other) => `${describeLevel(other)} does not match`) });
				for (const { level, matched, conditions } of candidates) {
					const route = routeOf.get(level);
					if (!route) {
						context.notes.push(`${where}: ${describeLevel(level)} takes ${path} but does not proxy it to Navidrome${matched === 'maybe' ? ` (if ${conditions.join(' and ')})` : ''}.`);
						continue;
					}
					out.push(nginxPending(route, context, matched, conditions));
				}
			}
		}
	}
	return out;
}

function nginxPending(route: NginxRoute, context: Context, matched: 'yes' | 'maybe', conditions: string[]): Pending {
	const location = locationOf(context, route.route.location);
	const header = route.header;
	const user = context.request.user;
	let auth: RouteTrace['auth'];
	let result: UserHeaderResult;
	const protection = header.protection ? `${header.protection.name} ${header.protection.args.map((arg) => arg.raw).join(' ')}`.trim() : undefined;
	if (protection && user === undefined) {
		auth = { ran: true, result: 'refused', detail: `${protection} refuses a client that is not signed in (401 or a redirect to the login page)` };
		result = { kind: 'absent' };
	} else {
		auth = protection ? { ran: true, result: 'accepted', detail: `${protection} accepts ${user}` } : { ran: false, result: header.disabledBy ? 'skipped' : 'none', detail: header.disabledBy ? `${header.disabledBy.name} ${header.disabledBy.args.map((arg) => arg.raw).join(' ')} turns the auth step off here` : 'no auth step on this location' };
		result = nginxResult(route, context);
	}
	const server = route.server ? `${describeLevel(route.server)}: ` : '';
	return {
		id: routeId('nginx', location),
		kind: 'proxy',
		proxy: 'nginx',
		route: `${server}${describeLevel(route.level)} → proxy_pass ${route.target.written}`,
		requests: route.route.requests,
		location,
		matched,
		conditions,
		auth,
		peer: proxyPeer(mountingService(context.deployment, route.location.file), route.target.instance),
		instance: route.target.instance.id,
		target: route.target.instance,
		userHeader: route.userHeader,
		result,
	};
}

function nginxResult(route: NginxRoute, context: Context): UserHeaderResult {
	const header = route.header;
	const culprit = header.culprit ? `${header.culprit.name} ${header.culprit.args.map((arg) => arg.raw).join(' ')}`.trim() : undefined;
	switch (header.fate) {
		case 'authenticated':
			return { kind: 'user', by: header.capture ? `${header.capture.name} ${header.capture.args.map((arg) => arg.raw).join(' ')}` : (culprit ?? 'the auth step') };
		case 'stripped':
		case 'never-delivered': {
			const by = header.clearedBy ?? header.culprit ?? header.userHeaderLines[0];
			return { kind: 'absent', ...(by ? { by: `${by.name} ${by.args.map((arg) => arg.raw).join(' ')}`.trim() } : {}) };
		}
		case 'placeholder':
			return { kind: 'unknown', detail: header.detail };
		case 'passthrough': {
			if (header.forgeCause === 'client-variable' && header.variable) {
				if (!header.variable.startsWith('http_')) return { kind: 'unknown', detail: `the header comes from $${header.variable}, a cookie or query argument the simulation does not model` };
				const source = clientHeaderName(header.variable.slice(5), context.request.headers);
				return { kind: 'client', header: source, ...(culprit ? { by: culprit } : {}) };
			}
			if (header.forgeCause === 'remote-user') {
				const basic = basicUser(headerValue(context.request.headers, 'Authorization'));
				return basic === undefined ? { kind: 'absent', by: `${culprit ?? '$remote_user'} (no Basic credentials sent)` } : { kind: 'fixed', text: basic, by: `${culprit ?? '$remote_user'}, read unchecked from the client's Authorization header` };
			}
			return { kind: 'client', header: route.userHeader, ...(culprit ? { by: culprit } : {}) };
		}
	}
}

/** `x_user` → the request's header that nginx maps to `$http_x_user` (dashes as underscores), else `X-User`. */
function clientHeaderName(variable: string, headers: Record<string, string>): string {
	const sent = Object.keys(headers).find((name) => name.toLowerCase().replaceAll('-', '_') === variable);
	return sent ?? variable.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('-');
}

function basicUser(authorization: string | undefined): string | undefined {
	const token = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')?.[1];
	if (!token || typeof atob !== 'function') return undefined;
	try {
		const decoded = atob(token);
		const colon = decoded.indexOf(':');
		return colon >= 0 ? decoded.slice(0, colon) : undefined;
	} catch {
		return undefined;
	}
}

/** nginx's server choice for a Host: exact name, longest `*.` wildcard, `.name`, trailing wildcard, regex; else the default server. */
function selectServers(servers: Level[], host: string): Level[] {
	const bare = host.replace(/:\d+$/, '');
	const namesOf = (server: Level) => server.directives.filter((directive) => directive.name === 'server_name').flatMap((directive) => directive.args.map((arg) => arg.value.toLowerCase()));
	const exact = servers.find((server) => namesOf(server).includes(bare));
	if (exact) return [exact];
	let best: { server: Level; length: number } | undefined;
	for (const server of servers) {
		for (const name of namesOf(server)) {
			const suffix = name.startsWith('*.') ? name.slice(1) : name.startsWith('.') ? name : undefined;
			if (suffix && (bare.endsWith(suffix) || `.${bare}` === suffix) && (!best || suffix.length > best.length)) best = { server, length: suffix.length };
		}
	}
	if (best) return [best.server];
	for (const server of servers) if (namesOf(server).some((name) => name.endsWith('.*') && bare.startsWith(name.slice(0, -1)))) return [server];
	for (const server of servers) {
		for (const name of namesOf(server)) {
			if (!name.startsWith('~')) continue;
			const regexp = compileGoRegexp(name.slice(1));
			if (regexp?.matches(bare)) return [server];
		}
	}
	const fallback = servers.find((server) => server.directives.some((directive) => directive.name === 'listen' && directive.args.some((arg) => arg.value === 'default_server' || arg.value === 'default'))) ?? servers[0];
	return fallback ? [fallback] : [];
}

/**
nginx's location choice (ngx_http_core_module "location"): an exact `=` match wins; else the longest prefix, which wins
outright with `^~`; else the first matching regex in order; else that prefix. Nested locations repeat the search.
A regex the linear-time engine cannot compile (PCRE-only syntax) makes its location `maybe`.
*/
function selectLocation(parent: Level, path: string, depth = 0): { level: Level | undefined; undecided: Level[] } {
	const locations = parent.children.filter((level) => level.kind === 'location' && level.block);
	let prefix: { level: Level; length: number; stop: boolean } | undefined;
	for (const level of locations) {
		const [modifier, value] = locationArgs(level);
		if (modifier === '=' && value === path) return { level, undecided: [] };
		if ((modifier === undefined || modifier === '^~') && !value.startsWith('@') && path.startsWith(value) && (!prefix || value.length > prefix.length)) prefix = { level, length: value.length, stop: modifier === '^~' };
	}
	const nested = (chosen: Level | undefined, undecided: Level[]): { level: Level | undefined; undecided: Level[] } => {
		if (!chosen || depth > 8 || !chosen.children.some((child) => child.kind === 'location')) return { level: chosen, undecided };
		const inner = selectLocation(chosen, path, depth + 1);
		return { level: inner.level ?? chosen, undecided: [...undecided, ...inner.undecided] };
	};
	if (prefix?.stop) return nested(prefix.level, []);
	const undecided: Level[] = [];
	for (const level of locations) {
		const [modifier, value] = locationArgs(level);
		if (modifier !== '~' && modifier !== '~*') continue;
		const matched = compileGoRegexp(modifier === '~*' ? `(?i)${value}` : value)?.matches(path);
		if (matched === true) return nested(level, undecided);
		if (matched === undefined) undecided.push(level);
	}
	return nested(prefix?.level, undecided);
}

function locationArgs(level: Level): [string | undefined, string] {
	const args = level.block!.args.map((arg) => arg.value);
	return args.length >= 2 ? [args[0], args[1]!] : [undefined, args[0] ?? ''];
}

// ─── Traefik (proxies.md §4) ─────────────────────────────────────────────────────────────────────

function traefikTraces(context: Context): Pending[] {
	const out: Pending[] = [];
	for (const model of traefikModels(context.deployment)) {
		const tables = new Map<ReachTable, Array<{ route: NavidromeRoute; view: RouterView }>>();
		for (const route of model.routes) {
			for (const view of route.views) {
				const list = tables.get(view.reach.table) ?? [];
				list.push({ route, view });
				tables.set(view.reach.table, list);
			}
		}
		for (const [table, views] of tables) out.push(...traefikTable(model, table, views, context));
	}
	return out;
}

function traefikTable(model: TraefikModel, table: ReachTable, views: Array<{ route: NavidromeRoute; view: RouterView }>, context: Context): Pending[] {
	const { path, query } = splitQuery(context.request.path);
	let hosts: string[];
	if (context.request.host !== undefined) hosts = [context.request.host.replace(/:\d+$/, '')];
	else {
		const literals = { hosts: [] as string[], paths: [], prefixes: [], methods: [], query: [], headers: [] };
		for (const { route } of views) ruleLiterals(route.router.ruleTree, literals);
		hosts = [...new Set([...literals.hosts.map((host) => host.toLowerCase()), 'other-host.invalid'])].slice(0, 16);
	}
	const out: Pending[] = [];
	const done = new Set<string>();
	const entryPoint = views[0]?.view.entryPoint ?? '*';
	for (const host of hosts) {
		const probe: Probe = { host, path, method: context.request.method, query, headers: Object.entries(context.request.headers) };
		const truth: Truth[][] = table.routers.map((router) => [router.ruleOpaque || !router.ruleTree ? 'maybe' : evaluateRule(router.ruleTree, probe)]);
		const { winner, possible } = winners({ probes: [probe], routers: table.routers, truth }, 0);
		const takers = winner ? [winner] : possible;
		if (takers.length === 0) continue;
		for (const router of takers) {
			const entry = views.find((candidate) => candidate.route.router === router);
			if (!entry) {
				if (winner && context.request.host !== undefined) context.notes.push(`Traefik router ${router.qualifiedName} takes ${path} on entrypoint ${entryPoint}, and it does not lead to Navidrome.`);
				continue;
			}
			const key = `${router.qualifiedName}\u0000${entry.view.entryPoint}\u0000${entry.route.instance.id}`;
			if (done.has(key)) continue;
			done.add(key);
			const conditions: string[] = [];
			if (!winner) conditions.push(possible.length > 1 ? `router ${router.qualifiedName} wins over ${possible.filter((other) => other !== router).map((other) => other.qualifiedName).join(', ')} (equal priority or an undecidable rule)` : `router ${router.qualifiedName}'s rule matches`);
			if (context.request.host === undefined && host !== 'other-host.invalid') conditions.unshift(`Host: ${host}`);
			out.push(traefikPending(model, entry.route, entry.view, context, winner ? 'yes' : 'maybe', conditions));
		}
	}
	return out;
}

function splitQuery(full: string): { path: string; query: Array<readonly [string, string]> } {
	const cut = full.indexOf('?');
	if (cut < 0) return { path: pathOnly(full), query: [] };
	const query = full
		.slice(cut + 1)
		.split('#')[0]!
		.split('&')
		.filter(Boolean)
		.slice(0, 50)
		.map((pair): readonly [string, string] => {
			const equals = pair.indexOf('=');
			return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
		});
	return { path: full.slice(0, cut), query };
}

function traefikPending(model: TraefikModel, route: NavidromeRoute, view: RouterView, context: Context, matched: 'yes' | 'maybe', conditions: string[]): Pending {
	const location = locationOf(context, route.router.anchor);
	const header = view.header;
	const user = context.request.user;
	const stepName = (step: ChainStep | undefined) => (step ? `${step.ref.written}${step.middleware ? ` (${step.middleware.def.kind})` : ''}` : 'the auth step');
	let auth: RouteTrace['auth'];
	let result: UserHeaderResult;
	if (header.authenticated && user === undefined) {
		auth = { ran: true, result: 'refused', detail: `${stepName(header.auth)} asks the auth service, which refuses a client that is not signed in; Traefik returns its answer (redirect or 401)` };
		result = { kind: 'absent' };
	} else {
		auth = header.authenticated ? { ran: true, result: 'accepted', detail: `${stepName(header.auth)} accepts ${user}` } : { ran: false, result: 'none', detail: 'no forwardAuth or basicAuth middleware on this router' };
		if (header.unknown.length > 0) result = { kind: 'unknown', detail: `${header.unknown.map(stepName).join(', ')} may change the header, and the model cannot tell how` };
		else if (header.fate === 'authenticated') result = { kind: 'user', by: stepName(header.replacedBy) };
		else if (header.fate === 'stripped' || header.fate === 'never-delivered') result = { kind: 'absent', by: header.strip ? stepName(header.strip) : header.detail };
		else if (header.fate === 'placeholder') result = header.fixed ? { kind: 'fixed', text: header.fixed.value, by: stepName(header.fixed.step) } : { kind: 'unknown', detail: header.detail };
		else result = header.fixed ? { kind: 'fixed', text: header.fixed.value, by: stepName(header.fixed.step) } : { kind: 'client', header: route.header };
	}
	const proxy = model.proxies.find((candidate) => candidate.compose === route.instance.compose) ?? model.proxies[0];
	return {
		id: routeId('traefik', location),
		kind: 'proxy',
		proxy: 'traefik',
		route: `router ${route.router.qualifiedName}${view.entryPoint !== '*' ? ` on entrypoint ${view.entryPoint}` : ''} → ${route.upstream}`,
		requests: route.router.rule || '(default rule)',
		location,
		matched,
		conditions,
		auth,
		peer: proxyPeer(proxy, route.instance),
		instance: route.instance.id,
		target: route.instance,
		userHeader: route.header,
		result,
	};
}

// ─── Direct (proxies.md §7: published ports, docker-proxy and the gateway) ───────────────────────

function directTraces(instance: NavidromeInstance, context: Context): Pending[] {
	if (instance.publishedPorts.length === 0 && !instance.hostNetwork) return [];
	const ports = instance.hostNetwork ? `the host's port ${instance.port} (network_mode: host)` : instance.publishedPorts.map((port) => port.raw).join(', ');
	const location = instance.service && instance.compose ? locationOf(context, { file: instance.compose.path, span: instance.service.nameSpan }) : undefined;
	const base = {
		kind: 'direct' as const,
		requests: 'every request',
		...(location ? { location } : {}),
		matched: 'yes' as const,
		conditions: [],
		auth: { ran: false, result: 'none' as const, detail: 'no proxy and no auth service on this path' },
		instance: instance.id,
		target: instance,
		userHeader: instance.settings.settings.userHeader.value || 'Remote-User',
		result: { kind: 'client' as const, header: instance.settings.settings.userHeader.value || 'Remote-User' },
		direct: true,
	};
	const client = context.request.clientAddress ?? internetClient;
	const out: Pending[] = [
		{
			...base,
			id: `direct:${instance.id}`,
			route: `straight to Navidrome's published port ${ports}`,
			peer: { address: client, basis: 'client', guess: context.request.clientAddress === undefined, detail: context.request.clientAddress === undefined ? `a client on the internet (${client} is an example): Docker's port forwarding keeps its address` : 'the client address given' },
		},
	];
	if (instance.hostNetwork) {
		out.push({ ...base, id: `direct-local:${instance.id}`, route: `from a process on the host to ${ports}`, peer: { address: '127.0.0.1', basis: 'loopback', guess: false, detail: 'any local process connects from 127.0.0.1' } });
	} else {
		const gateway = gatewayOf(instance);
		out.push({
			...base,
			id: `direct-gateway:${instance.id}`,
			route: `through docker-proxy to the published port ${ports} (clients on the host itself, IPv6 clients)`,
			peer: { address: gateway.address, basis: 'gateway', guess: gateway.guess, detail: `docker-proxy re-originates the connection, so Navidrome sees its network's gateway ${gateway.address}${gateway.guess ? ' (a guess: the network has no fixed subnet)' : ''}` },
		});
	}
	return out;
}

function availableRoutes(context: Context, instances: NavidromeInstance[]): RouteSummary[] {
	const out: RouteSummary[] = [];
	const seen = new Set<string>();
	const deployment = context.deployment;
	for (const file of caddyAnalysis(deployment)?.files ?? []) {
		for (const site of file.sites) {
			for (const route of site.routes) {
				if (!instances.includes(route.target)) continue;
				const location = locationOf(context, { file: route.proxy.file, span: route.proxy.nameToken.span });
				const id = routeId('caddy', location);
				if (seen.has(id)) continue;
				seen.add(id);
				out.push({ id, kind: 'proxy', proxy: 'caddy', route: `site ${site.site.addresses.map((address) => address.text).join(', ')}: ${directiveText(route.proxy)}`, requests: route.requests, instance: route.target.id, peer: proxyPeer(file.service ?? mountingService(deployment, file.file), route.target) });
			}
		}
	}
	try {
		for (const route of nginxModel(deployment).routes) {
			if (!instances.includes(route.target.instance)) continue;
			const location = locationOf(context, route.route.location);
			const id = routeId('nginx', location);
			if (seen.has(id)) continue;
			seen.add(id);
			out.push({ id, kind: 'proxy', proxy: 'nginx', route: `${route.server ? `${describeLevel(route.server)}: ` : ''}${describeLevel(route.level)}`, requests: route.route.requests, instance: route.target.instance.id, peer: proxyPeer(mountingService(deployment, route.location.file), route.target.instance) });
		}
		for (const model of traefikModels(deployment)) {
			for (const route of model.routes) {
				if (!instances.includes(route.instance)) continue;
				const location = locationOf(context, route.router.anchor);
				const id = routeId('traefik', location);
				if (seen.has(id)) continue;
				seen.add(id);
				const proxy = model.proxies.find((candidate) => candidate.compose === route.instance.compose) ?? model.proxies[0];
				out.push({ id, kind: 'proxy', proxy: 'traefik', route: `router ${route.router.qualifiedName}`, requests: route.router.rule || '(default rule)', instance: route.instance.id, peer: proxyPeer(proxy, route.instance) });
			}
		}
	} catch {
		// The traces already noted a failing model.
	}
	for (const instance of instances) {
		for (const entry of directTraces(instance, { ...context, request: { ...context.request, clientAddress: undefined } })) out.push({ id: entry.id, kind: 'direct', route: entry.route, requests: entry.requests, instance: instance.id, peer: entry.peer });
	}
	return out;
}

// ─── The user header's fate and Navidrome's decision ─────────────────────────────────────────────

function finish(entry: Pending, context: Context): RouteTrace {
	const { target, userHeader, result, direct, ...rest } = entry;
	const sentHeaders = context.request.headers;
	const lowerUser = userHeader.toLowerCase();
	const headers: HeaderTrace[] = [];
	const refused = entry.auth.result === 'refused';
	const sentUser = headerValue(sentHeaders, userHeader);
	let arrives: string | undefined;
	let known = true;
	const userTrace: HeaderTrace = { name: userHeader, sent: sentUser, arrives: undefined, fate: 'absent', detail: '' };
	if (refused) {
		userTrace.fate = sentUser === undefined ? 'absent' : 'not-forwarded';
		userTrace.detail = 'the request stops at the auth step';
	} else {
		switch (result.kind) {
			case 'client': {
				arrives = headerValue(sentHeaders, result.header);
				if (result.header.toLowerCase() === lowerUser) {
					userTrace.fate = arrives === undefined ? 'absent' : 'passed';
					userTrace.detail = direct ? 'nothing between the client and Navidrome' : arrives === undefined ? 'not sent, and nothing sets it' : `nothing strips it${result.by ? ` (${result.by})` : ''}`;
				} else {
					userTrace.fate = arrives === undefined ? (sentUser === undefined ? 'absent' : 'stripped') : 'renamed';
					userTrace.detail = `${result.by ?? 'the proxy'} copies the client's ${result.header} into ${userHeader}${arrives === undefined ? ` (not sent, so ${userHeader} arrives empty-handed)` : ''}`;
				}
				break;
			}
			case 'user':
				arrives = context.request.user;
				userTrace.fate = sentUser === undefined ? 'set' : 'overwritten';
				userTrace.detail = `${sentUser === undefined ? 'set' : "the client's copy is replaced"} with the signed-in user (${result.by})`;
				break;
			case 'absent':
				userTrace.fate = sentUser === undefined ? 'absent' : 'stripped';
				userTrace.detail = sentUser === undefined ? 'not sent, and nothing sets it' : `removed${result.by ? ` by ${result.by}` : ''}`;
				break;
			case 'fixed':
				arrives = result.text;
				userTrace.fate = sentUser === undefined ? 'set' : 'overwritten';
				userTrace.detail = `set to the fixed text ${JSON.stringify(result.text)}${result.by ? ` by ${result.by}` : ''}`;
				break;
			case 'unknown':
				known = false;
				userTrace.fate = 'maybe';
				userTrace.detail = `the route model cannot tell: ${result.detail}`;
				break;
		}
	}
	userTrace.arrives = arrives;
	headers.push(userTrace);
	const forwarded: Record<string, string> = {};
	for (const [name, value] of Object.entries(sentHeaders)) {
		if (name.toLowerCase() === lowerUser) continue;
		forwarded[name] = value;
		headers.push({ name, sent: value, arrives: refused ? undefined : value, fate: refused ? 'not-forwarded' : 'passed', detail: refused ? 'the request stops at the auth step' : direct ? 'nothing between the client and Navidrome' : 'assumed unchanged (the route model follows only the user header)' });
	}
	if (arrives !== undefined) forwarded[userHeader] = arrives;
	let navidrome: NavidromeOutcome;
	if (refused) {
		navidrome = { outcome: 'rejected', reason: 'auth-refused', explanation: `The auth service turns the request away before it reaches Navidrome (${entry.auth.detail}).` };
	} else if (!known) {
		navidrome = { outcome: 'maybe', reason: 'undecided', explanation: `The route model cannot tell what reaches Navidrome in ${userHeader}: ${userTrace.detail.replace(/^the route model cannot tell: /, '')}. Navidrome logs the request in as whoever that header names, if it trusts ${entry.peer.address}.` };
	} else {
		const settings = target.settings.settings;
		const version = target.version ? formatVersion(target.version) : undefined;
		const decision = decide(
			{ remoteAddr: entry.peer.address, headers: forwarded, path: navidromePath(context.request.path, settings.baseUrl.value) },
			{ trustedSources: settings.trustedSources.value, userHeader: settings.userHeader.value, address: settings.address.value, ...(version ? { navidromeVersion: version } : {}) },
		);
		const guess = entry.peer.guess ? ` (Peer address: ${entry.peer.detail}.)` : '';
		const outcome = decision.outcome === 'authenticated' ? 'authenticated' : decision.reason === 'bad-request' ? 'rejected' : 'login';
		navidrome = { outcome, ...(decision.username !== undefined ? { user: decision.username } : {}), reason: decision.reason, explanation: `${decision.explanation}${guess}`, decision };
	}
	return { ...rest, headers, navidrome };
}

/** The BaseUrl-relative path Navidrome routes on (navidrome-extauth.md §5 tables are BasePath-relative). */
function navidromePath(path: string, baseUrl: string): string {
	const base = (baseUrl ?? '').replace(/\/+$/, '');
	if (!base || !base.startsWith('/')) return path;
	const lower = path.toLowerCase();
	if (lower === base.toLowerCase()) return '/';
	return lower.startsWith(`${base.toLowerCase()}/`) ? path.slice(base.length) : path;
}

// ─── Text ────────────────────────────────────────────────────────────────────────────────────────

const outcomeWords: Record<NavidromeOutcome['outcome'], string> = { authenticated: 'AUTHENTICATED', login: 'falls back to login', rejected: 'rejected', maybe: 'cannot tell' };

function arrivesText(header: HeaderTrace, shown: (value: string | undefined) => string): string {
	if (header.fate === 'maybe') return '?';
	return header.fate === 'not-forwarded' ? '(not forwarded)' : shown(header.arrives);
}

/** One line per trace outcome: `caddy:Caddyfile:9 → authenticated as admin`. */
export function traceSummary(route: RouteTrace): string {
	const who = route.navidrome.outcome === 'authenticated' ? ` as ${route.navidrome.user ?? '?'}` : '';
	return `${route.id}${route.matched === 'maybe' ? ' (maybe)' : ''}: ${outcomeWords[route.navidrome.outcome]}${who}`;
}

/** The trace as plain text (the CLI's `--format text`); `relative` shows file paths. */
export function formatTraceText(trace: SimulationTrace, relative: (path: string) => string = (path) => path): string {
	const lines: string[] = [];
	const request = trace.request;
	lines.push(`${request.method} ${request.path}${request.host ? `  (Host: ${request.host})` : ''}`);
	const sent = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
	lines.push(`  headers: ${sent.length > 0 ? sent.join('; ') : '(none)'}`);
	lines.push(`  credentials: ${request.credentials}${request.via ? `; via ${request.via}` : ''}`);
	for (const route of trace.routes) {
		lines.push('');
		const where = route.location ? `  ${relative(route.location.file)}:${route.location.line}` : '';
		lines.push(`${route.id}${where}${route.matched === 'maybe' ? '  [maybe]' : ''}`);
		lines.push(`  route: ${route.route}`);
		if (route.kind === 'proxy') lines.push(`  takes: ${route.requests}`);
		if (route.conditions.length > 0) lines.push(`  only if: ${route.conditions.join('; ')}`);
		lines.push(`  auth: ${route.auth.result}: ${route.auth.detail}`);
		for (const header of route.headers) {
			const shown = (value: string | undefined) => (value === undefined ? '(none)' : JSON.stringify(value));
			lines.push(`  ${header.name}: ${shown(header.sent)} → ${arrivesText(header, shown)}  ${header.fate}: ${header.detail}`);
		}
		lines.push(`  peer: ${route.peer.address}${route.peer.guess ? ' (guess)' : ''}: ${route.peer.detail}`);
		const who = route.navidrome.outcome === 'authenticated' ? ` as ${route.navidrome.user ?? '?'}` : '';
		lines.push(`  Navidrome (${route.instance}): ${outcomeWords[route.navidrome.outcome]}${who}${route.navidrome.reason ? ` [${route.navidrome.reason}]` : ''}`);
		lines.push(`    ${route.navidrome.explanation}`);
	}
	if (trace.routes.length === 0) lines.push('', 'No route takes this request to Navidrome.');
	if (trace.notes.length > 0) {
		lines.push('');
		for (const note of trace.notes) lines.push(`note: ${note}`);
	}
	return `${lines.join('\n')}\n`;
}

/** The trace as markdown for editors (a table per route). */
export function formatTraceMarkdown(trace: SimulationTrace): string {
	const code = (text: string | undefined) => (text === undefined ? '(none)' : `\`${text.replace(/`/g, "'").replace(/[\r\n|]+/g, ' ').slice(0, 300)}\``);
	const cell = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
	const request = trace.request;
	const lines = ['# Simulated request', '', `${code(`${request.method} ${request.path}`)}${request.host ? ` on ${code(request.host)}` : ''}, credentials: ${code(request.credentials)}`, ''];
	const sent = Object.entries(request.headers);
	lines.push(sent.length > 0 ? `Headers sent: ${sent.map(([name, value]) => code(`${name}: ${value}`)).join(', ')}` : 'No headers sent.', '');
	for (const route of trace.routes) {
		const who = route.navidrome.outcome === 'authenticated' ? ` as ${code(route.navidrome.user)}` : '';
		lines.push(`## ${cell(route.id)}: ${outcomeWords[route.navidrome.outcome]}${who}${route.matched === 'maybe' ? ' (maybe)' : ''}`, '');
		lines.push(`${cell(route.route)}${route.kind === 'proxy' ? ` (takes ${cell(route.requests)})` : ''}`, '');
		if (route.conditions.length > 0) lines.push(`Only if: ${cell(route.conditions.join('; '))}`, '');
		lines.push('| header | sent | arrives | what happens |', '|---|---|---|---|');
		for (const header of route.headers) lines.push(`| ${code(header.name)} | ${code(header.sent)} | ${arrivesText(header, code)} | ${header.fate}: ${cell(header.detail)} |`);
		lines.push('', `- auth: **${route.auth.result}**: ${cell(route.auth.detail)}`);
		lines.push(`- peer address: ${code(route.peer.address)}${route.peer.guess ? ' (a guess)' : ''}: ${cell(route.peer.detail)}`);
		lines.push(`- Navidrome (${code(route.instance)}): ${cell(route.navidrome.explanation)}`, '');
	}
	if (trace.routes.length === 0) lines.push('No route takes this request to Navidrome.', '');
	for (const note of trace.notes) lines.push(`> ${cell(note)}`, '');
	return lines.join('\n');
}
