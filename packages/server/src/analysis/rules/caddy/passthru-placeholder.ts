import type { Rule } from '../rule.js';
import { directiveText, joinRequests, judgedRoutes, originLocation, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.2, §2.4 and §9 (CADDY-PASSTHRU-PLACEHOLDER; the nginx analogue was verified as N2d in §3.1)
export const caddyPassthruPlaceholder: Rule = {
	id: 'caddy/passthru-placeholder',
	category: 'impersonation',
	severity: 'error',
	summary: 'The user header is set from a request placeholder ({header.X}, {http.request.header.X}…), i.e. from the client.',
	docs: `\`request_header Remote-User {header.X-Remote-User}\`, \`{http.request.header.…}\`, \`{query.…}\` or
\`header_up Remote-User {header.…}\` copy what the client sent: an explicit pass-through, so the client chooses the
Navidrome user. The rule fires where such a copy is what reaches Navidrome (a copy that runs after forward_auth already
set the header reads the authenticated value and is harmless).

**Fix:** remove it; take the user only from the auth answer (\`copy_headers\`, or \`{rp.header.*}\` /
\`{http.reverse_proxy.header.*}\` after forward_auth).

See [Caddy: \`reverse_proxy\` headers](https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#headers).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			const value = route.value;
			if (value.kind !== 'client' || !value.via) continue;
			const via = value.via;
			const location = originLocation(via);
			reports.add(location, route, (routes) => ({
				location,
				message: `${directiveText(via.directive)} copies the client's ${value.header} into ${route.userHeader}: on ${joinRequests(routes)} the client chooses the Navidrome user${route.authenticated ? ' even after forward_auth' : ''}. Set ${route.userHeader} only from the auth answer.`,
				related: [proxyRelated(route)],
			}));
		}
		reports.flush(report);
	},
};
