/**
A deployment's verdict in words, shared by the CLI and the browser playground: the count line the CLI's text output
ends with (`4 files checked: 1 error, 1 warning.`) and a headline naming the worst thing the findings say
(`Unsafe: anyone can log in as admin via /share/*, /rest/*`). Pure: findings and routes in, strings out.
*/
import type { Category, Finding, Severity } from './findings.js';
import type { ProxyRoute } from './model/deployment.js';

/** `unsafe`: impersonation or exposure; `broken`: external auth silently does not work; `notes`: the rest. */
export type VerdictLevel = 'unsafe' | 'broken' | 'notes' | 'ok';

export type Verdict = {
	level: VerdictLevel;
	/** One sentence, most serious problem first. */
	headline: string;
	/** The CLI's count line (`summaryLine`). */
	summary: string;
};

const severityOrder: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** The last line of `check`'s text output: files checked and findings per severity. */
export function summaryLine(fileCount: number, findings: readonly Pick<Finding, 'severity'>[]): string {
	const counts = new Map<Severity, number>();
	for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
	const parts = severityOrder.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}${counts.get(s) === 1 || s === 'information' ? '' : 's'}`);
	return `${fileCount} file${fileCount === 1 ? '' : 's'} checked: ${parts.length ? parts.join(', ') : 'no findings'}.`;
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
The verdict of one analysis. Impersonation names the requests on which a client's own user header reaches Navidrome
(routes whose header fate is `passthrough`, proxies.md §2.1 C1d), since that is what an attacker sends.
*/
export function verdictOf(fileCount: number, findings: readonly Finding[], routes: readonly ProxyRoute[] = []): Verdict {
	const summary = summaryLine(fileCount, findings);
	const shown = findings.filter((finding) => finding.severity !== 'hint');
	const of = (category: Category): Finding[] => shown.filter((finding) => finding.category === category);
	const impersonation = of('impersonation');
	if (impersonation.length > 0) {
		const open = [...new Set(routes.filter((route) => route.header.fate === 'passthrough' && route.target).map((route) => route.requests))];
		const via = open.length > 0 ? ` via ${open.join(', ')}` : '';
		return { level: 'unsafe', headline: `Unsafe: anyone can log in as admin${via} (${plural(impersonation.length, 'impersonation risk', 'impersonation risks')}).`, summary };
	}
	const exposure = of('exposure').filter((finding) => finding.severity === 'error');
	if (exposure.length > 0) return { level: 'unsafe', headline: `Unsafe: too much is trusted or reachable (${plural(exposure.length, 'exposure risk', 'exposure risks')}).`, summary };
	const broken = [...of('broken'), ...of('syntax')].filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
	if (broken.length > 0) return { level: 'broken', headline: `Broken: external auth does not work as written (${plural(broken.length, 'problem', 'problems')}).`, summary };
	if (shown.length > 0) return { level: 'notes', headline: `No impersonation found; ${plural(shown.length, 'finding', 'findings')} to look at.`, summary };
	return { level: 'ok', headline: 'No problems found.', summary };
}
