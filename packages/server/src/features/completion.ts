/**
Completion: Navidrome setting names (compose `environment` in both forms, `.env`, navidrome.toml), values for the
user header, TrustedSources values (the pinned proxy's `/32`, `@` when Navidrome listens on a UNIX socket), Traefik
label keys for the forwardauth and headers middlewares in compose `labels`, and the auth service's headers for
`authResponseHeaders` labels and Caddy's `copy_headers`.
*/
import { findSetting, formatVersion, settingsCatalog, type SettingDoc } from '@navidrome-extauth/core';
import { siteOf } from '../analysis/model/navidrome.js';
import type { Span } from '../analysis/text.js';
import { authServiceOf, headerCase, proxyAddressesFor } from './addresses.js';
import { clamped, instancesFor, placeOf, type FeatureContext } from './context.js';
import { code } from './markdown.js';
import { lineAt, previousLine, type CursorPlace, type KeyValueAt } from './text-context.js';
import { forwardAuthFields } from './traefik-labels.js';

export type CompletionKind = 'setting' | 'value' | 'label';

export type CompletionResult = {
	label: string;
	kind: CompletionKind;
	detail: string;
	/** Markdown. */
	documentation: string;
	/** Replaces `span`. */
	insertText: string;
	span: Span;
	/** What the client filters on (the whole key, so a typed prefix of it matches). */
	filterText?: string;
	sortText?: string;
	deprecated?: boolean;
	preselect?: boolean;
};

/**
Headers that carry a stable, IdP-controlled user key, best first (spec: proxies.md §5). The email headers are fine only when
the identity provider verifies addresses.
*/
export const safeUserHeaders: ReadonlyArray<{ name: string; detail: string; note: string }> = [
	{ name: 'Remote-User', detail: 'Authelia (Navidrome default)', note: "Authelia's username; also the usual name when a proxy renames another service's header." },
	{ name: 'X-authentik-username', detail: 'Authentik', note: "Authentik's username. Authentik admins can allow users to change it." },
	{ name: 'X-Auth-Request-User', detail: 'oauth2-proxy (nginx auth_request mode)', note: "oauth2-proxy's session user (the OIDC `sub` by default), set with `--set-xauthrequest`." },
	{ name: 'X-Forwarded-User', detail: 'oauth2-proxy (upstream proxy mode)', note: "oauth2-proxy's session user in proxy mode (`--pass-user-headers`). Other proxies do not strip it by themselves." },
	{ name: 'Tailscale-User-Login', detail: 'Tailscale Serve', note: 'The login name (`alice@github`); Serve deletes client copies and connects from 127.0.0.1.' },
	{ name: 'Tailscale-User', detail: 'Tailscale nginx-auth', note: 'The full login name from the nginx-auth forward-auth helper.' },
	{ name: 'X-Pomerium-Claim-Email', detail: 'Pomerium', note: 'An email claim header (with `pass_identity_headers`); claim headers are not signed, so Navidrome must be reachable only through Pomerium.' },
	{ name: 'X-Auth-Request-Email', detail: 'oauth2-proxy (email)', note: 'Safe only when the identity provider verifies email addresses.' },
	{ name: 'X-Forwarded-Email', detail: 'oauth2-proxy (email, proxy mode)', note: 'Safe only when the identity provider verifies email addresses.' },
];

export function complete(context: FeatureContext): CompletionResult[] {
	try {
		return completeChecked(clamped(context));
	} catch {
		return [];
	}
}

function completeChecked(context: FeatureContext): CompletionResult[] {
	if (context.kind === 'caddyfile') return copyHeaderValues(context);
	const found = placeOf(context);
	if (!found) return [];
	const { place } = found;
	if (found.section === 'labels') return place.inKey ? labelKeys(context, place, found.service, found.form) : labelValues(context, place);
	const instances = instancesFor(context, found.service);
	if (place.inKey) return settingNames(place, found.form, found.table ?? '');
	const entry = place.entry;
	if (!entry) return [];
	const doc = findSetting(context.kind === 'navidrome-toml' ? (found.key ?? entry.key) : entry.key);
	if (!doc) return [];
	if (doc.type === 'header-name') return headerValues(context, entry);
	if (doc.type === 'cidr-list') {
		if (instances.some((instance) => instance.intended.settings.address.value.startsWith('unix:'))) return socketValue(context, entry);
		return proxyAddressValues(context, entry, instances);
	}
	return [];
}

/** The span of the comma-separated item under the cursor inside a value (the whole value when quoting is ours). */
function listItemSpan(context: FeatureContext, entry: KeyValueAt): { span: Span; quote: string } {
	const { span, quote } = valueSpan(context, entry);
	if (quote || !entry.valueSpan) return { span, quote };
	const value = context.text.slice(entry.valueSpan.start, entry.valueSpan.end);
	const at = Math.max(0, Math.min(context.offset - entry.valueSpan.start, value.length));
	const start = value.lastIndexOf(',', at - 1) + 1;
	const comma = value.indexOf(',', at);
	return { span: { start: entry.valueSpan.start + start, end: entry.valueSpan.start + (comma < 0 ? value.length : comma) }, quote };
}

/** The pinned address of each reverse proxy on Navidrome's networks, as a one-address range. */
function proxyAddressValues(context: FeatureContext, entry: KeyValueAt, instances: ReturnType<typeof instancesFor>): CompletionResult[] {
	const deployment = context.analysis?.deployment;
	if (!deployment) return [];
	const { span, quote } = listItemSpan(context, entry);
	const seen = new Set<string>();
	const results: CompletionResult[] = [];
	for (const instance of instances) {
		for (const pinned of proxyAddressesFor(deployment, instance)) {
			const range = `${pinned.address}/${pinned.address.includes(':') ? 128 : 32}`;
			if (seen.has(range)) continue;
			seen.add(range);
			results.push({
				label: range,
				kind: 'value',
				detail: `pinned address of ${pinned.service.name}`,
				documentation: `Trusts only ${code(pinned.service.name)}, pinned to ${code(pinned.address)} with \`ipv4_address\` on network ${code(pinned.network)}: the smallest range that lets the proxy log users in.`,
				insertText: `${quote}${range}${quote}`,
				span,
				filterText: `${quote}${range}`,
				sortText: String(results.length).padStart(3, '0'),
				...(results.length === 0 ? { preselect: true } : {}),
			});
		}
	}
	return results;
}

/** Header names an auth service sends, for a list value; the user header Navidrome reads comes first. */
function authHeaderItems(headers: readonly string[], preferred: string | undefined, serviceName: string, span: Span, separatorNote: string): CompletionResult[] {
	const ordered = [...headers].sort((a, b) => Number(b === preferred) - Number(a === preferred));
	return ordered.map((name, index) => {
		const label = headerCase(name);
		return {
			label,
			kind: 'value' as const,
			detail: `sent by ${serviceName}${name === preferred ? ' (the user name)' : ''}`,
			documentation: `${serviceName} sets ${code(label)} on a successful check.${separatorNote}`,
			insertText: label,
			span,
			filterText: label,
			sortText: String(index).padStart(3, '0'),
			...(index === 0 ? { preselect: true } : {}),
		};
	});
}

const forwardAuthAddress = /^traefik\.http\.middlewares\.([^.\s=]+)\.forwardauth\.address$/i;
const authResponseHeadersKey = /^traefik\.http\.middlewares\.([^.\s=]+)\.forwardauth\.authresponseheaders$/i;

/** `…forwardauth.authResponseHeaders=` values: the headers of the auth service the same middleware's `address` names. */
function labelValues(context: FeatureContext, place: CursorPlace): CompletionResult[] {
	const entry = place.entry;
	const middleware = entry ? authResponseHeadersKey.exec(entry.key)?.[1] : undefined;
	const deployment = context.analysis?.deployment;
	if (!entry || !middleware || !deployment) return [];
	const compose = deployment.composeFiles.find((file) => file.path === context.path);
	const address = compose?.services.flatMap((service) => service.labels).find((label) => forwardAuthAddress.exec(label.key)?.[1]?.toLowerCase() === middleware.toLowerCase())?.value;
	const service = address ? authServiceOf(deployment, address) : undefined;
	if (!service) return [];
	const { span } = listItemSpan(context, entry);
	const typed = new Set((entry.value ?? '').split(',').map((item) => item.trim().toLowerCase()));
	const current = context.text.slice(span.start, span.end).trim().toLowerCase();
	const headers = service.headers.filter((name) => !typed.has(name) || name === current);
	return authHeaderItems(headers, service.userHeader, service.name, span, ' Separate several headers with commas.');
}

/** Caddy `copy_headers` values: the headers of the auth service of the enclosing `forward_auth`. */
function copyHeaderValues(context: FeatureContext): CompletionResult[] {
	const deployment = context.analysis?.deployment;
	if (!deployment) return [];
	const line = lineAt(context.text, context.offset);
	const before = context.text.slice(line.start, context.offset);
	const inDirective = /^\s*copy_headers\s/.test(before);
	const inBlock = !inDirective && /^\s*[\w-]*$/.test(before) && enclosingLine(context.text, line, /^\s*copy_headers\b.*\{\s*$/, 3) !== undefined;
	if (!inDirective && !inBlock) return [];
	const forwardAuth = enclosingLine(context.text, line, /^\s*forward_auth\b/, 40);
	if (!forwardAuth) return [];
	const words = forwardAuth.text.trim().split(/\s+/).slice(1).filter((word) => word !== '{');
	const upstream = words[0]?.startsWith('@') || words[0]?.startsWith('/') || words[0] === '*' ? words[1] : words[0];
	const service = upstream ? authServiceOf(deployment, upstream) : undefined;
	if (!service) return [];
	let start = context.offset;
	while (start > line.start && !/\s/.test(context.text[start - 1]!)) start--;
	let end = context.offset;
	while (end < line.end && !/\s/.test(context.text[end]!)) end++;
	const written = new Set(line.text.trim().split(/\s+/).slice(1).map((word) => word.split('>')[0]!.toLowerCase()));
	const current = context.text.slice(start, end).toLowerCase();
	const headers = service.headers.filter((name) => !written.has(name) || name === current);
	return authHeaderItems(headers, service.userHeader, service.name, { start, end }, " Write `From>To` to copy it under Navidrome's header name.");
}

/** The nearest line above `line` (within `limit` lines) that matches `pattern`. */
function enclosingLine(text: string, line: ReturnType<typeof lineAt>, pattern: RegExp, limit: number): ReturnType<typeof lineAt> | undefined {
	let current: ReturnType<typeof lineAt> | undefined = line;
	for (let i = 0; i < limit; i++) {
		current = previousLine(text, current);
		if (!current) return undefined;
		if (pattern.test(current.text)) return current;
	}
	return undefined;
}

function settingNames(place: CursorPlace, form: 'map' | 'list' | 'dotenv' | 'toml', table: string): CompletionResult[] {
	const span = place.entry && place.entry.keySpan.start <= place.word.start ? { start: place.entry.keySpan.start, end: Math.max(place.entry.keySpan.end, place.word.end) } : place.word;
	const rest = place.line.text.slice(span.end - place.line.start).trim();
	const suffix = rest !== '' ? '' : form === 'map' ? ': ' : form === 'toml' ? ' = ' : '=';
	const results: CompletionResult[] = [];
	settingsCatalog.forEach((doc, index) => {
		let name: string;
		if (form === 'toml') {
			const dot = doc.tomlKey.lastIndexOf('.');
			const tableOfKey = dot < 0 ? '' : doc.tomlKey.slice(0, dot);
			if (table === '') name = doc.tomlKey;
			else if (tableOfKey.toLowerCase() === table.toLowerCase()) name = doc.tomlKey.slice(dot + 1);
			else return;
		} else name = doc.envName;
		results.push({
			label: name,
			kind: 'setting',
			detail: `${doc.key}${doc.since.some((n) => n > 0) ? ` · since ${formatVersion(doc.since)}` : ''}${doc.deprecatedBy ? ' · deprecated' : ''}`,
			documentation: settingSummary(doc),
			insertText: `${name}${suffix}`,
			span,
			filterText: name,
			sortText: `${doc.deprecatedBy ? 1 : 0}${String(index).padStart(3, '0')}`,
			...(doc.deprecatedBy ? { deprecated: true } : {}),
		});
	});
	return results;
}

function settingSummary(doc: SettingDoc): string {
	const parts = [doc.summary];
	if (doc.deprecatedBy) parts.push(`Deprecated: use ${code(doc.deprecatedBy)}.`);
	parts.push(`Default: ${doc.secret ? '(hidden)' : doc.default === '' ? '(empty)' : code(doc.default)}`);
	return parts.join('\n\n');
}

/** The value to replace: the whole value token (quotes included in TOML, where we add our own). */
function valueSpan(context: FeatureContext, entry: KeyValueAt): { span: Span; quote: string } {
	const token = entry.valueTokenSpan ?? entry.valueSpan ?? { start: context.offset, end: context.offset };
	const tokenText = context.text.slice(token.start, token.end);
	if (context.kind === 'navidrome-toml') {
		const trimmedStart = token.start + (tokenText.length - tokenText.trimStart().length);
		const inside = entry.quoted && entry.valueSpan && context.offset >= entry.valueSpan.start && context.offset <= entry.valueSpan.end;
		if (inside) return { span: entry.valueSpan!, quote: '' };
		return { span: { start: trimmedStart, end: token.end }, quote: '"' };
	}
	return { span: entry.valueSpan ?? token, quote: '' };
}

function headerValues(context: FeatureContext, entry: KeyValueAt): CompletionResult[] {
	const { span, quote } = valueSpan(context, entry);
	return safeUserHeaders.map((header, index) => ({
		label: header.name,
		kind: 'value' as const,
		detail: header.detail,
		documentation: header.note,
		insertText: `${quote}${header.name}${quote}`,
		span,
		filterText: `${quote}${header.name}`,
		sortText: String(index).padStart(3, '0'),
		...(index === 0 ? { preselect: true } : {}),
	}));
}

function socketValue(context: FeatureContext, entry: KeyValueAt): CompletionResult[] {
	// Inside a list, replace only the entry under the cursor.
	const { span: target, quote } = listItemSpan(context, entry);
	return [{
		label: '@',
		kind: 'value',
		detail: 'clients of the UNIX socket',
		documentation: 'Trusts clients connected through the UNIX socket named by `Address` (`unix:…`). Every local process that can write to the socket can then log in as any user, so keep the socket mode tight (`UnixSocketPerm`).',
		insertText: quote ? `${quote}@${quote}` : '@',
		span: target,
		filterText: quote ? `${quote}@` : '@',
	}];
}

const middlewarePattern = /^traefik\.http\.middlewares\.([^.\s=]+)\./i;

function labelKeys(context: FeatureContext, place: CursorPlace, service: string | undefined, form: string): CompletionResult[] {
	const span = place.entry && place.entry.keySpan.start <= place.word.start ? { start: place.entry.keySpan.start, end: Math.max(place.entry.keySpan.end, place.word.end) } : place.word;
	const typed = context.text.slice(span.start, context.offset);
	const names = new Set<string>();
	const typedName = middlewarePattern.exec(typed)?.[1];
	if (typedName) names.add(typedName);
	const compose = context.analysis?.deployment.composeFiles.find((file) => file.path === context.path);
	for (const label of compose?.services.find((s) => s.name === service)?.labels ?? []) {
		const name = middlewarePattern.exec(label.key)?.[1];
		if (name) names.add(name);
	}
	if (names.size === 0) names.add('auth');
	const headers = new Set<string>(['Remote-User']);
	for (const instance of context.analysis?.deployment.navidromes ?? []) {
		// A header name that came through a secret-looking variable is never offered (it would be shown).
		const setting = instance.intended.settings.userHeader;
		if (setting.source.kind === 'default' || !siteOf(instance, setting.source)?.secret) headers.add(setting.value || 'Remote-User');
	}
	const rest = place.line.text.slice(span.end - place.line.start).trim();
	const suffix = rest !== '' ? '' : form === 'map' ? ': ' : '=';
	const results: CompletionResult[] = [];
	for (const name of names) {
		const prefix = `traefik.http.middlewares.${name}.`;
		for (const field of forwardAuthFields) {
			const key = `${prefix}${field.path}`;
			results.push({ label: key, kind: 'label', detail: `forwardAuth: ${field.detail}`, documentation: field.doc, insertText: `${key}${suffix}`, span, filterText: key, sortText: `0${key}` });
		}
		for (const header of headers) {
			const key = `${prefix}headers.customrequestheaders.${header}`;
			results.push({
				label: key,
				kind: 'label',
				detail: `headers: set or remove ${header}`,
				documentation: `An empty value removes the client's ${code(header)} header before the request goes on (a null compose value counts as empty). Put this middleware on every router that reaches Navidrome without forwardAuth, such as a public \`/share/\` or \`/rest/\` router.`,
				insertText: `${key}${suffix}`,
				span,
				filterText: key,
				sortText: `1${key}`,
			});
		}
	}
	return results;
}
