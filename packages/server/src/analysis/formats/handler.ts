/**
How the engine parses each kind of file. A handler is pure: it gets the text and a read-only workspace view (for
`.env`, imports and includes) and returns the format's tree plus syntax errors. It never throws.
*/
import type { FileKind, ReadProblem, SourceFile, WorkspaceView } from '../files.js';
import type { AnalysisOptions } from '../options.js';
import type { SyntaxError } from './syntax-error.js';

/**
The engine's view of the workspace for every layer (parsers, the model, proxy adapters). Every `readText`, every
`workspace.readFile` and every `workspace.listFiles` is recorded, so a cached result is reused only while everything
it read is unchanged; code that reads a file any other way makes the language server's findings go stale.
*/
export type ParseContext = {
	/** The same reads as `readText`, plus folder listings (recorded too). */
	workspace: WorkspaceView;
	options: AnalysisOptions;
	/** Text of another file: an open document's current text, else the workspace's. */
	readText(path: string): string | undefined;
	/** Why `readText(path)` gave nothing although the path exists (the read boundary refused it); `undefined` otherwise. */
	readProblem?(path: string): ReadProblem | undefined;
};

export type ParseOutput<T = unknown> = {
	data: T;
	errors: SyntaxError[];
	/**
	Other files this parse read (`.env`, imports, includes); a change to any of them invalidates the result. The engine
	also records the reads themselves, so this list is documentation more than a contract.
	*/
	dependencies: string[];
};

export type FormatHandler<T = unknown> = {
	kind: FileKind;
	parse(file: SourceFile, context: ParseContext): ParseOutput<T>;
};
