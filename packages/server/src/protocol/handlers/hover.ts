/** `textDocument/hover`. */
import { MarkupKind, ResponseError, type CancellationToken, type Hover, type HoverParams } from 'vscode-languageserver/node';
import type { Context } from '../context.js';
import { toHover } from '../convert.js';
import { featureContext, invalidParams, readPosition, target as targetOf } from './request.js';

export async function hover({ state, scheduler }: Context, params: HoverParams, token?: CancellationToken): Promise<Hover | null | ResponseError> {
	const target = targetOf(state, params);
	if (!target || target instanceof ResponseError) return target ?? null;
	const position = readPosition(params.position);
	if (!position) return invalidParams('position must be { line, character } with non-negative integers');
	const backend = await scheduler.settle(token);
	if (backend instanceof ResponseError) return backend;
	const result = backend.features.hover(featureContext(state, target, target.positions.offsetAt(position)));
	if (!result) return null;
	const hover = toHover(result, target.positions);
	const formats = state.capabilities.textDocument?.hover?.contentFormat;
	if (Array.isArray(formats) && !formats.includes(MarkupKind.Markdown)) hover.contents = { kind: MarkupKind.PlainText, value: result.markdown };
	return hover;
}
