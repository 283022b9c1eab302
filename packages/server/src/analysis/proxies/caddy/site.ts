/**
The route model of one site: every witness path runs through the compiled chain under each auth scenario, and the
outcomes that reach a Navidrome upstream are grouped into request sets with one user-header fate each
(proxies.md §2.1 truth table, §2.2 version behaviour, §9 rule inputs).
*/
import type { Version } from '@navidrome-extauth/core';
import type { Location } from '../../findings.js';
import type { SiteBlock, Token } from '../../formats/caddyfile/index.js';
import type { HeaderFate, NavidromeInstance } from '../../model/deployment.js';
import type { HandlerRoute } from './chain.js';
import { explore, replay, type RunOutcome } from './evaluate.js';
import { matchLowerPath } from './paths.js';
import { eraOverlap } from './version.js';
import type { CaddyRoute, CopyHeadersEra, HeaderOrigin, HeaderValue } from './types.js';

export type ProxyTarget = { instance: NavidromeInstance; token: Token; upstream: string };

export type SiteInput = {
	file: string;
	site: SiteBlock;
	routes: HandlerRoute[];
	/** Navidrome targets of the chain's reverse_proxy routes, by route id. */
	targets: Map<number, ProxyTarget>;
	paths: string[];
	patterns: string[];
	eras: CopyHeadersEra[];
	version: { low: Version; high: Version };
	underscoreDropped: boolean;
};

/** Opaque-matcher combinations explored per witness and scenario. */
const maxRunsPerPath = 64;
/** Chain runs per site in total; past that, fewer combinations are explored. */
const maxRunsPerSite = 40_000;
/** Handler steps per site in total (bounds huge configurations). */
const maxStepsPerSite = 3_000_000;

type Member = { path: string; outcome: RunOutcome; withoutIdentity: CaddyRoute['withoutIdentity'] };
type Group = { key: string; target: ProxyTarget; members: Member[] };

export function analyzeSite(input: SiteInput): { routes: Array<Omit<CaddyRoute, 'proxyRoute' | 'fixes' | 'approximations'>>; approximations: string[] } {
	const approximations: string[] = [];
	const headers = [...new Set([...input.targets.values()].map((target) => target.instance.intended.settings.userHeader.value))];
	const groups = new Map<string, Group>();
	/** Group keys (or `other`) each path lands in, to tell conditional outcomes apart. */
	const landings = new Map<string, Set<string>>();
	const runBudget = Math.max(1, Math.floor(maxRunsPerSite / Math.max(1, input.paths.length * headers.length * (1 + input.eras.length))));
	const perPath = Math.min(maxRunsPerPath, runBudget);
	let truncated = false;
	const budget = { steps: maxStepsPerSite, exhausted: false };
	for (const userHeader of headers) {
		for (const path of input.paths) {
			if (budget.exhausted) break;
			const base = { userHeader, path, underscoreDropped: input.underscoreDropped, budget };
			const explored = explore(input.routes, { ...base, scenario: { auth: 'ok', era: input.eras[0] ?? 'delete' } }, perPath);
			truncated ||= explored.truncated;
			for (const outcome of explored.outcomes) {
				const target = outcome.end === 'upstream' && outcome.proxy ? input.targets.get(outcome.proxy.id) : undefined;
				if (!target || target.instance.intended.settings.userHeader.value !== userHeader) {
					land(landings, path, 'other');
					continue;
				}
				const withoutIdentity = outcome.authenticated
					? input.eras.map((era) => {
							const anonymous = replay(input.routes, { ...base, scenario: { auth: 'anonymous', era } }, outcome.choices);
							const reached = anonymous.end === 'upstream' && anonymous.proxy && input.targets.get(anonymous.proxy.id)?.instance === target.instance;
							return { era, versions: eraOverlap(input.version, era), value: reached ? anonymous.value : ({ kind: 'absent' } as HeaderValue) };
						})
					: [];
				const key = groupKey(outcome, target, withoutIdentity);
				let group = groups.get(key);
				if (!group) {
					group = { key, target, members: [] };
					groups.set(key, group);
				}
				group.members.push({ path, outcome, withoutIdentity });
				land(landings, path, key);
			}
		}
	}
	if (budget.exhausted) approximations.push('the configuration is too large to evaluate every request; some request sets were not examined');
	else if (truncated) approximations.push('too many undecidable matchers to explore every combination');
	const index = indexPaths(input.paths, input.patterns);
	const routes = [...groups.values()].map((group) => toRoute(group, input, landings, index));
	return { routes, approximations };
}

function land(landings: Map<string, Set<string>>, path: string, key: string): void {
	let set = landings.get(path);
	if (!set) {
		set = new Set();
		landings.set(path, set);
	}
	set.add(key);
}

function originKey(origin: HeaderOrigin | undefined): string {
	return origin ? `${origin.token.file}:${origin.token.span.start}` : '';
}

function valueKey(value: HeaderValue): string {
	switch (value.kind) {
		case 'client':
			return `client:${value.header}:${originKey(value.via)}`;
		case 'absent':
			return `absent:${originKey(value.by)}`;
		case 'auth':
			return `auth:${value.header}:${originKey(value.by)}`;
		case 'literal':
			return `literal:${value.text === '' ? '' : 'x'}:${originKey(value.by)}`;
		case 'placeholder':
			return `placeholder:${originKey(value.by)}`;
	}
}

function groupKey(outcome: RunOutcome, target: ProxyTarget, withoutIdentity: Member['withoutIdentity']): string {
	return JSON.stringify([
		outcome.proxy!.id,
		target.instance.id,
		outcome.authenticated,
		valueKey(outcome.value),
		originKey(outcome.lostAuth),
		outcome.skippedStrips.map(originKey),
		outcome.skippedAuth.map((step) => `${step.directive.file}:${step.directive.span.start}`),
		outcome.authSteps.map((step) => `${step.directive.file}:${step.directive.span.start}`),
		withoutIdentity.map((entry) => `${entry.era}=${valueKey(entry.value)}`),
	]);
}

/** The header fate of one outcome, in the model's shared vocabulary. */
export function fateOf(authenticated: boolean, value: HeaderValue): HeaderFate {
	switch (value.kind) {
		case 'client':
			return 'passthrough';
		case 'auth':
			return 'authenticated';
		case 'absent':
			return authenticated ? 'never-delivered' : 'stripped';
		case 'literal':
			if (value.text === '') return authenticated ? 'never-delivered' : 'stripped';
			return 'placeholder';
		case 'placeholder':
			return 'placeholder';
	}
}

function toRoute(group: Group, input: SiteInput, landings: Map<string, Set<string>>, index: PathIndex): Omit<CaddyRoute, 'proxyRoute' | 'fixes' | 'approximations'> {
	const first = group.members[0]!;
	const outcome = first.outcome;
	const paths = new Set(group.members.map((member) => member.path));
	const conditional = new Set<string>();
	for (const member of group.members) {
		if ((landings.get(member.path)?.size ?? 0) > 1) for (const choice of member.outcome.choices) conditional.add(choice.text);
	}
	const proxy = outcome.proxy!;
	return {
		file: input.file,
		site: input.site,
		proxy: proxy.directive,
		upstreamToken: group.target.token,
		upstream: group.target.upstream,
		target: group.target.instance,
		userHeader: group.target.instance.intended.settings.userHeader.value,
		authenticated: outcome.authenticated,
		fate: fateOf(outcome.authenticated, outcome.value),
		requests: describePaths(paths, index),
		examplePaths: pickExamples([...paths]),
		paths: orderPaths([...paths]),
		conditional: [...conditional],
		value: outcome.value,
		...(outcome.lostAuth ? { lostAuth: outcome.lostAuth } : {}),
		skippedStrips: outcome.skippedStrips,
		authSteps: outcome.authSteps,
		skippedAuth: outcome.skippedAuth,
		withoutIdentity: first.withoutIdentity,
	};
}

const usualPaths = ['/rest/ping', '/rest/ping.view', '/share/abc', '/app/', '/api/user'];

/** Navidrome's usual paths first (they name the set best in messages), then the rest in witness order. */
function orderPaths(paths: string[]): string[] {
	const first = paths.filter((path) => usualPaths.some((usual) => path.endsWith(usual)));
	return [...first, ...paths.filter((path) => !first.includes(path))];
}

function pickExamples(paths: string[]): string[] {
	const preferred = ['/rest/ping', '/share/abc', '/app/', '/'];
	const chosen = preferred.filter((path) => paths.includes(path));
	for (const path of paths) if (chosen.length < 3 && !chosen.includes(path)) chosen.push(path);
	return chosen.slice(0, 3);
}

/** Which witness paths each distinct pattern matches, computed once per site. */
export type PathIndex = {
	all: readonly string[];
	patterns: string[];
	matches: Map<string, Set<string>>;
	/** Patterns matching each path. */
	byPath: Map<string, string[]>;
};

export function indexPaths(all: readonly string[], patterns: readonly string[]): PathIndex {
	const distinct = dedupePatterns(patterns);
	const matches = new Map<string, Set<string>>();
	const byPath = new Map<string, string[]>(all.map((path) => [path, []]));
	const lowerPaths = all.map((path) => path.toLowerCase());
	for (const pattern of distinct) {
		const lower = pattern.toLowerCase();
		const matched = new Set(all.filter((_path, index) => matchLowerPath(lower, lowerPaths[index]!)));
		if (matched.size === 0) continue;
		matches.set(pattern, matched);
		for (const path of matched) byPath.get(path)!.push(pattern);
	}
	return { all, patterns: [...matches.keys()], matches, byPath };
}

/** Patterns listed at most in a description; past that, examples describe the set. */
const maxListed = 12;

/**
The request set in Caddy's words: `all requests`, the path patterns it is made of (`/share/*, /rest/*`), `every path
except …`, or `A except B`; else a few example paths.
*/
export function describePaths(group: ReadonlySet<string>, index: PathIndex): string {
	const { all, matches, byPath } = index;
	if (all.every((path) => group.has(path))) return 'all requests';
	const touching = new Set<string>();
	for (const path of group) for (const pattern of byPath.get(path) ?? []) touching.add(pattern);
	// Keep the order the patterns are written in.
	const written = index.patterns.filter((pattern) => touching.has(pattern));
	touching.clear();
	for (const pattern of written) touching.add(pattern);
	const inside = [...touching].filter((pattern) => [...matches.get(pattern)!].every((path) => group.has(path)));
	const insideCover = new Set(inside.flatMap((pattern) => [...matches.get(pattern)!]));
	if (inside.length > 0 && [...group].every((path) => insideCover.has(path))) return listPatterns(minimalCover(inside, matches), group);
	const outside = index.patterns.filter((pattern) => !touching.has(pattern));
	const outsideCover = new Set(outside.flatMap((pattern) => [...matches.get(pattern)!]));
	if (outside.length > 0 && all.every((path) => group.has(path) || outsideCover.has(path))) {
		const listed = listPatterns(minimalCover(outside, matches), group);
		return listed.startsWith('requests such as') ? listed : `every path except ${listed}`;
	}
	// Patterns reaching into the set, minus patterns wholly outside it: `/share*, /rest* except /share/*, /rest/*`.
	const touchingList = [...touching];
	const touchingCover = new Set(touchingList.flatMap((pattern) => [...matches.get(pattern)!]));
	if (touchingList.length > 0 && outside.length > 0 && [...group].every((path) => touchingCover.has(path))) {
		const excluded = outside.filter((pattern) => [...matches.get(pattern)!].some((path) => touchingCover.has(path)));
		const excludedCover = new Set(excluded.flatMap((pattern) => [...matches.get(pattern)!]));
		if ([...touchingCover].every((path) => group.has(path) || excludedCover.has(path))) {
			const positive = minimalCover(touchingList, matches);
			const negative = minimalCover(excluded, matches);
			if (positive.length <= maxListed && negative.length <= maxListed) return `${positive.join(', ')} except ${negative.join(', ')}`;
		}
	}
	return `requests such as ${pickExamples([...group]).join(', ')}`;
}

function dedupePatterns(patterns: readonly string[]): string[] {
	const seen = new Set<string>();
	const result: string[] = [];
	for (const pattern of patterns) {
		const key = pattern.toLowerCase();
		if (seen.has(key) || pattern === '*') continue;
		seen.add(key);
		result.push(pattern);
	}
	return result;
}

/** Drop patterns whose witnesses another kept pattern already covers (only for lists short enough to show). */
function minimalCover(patterns: string[], matches: Map<string, Set<string>>): string[] {
	if (patterns.length > maxListed * 4) return patterns;
	return patterns.filter((pattern) => {
		const own = matches.get(pattern)!;
		return !patterns.some((other) => other !== pattern && matches.get(other)!.size > own.size && [...own].every((path) => matches.get(other)!.has(path)));
	});
}

function listPatterns(patterns: string[], group: ReadonlySet<string>): string {
	return patterns.length <= maxListed ? patterns.join(', ') : `requests such as ${pickExamples([...group]).join(', ')}`;
}

/** Head of a directive (name and arguments, without its block), for locations. */
export function directiveHead(directive: { file: string; nameToken: Token; args: Token[] }): Location {
	let end = directive.nameToken.span.end;
	for (const arg of directive.args) if (arg.file === directive.file && arg.span.end > end) end = arg.span.end;
	return { file: directive.file, span: { start: directive.nameToken.span.start, end } };
}
