import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1 (C3, C4), §2.3
export const routeStripGap = forgeryRule({
	id: 'route/strip-gap',
	cause: 'strip-gap',
	aliases: ['caddy/strip-matcher-gap'],
	summary: 'A strip of the user header exists, but its condition misses requests that skip the auth step.',
	docs: routeDocs(
		`The configuration removes the client's user header, but only on some requests, and the requests that skip the auth step are not among them. On those, a client-sent \`Remote-User: admin\` reaches Navidrome from a trusted address.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'strip-gap',
	),
});
