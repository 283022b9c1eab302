import { lossRule, routeDocs } from './route-rule.js';

// spec: proxies.md §5 (headers each auth service sends)
export const routeWrongName = lossRule({
	id: 'route/wrong-name',
	cause: 'wrong-name',
	aliases: ['nginx/authvar-mismatch'],
	summary: 'The proxy copies a header the auth service does not send.',
	docs: routeDocs(
		`The proxy maps or copies an identity header the auth service does not send (Authentik sends \`X-authentik-username\`, Authelia \`Remote-User\`), so the user header stays empty.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'wrong-name',
	),
});
