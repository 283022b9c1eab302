import type { Fix } from '../../findings.js';
import type { Rule } from '../rule.js';
import { directiveHeadLocation, directiveText, joinRequests, judgedRoutes, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.1 (C2 vs C3, C8, C9), §2.3 and §9 (CADDY-STRIP-AFTER-AUTH)
export const caddyStripAfterAuth: Rule = {
	id: 'caddy/strip-after-auth',
	category: 'broken',
	severity: 'warning',
	summary: 'A request_header strip runs after forward_auth and deletes the authenticated user (the Navidrome-docs example).',
	docs: `Outside \`route\`, Caddy sorts directives by a fixed order in which \`forward_auth\` comes before \`request_header\`. A
site-level \`request_header -Remote-User\` (unmatched, or with a matcher that overlaps forward_auth's) therefore runs
after \`copy_headers\` and deletes the user it just set: Navidrome never sees a user and external auth silently does
nothing. This is the Caddy example on Navidrome's own pages. It fails closed (no impersonation), but it is broken.

**Fix:** wrap the site in \`route { … }\` with the strip first (the quick fix keeps Caddy's current order otherwise), or
add the global option \`order request_header before forward_auth\`, or restrict the strip to the bypassed paths.

See [Caddy: directive order](https://caddyserver.com/docs/caddyfile/directives#directive-order), [Caddy: \`request_header\`](https://caddyserver.com/docs/caddyfile/directives/request_header) and [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			const lost = route.lostAuth;
			if (!route.authenticated || !lost || lost.kind !== 'request_header') continue;
			const location = directiveHeadLocation(lost.directive);
			const auth = route.authSteps.map((step) => directiveText(step.directive)).join(', ');
			reports.add(location, route, (routes) => {
				const fixes: Fix[] = [];
				if (route.fixes.wrapInRoute) fixes.push(route.fixes.wrapInRoute);
				if (route.fixes.orderOption) fixes.push({ ...route.fixes.orderOption, isPreferred: fixes.length === 0 });
				return {
					location,
					message: `${directiveText(lost.directive)} runs after ${auth} (Caddy orders request_header after forward_auth outside route), so it deletes the ${route.userHeader} forward_auth just set: on ${joinRequests(routes)} Navidrome never sees the user and external auth silently does nothing. Strip first: wrap the site in route { … } or add the global option \`order request_header before forward_auth\`.`,
					related: [proxyRelated(route), ...route.authSteps.map((step) => ({ file: step.directive.file, span: step.directive.nameToken.span, message: `sets ${route.userHeader} first` }))],
					fixes,
				};
			});
		}
		reports.flush(report);
	},
};
