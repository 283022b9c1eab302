import type { Rule } from '../rule.js';
import { reportProblems } from './problems.js';

// spec: navidrome-extauth.md §1.1 ("TrustedSources is a plain string")
export const settingWrongType: Rule = {
	id: 'nd/setting-wrong-type',
	category: 'ignored-setting',
	severity: 'warning',
	summary: 'A navidrome.toml value of the wrong type (e.g. a TOML array for TrustedSources).',
	docs: `\`ExtAuth.TrustedSources\` and \`ExtAuth.UserHeader\` are plain strings: TrustedSources is one comma-separated string,
not a TOML array. A value of another type is not what Navidrome documents and may be ignored or misread.

**Fix:** write a string: \`TrustedSources = "172.30.0.10/32"\`.

See [Navidrome: configuration options](https://www.navidrome.org/docs/usage/configuration/options/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) reportProblems(instance, 'not-a-string', report, () => ({}), 'intended');
	},
};
