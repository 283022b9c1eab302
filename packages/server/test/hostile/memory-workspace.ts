/** An in-memory `WorkspaceView` for parser and engine tests: no filesystem, and a count of reads. */
import type { WorkspaceView } from '../../src/analysis/files.js';
import { compileGlob } from '../../src/analysis/glob.js';

/** A workspace over a map of absolute paths to texts; `listFiles` matches with the engine's own globs. */
export function memoryWorkspace(files: ReadonlyMap<string, string>): WorkspaceView & { reads: number } {
	const view = {
		reads: 0,
		readFile(path: string): string | undefined {
			view.reads++;
			return files.get(path);
		},
		listFiles(glob: string): string[] {
			const matcher = compileGlob(glob);
			return matcher ? [...files.keys()].filter((path) => matcher.test(path)).sort() : [];
		},
	};
	return view;
}
