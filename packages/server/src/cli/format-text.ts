/** Human output: `file:line:col  severity  rule-id  message`, coloured only on a TTY. */
import type { Finding, Severity } from '../analysis/findings.js';
import type { RelativePath } from './format-json.js';
import { coverageNotes, summaryLine, type Coverage } from '../analysis/verdict.js';

const colours: Record<Severity, string> = { error: '\u001b[31m', warning: '\u001b[33m', information: '\u001b[36m', hint: '\u001b[90m' };
const dim = '\u001b[2m';
const reset = '\u001b[0m';

/** C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what a terminal shows. */
const unsafeInMessages = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** In paths, tab and newline too: a file name must not start a line of its own. */
const unsafeInPaths = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
Make text from files or file names safe to print on a terminal: each control character becomes a visible escape
(`\x1b`, `\u202e`), so an escape sequence arrives as plain text. `path` also escapes tab and newline.
*/
export function escapeControls(text: string, kind: 'message' | 'path' = 'message'): string {
	return text.replace(kind === 'path' ? unsafeInPaths : unsafeInMessages, (c) => {
		const code = c.charCodeAt(0);
		return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}

/** Findings one per line, then (with `coverage`) what was judged, assumed and not seen, then the count line. */
export function formatText(fileCount: number, findings: Finding[], relative: RelativePath, colour: boolean, coverage?: Coverage): string {
	const paint = (code: string, text: string): string => (colour ? `${code}${text}${reset}` : text);
	const at = (file: string, position: { line: number; character: number }): string => `${escapeControls(relative(file), 'path')}:${position.line + 1}:${position.character + 1}`;
	const lines: string[] = [];
	for (const finding of findings) {
		lines.push(`${at(finding.file, finding.range.start)}: ${paint(colours[finding.severity], finding.severity)} ${paint(dim, `[${escapeControls(finding.ruleId)}]`)} ${escapeControls(finding.message)}`);
		for (const related of finding.related ?? []) lines.push(`    ${paint(dim, `${at(related.file, related.range.start)}: ${escapeControls(related.message)}`)}`);
	}
	if (coverage) for (const note of coverageNotes(coverage, (path) => escapeControls(relative(path), 'path'))) lines.push(paint(dim, escapeControls(note.text)));
	lines.push(summaryLine(fileCount, findings));
	return `${lines.join('\n')}\n`;
}
