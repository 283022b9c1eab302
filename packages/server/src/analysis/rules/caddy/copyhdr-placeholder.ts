import type { Rule } from '../rule.js';
import { directiveText, joinRequests, judgedRoutes, originLocation, proxyRelated, ReportsByLocation } from './helpers.js';

// spec: proxies.md §2.1 (C1c, C3, C4 notes, C6), §2.2 and §9 (CADDY-COPYHDR-PLACEHOLDER)
export const caddyCopyhdrPlaceholder: Rule = {
	id: 'caddy/copyhdr-placeholder',
	category: 'exposure',
	severity: 'warning',
	summary: 'Navidrome can receive the literal text {http.reverse_proxy.header.X} as the user name.',
	docs: `Up to Caddy 2.8.4, \`copy_headers From>To\` sets \`To\` to \`{http.reverse_proxy.header.From}\` unconditionally, and
Caddy leaves an unknown placeholder as literal text. When the auth service answers 2xx without \`From\` (Authelia bypass
policies for anonymous users, Authentik unauthenticated paths), Navidrome receives that text as the user name, logs the
request in as that user and creates it: an admin on a fresh install, shared by every anonymous visitor. A
\`request_header H {rp.header.X}\` without a condition does the same on every Caddy version.

**Fix:** the conditional set inside \`route\` (\`request_header -H\`, forward_auth without copy_headers,
\`@has \`{rp.header.X} != null\`\`, \`request_header @has H {rp.header.X}\`), or Caddy ≥ 2.11.2 with an explicit strip.

See [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth).`,
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		const reports = new ReportsByLocation();
		for (const { file, route } of judgedRoutes(deployment)) {
			const candidates = [...(route.value.kind === 'placeholder' ? [{ era: undefined, versions: '', value: route.value }] : []), ...route.withoutIdentity];
			const placeholder = candidates.find((entry) => entry.value.kind === 'placeholder');
			if (!placeholder || placeholder.value.kind !== 'placeholder') continue;
			const value = placeholder.value;
			const location = originLocation(value.by);
			const header = route.userHeader;
			reports.add(location, route, (routes) => {
				const requests = joinRequests(routes);
				const byCopy = value.by.kind === 'copy_headers' && placeholder.era === 'placeholder';
				const when = placeholder.era === undefined ? 'even when the auth service accepts the user' : 'when the auth service answers 2xx without the user (Authelia bypass policies, Authentik unauthenticated paths)';
				const scope = byCopy ? `On Caddy ${placeholder.versions} (${file.version.description}), copy_headers sets` : `${directiveText(value.by.directive)} sets`;
				return {
					location,
					message: `${scope} ${header} to the literal text ${value.text} ${when} on ${requests}: Navidrome logs such requests in as a user of that name and creates it (an admin on a fresh install). ${byCopy ? 'Use a conditional set (@has … != null) inside route, or Caddy 2.11.2 or later with an explicit strip.' : 'Set the header only when the auth answer has it (@has … != null).'}`,
					related: [proxyRelated(route)],
				};
			});
		}
		reports.flush(report);
	},
};
