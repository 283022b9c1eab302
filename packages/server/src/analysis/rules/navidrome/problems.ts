/** Reporting a core `SettingsProblem` at the text that caused it. */
import type { SettingsProblem, SettingsProblemCode } from '@navidrome-extauth/core';
import type { Fix, Related, Report } from '../../findings.js';
import type { NavidromeInstance } from '../../model/deployment.js';
import { guardedReport, instanceAnchor, sourceSite } from './helpers.js';

export type ProblemReport = Omit<Report, 'location' | 'message'> & { message?: string; at?: 'key' | 'value' };

/**
Reports every problem with `code` of the instance's effective settings (or, with `intended`, of the newest-release
resolution), on the key or value that caused it, with the other inputs involved as related locations.
*/
export function reportProblems(
	instance: NavidromeInstance,
	code: SettingsProblemCode,
	report: (report: Report) => void,
	extra: (problem: SettingsProblem) => ProblemReport | undefined = () => ({}),
	which: 'settings' | 'intended' = 'settings',
): void {
	for (const problem of instance[which].problems) {
		if (problem.code !== code) continue;
		const more = extra(problem);
		if (!more) continue;
		const site = sourceSite(instance, problem.source);
		// Core messages may quote the value (`write "…"`); the guard hides secret ones.
		const name = problem.source?.kind === 'env' ? problem.source.name : problem.source?.kind === 'toml' ? problem.source.key : problem.setting;
		const from = site?.secret ? `\${${site.secret.via}}${site.secret.where ? ` in ${site.secret.where}` : ''}` : undefined;
		const fallback = from ? `${name} has a value Navidrome cannot use (${code.replaceAll('-', ' ')}); the value came from ${from}, so it is not quoted here.` : undefined;
		const guarded = guardedReport(instance, report, fallback);
		const location = site ? (more.at === 'key' ? site.keyLocation : site.location) : instanceAnchor(instance);
		const related: Related[] = [...(more.related ?? [])];
		for (const source of problem.related) {
			const other = sourceSite(instance, source);
			if (other) related.push({ ...other.keyLocation, message: 'Also set here' });
		}
		const fixes: Fix[] = more.fixes ?? [];
		guarded({ ...more, location, message: more.message ?? problem.message, related, fixes });
	}
}
