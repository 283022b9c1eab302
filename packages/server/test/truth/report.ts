/** A run's summary as text: counts, agreement rate, invalid reasons and the constructs covered. */
import type { Report } from './run.js';

export function describeReport(report: Report): string {
	const rate = report.valid > 0 ? ((100 * report.agreed) / report.valid).toFixed(1) : '—';
	const lines = [
		`${report.proxy} (seed ${report.seed}): ${report.generated} generated, ${report.valid} valid, ${report.invalid} refused by the real tool; ${report.agreed}/${report.valid} agree (${rate} %), ${report.comparedPaths} site×path comparisons; ${(report.ms / 1000).toFixed(1)} s`,
	];
	if (report.invalidReasons.size > 0) lines.push('  refused:', ...[...report.invalidReasons].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([reason, count]) => `    ${count}× ${reason}`));
	lines.push(`  constructs (valid configs using each): ${[...report.constructs].sort((a, b) => a[0].localeCompare(b[0])).map(([name, count]) => `${name} ${count}`).join(', ')}`);
	return lines.join('\n');
}
