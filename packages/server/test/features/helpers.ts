/** Pure feature tests: files in memory, one analysis, a cursor marked with `$0`. */
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import { detectFileKind, type WorkspaceView } from '../../src/analysis/files.js';
import type { FeatureContext } from '../../src/features/index.js';

export function analyzeFiles(files: Record<string, string>, options = {}): { result: AnalysisResult; workspace: WorkspaceView } {
	const clean = Object.fromEntries(Object.entries(files).map(([path, text]) => [path, text.replace('$0', '')]));
	const workspace: WorkspaceView = { readFile: (path) => clean[path], listFiles: () => [] };
	const result = new Analyzer().analyze({ files: Object.entries(clean).filter(([path]) => detectFileKind(path)).map(([path, text]) => ({ path, text })), workspace, options });
	return { result, workspace };
}

/** The context of the `$0` cursor in `path` (the marker is removed from the text). */
export function contextAt(files: Record<string, string>, path: string, options = {}): FeatureContext {
	const marked = files[path]!;
	const offset = marked.indexOf('$0');
	if (offset < 0) throw new Error('no $0 cursor');
	const { result, workspace } = analyzeFiles(files, options);
	return { path, text: marked.replace('$0', ''), kind: detectFileKind(path), offset, analysis: result, readText: (p) => workspace.readFile(p) };
}
