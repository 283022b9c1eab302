import { lossRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1 (C5, C6), §4.2
export const routeStripAfterAuth = lossRule({
	id: 'route/strip-after-auth',
	cause: 'strip-after-auth',
	aliases: ['caddy/strip-after-auth', 'caddy/headerup-strips-auth', 'traefik/strip-after-auth'],
	summary: 'The user header is removed after the auth step set it, so Navidrome never sees the user.',
	docs: routeDocs(
		`A strip meant for client copies runs after the auth step and removes the user the auth service just set. Requests arrive without a user and Navidrome shows its login page: external auth silently does nothing.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'strip-after-auth',
	),
});
