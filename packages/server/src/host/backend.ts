/**
Everything heavy the language server needs (the engine, its parsers and rules, the features), behind one module the
server imports lazily after `initialize` has been answered.
*/
import type { SkippedFile } from '../analysis/detect.js';
import { Analyzer, type AnalysisResult } from '../analysis/engine.js';
import { detectFileKind, type FileKind } from '../analysis/files.js';
import type { Finding } from '../analysis/findings.js';
import type { AnalysisOptions } from '../analysis/model/deployment.js';
import { coverageNotes, coverageOf, type Coverage } from '../analysis/verdict.js';
import type { ServerWorkspace } from './workspace.js';

export * as features from '../features/index.js';

/** Files up to this length are analysed whole at once; longer ones first as a prefix of this length, then grown within the time budget. */
export const maxAnalysedLength = 1_000_000;

/** How long one analysis of a folder with files above `maxAnalysedLength` may take, by default. */
export const defaultLargeFileBudgetMs = 2000;

/** The part of a file that was analysed when the time budget cut it. */
export type CutFile = {
	/** Length of the whole text, in UTF-16 code units. */
	length: number;
	/** Length of the analysed prefix (it ends at a line break). */
	analysedLength: number;
	/** Lines analysed (the prefix holds lines 1 to `analysedLines`). */
	analysedLines: number;
	budgetMs: number;
};

export type FolderAnalysisOptions = {
	/** Drop YAML syntax errors on compose files (a YAML extension in the client reports them). */
	hideComposeSyntax?: boolean;
	/** Time budget for an analysis that holds files above `maxAnalysedLength`. */
	largeFileBudgetMs?: number;
	/** Kinds of files whose name does not tell (found by content, or an open document's language id); others go by name. */
	kinds?: ReadonlyMap<string, FileKind>;
	/** Files discovery skipped, for the coverage. */
	skipped?: readonly SkippedFile[];
};

export type FolderAnalysis = {
	result: AnalysisResult;
	/** What was judged, assumed and not seen (analysis/verdict.ts), with its notes (paths relative to the folder). */
	coverage: Coverage & { navidromeAssumed: boolean; notes: string[] };
	/** Findings by file; every analysed file has an entry (possibly empty), and so does every file a finding names. */
	findings: Map<string, Finding[]>;
	/** Files of which only a prefix was analysed, to keep within the time budget. */
	cut: Map<string, CutFile>;
	/** Every path the analysis read, inputs and what their parses read. */
	reads: Set<string>;
};

/** One deployment (a workspace folder, or the folder of a loose document), re-analysed incrementally. */
export class FolderAnalyzer {
	private readonly analyzer = new Analyzer();
	/** The prefix length that fitted the budget last time (grown or shrunk by each analysis). */
	private allowed = maxAnalysedLength;

	/** Analyses `paths` (files of no kind are left out); `root` is the folder, for the coverage's relative paths. */
	analyze(paths: Iterable<string>, workspace: ServerWorkspace, options: AnalysisOptions, folderOptions: FolderAnalysisOptions = {}, root = '/'): FolderAnalysis {
		const budgetMs = folderOptions.largeFileBudgetMs ?? defaultLargeFileBudgetMs;
		const { view, reads } = workspace.recording();
		const whole: Array<{ path: string; text: string; kind: FileKind }> = [];
		for (const path of new Set(paths)) {
			const kind = folderOptions.kinds?.get(path) ?? detectFileKind(path);
			if (!kind) continue;
			const text = view.readFile(path);
			if (text !== undefined) whole.push({ path, text, kind });
		}
		whole.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
		const longest = whole.reduce((max, file) => Math.max(max, file.text.length), 0);
		let limit = Math.max(maxAnalysedLength, Math.min(this.allowed, longest));
		let spent = 0;
		let result: AnalysisResult;
		let cut: Map<string, CutFile>;
		// Analysis cost grows about linearly with length (every amplifier has a budget): measure one pass, then grow the
		// prefix while the projected cost of the next pass still fits the budget.
		for (;;) {
			cut = new Map();
			const files = whole.map((file) => {
				if (file.text.length <= limit) return file;
				const analysedLength = prefixLength(file.text, limit);
				cut.set(file.path, { length: file.text.length, analysedLength, analysedLines: countLines(file.text, analysedLength), budgetMs });
				return { path: file.path, text: file.text.slice(0, analysedLength), kind: file.kind };
			});
			const started = performance.now();
			result = this.analyzer.analyze({ files, workspace: view, options });
			const elapsed = performance.now() - started;
			spent += elapsed;
			if (cut.size === 0) {
				// Next time start from what fitted (smaller when this pass ran well over the budget).
				if (longest > maxAnalysedLength) this.allowed = elapsed > budgetMs * 1.5 ? Math.max(maxAnalysedLength, Math.floor(limit * (budgetMs / elapsed))) : limit;
				break;
			}
			const perChar = elapsed / Math.max(1, limit);
			const fits = Math.floor((budgetMs - spent) / Math.max(perChar, 1e-9));
			if (fits >= longest) limit = longest;
			else if (fits > limit * 1.25) limit = fits;
			else {
				this.allowed = limit;
				break;
			}
		}
		const findings = new Map<string, Finding[]>();
		const kindOf = new Map<string, FileKind>();
		for (const file of result.files) {
			findings.set(file.path, []);
			kindOf.set(file.path, file.kind);
		}
		for (const finding of result.findings) {
			if (finding.ruleId === 'syntax/parse-error') {
				if (folderOptions.hideComposeSyntax && (kindOf.get(finding.file) ?? detectFileKind(finding.file)) === 'compose') continue;
				// A prefix ends mid-document: what is open at its end is not an error of the file.
				const partial = cut.get(finding.file);
				if (partial && finding.span.end >= partial.analysedLength - 1) continue;
			}
			let list = findings.get(finding.file);
			if (!list) findings.set(finding.file, (list = []));
			list.push(finding);
		}
		return { result, findings, cut, reads, coverage: folderCoverage(result, folderOptions.skipped ?? [], root) };
	}
}

function folderCoverage(result: AnalysisResult, skipped: readonly SkippedFile[], root: string): FolderAnalysis['coverage'] {
	const coverage = coverageOf(result, skipped);
	const { deployment } = result;
	const navidromeAssumed = deployment.navidromes.some((instance) => instance.assumed && deployment.routes.some((route) => route.target === instance));
	const prefix = root.endsWith('/') ? root : `${root}/`;
	const relative = (path: string): string => (path.startsWith(prefix) ? path.slice(prefix.length) : path);
	return { ...coverage, navidromeAssumed, notes: coverageNotes(coverage, relative).map((note) => note.text) };
}

/** The longest prefix of at most `limit` code units that ends just after a line break (or `limit` without one). */
function prefixLength(text: string, limit: number): number {
	const newline = text.lastIndexOf('\n', limit - 1);
	return newline > 0 ? newline + 1 : limit;
}

function countLines(text: string, end: number): number {
	let lines = 0;
	for (let index = text.indexOf('\n'); index >= 0 && index < end; index = text.indexOf('\n', index + 1)) lines++;
	return lines;
}
