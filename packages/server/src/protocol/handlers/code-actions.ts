/** `textDocument/codeAction`: quick fixes for the findings in range, and `source.fixAll` for the whole file. */
import { CodeActionKind, ResponseError, type CancellationToken, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import { fixAllKind } from '../../shared/commands.js';
import type { Context } from '../context.js';
import { toCodeAction, toDiagnostic, toWorkspaceEdit, type Positions } from '../convert.js';
import { invalidParams, readRange, target as targetOf } from './request.js';

export async function codeAction({ state, scheduler }: Context, params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[] | null | ResponseError> {
	const target = targetOf(state, params);
	if (!target || target instanceof ResponseError) return target ?? null;
	const range = readRange(params.range);
	if (!range) return invalidParams('range must hold two positions');
	const only = params.context?.only;
	// `source.fixAll` (and `source`) ask for the fix-all action only; quick fixes come when no kind or `quickfix` is asked.
	const wants = (kind: string): boolean => !Array.isArray(only) || only.some((asked) => asked === kind || kind.startsWith(`${asked}.`) || asked === '');
	const quickFixes = wants(CodeActionKind.QuickFix);
	const fixAll = Array.isArray(only) && only.some((asked) => asked !== '' && (asked === fixAllKind || fixAllKind.startsWith(`${asked}.`)));
	if (!quickFixes && !fixAll) return [];
	const backend = await scheduler.settle(token);
	if (backend instanceof ResponseError) return backend;
	if (!state.settings.enable) return [];
	const span = { start: target.positions.offsetAt(range.start), end: target.positions.offsetAt(range.end) };
	const uriOf = (path: string): string => state.uriOf(path);
	const positionsOf = (path: string): Positions | undefined => (path === target.path ? target.positions : state.positionsOf(path));
	const actions: CodeAction[] = [];
	const findings = state.findingsFor(target.path);
	if (quickFixes) {
		for (const action of backend.features.codeActions(target.path, target.text, span, findings)) {
			const converted = toCodeAction(action, toDiagnostic(action.finding, uriOf), uriOf, positionsOf);
			if (converted) actions.push(converted);
		}
	}
	const all = fixAll ? backend.features.fixAll(target.path, target.text, findings) : undefined;
	const edit = all ? toWorkspaceEdit(all.edits, uriOf, positionsOf) : undefined;
	if (all && edit) actions.push({ title: all.title, kind: all.kind, diagnostics: all.findings.map((finding) => toDiagnostic(finding, uriOf)), edit });
	return actions;
}
