import type { Rule } from '../rule.js';
import { directiveHeadLocation, directiveText, joinRequests, judgedRoutes, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.1 (C1f–C1i, C8), §2.4 ("Matchers") and §9 (CADDY-STRIP-MATCHER-GAP)
export const caddyStripMatcherGap: Rule = {
	id: 'caddy/strip-matcher-gap',
	category: 'impersonation',
	severity: 'error',
	summary: 'The user-header strip’s matcher does not cover every request forward_auth skips.',
	docs: `A strip limited to the public paths (\`request_header @public -Remote-User\`) is safe only when its matcher is exactly
the complement of forward_auth's. With \`@protected not path /share* /rest*\` but \`@public path /share/* /rest/*\`,
\`/share\`, \`/restX\` and \`/rest\` skip forward_auth and are not stripped, so the client's header reaches Navidrome.
Path matching is case-insensitive and paths are cleaned first, so the gap is exactly the difference of the two lists.

**Fix:** use the identical path list for both (one named matcher and its \`not\`); the quick fix rewrites the strip's
matcher as the complement of forward_auth's.

See [Caddy: named matchers](https://caddyserver.com/docs/caddyfile/matchers#named-matchers) and [Caddy: \`request_header\`](https://caddyserver.com/docs/caddyfile/directives/request_header).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			if (route.authenticated || route.value.kind !== 'client' || route.value.via || route.skippedStrips.length === 0) continue;
			const strip = route.skippedStrips[0]!;
			const matcher = strip.directive.args[0];
			const location = matcher && matcher.file === strip.directive.file ? { file: matcher.file, span: matcher.span } : directiveHeadLocation(strip.directive);
			reports.add(location, route, (routes) => {
				const fixes = [route.fixes.alignStrip, route.fixes.stripPublic].filter((fix) => fix !== undefined);
				return {
					location,
					message: `${directiveText(strip.directive)} does not match ${joinRequests(routes)}, which skip forward_auth too: there the client's ${route.userHeader} reaches Navidrome and anyone can log in as anyone. Give the strip the exact complement of forward_auth's matcher.`,
					related: [proxyRelated(route), ...route.skippedAuth.filter((step) => step.matcherToken).map((step) => ({ file: step.matcherToken!.file, span: step.matcherToken!.span, message: 'forward_auth skips these requests' }))],
					fixes: fixes.map((fix, index) => ({ ...fix, isPreferred: index === 0 })),
				};
			});
		}
		reports.flush(report);
	},
};
