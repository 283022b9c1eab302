/** What the request handlers share: reading untrusted params, the document a request is about, a feature's context. */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ErrorCodes, ResponseError, type Position, type Range } from 'vscode-languageserver/node';
import { detectFileKind } from '../../analysis/files.js';
import { uriToPath } from '../../host/uri.js';
import type { ServerState } from '../state.js';

/** The document of a request: its URI, path, text and positions. */
export type Target = { uri: string; path: string; text: string; positions: TextDocument };

/** The document a request is about: `undefined` when it is neither open nor readable; an error for malformed params. */
export function target(state: ServerState, params: { textDocument?: { uri?: unknown } } | undefined): Target | ResponseError | undefined {
	const uri = params?.textDocument?.uri;
	if (typeof uri !== 'string') return invalidParams('textDocument.uri must be a string');
	const path = uriToPath(uri);
	if (!path) return undefined;
	const open = state.documents.get(uri);
	if (open) return { uri, path, text: open.getText(), positions: open };
	const text = state.workspace.readFile(path);
	if (text === undefined) return undefined;
	return { uri, path, text, positions: TextDocument.create(uri, '', 0, text) };
}

/** The context the features' hover and completion take. */
export function featureContext(state: ServerState, target: Target, offset: number) {
	return {
		path: target.path,
		text: target.text,
		kind: detectFileKind(target.path),
		offset,
		analysis: state.settings.enable ? state.folderAnalysisFor(target.path)?.result : undefined,
		readText: (file: string) => state.workspace.readFile(file),
	};
}

export function invalidParams(message: string): ResponseError {
	return new ResponseError(ErrorCodes.InvalidParams, message);
}

export function readPosition(value: unknown): Position | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { line, character } = value as Record<string, unknown>;
	if (!Number.isInteger(line) || !Number.isInteger(character) || (line as number) < 0 || (character as number) < 0) return undefined;
	return { line: line as number, character: character as number };
}

export function readRange(value: unknown): Range | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const start = readPosition((value as Record<string, unknown>).start);
	const end = readPosition((value as Record<string, unknown>).end);
	return start && end ? { start, end } : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
