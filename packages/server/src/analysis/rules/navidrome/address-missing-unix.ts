import type { Rule } from '../rule.js';
import { reportProblems } from './problems.js';
import { sourceSite } from './helpers.js';

// spec: navidrome-extauth.md §1.4 and §8 item 6
export const addressMissingUnix: Rule = {
	id: 'nd/address-missing-unix',
	category: 'broken',
	severity: 'error',
	summary: 'Address is a socket path without the `unix:` prefix, so Navidrome fails to start.',
	docs: `Navidrome listens on a UNIX socket only when \`Address\` starts with exactly \`unix:\`. A bare path such as
\`/var/run/navidrome.sock\` (as the ExtAuth quick-start shows) is taken as a TCP host name and startup fails with
"lookup /var/run/navidrome.sock: no such host". The \`@\` TrustedSources entry checks the same prefix.

**Fix:** write \`unix:/var/run/navidrome.sock\`.

See [Navidrome: configuration options](https://www.navidrome.org/docs/usage/configuration/options/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			reportProblems(instance, 'address-socket-without-unix', report, (problem) => {
				const site = sourceSite(instance, problem.source);
				const value = instance.intended.settings.address.value;
				const exact = site?.locate({ start: 0, end: value.length });
				return { fixes: exact ? [{ title: `Change to 'unix:${value}'`, edits: [{ ...exact, newText: `unix:${value}` }], isPreferred: true }] : [] };
			}, 'intended');
		}
	},
};
