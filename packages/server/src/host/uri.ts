/** Document URIs ↔ engine paths (absolute, `/`-separated). Only `file:` URIs name files the engine can read. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fromEnginePath, toEnginePath } from '../cli/node-workspace.js';

export function uriToPath(uri: unknown): string | undefined {
	if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
	try {
		return toEnginePath(fileURLToPath(uri));
	} catch {
		return undefined;
	}
}

export function pathToUri(path: string): string {
	return pathToFileURL(fromEnginePath(path)).href;
}
