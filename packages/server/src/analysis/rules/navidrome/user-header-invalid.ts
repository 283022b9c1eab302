import type { Rule } from '../rule.js';
import { reportProblems } from './problems.js';

// spec: navidrome-extauth.md §4 (header semantics) and §8 item 13
export const userHeaderInvalid: Rule = {
	id: 'nd/user-header-invalid',
	category: 'broken',
	severity: 'error',
	summary: 'ExtAuth.UserHeader is empty or not a valid header name, so it never matches.',
	docs: `Navidrome reads the user with Go's \`Header.Get(UserHeader)\`. An empty name, or one with spaces or other characters
that are not allowed in HTTP header names, can never match a request header: external auth silently never works.

**Fix:** use the exact header your proxy sets, e.g. \`Remote-User\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (!instance.intended.settings.extAuthEnabled) continue;
			reportProblems(instance, 'user-header-invalid', report, () => ({}), 'intended');
		}
	},
};
