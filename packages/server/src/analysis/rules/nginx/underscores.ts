import type { Directive } from '../../formats/nginx/index.js';
import { headerVariable, underscoreDirectives } from '../../proxies/nginx/index.js';
import type { Rule } from '../rule.js';
import { judgedRoutes } from './helpers.js';

// spec: proxies.md §3.1 ([E] N1g, N3a, N3b, N3c) and §9 (NGINX-UNDERSCORES)
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
from \`$http_*\`.

**Fix:** keep the defaults (\`underscores_in_headers off; ignore_invalid_headers on;\`), or strip both spellings.

See [nginx: \`underscores_in_headers\`](https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const found = new Map<Directive, { header: string; withHttpVar: boolean }>();
		for (const route of judgedRoutes(deployment).routes) {
			const withHttpVar = route.header.forgeCause === 'client-variable' && route.header.variable === headerVariable(route.userHeader);
			for (const directive of underscoreDirectives(route.level)) {
				const seen = found.get(directive);
				found.set(directive, { header: route.userHeader, withHttpVar: withHttpVar || seen?.withHttpVar === true });
			}
		}
		for (const [directive, { header, withHttpVar }] of found) {
			const alias = header.replaceAll('-', '_');
			const setting = `${directive.name} ${directive.args[0]?.value ?? ''}`;
			const safeValue = directive.name === 'underscores_in_headers' ? 'off' : 'on';
			const arg = directive.args[0];
			report({
				location: { file: directive.file, span: directive.span },
				message: withHttpVar
					? `${setting} lets a client's '${alias}' through, and $${headerVariable(header)} matches it: the client chooses the user Navidrome sees. Set ${directive.name} ${safeValue}.`
					: `${setting} lets a client's '${alias}' reach the upstream: proxy_set_header ${header} "" does not remove it and $${headerVariable(header)} matches it. Set ${directive.name} ${safeValue} unless something needs it.`,
				severity: withHttpVar ? 'error' : 'warning',
				fixes: arg ? [{ title: `Set ${directive.name} ${safeValue}`, edits: [{ file: directive.file, span: arg.span, newText: safeValue }], isPreferred: true }] : [],
			});
		}
	},
};
