import type { Location } from '../../findings.js';
import { caddyTagBumpFix } from '../../proxies/caddy/fixes.js';
import type { Rule } from '../rule.js';
import { directiveHeadLocation, directiveText, joinRequests, judgedRoutes, originLocation, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.2, §5, §8 and §9 (CADDY-COPYHDR-VERSION)
export const caddyCopyhdrVersion: Rule = {
	id: 'caddy/copyhdr-version',
	category: 'impersonation',
	severity: 'error',
	summary: 'When the auth service answers 2xx without the user, the client’s user header passes through (Caddy 2.9.0–2.11.1 copy_headers).',
	docs: `On Caddy 2.9.0–2.11.1, \`copy_headers From>To\` only sets \`To\` when the auth answer carries \`From\`, and removes
nothing (GHSA-7r4p-vjf4-gxv4). When the auth service answers 2xx without the user (Authelia \`bypass\` policies for
anonymous users, Authentik unauthenticated paths, JWT validators), the client's \`Remote-User\` reaches Navidrome
unchanged. Caddy 2.11.2 deletes \`To\` first. The same pass-through happens on any version with a conditional set
(\`@has … != null\` + \`request_header @has …\`) and no strip before forward_auth. Severity is error when every version the
image tag allows is affected, warning when only some are (a tag such as \`caddy:2.11\` does not pin the patch).

**Fix:** upgrade to Caddy ≥ 2.11.2 **and** strip the header before forward_auth (\`route { request_header -H … }\`).

See [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { file, route } of judgedRoutes(deployment)) {
			if (!route.authenticated || route.value.kind === 'client') continue;
			const leaking = route.withoutIdentity.filter((entry) => entry.value.kind === 'client');
			if (leaking.length === 0) continue;
			const header = route.userHeader;
			const copy = route.authSteps.flatMap((step) => step.copies.map((entry) => ({ step, entry }))).find(({ entry }) => entry.to.toLowerCase() === header.toLowerCase());
			const everyVersion = leaking.length === route.withoutIdentity.length;
			const severity = everyVersion ? 'error' : 'warning';
			const byCopy = copy && leaking.some((entry) => entry.era === 'passthrough');
			let location: Location;
			if (byCopy) location = { file: copy.entry.token.file, span: copy.entry.token.span };
			else if (route.value.kind === 'auth') location = originLocation(route.value.by);
			else location = directiveHeadLocation(route.authSteps[0]!.directive);
			reports.add(location, route, (routes) => {
				const requests = joinRequests(routes);
				if (byCopy) {
					const versions = leaking.find((entry) => entry.era === 'passthrough')!.versions;
					// A tag bump removes the finding only when every leaking version is in the pass-through era.
					const bump = leaking.every((entry) => entry.era === 'passthrough') && file.version.location ? caddyTagBumpFix(file.version, deployment.files.get(file.version.location.file)?.text) : undefined;
					const scope = everyVersion ? `${file.version.description} only sets` : `On Caddy ${versions} (${file.version.description} allows it), copy_headers only sets`;
					return {
						location,
						message: `${scope} ${header} when the auth answer has ${copy.entry.from}: when the auth service answers 2xx without it (Authelia bypass policies, Authentik unauthenticated paths), the client's ${header} passes through on ${requests} (GHSA-7r4p-vjf4-gxv4, Caddy 2.9.0–2.11.1). Upgrade to Caddy 2.11.2 or later and strip ${header} before forward_auth.`,
						severity,
						related: [proxyRelated(route), ...(file.version.location ? [{ ...file.version.location, message: 'Caddy version' }] : [])],
						...(bump ? { fixes: [bump] } : {}),
					};
				}
				const setter = route.value.kind === 'auth' ? directiveText(route.value.by.directive) : directiveText(route.authSteps[0]!.directive);
				return {
					location,
					message: `${setter} only sets ${header} when the auth answer has the user, and nothing strips ${header} before forward_auth: when the auth service answers 2xx without it (Authelia bypass policies, Authentik unauthenticated paths), the client's ${header} passes through on ${requests}. Strip ${header} first (route { request_header -${header} … }).`,
					severity,
					related: [proxyRelated(route)],
				};
			});
		}
		reports.flush(report);
	},
};
