import type { Fix } from '../../findings.js';
import type { Rule } from '../rule.js';
import { directiveHeadLocation, directiveText, joinRequests, judgedRoutes, proxyRelated, reachesSubsonic, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.1 (C1d, C1e, C7b; fixes C3, C4, C8, C9), §2.3 and §9 (CADDY-BYPASS-NOSTRIP)
export const caddyBypassNostrip: Rule = {
	id: 'caddy/bypass-nostrip',
	category: 'impersonation',
	severity: 'error',
	summary: 'Requests reach Navidrome without forward_auth setting the user header, and nothing strips the client’s copy.',
	docs: `Caddy forwards every client header by default. A request set that reaches \`reverse_proxy <navidrome>\` without
passing \`forward_auth\` (a \`forward_auth @protected\` whose matcher skips \`/share/*\` and \`/rest/*\`, or a \`handle\`
branch without auth), or that passes a \`forward_auth\` which never sets the user header, carries the client's
\`Remote-User\` (or whatever \`ExtAuth.UserHeader\` is) to Navidrome from a trusted address. On \`/rest/*\` that is full
Subsonic API impersonation; on web paths, login as anyone, and unknown names are created (the first one as admin).
Lower-case \`remote-user\` works too: Go canonicalises names.

**Fix:** \`@public path /share/* /rest/*\` + \`request_header @public -Remote-User\` with the exact complement of
forward_auth's matcher (the quick fix writes it), \`header_up -Remote-User\` in the public branch's \`reverse_proxy\`, or
\`route { request_header -Remote-User … }\`.

See [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth), [Caddy: \`request_header\`](https://caddyserver.com/docs/caddyfile/directives/request_header) and [Caddy: named matchers](https://caddyserver.com/docs/caddyfile/matchers#named-matchers).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			if (route.value.kind !== 'client' || route.value.via) continue;
			const header = route.userHeader;
			if (!route.authenticated) {
				if (route.skippedStrips.length > 0) continue; // caddy/strip-matcher-gap
				const skipped = route.skippedAuth.find((step) => step.matcherToken);
				const location = skipped?.matcherToken ? { file: skipped.matcherToken.file, span: skipped.matcherToken.span } : directiveHeadLocation(route.proxy);
				reports.add(location, route, (routes) => {
					const subsonic = routes.some(reachesSubsonic) ? ' On /rest/* that is full Subsonic API impersonation.' : '';
					const why = skipped ? `${directiveText(skipped.directive)} does not match them` : 'no forward_auth runs on them';
					const fixes: Fix[] = [];
					for (const candidate of routes) {
						if (candidate.fixes.stripPublic && !fixes.includes(candidate.fixes.stripPublic)) fixes.push(candidate.fixes.stripPublic);
						if (candidate.fixes.headerUpStrip && !fixes.includes(candidate.fixes.headerUpStrip)) fixes.push({ ...candidate.fixes.headerUpStrip, isPreferred: fixes.length === 0 });
					}
					return {
						location,
						message: `${subject(joinRequests(routes))} reach Navidrome (${route.upstream}) unauthenticated (${why}) and nothing strips ${header}: a client sending "${header}: admin" is logged in as admin.${subsonic} Strip ${header} on these requests.`,
						related: [proxyRelated(route)],
						fixes: fixes.slice(0, 3),
					};
				});
				continue;
			}
			const step = route.authSteps.find((candidate) => candidate.kind === 'forward_auth') ?? route.authSteps[0];
			if (!step) continue;
			const location = directiveHeadLocation(step.directive);
			reports.add(location, route, (routes) => ({
				location,
				message: `${directiveText(step.directive)} runs on ${joinRequests(routes)} but never sets ${header}, and nothing strips it: the client's ${header} reaches Navidrome, so anyone the auth service lets through can log in as any user. Copy the user into ${header} (copy_headers …>${header}) and strip the client's copy.`,
				related: [proxyRelated(route)],
				fixes: route.fixes.renameCopy ? [route.fixes.renameCopy] : [],
			}));
		}
		reports.flush(report);
	},
};

/** `Requests to /share/*, /rest/*` / `All requests`. */
function subject(requests: string): string {
	return requests.startsWith('all requests') ? `All requests${requests.slice('all requests'.length)}` : `Requests to ${requests}`;
}
