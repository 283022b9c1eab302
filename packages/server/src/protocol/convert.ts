/** Engine and feature results → LSP types. The only place that knows both shapes. */
import {
	CodeActionKind,
	CompletionItemKind,
	CompletionItemTag,
	DiagnosticSeverity,
	DiagnosticTag,
	InsertTextFormat,
	MarkupKind,
	type CodeAction,
	type CompletionItem,
	type Diagnostic,
	type Hover,
	type Position,
	type Range,
	type TextEdit as LspTextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Severity, TextEdit } from '../analysis/findings.js';
import { ruleDocsUrl } from '../analysis/rules/rule.js';
import type { Span } from '../analysis/text.js';
import type { CodeActionResult, CompletionResult, HoverResult } from '../features/index.js';
import type { CutFile } from '../host/backend.js';
import { diagnosticSource } from '../shared/commands.js';

export { diagnosticSource };

/** Offsets ↔ positions for one file's current text. */
export type Positions = {
	offsetAt(position: Position): number;
	positionAt(offset: number): Position;
};

const severities: Record<Severity, DiagnosticSeverity> = {
	error: DiagnosticSeverity.Error,
	warning: DiagnosticSeverity.Warning,
	information: DiagnosticSeverity.Information,
	hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, uriOf: (path: string) => string): Diagnostic {
	const diagnostic: Diagnostic = {
		range: finding.range,
		severity: severities[finding.severity] ?? DiagnosticSeverity.Warning,
		code: finding.ruleId,
		codeDescription: { href: ruleDocsUrl(finding.ruleId) },
		source: diagnosticSource,
		message: finding.message,
	};
	if (finding.related?.length) diagnostic.relatedInformation = finding.related.map((related) => ({ location: { uri: uriOf(related.file), range: related.range }, message: related.message }));
	const tags: DiagnosticTag[] = [];
	if (finding.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
	if (finding.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
	if (tags.length > 0) diagnostic.tags = tags;
	// The finding's own category (a rule can report by consequence) and whether it is latent, for clients' summaries.
	diagnostic.data = { category: finding.category, ...(finding.latent ? { latent: finding.latent } : {}) };
	return diagnostic;
}

/** Where the time budget cut a long file: at the first line that was not analysed. */
export function partlyAnalysedDiagnostic(cut: CutFile): Diagnostic {
	const megabytes = (n: number): string => `${(n / 1_000_000).toFixed(1)} MB`;
	const line = cut.analysedLines;
	return {
		range: { start: { line, character: 0 }, end: { line, character: 0 } },
		severity: DiagnosticSeverity.Information,
		code: 'file-partly-analysed',
		source: diagnosticSource,
		message: `This file has ${megabytes(cut.length)} of text; navidrome-extauth analysed lines 1-${line} (${megabytes(cut.analysedLength)}) within its ${cut.budgetMs / 1000} s budget, and did not check the rest from here on.`,
	};
}

export function toRange(positions: Positions, span: Span): Range {
	return { start: positions.positionAt(span.start), end: positions.positionAt(span.end) };
}

export function toHover(result: HoverResult, positions: Positions): Hover {
	return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: toRange(positions, result.span) };
}

const completionKinds: Record<CompletionResult['kind'], CompletionItemKind> = {
	setting: CompletionItemKind.Property,
	value: CompletionItemKind.Value,
	label: CompletionItemKind.Field,
};

export function toCompletionItem(result: CompletionResult, positions: Positions, markdown: boolean): CompletionItem {
	const item: CompletionItem = {
		label: result.label,
		kind: completionKinds[result.kind],
		detail: result.detail,
		documentation: markdown ? { kind: MarkupKind.Markdown, value: result.documentation } : result.documentation,
		insertTextFormat: InsertTextFormat.PlainText,
		textEdit: { range: toRange(positions, result.span), newText: result.insertText },
	};
	if (result.filterText !== undefined) item.filterText = result.filterText;
	if (result.sortText !== undefined) item.sortText = result.sortText;
	if (result.preselect) item.preselect = true;
	if (result.deprecated) item.tags = [CompletionItemTag.Deprecated];
	return item;
}

/** Groups text edits by file into a `WorkspaceEdit` (`changes` form, which every client supports). */
export function toWorkspaceEdit(edits: readonly TextEdit[], uriOf: (path: string) => string, positionsOf: (path: string) => Positions | undefined): WorkspaceEdit | undefined {
	const changes: Record<string, LspTextEdit[]> = {};
	for (const edit of edits) {
		const positions = positionsOf(edit.file);
		if (!positions) return undefined;
		(changes[uriOf(edit.file)] ??= []).push({ range: toRange(positions, edit.span), newText: edit.newText });
	}
	return { changes };
}

export function toCodeAction(action: CodeActionResult, diagnostic: Diagnostic, uriOf: (path: string) => string, positionsOf: (path: string) => Positions | undefined): CodeAction | undefined {
	const result: CodeAction = { title: action.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
	if (action.isPreferred) result.isPreferred = true;
	if (action.edits) {
		const edit = toWorkspaceEdit(action.edits, uriOf, positionsOf);
		if (!edit) return undefined;
		result.edit = edit;
	}
	if (action.command) result.command = action.command;
	return result;
}

/** Command results as plain JSON (BigInt address counts become decimal strings). */
export function jsonSafe(value: unknown, depth = 0): unknown {
	if (depth > 32) return null;
	if (typeof value === 'bigint') return value.toString();
	if (Array.isArray(value)) return value.map((item) => jsonSafe(item, depth + 1));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) if (item !== undefined && typeof item !== 'function') out[key] = jsonSafe(item, depth + 1);
		return out;
	}
	return value;
}
