import { lossRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1 (C2), §5
export const routeRenamed = lossRule({
	id: 'route/renamed',
	cause: 'renamed',
	aliases: ['caddy/copyhdr-name-mismatch'],
	summary: 'The signed-in user is sent under a header name Navidrome does not read.',
	docs: routeDocs(
		`The proxy passes the user on, but under another name than \`ExtAuth.UserHeader\` (for example \`X-Authentik-Username\` while Navidrome reads \`Remote-User\`). Navidrome never sees the user.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'renamed',
	),
});
