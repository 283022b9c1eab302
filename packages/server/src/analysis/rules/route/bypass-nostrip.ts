import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §2.1, §3.1, §4.2 (what each proxy forwards); navidrome-extauth.md §2, §5 (the gate)
export const routeBypassNostrip = forgeryRule({
	id: 'route/bypass-nostrip',
	cause: 'bypass-nostrip',
	aliases: ['caddy/bypass-nostrip', 'nginx/bypass-nostrip', 'traefik/bypass-nostrip'],
	summary: 'Requests reach Navidrome without an auth step, and nothing removes a client-sent user header.',
	docs: routeDocs(
		`Proxies forward every client header they do not rewrite. A route that reaches Navidrome without an auth step (a matcher that skips \`/share/*\` and \`/rest/*\`, a \`location\` with \`auth_request off\`, a router without forwardAuth) and that does not remove the client's user header lets anyone send \`Remote-User: admin\`: Navidrome trusts the proxy's address and logs the client in as \`admin\`. Unknown names are created, and on a fresh install the first one becomes admin. On \`/rest/*\` that is the whole Subsonic API. Header names are case-insensitive, so \`remote-user\` works too.

Reported at information severity, as **latent**, when Navidrome does not trust the proxy's address today or the pinned image ignores the options or the header on these paths: it becomes exploitable on an upgrade or a trust change. Not reported when the route only reaches paths where Navidrome never reads the header.

See [Navidrome: external authentication](https://www.navidrome.org/docs/usage/integration/authentication/#reverse-proxy-authentication).`,
		'bypass-nostrip',
	),
});
