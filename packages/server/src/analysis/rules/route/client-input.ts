import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1 (C7), §3.1 (N3), §3.2
export const routeClientInput = forgeryRule({
	id: 'route/client-input',
	cause: 'client-input',
	aliases: ['caddy/passthru-placeholder', 'nginx/passthru-var', 'nginx/remote-user-var'],
	summary: 'The user header is built from something the client sends.',
	docs: routeDocs(
		`The proxy sets the user header, but from client input: another request header (\`{header.X-Forwarded-User}\`, \`$http_x_forwarded_user\`), or a Basic-auth user that no \`auth_basic\` checked (\`$remote_user\`). The client picks the value, so it picks the user.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'client-input',
	),
});
