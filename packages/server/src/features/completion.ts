/**
Completion: Navidrome setting names (compose `environment` in both forms, `.env`, navidrome.toml), values for the
user header and `@` for TrustedSources when Navidrome listens on a UNIX socket, and Traefik label keys for the
forwardauth and headers middlewares in compose `labels`.
*/
import { findSetting, formatVersion, settingsCatalog, type SettingDoc } from '@navidrome-extauth/core';
import { siteOf } from '../analysis/model/navidrome.js';
import type { Span } from '../analysis/text.js';
import { clamped, instancesFor, placeOf, type FeatureContext } from './context.js';
import { code } from './markdown.js';
import type { CursorPlace, KeyValueAt } from './text-context.js';

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
Headers that carry a stable, IdP-controlled user key (proxies.md §5), best first. The email headers are fine only when
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

type LabelField = { path: string; detail: string; doc: string };

/** Traefik label fields (proxies.md §4.1–§4.3); field names are case-insensitive to Traefik. */
const forwardAuthFields: LabelField[] = [
	{ path: 'forwardauth.address', detail: 'auth service URL', doc: 'URL of the auth service. A 2xx answer lets the request through; any other answer goes back to the client.' },
	{ path: 'forwardauth.authResponseHeaders', detail: 'headers copied from the auth answer', doc: "Comma-separated headers to copy from the auth service's answer. Traefik always deletes the client's copies of these headers first, so list Navidrome's user header here." },
	{ path: 'forwardauth.authResponseHeadersRegex', detail: 'regex of headers to copy', doc: 'Deletes every request header whose name matches, then copies matching answer headers. The match is partial: anchor it with `^…$`.' },
	{ path: 'forwardauth.authRequestHeaders', detail: 'headers sent to the auth service', doc: 'Which client headers go to the auth service (all when empty). It does not change what reaches Navidrome.' },
	{ path: 'forwardauth.trustForwardHeader', detail: 'trust client X-Forwarded-*', doc: '`true` trusts client `X-Forwarded-*` headers when asking the auth service. Unless the entrypoint sanitises them, a client can make the auth service approve another path.' },
	{ path: 'forwardauth.headerField', detail: 'user for the access log', doc: 'Only writes the user into the access log; it sets no request header.' },
	{ path: 'forwardauth.authSigninURL', detail: 'sign-in redirect', doc: 'Where to redirect when the auth service answers 401.' },
	{ path: 'forwardauth.addAuthCookiesToResponse', detail: 'cookies from the auth answer', doc: "Cookies of the auth service's answer to add to the response." },
	{ path: 'forwardauth.preserveRequestMethod', detail: 'keep the request method', doc: 'Send the original method to the auth service instead of GET.' },
	{ path: 'forwardauth.tls.insecureSkipVerify', detail: 'skip TLS verification', doc: "Do not verify the auth service's certificate." },
];

export function complete(context: FeatureContext): CompletionResult[] {
	try {
		return completeChecked(clamped(context));
	} catch {
		return [];
	}
}

function completeChecked(context: FeatureContext): CompletionResult[] {
	const found = placeOf(context);
	if (!found) return [];
	const { place } = found;
	if (found.section === 'labels') return place.inKey ? labelKeys(context, place, found.service, found.form) : [];
	const instances = instancesFor(context, found.service);
	if (place.inKey) return settingNames(place, found.form, found.table ?? '');
	const entry = place.entry;
	if (!entry) return [];
	const doc = findSetting(context.kind === 'navidrome-toml' ? (found.key ?? entry.key) : entry.key);
	if (!doc) return [];
	if (doc.type === 'header-name') return headerValues(context, entry);
	if (doc.type === 'cidr-list' && instances.some((instance) => instance.intended.settings.address.value.startsWith('unix:'))) return socketValue(context, entry);
	return [];
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
	const { span, quote } = valueSpan(context, entry);
	// Inside a list, replace only the entry under the cursor.
	let target = span;
	if (!quote && entry.valueSpan) {
		const value = context.text.slice(entry.valueSpan.start, entry.valueSpan.end);
		const at = Math.max(0, Math.min(context.offset - entry.valueSpan.start, value.length));
		const start = value.lastIndexOf(',', at - 1) + 1;
		const comma = value.indexOf(',', at);
		target = { start: entry.valueSpan.start + start, end: entry.valueSpan.start + (comma < 0 ? value.length : comma) };
	}
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
