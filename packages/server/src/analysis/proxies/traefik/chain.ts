/**
Effective middleware chains and what they do to the user header (proxies.md §4.1, §4.2):
- entrypoint `http.middlewares` come first, then the router's, in the order listed; `chain` middlewares expand in place;
  a name without `@provider` belongs to the provider of whatever names it;
- a `headers` middleware with `customRequestHeaders.<H>: ""` deletes H (`req.Header.Del`, canonical, so any case);
  a non-empty value sets H to that fixed value (header.go `modifyCustomRequestHeaders`);
- forwardAuth deletes every header listed in `authResponseHeaders` (canonicalised) or matching
  `authResponseHeadersRegex` (partial match against the canonical name) and copies the auth server's values; any
  other client header passes unchanged (forward.go ~L313–340);
- a strip after forwardAuth deletes the authenticated value too.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import type { Location } from '../../findings.js';
import { splitQualified } from '../../formats/traefik/dynamic.js';
import type { ListValue } from '../../formats/traefik/index.js';
import { compileGoRegexp } from '../../regexp/index.js';
import type { ChainStep, HeaderAnalysis, MiddlewareRef, TraefikMiddleware } from './model.js';

const maxChainDepth = 10;
const maxSteps = 500;

/** Qualifies the items of a `middlewares` list in the provider of whoever wrote it. */
export function middlewareRefs(list: ListValue | undefined, provider: string, via: MiddlewareRef['via']): MiddlewareRef[] {
	if (!list) return [];
	return list.items.map((item, index) => ({ written: item.value, qualified: qualify(item.value, provider), location: item.location ?? list.location, via, list, index }));
}

/** Traefik's `GetQualifiedName`: a name with `@` is already qualified. */
export function qualify(name: string, provider: string): string {
	return splitQualified(name).provider !== undefined ? name : `${name}@${provider}`;
}

export type ChainLookup = {
	middleware(qualified: string): TraefikMiddleware | undefined;
	/** Whether every middleware of this provider is visible here (so a missing name really is missing). */
	providerVisible(provider: string): boolean;
};

export type ChainExpansion = { steps: ChainStep[]; error: string | undefined };

/** Expands `chain` middlewares; reports why Traefik would refuse the router (missing middleware, cycle, bad middleware). */
export function expandChain(refs: readonly MiddlewareRef[], lookup: ChainLookup): ChainExpansion {
	const result: ChainExpansion = { steps: [], error: undefined };
	expand(refs, lookup, [], result, 0);
	return result;
}

function expand(refs: readonly MiddlewareRef[], lookup: ChainLookup, via: MiddlewareRef[], result: ChainExpansion, depth: number): void {
	for (const ref of refs) {
		if (result.steps.length >= maxSteps) return;
		const middleware = lookup.middleware(ref.qualified);
		if (!middleware) {
			const provider = splitQualified(ref.qualified).provider ?? '';
			if (ref.written === '') result.error ??= 'an empty middleware name in the list';
			else if (lookup.providerVisible(provider)) result.error ??= `middleware "${ref.qualified}" does not exist`;
			result.steps.push({ ref, middleware: undefined, via });
			continue;
		}
		if (middleware.def.kind === 'multiple') {
			result.error ??= `middleware "${ref.qualified}" declares several types, which Traefik refuses`;
			continue;
		}
		if (middleware.def.kind === 'none') {
			result.error ??= `middleware "${ref.qualified}" has no type`;
			continue;
		}
		if (middleware.def.kind === 'chain') {
			if (depth >= maxChainDepth || via.some((outer) => outer.qualified === ref.qualified)) {
				result.error ??= `middleware chain "${ref.qualified}" refers to itself`;
				continue;
			}
			const inner = middlewareRefs(middleware.def.chain, middleware.provider, 'chain');
			expand(inner, lookup, [...via, ref], result, depth + 1);
			continue;
		}
		result.steps.push({ ref, middleware, via });
	}
}

/** Whether a forwardAuth/basicAuth/digestAuth step authenticates the request. */
export function isAuthStep(step: ChainStep): boolean {
	const kind = step.middleware?.def.kind;
	return kind === 'forwardAuth' || kind === 'basicAuth' || kind === 'digestAuth';
}

/** How a forwardAuth treats header `canonical`: listed, matched by the regex, or left alone. */
export function forwardAuthCovers(step: ChainStep, canonical: string): { covers: boolean; how: 'list' | 'regex' | 'regex-unknown' | undefined; location: Location | undefined } {
	const forwardAuth = step.middleware?.def.forwardAuth;
	if (!forwardAuth) return { covers: false, how: undefined, location: undefined };
	for (const item of forwardAuth.authResponseHeaders?.items ?? []) {
		if (canonicalHeaderName(item.value) === canonical) return { covers: true, how: 'list', location: item.location ?? forwardAuth.authResponseHeaders!.location };
	}
	const regex = forwardAuth.authResponseHeadersRegex;
	if (regex && regex.value !== '') {
		const matched = goRegexpMatches(regex.value, canonical);
		if (matched !== false) return { covers: true, how: matched === true ? 'regex' : 'regex-unknown', location: regex.location };
	}
	return { covers: false, how: undefined, location: undefined };
}

/** Go `regexp.MatchString` (partial match) on the linear-time RE2 port; `undefined` for syntax it does not support. */
export function goRegexpMatches(pattern: string, subject: string): boolean | undefined {
	if (subject.length > 1024) return undefined;
	return compileGoRegexp(pattern)?.matches(subject);
}

/** The `customRequestHeaders` entry of a headers middleware that names `canonical`, last one winning. */
export function headerEntryFor(middleware: TraefikMiddleware | undefined, canonical: string): { value: string; location: Location | undefined; keyLocation: Location | undefined } | undefined {
	const def = middleware?.def;
	if (def?.kind !== 'headers') return undefined;
	let found: { value: string; location: Location | undefined; keyLocation: Location | undefined } | undefined;
	for (const entry of def.customRequestHeaders) {
		if (canonicalHeaderName(entry.name) !== canonical) continue;
		found = { value: entry.value?.value ?? '', location: entry.value?.location, keyLocation: entry.node.keyLocation };
	}
	return found;
}

/** Follows the header through the chain. `header` is Navidrome's UserHeader. */
export function analyseHeader(steps: readonly ChainStep[], header: string): HeaderAnalysis {
	const canonical = canonicalHeaderName(header);
	const analysis: HeaderAnalysis = {
		fate: 'passthrough',
		authenticated: false,
		auth: undefined,
		replacedBy: undefined,
		notReplacing: [],
		strip: undefined,
		stripAfterAuth: undefined,
		fixed: undefined,
		unknown: [],
		decisive: [],
		detail: '',
	};
	let clientCopy = true;
	let setBy: ChainStep | undefined;
	let stripLocation: Location | undefined;
	let coverLocation: Location | undefined;
	for (const step of steps) {
		const middleware = step.middleware;
		if (!middleware) {
			analysis.unknown.push(step);
			continue;
		}
		switch (middleware.def.kind) {
			case 'headers': {
				const entry = headerEntryFor(middleware, canonical);
				if (!entry) break;
				clientCopy = false;
				if (entry.value === '') {
					if (setBy) analysis.stripAfterAuth = { strip: step, auth: setBy };
					setBy = undefined;
					analysis.fixed = undefined;
					analysis.strip = step;
					stripLocation = entry.keyLocation ?? entry.location;
				} else {
					setBy = undefined;
					analysis.fixed = { step, value: entry.value };
				}
				break;
			}
			case 'forwardAuth': {
				analysis.authenticated = true;
				analysis.auth ??= step;
				const cover = forwardAuthCovers(step, canonical);
				if (cover.covers) {
					clientCopy = false;
					setBy = step;
					analysis.fixed = undefined;
					analysis.stripAfterAuth = undefined;
					analysis.replacedBy = step;
					coverLocation = cover.location;
				} else analysis.notReplacing.push(step);
				break;
			}
			case 'basicAuth':
			case 'digestAuth': {
				analysis.authenticated = true;
				analysis.auth ??= step;
				// basic_auth.go assigns `req.Header[headerField]` literally: only the canonical spelling replaces the client's copy.
				const field = middleware.def.headerField?.value;
				if (field && field === canonical) {
					clientCopy = false;
					setBy = step;
					analysis.fixed = undefined;
					analysis.stripAfterAuth = undefined;
					analysis.replacedBy = step;
					coverLocation = middleware.def.headerField?.location;
				} else analysis.notReplacing.push(step);
				break;
			}
			case 'plugin':
				analysis.unknown.push(step);
				break;
			default:
				break;
		}
	}
	const refLocation = (step: ChainStep | undefined): Location[] => (step?.ref.location ? [step.ref.location] : []);
	if (clientCopy) {
		analysis.fate = 'passthrough';
		analysis.decisive = analysis.notReplacing.flatMap((step) => [...refLocation(step), ...(step.middleware?.def.forwardAuth?.authResponseHeaders ? [step.middleware.def.forwardAuth.authResponseHeaders.location] : [])]);
		analysis.detail = analysis.authenticated
			? `${names(analysis.notReplacing)} authenticate${analysis.notReplacing.length === 1 ? 's' : ''} the request but leave${analysis.notReplacing.length === 1 ? 's' : ''} a client-sent ${canonical} in place, and nothing removes it`
			: `no middleware removes a client-sent ${canonical} and nothing authenticates the request`;
	} else if (setBy) {
		analysis.fate = 'authenticated';
		analysis.decisive = [...(coverLocation ? [coverLocation] : []), ...refLocation(setBy)];
		analysis.detail = `${setBy.ref.qualified} replaces ${canonical} with the authenticated user (the client's copy is always removed)`;
	} else if (analysis.fixed) {
		analysis.fate = 'stripped';
		analysis.decisive = refLocation(analysis.fixed.step);
		analysis.detail = `${analysis.fixed.step.ref.qualified} sets ${canonical} to a fixed value for every request`;
	} else if (analysis.authenticated) {
		analysis.fate = 'never-delivered';
		analysis.decisive = [...(stripLocation ? [stripLocation] : []), ...refLocation(analysis.strip), ...refLocation(analysis.auth)];
		analysis.detail = analysis.stripAfterAuth
			? `${analysis.stripAfterAuth.strip.ref.qualified} runs after ${analysis.stripAfterAuth.auth.ref.qualified} and deletes the authenticated ${canonical}`
			: `${canonical} is removed and ${names(analysis.notReplacing)} never sets it`;
	} else {
		analysis.fate = 'stripped';
		analysis.decisive = [...(stripLocation ? [stripLocation] : []), ...refLocation(analysis.strip)];
		analysis.detail = `${analysis.strip?.ref.qualified ?? 'a headers middleware'} removes a client-sent ${canonical}`;
	}
	if (analysis.unknown.length > 0) analysis.detail += `; ${names(analysis.unknown)} may change headers in ways this analysis cannot see`;
	return analysis;
}

function names(steps: readonly ChainStep[]): string {
	const list = [...new Set(steps.map((step) => step.ref.qualified))];
	return list.length === 0 ? 'no middleware' : list.join(', ');
}
