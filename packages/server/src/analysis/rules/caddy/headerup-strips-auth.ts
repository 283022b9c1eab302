import type { Rule } from '../rule.js';
import { directiveHeadLocation, directiveText, joinRequests, judgedRoutes, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.1 (C5, C4, C7a), §2.3 and §9 (CADDY-HEADERUP-STRIPS-AUTH)
export const caddyHeaderupStripsAuth: Rule = {
	id: 'caddy/headerup-strips-auth',
	category: 'broken',
	severity: 'warning',
	summary: 'header_up removes the user header in a reverse_proxy that also serves authenticated requests.',
	docs: `\`header_up\` edits the proxied request when it leaves Caddy, after every handler, forward_auth included. In a
\`reverse_proxy\` that serves forward_auth-protected requests, \`header_up -Remote-User\` (or \`header_up Remote-User ""\`)
also removes the authenticated user: Navidrome never sees one and external auth silently does nothing.

**Fix:** strip only in the \`reverse_proxy\` of the bypassed paths (a \`handle @public { reverse_proxy … { header_up -H } }\`
branch), and strip before forward_auth on the protected ones (\`route { request_header -H; forward_auth …; reverse_proxy }\`).

See [Caddy: \`reverse_proxy\` headers](https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#headers) and [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			const lost = route.lostAuth;
			if (!route.authenticated || !lost || lost.kind !== 'header_up') continue;
			const location = directiveHeadLocation(lost.directive);
			reports.add(location, route, (routes) => ({
				location,
				message: `${directiveText(lost.directive)} runs when the request is proxied, after forward_auth, so it also removes the authenticated ${route.userHeader}: on ${joinRequests(routes)} Navidrome never sees the user. Strip only in the reverse_proxy of the bypassed paths, and before forward_auth on the protected ones.`,
				related: [proxyRelated(route)],
			}));
		}
		reports.flush(report);
	},
};
