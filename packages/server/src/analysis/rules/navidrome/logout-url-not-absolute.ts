import type { Rule } from '../rule.js';
import { reportProblems } from './problems.js';

// spec: navidrome-extauth.md §1.1 and §8 item 18
export const logoutUrlNotAbsolute: Rule = {
	id: 'nd/logout-url-not-absolute',
	category: 'broken',
	severity: 'error',
	summary: 'ExtAuth.LogoutURL is not an absolute http(s) URL, which stops Navidrome at startup.',
	docs: `Since 0.61.0 Navidrome validates \`ExtAuth.LogoutURL\` at startup: it needs an \`http\` or \`https\` scheme and a host.
Anything else (\`/logout\`, \`auth.example.com/logout\`) is a fatal configuration error.

**Fix:** write the full URL, e.g. \`https://auth.example.com/logout\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) reportProblems(instance, 'logout-url-not-absolute', report, () => ({}), 'intended');
	},
};
