import { lossRule, routeDocs } from './route-rule.js';

// spec: proxies.md §3.1 (N4), §5
export const routeNeverMapped = lossRule({
	id: 'route/never-mapped',
	cause: 'never-mapped',
	aliases: ['nginx/authvar-mismatch'],
	summary: 'The auth answer is never copied into the header Navidrome reads.',
	docs: routeDocs(
		`The auth step runs, but its answer never reaches the user header: the variable it should fill is not captured, or the header is set empty. Navidrome never receives the signed-in user.

See [nginx: \`auth_request_set\`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html#auth_request_set).`,
		'never-mapped',
	),
});
