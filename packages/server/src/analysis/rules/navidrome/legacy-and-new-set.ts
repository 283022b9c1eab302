import type { Rule } from '../rule.js';
import { bothNamesFixes } from './fixes.js';
import { reportProblems } from './problems.js';

// spec: navidrome-extauth.md §1.2 and §8 item 8
export const legacyAndNewSet: Rule = {
	id: 'nd/legacy-and-new-set',
	category: 'ignored-setting',
	severity: 'warning',
	summary: 'Both the legacy and the ExtAuth name of a setting are set; one of them is silently ignored.',
	docs: `\`ReverseProxyWhitelist\` and \`ReverseProxyUserHeader\` still work as aliases of \`ExtAuth.TrustedSources\` and
\`ExtAuth.UserHeader\`. When both names are set, which one wins depends on the version: from 0.59.0 to 0.63.2 the
**legacy value wins** even over an explicit ExtAuth value; after 0.63.2 (unreleased master) the new name wins.
Either way one of the two values is ignored without a word.

**Fix:** keep only the \`ExtAuth.*\` name.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) reportProblems(instance, 'both-names-set', report, (problem) => ({ at: 'key', fixes: bothNamesFixes(deployment, instance, problem) }));
	},
};
