import type { Fix, Related } from '../../findings.js';
import { capturedHeader, locationHead } from '../../proxies/nginx/index.js';
import type { Rule } from '../rule.js';
import { argLocation, assumedNote, directiveText, judgedRoutes, onceReporter, where } from './helpers.js';

// spec: proxies.md §3.1 ([E] N1c, N2b), §5 and §9 (NGINX-AUTHVAR-MISMATCH)
export const nginxAuthvarMismatch: Rule = {
	id: 'nginx/authvar-mismatch',
	category: 'broken',
	severity: 'information',
	summary: 'On a protected location the signed-in user never reaches the user header (external auth silently does nothing).',
	docs: `\`auth_request_set $user $upstream_http_<x>;\` captures header \`<x>\` of the auth service's answer. When the
service never sends \`<x>\` (\`$upstream_http_remote_user\` with Authentik, which sends \`X-authentik-username\`),
\`$user\` is empty, nginx does not send a header with an empty value, and Navidrome never sees a user: external auth
fails closed and users fall back to Navidrome's login. Also reported, on a location behind \`auth_request\` or
\`auth_basic\` that a client cannot abuse: the mapped variable is not captured by an \`auth_request_set\` in effect
there (a location's own \`auth_request_set\` lines replace the outer ones), or nothing maps the answer to the header
at all (it is cleared, mapped under another name, or the mapping was lost through inheritance).

The auth service is recognised from the auth location's \`proxy_pass\` (host, path, or the compose image):
Authelia sends \`Remote-User\`, Authentik \`X-authentik-username\`, oauth2-proxy \`X-Auth-Request-User\`,
Tailscale's nginx-auth \`Tailscale-User\`.

**Fix:** capture the header the service really sends (the quick fix does for a recognised service) and map it:
\`proxy_set_header Remote-User $user;\`.

See [nginx: \`auth_request\`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html) and [nginx: \`proxy_set_header\`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const once = onceReporter(report);
		for (const route of judgedRoutes(deployment).routes) {
			const header = route.header;
			if (!header.protection || header.forgeable || header.delivered || !header.lossCause) continue;
			const name = route.userHeader;
			const gate = header.protection.name;
			if (header.lossCause === 'capture-mismatch' && header.capture && header.service) {
				const service = header.service;
				const arg = header.capture.args[1];
				const captured = (arg?.value.match(/upstream_http_[A-Za-z0-9_]+/g) ?? []).map((v) => capturedHeader(v)).join("', '");
				const replacement = `$upstream_http_${service.userHeader.replaceAll('-', '_')}`;
				const fixes: Fix[] = arg && /^\$\{?upstream_http_[A-Za-z0-9_]+\}?$/.test(arg.value) ? [{ title: `Capture ${replacement}`, edits: [{ file: header.capture.file, span: arg.span, newText: replacement }], isPreferred: true }] : [];
				once({
					location: argLocation(header.capture, 1),
					message: `${service.name} does not send '${captured}', so ${header.capture.args[0]?.value ?? 'the variable'} is always empty and ${name} never reaches Navidrome from ${where(route)}: external auth silently does nothing. ${service.name} sends the user in '${service.userHeader}' (${replacement}).${assumedNote(route)}`,
					fixes,
				});
				continue;
			}
			if (header.lossCause === 'not-captured' && header.culprit) {
				once({
					location: argLocation(header.culprit, 1),
					message: `$${header.variable ?? '…'} is not captured by any auth_request_set in effect in ${where(route)} (its own auth_request_set lines replace the outer ones), so ${name} is always empty there: external auth silently does nothing.${assumedNote(route)}`,
				});
				continue;
			}
			const related: Related[] = header.lost ? header.lost.lines.map((line) => ({ file: line.file, span: line.span, message: `Not inherited by ${where(route)}: ${directiveText(line)}` })) : [];
			const why = header.userHeaderLines.length > 0 ? `proxy_set_header ${name} is empty here` : header.lost ? `the outer proxy_set_header ${name} is not inherited (this level has its own lines) and ${header.clearedBy?.name ?? 'something'} removes the client's copy` : `${header.clearedBy?.name ?? 'something'} removes ${name} and no proxy_set_header ${name} maps the auth answer`;
			once({
				location: locationHead(route.location),
				message: `${where(route)} is behind ${gate}, but ${why}: the signed-in user never reaches Navidrome and external auth silently does nothing.${assumedNote(route)}`,
				related,
			});
		}
	},
};
