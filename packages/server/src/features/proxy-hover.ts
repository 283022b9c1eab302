/**
Hovers on the proxy and image lines users look at: a Navidrome image tag (which setting names that release reads),
Traefik middleware labels in compose, and Caddy's `copy_headers`, `request_header` and named matcher definitions.
Each is a few lines ending with a link to the public documentation of the directive.
*/
import { compareVersions, formatVersion, parseVersion, settingsCatalog, type Version } from '@navidrome-extauth/core';
import type { Directive, MatcherEntry, Token } from '../analysis/formats/caddyfile/index.js';
import { directiveMatcher, iterateDirectives } from '../analysis/formats/caddyfile/index.js';
import type { KeyValueEntry } from '../analysis/formats/compose/types.js';
import type { NavidromeInstance } from '../analysis/model/deployment.js';
import { caddyAnalysis } from '../analysis/proxies/caddy/index.js';
import { copyHeadersEras, eraOverlap } from '../analysis/proxies/caddy/version.js';
import type { CaddyFileAnalysis, CopyHeadersEra } from '../analysis/proxies/caddy/types.js';
import { siteOf } from '../analysis/model/navidrome.js';
import type { Span } from '../analysis/text.js';
import { authServiceOf, headerCase } from './addresses.js';
import type { FeatureContext } from './context.js';
import { code, lineNumber, moreLink } from './markdown.js';
import { traefikLabelField, traefikDocs } from './traefik-labels.js';
import { composePlace, contains } from './text-context.js';

export type ProxyHover = { markdown: string; span: Span };

/** Public documentation pages the hovers link to. */
export const proxyDocs = {
	forwardAuth: 'https://caddyserver.com/docs/caddyfile/directives/forward_auth',
	requestHeader: 'https://caddyserver.com/docs/caddyfile/directives/request_header',
	namedMatchers: 'https://caddyserver.com/docs/caddyfile/matchers#named-matchers',
	navidromeAuth: 'https://www.navidrome.org/docs/usage/integration/authentication/',
};

// ─── Image tag ───────────────────────────────────────────────────────────────────────────────────

const extAuthKeys = ['ExtAuth.TrustedSources', 'ExtAuth.UserHeader', 'ExtAuth.LogoutURL'] as const;

/** `image: deluan/navidrome:0.58.0` → which external-auth names that release reads. */
export function imageHover(context: FeatureContext): ProxyHover | undefined {
	if (context.kind !== 'compose') return undefined;
	const place = composePlace(context.text, context.offset);
	const entry = place.entry;
	if (place.path.length !== 2 || place.path[0] !== 'services' || entry?.key !== 'image' || !entry.valueSpan || !contains(entry.valueSpan, context.offset)) return undefined;
	const image = entry.value ?? '';
	if (!/navidrome/i.test(image)) return undefined;
	const instance = context.analysis?.deployment.navidromes.find((candidate) => candidate.compose?.path === context.path && candidate.service?.name === place.path[1]);
	const tag = /:([^:/@]+)(?:@.*)?$/.exec(image)?.[1];
	const version: Version | undefined = instance?.version ?? (tag ? parseVersion(tag.replace(/^v/, '')) : undefined);
	const lines = [`**${code(image)}**: ${version ? `Navidrome ${formatVersion(version)}` : 'no version in the tag; the newest release is assumed'}`, ''];
	lines.push(...readsLines(version));
	if (instance) lines.push(`- External auth here: ${externalAuthState(instance)}`);
	lines.push('', moreLink(proxyDocs.navidromeAuth));
	return { markdown: lines.join('\n'), span: entry.valueSpan };
}

function readsLines(version: Version | undefined): string[] {
	const docs = extAuthKeys.map((key) => settingsCatalog.find((doc) => doc.key === key)!);
	const [trusted, header, logout] = docs as [(typeof docs)[0], (typeof docs)[0], (typeof docs)[0]];
	const legacyTrusted = settingsCatalog.find((doc) => doc.deprecatedBy === trusted.key);
	const legacyHeader = settingsCatalog.find((doc) => doc.deprecatedBy === header.key);
	if (!version) return [`- Reads ${code(trusted.envName)}, ${code(header.envName)} and ${code(logout.envName)}; the legacy names still work, with a warning.`];
	if (legacyTrusted && compareVersions(version, legacyTrusted.since) < 0) return [`- No external authentication: it arrived in ${formatVersion(legacyTrusted.since)} (${code(legacyTrusted.envName)}).`];
	if (compareVersions(version, trusted.since) < 0) {
		return [
			`- Reads the legacy names ${code(legacyTrusted?.envName ?? 'ND_REVERSEPROXYWHITELIST')} and ${code(legacyHeader?.envName ?? 'ND_REVERSEPROXYUSERHEADER')}.`,
			`- Ignores ${code(trusted.envName)} and ${code(header.envName)} (added in ${formatVersion(trusted.since)}) and ${code(logout.envName)} (${formatVersion(logout.since)}).`,
		];
	}
	const lines = [`- Reads ${code(trusted.envName)} and ${code(header.envName)}; the legacy names still work, with a deprecation warning.`];
	lines.push(compareVersions(version, logout.since) < 0 ? `- Ignores ${code(logout.envName)} (added in ${formatVersion(logout.since)}).` : `- Reads ${code(logout.envName)} too.`);
	return lines;
}

function externalAuthState(instance: NavidromeInstance): string {
	const today = instance.settings.settings;
	const intended = instance.intended.settings;
	const name = (source: typeof today.trustedSources.source): string => (source.kind === 'env' ? code(source.name) : source.kind === 'toml' ? code(source.key) : 'the default');
	if (today.extAuthEnabled) return `on, TrustedSources from ${name(today.trustedSources.source)}.`;
	if (intended.extAuthEnabled) return `off: this release ignores ${name(intended.trustedSources.source)}; once it takes effect (0.59+), header logins are on.`;
	return 'off (TrustedSources is empty).';
}

// ─── Traefik labels ──────────────────────────────────────────────────────────────────────────────

const middlewareLabel = /^traefik\.http\.middlewares\.([^.\s=]+)\.(.+)$/i;
const routerMiddlewares = /^traefik\.http\.routers\.([^.\s=]+)\.middlewares$/i;

/** `traefik.http.middlewares.auth.forwardauth.authResponseHeaders: …` → what the field does for Navidrome here. */
export function traefikLabelHover(context: FeatureContext): ProxyHover | undefined {
	if (context.kind !== 'compose') return undefined;
	const place = composePlace(context.text, context.offset);
	const entry = place.entry;
	if (place.section !== 'labels' || !entry) return undefined;
	const match = middlewareLabel.exec(entry.key);
	if (!match) return undefined;
	const [, middleware, path] = match as unknown as [string, string, string];
	const field = traefikLabelField(path);
	if (!field) return undefined;
	const span = contains(entry.keySpan, context.offset) || !entry.valueSpan ? entry.keySpan : entry.valueSpan;
	const headers = userHeaders(context);
	const lines = [`**${field.kind} ${code(field.name)}** of middleware ${code(middleware)}: ${field.doc}`, ''];
	const value = entry.value ?? '';
	if (/^forwardauth\.authresponseheaders$/i.test(path)) {
		const listed = value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
		for (const header of headers) {
			lines.push(listed.includes(header.toLowerCase()) ? `- Lists Navidrome's user header ${code(header)}: Traefik replaces any client copy with the auth answer's.` : `- **Does not list Navidrome's user header ${code(header)}**: a client's copy reaches Navidrome on this middleware's routes.`);
		}
	} else if (/^headers\.customrequestheaders\./i.test(path)) {
		const header = path.slice('headers.customrequestheaders.'.length);
		const isUser = headers.some((name) => name.toLowerCase() === header.toLowerCase());
		lines.push(value === '' ? `- An empty value: removes the client's ${code(header)}${isUser ? ", Navidrome's user header" : ''} before the request goes on.` : `- Sets ${code(header)} to ${code(value)}${isUser ? ": **a fixed user name for every request on these routes**" : ''}.`);
	} else if (/^forwardauth\.address$/i.test(path) && context.analysis) {
		const service = authServiceOf(context.analysis.deployment, value);
		if (service) lines.push(`- ${service.name} answers; on success it sends ${service.headers.map((name) => code(headerCase(name))).slice(0, 4).join(', ')}${service.headers.length > 4 ? ', …' : ''}.`);
	}
	const routers = routersUsing(context, middleware);
	lines.push(routers.length > 0 ? `- Routers using it: ${routers.map(code).join(', ')}` : '- No router in this file lists it.');
	lines.push('', moreLink(traefikDocs[field.kind]));
	return { markdown: lines.join('\n'), span };
}

function userHeaders(context: FeatureContext): string[] {
	const names = new Set<string>();
	for (const instance of context.analysis?.deployment.navidromes ?? []) {
		const setting = instance.intended.settings.userHeader;
		// A header name that came through a secret-looking variable is not shown.
		if (setting.source.kind !== 'default' && siteOf(instance, setting.source)?.secret) continue;
		names.add(setting.value || 'Remote-User');
	}
	if (names.size === 0) names.add('Remote-User');
	return [...names];
}

function routersUsing(context: FeatureContext, middleware: string): string[] {
	const compose = context.analysis?.deployment.composeFiles.find((file) => file.path === context.path);
	const labels: KeyValueEntry[] = compose?.services.flatMap((service) => service.labels) ?? [];
	const routers: string[] = [];
	for (const label of labels) {
		const router = routerMiddlewares.exec(label.key)?.[1];
		if (!router) continue;
		const names = (label.value ?? '').split(',').map((item) => item.trim().replace(/@.*$/, '').toLowerCase());
		if (names.includes(middleware.toLowerCase())) routers.push(router);
	}
	return routers;
}

// ─── Caddy ───────────────────────────────────────────────────────────────────────────────────────

/** `copy_headers`, `request_header` or a `@name` definition under the cursor in a Caddyfile. */
export function caddyHover(context: FeatureContext): ProxyHover | undefined {
	if (context.kind !== 'caddyfile') return undefined;
	for (const file of (context.analysis ? caddyAnalysis(context.analysis.deployment)?.files : undefined) ?? []) {
		const found = directiveAt(file, context);
		if (!found) continue;
		const { directive, parent, siblings, inRoute } = found;
		const span = { start: directive.nameToken.span.start, end: lastToken(directive).span.end };
		if (directive.name === 'copy_headers' && parent?.name === 'forward_auth') return { markdown: copyHeadersMarkdown(context, file, directive, parent), span };
		if (directive.name === 'request_header' && parent?.name !== 'reverse_proxy') return { markdown: requestHeaderMarkdown(context, directive, inRoute), span };
		if (directive.matcherDefinition) return { markdown: matcherMarkdown(context, directive, siblings), span };
	}
	return undefined;
}

type DirectiveAt = { directive: Directive; parent: Directive | undefined; siblings: Directive[]; inRoute: boolean };

/** The directive whose own line (name and arguments) holds the cursor. */
function directiveAt(file: CaddyFileAnalysis, context: FeatureContext): DirectiveAt | undefined {
	for (const visit of iterateDirectives(file.parse.ast, { snippets: true })) {
		const { directive } = visit;
		if (directive.nameToken.file !== context.path) continue;
		const end = lastToken(directive).span.end;
		if (context.offset < directive.nameToken.span.start || context.offset > end) continue;
		const parent = visit.ancestors[visit.ancestors.length - 1];
		const siblings = parent?.block?.directives ?? visit.item.block.directives;
		const ordered = (file.parse.ast.globalOptions?.block.directives ?? []).some((option) => option.name === 'order' && option.args[0]?.text === 'request_header' && /^(before|first)$/.test(option.args[1]?.text ?? ''));
		return { directive, parent, siblings, inRoute: ordered || visit.ancestors.some((ancestor) => ancestor.name === 'route') };
	}
	return undefined;
}

function lastToken(directive: Directive): Token {
	const own = [directive.nameToken, ...directive.args].filter((token) => token.file === directive.nameToken.file);
	return own[own.length - 1] ?? directive.nameToken;
}

const eraText: Record<CopyHeadersEra, string> = {
	placeholder: 'the request gets the literal placeholder text instead',
	passthrough: "the client's own copy is left in place",
	delete: 'the header is removed',
};

function copyHeadersMarkdown(context: FeatureContext, file: CaddyFileAnalysis, directive: Directive, forwardAuth: Directive): string {
	const fields = [...directive.args, ...(directive.block?.directives ?? []).flatMap((line) => [line.nameToken, ...line.args])].map((token) => token.text);
	const copies = fields.map((field) => {
		const [from, to] = field.includes('>') ? (field.split('>', 2) as [string, string]) : [field, field];
		return { from, to };
	});
	const headers = caddyUserHeaders(file, forwardAuth, context);
	const lines = [`**copy_headers**: after a 2xx answer from the auth service, copies ${copies.map((copy) => (copy.from === copy.to ? code(copy.to) : `${code(copy.from)} as ${code(copy.to)}`)).join(', ')} onto the request.`, ''];
	for (const header of headers) {
		const copy = copies.find((candidate) => candidate.to.toLowerCase() === header.toLowerCase());
		lines.push(copy ? `- Sets Navidrome's user header ${code(header)} from the answer's ${code(copy.from)}.` : `- **Does not copy Navidrome's user header ${code(header)}.**`);
	}
	const upstream = directiveMatcher(forwardAuth) ? forwardAuth.args[1]?.text : forwardAuth.args[0]?.text;
	const service = upstream && context.analysis ? authServiceOf(context.analysis.deployment, upstream) : undefined;
	if (service) lines.push(`- ${service.name} sends ${service.headers.slice(0, 4).map((name) => code(headerCase(name))).join(', ')}${service.headers.length > 4 ? ', …' : ''}.`);
	const eras = copyHeadersEras(file.version);
	const era = eras.map((item) => `${eraText[item]} (${eraOverlap(file.version, item)})`).join('; ');
	if (era) lines.push(`- When the answer lacks a field, on ${file.version.description}: ${era}.`);
	lines.push('', moreLink(proxyDocs.forwardAuth));
	return lines.join('\n');
}

/** The user headers of the Navidrome instances this forward_auth protects (from the route model), else of every instance. */
function caddyUserHeaders(file: CaddyFileAnalysis, forwardAuth: Directive, context: FeatureContext): string[] {
	const headers = new Set<string>();
	for (const site of file.sites) for (const route of site.routes) if (route.authSteps.some((step) => step.directive === forwardAuth)) headers.add(route.userHeader);
	if (headers.size === 0) for (const name of userHeaders(context)) headers.add(name);
	return [...headers];
}

function requestHeaderMarkdown(context: FeatureContext, directive: Directive, inRoute: boolean): string {
	const matcher = directiveMatcher(directive);
	const args = matcher ? directive.args.slice(1) : directive.args;
	const field = args[0]?.text ?? '';
	const name = field.replace(/^[-+]/, '');
	const scope = matcher ? (matcher.kind === 'all' ? ' on every request' : ` on requests matching ${code(matcher.token.text)}`) : ' on every request';
	let action: string;
	if (field.startsWith('-')) action = `removes the client's ${code(name)} header${scope}`;
	else if (args.length >= 3) action = `replaces ${code(args[1]!.text)} with ${code(args[2]!.text)} in ${code(name)}${scope}`;
	else action = `${field.startsWith('+') ? 'adds' : 'sets'} ${code(name)} to ${code(args[1]?.text ?? '')}${scope}`;
	const lines = [`**request_header**: ${action}.`, ''];
	const isUser = userHeaders(context).some((header) => header.toLowerCase() === name.toLowerCase() || (name.endsWith('*') && header.toLowerCase().startsWith(name.slice(0, -1).toLowerCase())));
	if (isUser) lines.push(field.startsWith('-') ? "- This is Navidrome's user header: requests matched here reach Navidrome without a client-supplied user." : "- This is Navidrome's user header: **every matched request is logged in as this fixed value**.");
	// spec: proxies.md §2.3 (default directive order), §2.1 C2/C3/C9
	lines.push(inRoute ? '- Inside `route` (or with a global `order` for it), it runs where written, before a later `forward_auth`.' : "- Outside `route`, Caddy runs it after `forward_auth` (the default order): a strip here also deletes what `copy_headers` set, unless its matcher excludes the authenticated paths.");
	lines.push('', moreLink(proxyDocs.requestHeader));
	return lines.join('\n');
}

function matcherMarkdown(context: FeatureContext, directive: Directive, siblings: Directive[]): string {
	const definition = directive.matcherDefinition!;
	const what = definition.matchers.map(describeMatcher).join(' and ');
	const users = siblings.flatMap((sibling) => usesOf(sibling, definition.name));
	const lines = [`**${code(definition.name)}**: matches requests ${what || '(no matchers: every request)'}.`, ''];
	if (users.length === 0) lines.push('- No directive of this block uses it.');
	for (const user of users.slice(0, 5)) lines.push(`- Used by ${code([user.nameToken, ...user.args].map((token) => token.raw).join(' ').slice(0, 80))} (line ${lineNumber(context.readText(user.nameToken.file) ?? (user.nameToken.file === context.path ? context.text : undefined), user.nameToken.span.start) ?? user.nameToken.line})`);
	if (users.length > 5) lines.push(`- and ${users.length - 5} more`);
	lines.push('', moreLink(proxyDocs.namedMatchers));
	return lines.join('\n');
}

/** Directives (nested ones too) whose matcher is `name`. */
function usesOf(directive: Directive, name: string): Directive[] {
	const found: Directive[] = [];
	if (!directive.matcherDefinition && directive.args[0]?.text === name) found.push(directive);
	for (const child of directive.block?.directives ?? []) found.push(...usesOf(child, name));
	return found;
}

function describeMatcher(entry: MatcherEntry): string {
	const args = entry.args.map((token) => code(token.text));
	const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);
	switch (entry.type) {
		case 'not': {
			const inner = entry.not ?? [];
			const only = inner.length === 1 ? inner[0]! : undefined;
			if (only?.type === 'path') {
				const paths = only.args.map((token) => code(token.text));
				return paths.length === 1 ? `whose path is not ${paths[0]}` : `whose path is neither ${paths.slice(0, -1).join(', ')} nor ${paths[paths.length - 1]}`;
			}
			return `that do not match (${inner.map(describeMatcher).join(' and ') || 'nothing'})`;
		}
		case 'path':
			return `whose path is ${list(args)}`;
		case 'path_regexp':
			return `whose path matches ${args[args.length - 1] ?? ''}`;
		case 'header':
			return `with header ${args.join(' ')}`;
		case 'method':
			return `with method ${list(args)}`;
		case 'host':
			return `for host ${list(args)}`;
		case 'remote_ip':
		case 'client_ip':
			return `from ${list(args)}`;
		default:
			return `${code(entry.type)} ${args.join(' ')}`.trim();
	}
}
