import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1 (C1e), §3.1 (N1f), §4.1
export const routeAuthNoUser = forgeryRule({
	id: 'route/auth-no-user',
	cause: 'auth-no-user',
	aliases: ['traefik/authresponse-missing'],
	summary: 'An auth step runs but never sets the user header, and nothing removes the client’s copy.',
	docs: routeDocs(
		`The auth step checks the user but does not copy the user into the header Navidrome reads, and nothing removes a client-sent one: anyone the auth service lets through can send \`Remote-User: admin\` and be logged in as admin.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'auth-no-user',
	),
});
