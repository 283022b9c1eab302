import { forgeryRule, routeDocs } from './route-rule.js';

// spec: proxies.md §3.1 (N2), §3.2
export const routeInheritLost = forgeryRule({
	id: 'route/inherit-lost',
	cause: 'inherit-lost',
	aliases: ['nginx/inherit-lost'],
	summary: 'A strip or mapping of the user header is lost through inheritance.',
	docs: routeDocs(
		`A level that defines its own header lines drops the ones it would inherit. A strip (\`proxy_set_header Remote-User "";\`) or mapping written at \`http\` or \`server\` level then no longer applies in a location with its own \`proxy_set_header\` lines, and the client's header passes.

See [nginx: \`proxy_set_header\`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).`,
		'inherit-lost',
	),
});
