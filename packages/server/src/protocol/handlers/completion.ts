/** `textDocument/completion`. */
import { MarkupKind, ResponseError, type CancellationToken, type CompletionItem, type CompletionParams } from 'vscode-languageserver/node';
import type { Context } from '../context.js';
import { toCompletionItem } from '../convert.js';
import { featureContext, invalidParams, readPosition, target as targetOf } from './request.js';

/** Completion waits less for a pending analysis than other requests: it answers from line-local text anyway. */
const completionSettleMs = 500;

export async function completion({ state, scheduler }: Context, params: CompletionParams, token?: CancellationToken): Promise<CompletionItem[] | null | ResponseError> {
	const target = targetOf(state, params);
	if (!target || target instanceof ResponseError) return target ?? null;
	const position = readPosition(params.position);
	if (!position) return invalidParams('position must be { line, character } with non-negative integers');
	const backend = await scheduler.settle(token, completionSettleMs);
	if (backend instanceof ResponseError) return backend;
	const markdown = state.capabilities.textDocument?.completion?.completionItem?.documentationFormat?.includes(MarkupKind.Markdown) ?? false;
	return backend.features.complete(featureContext(state, target, target.positions.offsetAt(position))).map((result) => toCompletionItem(result, target.positions, markdown));
}
