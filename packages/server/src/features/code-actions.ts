/**
Code actions for the findings under a range: each rule fix as a quick fix, "Disable <rule> for this line" (a
`# navidrome-extauth-disable-next-line` comment above the finding), "Disable <rule> for the entire file" (a
`# navidrome-extauth-disable-file` comment at the top; see analysis/suppressions.ts, every format uses `#`), and "Show
documentation for <rule>" (a command the client runs). `fixAll` gathers the document's preferred fixes for
`source.fixAll`.
*/
import type { Finding, TextEdit } from '../analysis/findings.js';
import type { Span } from '../analysis/text.js';
import { lineAt, previousLine, indentation } from './text-context.js';

export const showRuleDocumentationCommand = 'navidrome-extauth.showRuleDocumentation';

/** The `source.fixAll` kind of this server (VS Code's `editor.codeActionsOnSave: { "source.fixAll": … }` asks for it). */
export const fixAllKind = 'source.fixAll.navidrome-extauth';

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
const disableFileMarker = /^[ \t]*#[ \t]*navidrome-extauth-disable-file\b([^\n\r]*)/m;

/** Actions for `findings` of `path` that overlap `range` (offsets into `text`, the document's current text). */
export function codeActions(path: string, text: string, range: Span, findings: readonly Finding[]): CodeActionResult[] {
	const fixes: CodeActionResult[] = [];
	const suppressions: CodeActionResult[] = [];
	const fileSuppressions: CodeActionResult[] = [];
	const docs: CodeActionResult[] = [];
	const disabled = new Set<string>();
	const disabledInFile = new Set<string>();
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
		if (!disabledInFile.has(finding.ruleId) && finding.span.start <= text.length) {
			disabledInFile.add(finding.ruleId);
			const edit = disableFileEdit(path, text, finding.ruleId);
			if (edit) fileSuppressions.push({ title: `Disable ${finding.ruleId} for the entire file`, kind: 'quickfix', finding, edits: [edit] });
		}
		if (!documented.has(finding.ruleId)) {
			documented.add(finding.ruleId);
			const title = `Show documentation for ${finding.ruleId}`;
			docs.push({ title, kind: 'quickfix', finding, command: { command: showRuleDocumentationCommand, title, arguments: [{ ruleId: finding.ruleId }] } });
		}
	}
	return [...fixes, ...suppressions, ...fileSuppressions, ...docs];
}

/**
Add the rule to a `# navidrome-extauth-disable-file` comment already in the file, or insert one as the first line
(after a byte-order mark); `undefined` when a comment without rule ids already disables every rule.
*/
export function disableFileEdit(path: string, text: string, ruleId: string): TextEdit | undefined {
	const existing = disableFileMarker.exec(text);
	if (existing) {
		const rest = existing[1]!;
		const ids = rest.split(/[\s,]+/).filter((id) => id.length > 0);
		if (ids.length === 0 || ids.includes(ruleId) || ids.some((id) => id.startsWith('--'))) return undefined;
		const at = existing.index + existing[0].length - (rest.length - rest.trimEnd().length);
		return { file: path, span: { start: at, end: at }, newText: ` ${ruleId}` };
	}
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const at = text.startsWith('\uFEFF') ? 1 : 0;
	return { file: path, span: { start: at, end: at }, newText: `# navidrome-extauth-disable-file ${ruleId}${eol}` };
}

export type FixAllResult = {
	title: string;
	kind: typeof fixAllKind;
	/** Edits in `path` only, sorted, none overlapping. */
	edits: TextEdit[];
	/** The findings the edits resolve. */
	findings: Finding[];
};

/**
Every preferred fix of `path`'s findings whose edits all stay in that document, in document order, skipping a fix
that overlaps one already taken (identical edits, such as two findings offering the same removal, count once);
`undefined` when there is none. What is skipped is still offered as a quick fix, and a second run applies it.
*/
export function fixAll(path: string, text: string, findings: readonly Finding[]): FixAllResult | undefined {
	const taken: TextEdit[] = [];
	const resolved: Finding[] = [];
	const ordered = findings.filter((finding) => finding.file === path).sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
	for (const finding of ordered) {
		for (const fix of finding.fixes ?? []) {
			if (!fix.isPreferred || fix.edits.length === 0) continue;
			if (!fix.edits.every((edit) => edit.file === path && edit.span.start <= edit.span.end && edit.span.end <= text.length)) continue;
			const fresh = fix.edits.filter((edit) => !taken.some((other) => sameEdit(edit, other)));
			if (fresh.some((edit, index) => taken.some((other) => overlaps(edit, other)) || fresh.some((other, j) => j !== index && overlaps(edit, other)))) continue;
			taken.push(...fresh.map(({ file, span, newText }) => ({ file, span, newText })));
			resolved.push(finding);
			break;
		}
	}
	if (taken.length === 0) return undefined;
	taken.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
	const count = resolved.length;
	return { title: `Fix ${count} navidrome-extauth problem${count === 1 ? '' : 's'} with safe fixes`, kind: fixAllKind, edits: taken, findings: resolved };
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
	return a.file === b.file && a.span.start === b.span.start && a.span.end === b.span.end && a.newText === b.newText;
}

/** Edits that touch the same characters, or insert where the other starts (their order would be ambiguous). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
	if (a.span.start < b.span.end && b.span.start < a.span.end) return true;
	return a.span.start === b.span.start && (a.span.start === a.span.end || b.span.start === b.span.end);
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
