import { findSetting } from '@navidrome-extauth/core';
import type { Fix } from '../../findings.js';
import type { Rule } from '../rule.js';
import { sourceSite } from './helpers.js';
import { reportProblems } from './problems.js';

export const legacyName: Rule = {
	id: 'nd/legacy-name',
	category: 'deprecated',
	severity: 'hint',
	summary: 'A deprecated option name (ReverseProxyWhitelist, ReverseProxyUserHeader).',
	docs: `Since 0.59.0 the reverse-proxy options are called \`ExtAuth.TrustedSources\` and \`ExtAuth.UserHeader\`. The old names
still work but log a deprecation warning at startup and "will be ignored in a future release".

**Fix:** rename to the new name (only on images ≥ 0.59.0; older images know only the legacy name).

Rests on navidrome-extauth.md §1.2.`,
	inputs: ['compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			const bothSet = new Set(instance.settings.problems.filter((p) => p.code === 'both-names-set').map((p) => p.setting));
			reportProblems(instance, 'legacy-name', report, (problem) => {
				const fixes: Fix[] = [];
				const legacy = problem.setting ? findSetting(problem.setting) : undefined;
				const replacement = legacy?.deprecatedBy ? findSetting(legacy.deprecatedBy) : undefined;
				const site = sourceSite(instance, problem.source);
				if (replacement && site && problem.source?.kind === 'env' && !bothSet.has(problem.setting)) {
					fixes.push({ title: `Rename to ${replacement.envName}`, edits: [{ ...site.keyLocation, newText: replacement.envName }], isPreferred: true });
				}
				return { at: 'key', tags: ['deprecated'], fixes };
			});
		}
	},
};
