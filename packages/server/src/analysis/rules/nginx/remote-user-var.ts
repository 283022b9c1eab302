import type { Rule } from '../rule.js';
import { argLocation, assumedNote, judgedRoutes, onceReporter, where } from './helpers.js';

// spec: proxies.md §3.1 ([E] N2e) and §9 (NGINX-REMOTE-USER-VAR)
export const nginxRemoteUserVar: Rule = {
	id: 'nginx/remote-user-var',
	category: 'impersonation',
	severity: 'error',
	summary: 'The user header is set from $remote_user where auth_basic is not in force.',
	docs: `\`$remote_user\` is the user name from the client's \`Authorization: Basic\` header. nginx only checks it against a
password file where \`auth_basic\` is in force; elsewhere (no \`auth_basic\`, or \`auth_basic off\`) it is read unverified,
so \`curl -u admin:anything\` makes \`proxy_set_header Remote-User $remote_user;\` log the client in as \`admin\`. An
\`auth_request\` in front does not help: the auth service judges its own session (a cookie), not this header.

**Fix:** use \`$remote_user\` only where \`auth_basic\` with \`auth_basic_user_file\` is in force; with an auth service,
capture its answer with \`auth_request_set\` instead.

See [nginx: \`$remote_user\`](https://nginx.org/en/docs/http/ngx_http_core_module.html#var_remote_user) and [nginx: \`auth_request\`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const once = onceReporter(report);
		for (const route of judgedRoutes(deployment).routes) {
			const header = route.header;
			if (header.forgeCause !== 'remote-user' || !header.culprit) continue;
			const name = route.userHeader;
			const basic = header.disabledBy?.name === 'auth_basic' ? 'auth_basic is off' : 'no auth_basic is in force';
			once({
				location: argLocation(header.culprit, 1),
				message: `$remote_user comes unverified from the client's 'Authorization: Basic' header in ${where(route)} (${basic}): anyone can send 'Basic admin:x' and be logged in as admin through ${name}.${assumedNote(route)}`,
			});
		}
	},
};
