import type { Location } from '../../findings.js';
import type { Rule } from '../rule.js';
import { directiveHeadLocation, joinRequests, judgedRoutes, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.2 (`>` renames), §5 (which header each auth service sends) and §9
//   (CADDY-COPYHDR-NAME-MISMATCH)
export const caddyCopyhdrNameMismatch: Rule = {
	id: 'caddy/copyhdr-name-mismatch',
	category: 'broken',
	severity: 'warning',
	summary: 'forward_auth never sets the header Navidrome reads (copy_headers X without X>UserHeader).',
	docs: `\`copy_headers X-Authentik-Username\` copies the header under its own name; Navidrome reads only
\`ExtAuth.UserHeader\` (default \`Remote-User\`). Without a rename (\`X-Authentik-Username>Remote-User\`) or a matching
\`ND_EXTAUTH_USERHEADER\`, Navidrome never sees a user and external auth fails closed, while the header Navidrome does
read may not be guarded at all (see caddy/bypass-nostrip).

**Fix:** \`copy_headers X-Authentik-Username>Remote-User\` (the quick fix renames the copied user header), or set
\`ND_EXTAUTH_USERHEADER\` to the copied name.

See [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth) and [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { route } of judgedRoutes(deployment)) {
			if (!route.authenticated || route.lostAuth || route.fate === 'authenticated' || route.fate === 'placeholder') continue;
			if (route.value.kind === 'client' && route.value.via) continue;
			const step = route.authSteps.find((candidate) => candidate.kind === 'forward_auth');
			if (!step) continue;
			const header = route.userHeader;
			const userLike = step.copies.filter((copy) => /user|login/i.test(copy.from));
			const anchor = userLike.length === 1 ? userLike[0]!.token : undefined;
			const location: Location = anchor ? { file: anchor.file, span: anchor.span } : step.copyDirectives[0] ? directiveHeadLocation(step.copyDirectives[0]) : directiveHeadLocation(step.directive);
			reports.add(location, route, (routes) => {
				const copied = step.copies.map((copy) => (copy.from === copy.to ? copy.from : `${copy.from}>${copy.to}`));
				const what = copied.length > 0 ? `forward_auth copies ${copied.join(', ')}` : 'forward_auth has no copy_headers';
				return {
					location,
					message: `${what}, but Navidrome reads ${header} (ExtAuth.UserHeader): on ${joinRequests(routes)} Navidrome never sees the user. ${anchor ? `Copy it as ${anchor.text.split('>')[0]}>${header}` : `Add copy_headers <user header>>${header}`}, or set ND_EXTAUTH_USERHEADER to the copied name.`,
					related: [proxyRelated(route)],
					fixes: route.fixes.renameCopy ? [route.fixes.renameCopy] : [],
				};
			});
		}
		reports.flush(report);
	},
};
