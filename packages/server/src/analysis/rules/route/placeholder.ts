import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.2 (copy_headers by version)
export const routePlaceholder = forgeryRule({
	id: 'route/placeholder',
	cause: 'placeholder',
	aliases: ['caddy/copyhdr-placeholder', 'caddy/copyhdr-version'],
	summary: 'When the auth answer lacks the user, the proxy sends a literal placeholder or leaves the client’s value.',
	docs: routeDocs(
		`When the auth service answers 2xx without the identity header (an Authelia \`bypass\` rule, an Authentik unauthenticated path), some proxy versions send the user header as the literal placeholder text, or leave the client’s own value in place. Navidrome then logs in a user named after the placeholder, or whoever the client names.

Reported as a warning: whether the auth service ever answers without identity on these paths depends on its own policy.

See [Caddy: \`forward_auth\`](https://caddyserver.com/docs/caddyfile/directives/forward_auth).`,
		'placeholder',
	),
});
