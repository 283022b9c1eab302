/**
Everything heavy the language server needs (the engine, its parsers and rules, the features), behind one module the
server imports lazily after `initialize` has been answered.
*/
import { Analyzer, type AnalysisResult } from '../analysis/engine.js';
import { detectFileKind } from '../analysis/files.js';
import type { Finding } from '../analysis/findings.js';
import type { AnalysisOptions } from '../analysis/model/deployment.js';
import type { ServerWorkspace } from './workspace.js';

export * as features from '../features/index.js';

/** Longer documents are not analysed (they get an information diagnostic instead), so they cannot stall the server. */
export const maxAnalysedLength = 1_000_000;

export type FolderAnalysis = {
	result: AnalysisResult;
	/** Findings by file; every analysed file has an entry (possibly empty), and so does every file a finding names. */
	findings: Map<string, Finding[]>;
	/** Files skipped for their size, with their length in UTF-16 code units. */
	tooLarge: Map<string, number>;
	/** Every path the analysis read, inputs and what their parses read. */
	reads: Set<string>;
	/** The size limit `tooLarge` applied. */
	sizeLimit: number;
};

/** One deployment (a workspace folder, or the folder of a loose document), re-analysed incrementally. */
export class FolderAnalyzer {
	private readonly analyzer = new Analyzer();

	analyze(paths: Iterable<string>, workspace: ServerWorkspace, options: AnalysisOptions): FolderAnalysis {
		const { view, reads } = workspace.recording();
		const files: Array<{ path: string; text: string }> = [];
		const tooLarge = new Map<string, number>();
		for (const path of new Set(paths)) {
			if (!detectFileKind(path)) continue;
			const text = view.readFile(path);
			if (text === undefined) continue;
			if (text.length > maxAnalysedLength) tooLarge.set(path, text.length);
			else files.push({ path, text });
		}
		files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
		const result = this.analyzer.analyze({ files, workspace: view, options });
		const findings = new Map<string, Finding[]>();
		for (const file of result.files) findings.set(file.path, []);
		for (const finding of result.findings) {
			// The YAML extension already reports YAML syntax errors on compose files.
			if (finding.ruleId === 'syntax/parse-error' && detectFileKind(finding.file) === 'compose') continue;
			let list = findings.get(finding.file);
			if (!list) findings.set(finding.file, (list = []));
			list.push(finding);
		}
		for (const path of tooLarge.keys()) findings.set(path, []);
		return { result, findings, tooLarge, reads, sizeLimit: maxAnalysedLength };
	}
}
