import { caddyDocs } from './docs/caddy.js';
import { nginxDocs } from './docs/nginx.js';
import { traefikDocs } from './docs/traefik.js';
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
		[
			{ proxy: 'Caddy', docs: caddyDocs },
			{ proxy: 'nginx', docs: nginxDocs },
			{ proxy: 'Traefik', docs: traefikDocs },
		],
	),
});
