import type { Report } from '../../findings.js';
import type { Directive } from '../../formats/nginx/index.js';
import { judgeRoute, type GateVerdict } from '../../model/gate.js';
import { headerVariable, nginxModel, underscoreDirectives } from '../../proxies/nginx/index.js';
import type { Rule } from '../rule.js';

type Found = { header: string; live: boolean; latent: Extract<GateVerdict, { state: 'latent' }> | undefined };

// spec: proxies.md §3.1 ([E] N1g, N3a, N3b, N3c) and §9 (NGINX-UNDERSCORES); navidrome-extauth.md §2, §5 (the gate)
export const nginxUnderscores: Rule = {
	id: 'nginx/underscores',
	category: 'hardening',
	severity: 'warning',
	summary: '`underscores_in_headers on` or `ignore_invalid_headers off` in front of Navidrome.',
	docs: `By default nginx drops request headers whose names contain \`_\`. With \`underscores_in_headers on\` (or
\`ignore_invalid_headers off\`) a client's \`Remote_User\` survives: \`proxy_set_header Remote-User "";\` does not remove
it (different name), and \`$http_remote_user\` matches it. Navidrome (Go) reads \`Remote_User\` as a different header, so
the alias alone does not log anyone in, but it defeats a strip that relies on \`$http_*\` and collides with the user
header in CGI/FastCGI/WSGI backends behind the same proxy. Severity is error when the user header is also mapped
from \`$http_*\` on a route where Navidrome reads it; information, marked latent, when Navidrome would read it only
after an upgrade or a trust change. Not reported for locations where Navidrome never reads the header.

**Fix:** keep the defaults (\`underscores_in_headers off; ignore_invalid_headers on;\`), or strip both spellings.

See [nginx: \`underscores_in_headers\`](https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'nginx'],
	check({ deployment, report }) {
		const found = new Map<Directive, Found>();
		for (const route of nginxModel(deployment).routes) {
			const verdict = judgeRoute(route.route);
			if (verdict.state === 'moot') continue;
			const withHttpVar = route.header.forgeCause === 'client-variable' && route.header.variable === headerVariable(route.userHeader);
			for (const directive of underscoreDirectives(route.level)) {
				const entry = found.get(directive) ?? { header: route.userHeader, live: false, latent: undefined };
				if (withHttpVar && verdict.state === 'live') entry.live = true;
				if (withHttpVar && verdict.state === 'latent') entry.latent ??= verdict;
				found.set(directive, entry);
			}
		}
		for (const [directive, { header, live, latent }] of found) {
			const alias = header.replaceAll('-', '_');
			const setting = `${directive.name} ${directive.args[0]?.value ?? ''}`;
			const safeValue = directive.name === 'underscores_in_headers' ? 'off' : 'on';
			const arg = directive.args[0];
			const fixes = arg ? [{ title: `Set ${directive.name} ${safeValue}`, edits: [{ file: directive.file, span: arg.span, newText: safeValue }], isPreferred: true }] : [];
			const location = { file: directive.file, span: directive.span };
			const item: Report = live
				? { location, message: `${setting} lets a client's '${alias}' through, and $${headerVariable(header)} matches it: the client chooses the user Navidrome sees. Set ${directive.name} ${safeValue}.`, severity: 'error', fixes }
				: latent
					? { location, message: `Latent: ${setting} lets a client's '${alias}' through, and $${headerVariable(header)} matches it. ${latent.today} ${latent.why === 'version' ? 'After an upgrade' : 'If the trust list ever covers this proxy'}, the client could choose the user Navidrome sees. Set ${directive.name} ${safeValue}.`, severity: 'information', latent: latent.why, fixes }
					: { location, message: `${setting} lets a client's '${alias}' reach the upstream: proxy_set_header ${header} "" does not remove it and $${headerVariable(header)} matches it. Set ${directive.name} ${safeValue} unless something needs it.`, severity: 'warning', fixes };
			report(item);
		}
	},
};
