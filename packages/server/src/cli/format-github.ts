/**
GitHub Actions workflow annotations, one line per finding:
`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` (lines and columns 1-based; `endColumn` is the
column just past the end). Error findings become `error`, warnings `warning`, information and hints `notice`.
*/
import type { Finding, Severity } from '../analysis/findings.js';
import type { RelativePath } from './format-json.js';
import { escapeControls } from './format-text.js';

const commands: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** Escapes for a command's message: `%`, CR and LF (the runner decodes them back). */
export function escapeData(text: string): string {
	return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes for a property value: the message escapes plus `:` and `,`, which end a value. */
export function escapeProperty(text: string): string {
	return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(findings: Finding[], relative: RelativePath): string {
	const lines: string[] = [];
	for (const finding of findings) {
		const { start, end } = finding.range;
		const properties = [
			`file=${escapeProperty(escapeControls(relative(finding.file), 'path'))}`,
			`line=${start.line + 1}`,
			`col=${start.character + 1}`,
			`endLine=${end.line + 1}`,
			`endColumn=${end.character + 1}`,
			`title=${escapeProperty(escapeControls(`${finding.ruleId} (${finding.category})`))}`,
		];
		let message = escapeControls(finding.message);
		for (const related of finding.related ?? []) message += `\n${escapeControls(relative(related.file), 'path')}:${related.range.start.line + 1}:${related.range.start.character + 1}: ${escapeControls(related.message)}`;
		lines.push(`::${commands[finding.severity]} ${properties.join(',')}::${escapeData(message)}`);
	}
	return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
