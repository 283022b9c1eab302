/**
Which requests each router actually receives. Traefik sorts the routers of an entrypoint by priority, highest first,
and the first whose rule matches takes the request (proxies.md §4.4; `pkg/muxer/http/mux.go`). This module tests every
router against a set of concrete requests built from the hosts, paths, query and header values the rules mention
(plus Navidrome's own paths), so "the public router takes /rest/…" or "the protected router shadows the public one"
can be stated for real requests. Equal priorities are an unspecified order in Traefik, so a tie counts as "may win".
*/
import { evaluateRule, ruleLiterals, type Probe, type RuleLiterals, type Truth } from '../../formats/traefik/rule.js';
import type { Reach, ReachTable, TraefikRouter } from './model.js';

const basePaths = ['/', '/app/', '/api/user', '/auth/login', '/rest/ping.view', '/rest/getUser.view', '/rest', '/share/abc', '/share/img/abc', '/share', '/ping', '/favicon.ico'];
const maxHosts = 16;
const maxPaths = 80;
const maxVariants = 12;
const maxRouters = 200;

export function buildReachTable(routers: readonly TraefikRouter[], extraPaths: readonly string[] = []): ReachTable {
	const sorted = [...routers].slice(0, maxRouters).sort((a, b) => b.priority - a.priority);
	const literals: RuleLiterals = { hosts: [], paths: [], prefixes: [], methods: [], query: [], headers: [] };
	for (const router of sorted) ruleLiterals(router.ruleTree, literals);
	const probes = buildProbes(literals, extraPaths);
	const truth = sorted.map((router) => probes.map((probe) => matchRouter(router, probe)));
	return { probes, routers: sorted, truth };
}

function matchRouter(router: TraefikRouter, probe: Probe): Truth {
	if (router.ruleOpaque || !router.ruleTree) return 'maybe';
	return evaluateRule(router.ruleTree, probe);
}

function unique<T>(values: Iterable<T>, limit: number): T[] {
	return [...new Set(values)].slice(0, limit);
}

function buildProbes(literals: RuleLiterals, extraPaths: readonly string[]): Probe[] {
	const hosts = unique([...literals.hosts, 'other-host.invalid'], maxHosts);
	const paths = new Set<string>(basePaths);
	for (const path of extraPaths) paths.add(path);
	for (const prefix of literals.prefixes) {
		paths.add(prefix);
		paths.add(`${prefix}x`);
		paths.add(`${prefix}/x`);
		if (prefix.endsWith('/') && prefix.length > 1) paths.add(prefix.slice(0, -1));
	}
	for (const path of literals.paths) {
		paths.add(path);
		paths.add(`${path}/`);
		paths.add(`${path}x`);
	}
	const pathList = unique(paths, maxPaths);
	type Variant = Pick<Probe, 'method' | 'query' | 'headers'>;
	const variants: Variant[] = [{ method: 'GET', query: [], headers: [] }];
	for (const pair of literals.query.slice(0, 4)) variants.push({ method: 'GET', query: [pair], headers: [] });
	for (const pair of literals.headers.slice(0, 4)) variants.push({ method: 'GET', query: [], headers: [pair] });
	for (const method of unique(literals.methods, 3)) if (method !== 'GET') variants.push({ method, query: [], headers: [] });
	const probes: Probe[] = [];
	for (const host of hosts) for (const path of pathList) for (const variant of variants.slice(0, maxVariants)) probes.push({ host, path, ...variant });
	return probes;
}

/** The router that takes a probe for certain, and the ones that may take it (ties, undecidable rules). */
export function winners(table: ReachTable, probeIndex: number): { winner: TraefikRouter | undefined; possible: TraefikRouter[] } {
	const possible: TraefikRouter[] = [];
	for (let index = 0; index < table.routers.length; index++) {
		const router = table.routers[index]!;
		const truth = table.truth[index]![probeIndex]!;
		if (truth === 'no') continue;
		// Routers after a higher-priority certain match never see the request.
		const certainAbove = possible.some((other) => other.priority > router.priority && table.truth[table.routers.indexOf(other)]![probeIndex] === 'yes');
		if (certainAbove) break;
		possible.push(router);
	}
	const top = possible[0];
	if (!top) return { winner: undefined, possible };
	const topIndex = table.routers.indexOf(top);
	const tied = possible.filter((router) => router.priority === top.priority);
	const winner = table.truth[topIndex]![probeIndex] === 'yes' && tied.length === 1 ? top : undefined;
	return { winner, possible };
}

export function reachOf(router: TraefikRouter, table: ReachTable): Reach {
	const index = table.routers.indexOf(router);
	const reach: Reach = { receives: false, wins: [], lost: [], table };
	if (index < 0) return reach;
	let matchedAny = false;
	for (let probeIndex = 0; probeIndex < table.probes.length; probeIndex++) {
		const truth = table.truth[index]![probeIndex]!;
		if (truth === 'no') continue;
		matchedAny = true;
		const { winner, possible } = winners(table, probeIndex);
		if (winner === router) reach.wins.push(table.probes[probeIndex]!);
		else if (possible.includes(router)) reach.receives = true;
		else if (winner ?? possible[0]) reach.lost.push({ probe: table.probes[probeIndex]!, to: (winner ?? possible[0])! });
		else reach.receives = true;
	}
	// A rule no probe can decide may still take requests: assume it does.
	if (reach.wins.length > 0 || !matchedAny) reach.receives = true;
	return reach;
}

/** Short, de-duplicated path samples for messages (`/rest/…, /share/…`). */
export function describePaths(probes: readonly Probe[], limit = 4): string {
	const paths: string[] = [];
	for (const probe of probes) {
		const shown = summarisePath(probe.path);
		if (!paths.includes(shown)) paths.push(shown);
		if (paths.length >= limit) break;
	}
	return paths.join(', ');
}

/** `/rest/ping.view` → `/rest/…`; `/`, `/app/` and `/share` stay as they are. */
function summarisePath(path: string): string {
	const match = /^(\/[^/]+\/)/.exec(path);
	return match ? `${match[1]}…` : path;
}
