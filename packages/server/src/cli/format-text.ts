/** Human output: `file:line:col  severity  rule-id  message`, coloured only on a TTY. */
import type { Finding, Severity } from '../analysis/findings.js';
import type { RelativePath } from './format-json.js';

const colours: Record<Severity, string> = { error: '\u001b[31m', warning: '\u001b[33m', information: '\u001b[36m', hint: '\u001b[90m' };
const dim = '\u001b[2m';
const reset = '\u001b[0m';

export function formatText(fileCount: number, findings: Finding[], relative: RelativePath, colour: boolean): string {
	const paint = (code: string, text: string): string => (colour ? `${code}${text}${reset}` : text);
	const lines: string[] = [];
	for (const finding of findings) {
		const where = `${relative(finding.file)}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
		lines.push(`${where}: ${paint(colours[finding.severity], finding.severity)} ${paint(dim, `[${finding.ruleId}]`)} ${finding.message}`);
		for (const related of finding.related ?? []) lines.push(`    ${paint(dim, `${relative(related.file)}:${related.range.start.line + 1}:${related.range.start.character + 1}: ${related.message}`)}`);
	}
	const counts = new Map<Severity, number>();
	for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
	const summary = (['error', 'warning', 'information', 'hint'] as const).filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}${counts.get(s) === 1 || s === 'information' ? '' : 's'}`);
	lines.push(`${fileCount} file${fileCount === 1 ? '' : 's'} checked: ${summary.length ? summary.join(', ') : 'no findings'}.`);
	return `${lines.join('\n')}\n`;
}
