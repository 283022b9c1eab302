/**
Code actions for the findings under a range: each rule fix as a quick fix, "Disable <rule> for this line" (a
`# navidrome-extauth-disable-next-line` comment above the finding, see analysis/suppressions.ts), and "Show
documentation for <rule>" (a command the client runs).
*/
import type { Finding, TextEdit } from '../analysis/findings.js';
import type { Span } from '../analysis/text.js';
import { lineAt, previousLine, indentation } from './text-context.js';

export const showRuleDocumentationCommand = 'navidrome-extauth.showRuleDocumentation';

export type CodeActionResult = {
	title: string;
	kind: 'quickfix';
	/** The finding the action resolves or is about. */
	finding: Finding;
	isPreferred?: boolean;
	edits?: TextEdit[];
	command?: { command: string; title: string; arguments: unknown[] };
};

const disableMarker = /^(\s*)#\s*navidrome-extauth-disable-next-line\b(.*)$/;

/** Actions for `findings` of `path` that overlap `range` (offsets into `text`, the document's current text). */
export function codeActions(path: string, text: string, range: Span, findings: readonly Finding[]): CodeActionResult[] {
	const fixes: CodeActionResult[] = [];
	const suppressions: CodeActionResult[] = [];
	const docs: CodeActionResult[] = [];
	const disabled = new Set<string>();
	const documented = new Set<string>();
	for (const finding of findings) {
		if (finding.file !== path || finding.span.start > range.end || finding.span.end < range.start) continue;
		for (const fix of finding.fixes ?? []) {
			fixes.push({ title: fix.title, kind: 'quickfix', finding, ...(fix.isPreferred ? { isPreferred: true } : {}), edits: fix.edits.map(({ file, span, newText }) => ({ file, span, newText })) });
		}
		const lineKey = `${finding.ruleId}\u0000${finding.range.start.line}`;
		if (!disabled.has(lineKey) && finding.span.start <= text.length) {
			disabled.add(lineKey);
			suppressions.push({ title: `Disable ${finding.ruleId} for this line`, kind: 'quickfix', finding, edits: [disableEdit(path, text, finding)] });
		}
		if (!documented.has(finding.ruleId)) {
			documented.add(finding.ruleId);
			const title = `Show documentation for ${finding.ruleId}`;
			docs.push({ title, kind: 'quickfix', finding, command: { command: showRuleDocumentationCommand, title, arguments: [{ ruleId: finding.ruleId }] } });
		}
	}
	return [...fixes, ...suppressions, ...docs];
}

/** Insert `# navidrome-extauth-disable-next-line <rule>` above the finding's line, or add the rule to such a comment already there. */
export function disableEdit(path: string, text: string, finding: Finding): TextEdit {
	const line = lineAt(text, finding.span.start);
	const above = previousLine(text, line);
	const existing = above ? disableMarker.exec(above.text) : null;
	if (above && existing) {
		const ids = existing[2]!.trim();
		const insertAt = above.end - (existing[2]!.length - existing[2]!.trimEnd().length);
		return { file: path, span: { start: insertAt, end: insertAt }, newText: ids === '' ? '' : ` ${finding.ruleId}` };
	}
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	return { file: path, span: { start: line.start, end: line.start }, newText: `${indentation(line.text)}# navidrome-extauth-disable-next-line ${finding.ruleId}${eol}` };
}
