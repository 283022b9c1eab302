import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §0 (Navidrome logs in whoever the header names), navidrome-extauth.md §6 (provisioning)
export const routeLiteralUser = forgeryRule({
	id: 'route/literal-user',
	cause: 'literal-user',
	aliases: [],
	summary: 'A route without an auth step always sends one fixed user, so everyone is logged in as that user.',
	docs: routeDocs(
		`A proxy that sets the user header to a fixed name (\`Remote-User: alice\`) on requests that pass no auth step logs every client in as that user: Navidrome believes the trusted proxy and creates the user if it is missing (the first one as admin). A fixed user is sometimes meant as a single-user shortcut; behind a public address it hands the account to everyone.

Not reported when the value is empty (that removes the header) or when an auth step runs on the same requests.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'literal-user',
	),
});
