/**
An open document's kind: its name (analysis/files.ts `detectFileKind`), else its language id (shared/files.ts
`languageIdKinds`), else its content (analysis/detect.ts `guessFileKind`, a bounded prefix). A guess from the
extension alone is not taken: an editor opens every YAML file as `yaml`, and most are not compose files.
*/
import { guessFileKind } from '../analysis/detect.js';
import { detectFileKind, type FileKind } from '../analysis/files.js';
import { languageIdKinds } from '../shared/files.js';

export function documentKind(path: string, languageId: string, text: string): FileKind | undefined {
	const named = detectFileKind(path);
	if (named) return named;
	if (Object.hasOwn(languageIdKinds, languageId)) return languageIdKinds[languageId as keyof typeof languageIdKinds];
	const guess = guessFileKind(path, text);
	return guess?.kind !== undefined && guess.by === 'content' ? guess.kind : undefined;
}
