import { capturedHeader, effectiveArray, headerVariable, underscoreDirectives } from '../../proxies/nginx/index.js';
import type { Fix } from '../../findings.js';
import type { Rule } from '../rule.js';
import { argLocation, assumedNote, judgedRoutes, onceReporter, where } from './helpers.js';

// spec: proxies.md §3.1 ([E] N2d, N3c) and §9 (NGINX-PASSTHRU-VAR)
export const nginxPassthruVar: Rule = {
	id: 'nginx/passthru-var',
	category: 'impersonation',
	severity: 'error',
	summary: 'The user header is set from a client-controlled variable ($http_*, $cookie_*, $arg_*).',
	docs: `\`proxy_set_header Remote-User $http_remote_user;\` copies the header the client sent, so the proxy hands
Navidrome whatever user the client names, even behind \`auth_request\`. With \`underscores_in_headers on\`,
\`$http_remote_user\` also matches a client's \`Remote_User\`, which a clear of \`Remote-User\` does not remove. The same
holds for any value built from \`$http_*\`, \`$cookie_*\` or \`$arg_*\`, directly or through \`set\` or \`map\`.

**Fix:** take the user from the auth service: \`auth_request_set $user $upstream_http_remote_user;\` (Authentik:
\`$upstream_http_x_authentik_username\`) and \`proxy_set_header Remote-User $user;\`. The quick fix is offered when such
a captured variable is already in effect.

See [nginx: \`proxy_set_header\`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const once = onceReporter(report);
		for (const route of judgedRoutes(deployment).routes) {
			const header = route.header;
			if (header.forgeCause !== 'client-variable' || !header.culprit) continue;
			const name = route.userHeader;
			const variable = header.variable ?? 'http_…';
			const alias = variable === headerVariable(name) && underscoreDirectives(route.level).length > 0 ? ` (with ${underscoreDirectives(route.level)[0]!.name} ${underscoreDirectives(route.level)[0]!.args[0]?.value ?? ''}, a client's '${name.replaceAll('-', '_')}' matches it too)` : '';
			const fixes: Fix[] = [];
			const arg = header.culprit.args[1];
			const capture = header.protection?.name === 'auth_request' ? effectiveArray(route.level, 'auth_request_set')?.directives.find((d) => {
				const captured = capturedHeader((d.args[1]?.value ?? '').replace(/^\$\{?|\}?$/g, ''));
				return captured !== undefined && (captured === name.toLowerCase() || captured === header.service?.userHeader);
			}) : undefined;
			if (arg && capture?.args[0] && arg.value.includes(`$${variable}`)) {
				fixes.push({ title: `Use ${capture.args[0].value} from the auth answer`, edits: [{ file: header.culprit.file, span: arg.span, newText: capture.args[0].value }], isPreferred: true });
			}
			once({
				location: argLocation(header.culprit, 1),
				message: `${name} is copied from $${variable}, which the client sets: anyone reaching ${where(route)} can send '${name}: admin' and be logged in as admin${alias}. Use a variable captured from the auth service with auth_request_set.${assumedNote(route)}`,
				fixes,
			});
		}
	},
};
