import type { Rule } from '../rule.js';
import { legacyNameFixes, legacyNameUpgradeAdvice } from './fixes.js';
import { reportProblems } from './problems.js';

// spec: navidrome-extauth.md §1.2
export const legacyName: Rule = {
	id: 'nd/legacy-name',
	category: 'deprecated',
	severity: 'hint',
	summary: 'A deprecated option name (ReverseProxyWhitelist, ReverseProxyUserHeader).',
	docs: `Since 0.59.0 the reverse-proxy options are called \`ExtAuth.TrustedSources\` and \`ExtAuth.UserHeader\`. The old names
still work but log a deprecation warning at startup and "will be ignored in a future release".

**Fix:** rename to the new name, but only on images ≥ 0.59.0. Older images know only the legacy name: there the rename
turns external auth off (\`ExtAuth.TrustedSources\` is ignored). So when the image tag pins no version (\`latest\`, no
tag), no rename is offered and the message says to rename only after upgrading to 0.59.0 or later.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			// Rename on a known version ≥ 0.59.0; remove instead when the ExtAuth name is set too (no duplicate keys). On an
			// unknown version the rename is advice for after an upgrade: before 0.59.0 it would turn ext auth off.
			reportProblems(instance, 'legacy-name', report, (problem) => {
				const advice = legacyNameUpgradeAdvice(instance, problem.source);
				return { at: 'key', tags: ['deprecated'], fixes: legacyNameFixes(deployment, instance, problem.source), ...(advice ? { message: advice } : {}) };
			});
		}
	},
};
