/**
The analysis engine: text in, findings out. `Analyzer` keeps parse results between runs (keyed by the text of the file
and of every file its parse read) and, per rule, the findings of the last run (keyed by the texts of the file kinds the
rule reads), so re-analysing after one edit re-parses one file and re-runs only the rules that edit can affect.
*/
import { capFindingsPerFile, type Category, type Finding, type Report, type Severity } from './findings.js';
import { detectFileKind, type FileKind, type ReadProblem, type SourceFile, type WorkspaceView } from './files.js';
import { formatHandlers } from './formats/index.js';
import type { ParseContext, ParseOutput } from './formats/handler.js';
import { buildDeployment } from './model/build.js';
import type { AnalysisOptions, Deployment, ParsedFile } from './model/deployment.js';
import { instanceSecrets } from './model/navidrome.js';
import { rules as allRules } from './rules/index.js';
import { scrubReport, type Secret } from './secrets.js';
import type { Rule } from './rules/rule.js';
import { readSuppressions, type Suppressions } from './suppressions.js';
import { LineIndex } from './text.js';

export type AnalysisInput = {
	/** The files to analyse (open documents and discovered files), with their current text. */
	files: Array<{ path: string; text: string; kind?: FileKind }>;
	workspace: WorkspaceView;
	options?: AnalysisOptions;
	/** Files to analyse that the caller could not read; each gets an `io/read-refused` finding at its start. */
	unreadable?: Array<{ path: string; problem: ReadProblem }>;
};

export type AnalysisResult = {
	files: Array<{ path: string; kind: FileKind }>;
	findings: Finding[];
	deployment: Deployment;
};

/** Categories whose findings rest on what Navidrome does, so they name an assumed instance's assumptions. */
const assumedCategories = new Set<Category>(['impersonation', 'broken', 'exposure']);

/** Stands for a file that could not be read, in cache keys. */
const missingText = '\u0004';

type CachedParse = { key: string; output: ParseOutput };
type CachedRule = { key: string; findings: Finding[] };

export class Analyzer {
	private readonly parses = new Map<string, CachedParse>();
	private readonly ruleRuns = new Map<string, CachedRule>();
	private readonly lineIndexes = new Map<string, LineIndex>();
	/**
	The last text seen per path with a revision number, so cache keys name `path@revision` instead of holding whole
	texts: comparing one file's text with its previous one is the only full-length work per analysis.
	*/
	private readonly revisions = new Map<string, { text: string; revision: number }>();
	private lastRevision = 0;

	constructor(private readonly ruleSet: readonly Rule[] = allRules) {}

	analyze(input: AnalysisInput): AnalysisResult {
		const options = input.options ?? {};
		const texts = new Map<string, string>();
		const sources: SourceFile[] = [];
		for (const file of input.files) {
			const kind = file.kind ?? detectFileKind(file.path);
			if (!kind || typeof file.text !== 'string') continue;
			texts.set(file.path, file.text);
			sources.push({ path: file.path, text: file.text, kind });
		}
		const readText = (path: string): string | undefined => {
			if (texts.has(path)) return texts.get(path);
			let text: string | undefined;
			try {
				text = input.workspace.readFile(path);
			} catch {
				text = undefined;
			}
			texts.set(path, text as string);
			return text;
		};
		// Why the workspace refused a path (read boundary); asked only after `readText` gave nothing.
		const problems = new Map<string, ReadProblem | undefined>();
		const readProblem = (path: string): ReadProblem | undefined => {
			if (readText(path) !== undefined) return undefined;
			if (problems.has(path)) return problems.get(path);
			let problem: ReadProblem | undefined;
			try {
				const found: unknown = input.workspace.problem?.(path);
				if (isReadProblem(found)) problem = { reason: found.reason, message: found.message };
			} catch {
				problem = undefined;
			}
			problems.set(path, problem);
			return problem;
		};
		// In cache keys a refused file differs from a missing one, and by reason.
		const keyText = (path: string): string => readText(path) ?? `${missingText}${readProblem(path)?.reason ?? ''}`;
		const context: ParseContext = { workspace: input.workspace, options, readText, readProblem };
		const parsed = new Map<string, ParsedFile>();
		const dependencyTexts = new Map<string, string>();
		for (const source of sources) {
			const output = this.parse(source, context, keyText);
			parsed.set(source.path, { ...source, data: output.data, errors: output.errors });
			for (const dependency of output.dependencies) dependencyTexts.set(dependency, keyText(dependency));
		}
		const unreadable = (Array.isArray(input.unreadable) ? input.unreadable : []).filter((entry) => typeof entry?.path === 'string' && isReadProblem(entry.problem) && !texts.has(entry.path));
		const unreadablePaths = new Set(unreadable.map((entry) => entry.path));
		const unreadableKey = unreadable.map((entry) => `${entry.path}\u0000${entry.problem.reason}\u0000${entry.problem.message}`).join('\u0001');
		// Findings on an unreadable file sit at its start; there is no text to point into.
		const findingText = (path: string): string | undefined => readText(path) ?? (unreadablePaths.has(path) ? '' : undefined);
		for (const path of this.parses.keys()) if (!texts.has(path) || !parsed.has(path)) this.parses.delete(path);
		for (const path of this.revisions.keys()) if (!texts.has(path)) this.revisions.delete(path);

		const deployment = buildDeployment(parsed, context);
		if (unreadable.length > 0) deployment.unreadable = unreadable.map((entry) => ({ path: entry.path, problem: { reason: entry.problem.reason, message: entry.problem.message } }));
		const findings: Finding[] = [];
		// Values that came through a secret-looking variable or hold a URL password; no rule's message may quote them.
		const secrets = deployment.navidromes.flatMap(instanceSecrets);
		const kindKeys = this.kindKeys(parsed, dependencyTexts, options);
		for (const rule of this.ruleSet) {
			const override = options.ruleSeverity?.[rule.id];
			if (override === 'off') continue;
			const key = `${rule.inputs.map((kind) => kindKeys.get(kind) ?? '').join('\u0000')}\u0005${unreadableKey}`;
			const cached = this.ruleRuns.get(rule.id);
			let ruleFindings: Finding[];
			if (cached && cached.key === key) ruleFindings = cached.findings;
			else {
				ruleFindings = this.runRule(rule, deployment, findingText, secrets);
				this.ruleRuns.set(rule.id, { key, findings: ruleFindings });
			}
			for (const finding of ruleFindings) findings.push(override ? { ...finding, severity: override } : finding);
		}
		findings.sort(compareFindings);
		return { files: sources.map(({ path, kind }) => ({ path, kind })), findings: capFindingsPerFile(findings), deployment };
	}

	private parse(source: SourceFile, context: ParseContext, keyText: (path: string) => string): ParseOutput {
		const handler = formatHandlers.get(source.kind);
		if (!handler) return { data: undefined, errors: [], dependencies: [] };
		const cached = this.parses.get(source.path);
		if (cached) {
			const key = this.parseKey(source, cached.output.dependencies, context, keyText);
			if (key === cached.key) return cached.output;
		}
		let output: ParseOutput;
		try {
			output = handler.parse(source, context);
		} catch (error) {
			// Parsers are written never to throw; this keeps one bug from hiding every other finding.
			output = { data: undefined, errors: [{ message: `Internal error while reading this file: ${(error as Error)?.message ?? error}`, span: { start: 0, end: 0 } }], dependencies: [] };
		}
		this.parses.set(source.path, { key: this.parseKey(source, output.dependencies, context, keyText), output });
		return output;
	}

	private revision(path: string, given: string | undefined): string {
		const text = given ?? missingText;
		const known = this.revisions.get(path);
		if (known && known.text === text) return `${path}@${known.revision}`;
		const revision = ++this.lastRevision;
		this.revisions.set(path, { text, revision });
		return `${path}@${revision}`;
	}

	private parseKey(source: SourceFile, dependencies: string[], context: ParseContext, keyText: (path: string) => string): string {
		let key = `${JSON.stringify(context.options)}\u0000${this.revision(source.path, source.text)}`;
		for (const dependency of dependencies) key += `\u0001${this.revision(dependency, keyText(dependency))}`;
		return key;
	}

	/** One cache key per file kind: the texts of every file of that kind and of what their parses read. */
	private kindKeys(parsed: Map<string, ParsedFile>, dependencyTexts: Map<string, string>, options: AnalysisOptions): Map<FileKind, string> {
		const keys = new Map<FileKind, string>();
		const optionKey = JSON.stringify(options);
		for (const file of parsed.values()) keys.set(file.kind, `${keys.get(file.kind) ?? optionKey}\u0001${this.revision(file.path, file.text)}`);
		const dependencies = [...dependencyTexts].map(([path, text]) => this.revision(path, text)).join('\u0001');
		for (const [kind, key] of keys) keys.set(kind, `${key}\u0003${dependencies}`);
		return keys;
	}

	private runRule(rule: Rule, deployment: Deployment, readText: (path: string) => string | undefined, secrets: readonly Secret[]): Finding[] {
		const findings: Finding[] = [];
		const suppressions = new Map<string, Suppressions>();
		// Verdicts about a Navidrome that is assumed, not seen, say what was assumed.
		const assumed = assumedCategories.has(rule.category) ? deployment.navidromes.find((instance) => instance.assumed)?.assumed : undefined;
		const report = (given: Report): void => {
			const stated = assumed ? { ...given, message: `${given.message} (${assumed}.)` } : given;
			const finding = this.toFinding(rule, scrubReport(stated, secrets, `${rule.summary} (details hidden: they would show a secret value)`), readText, suppressions);
			if (finding) findings.push(finding);
		};
		try {
			rule.check({ deployment, report });
		} catch (error) {
			findings.length = 0;
			const first = [...deployment.files.values()][0];
			if (first) {
				const lines = this.lines(first.path, first.text);
				findings.push({
					ruleId: rule.id,
					category: rule.category,
					severity: 'information',
					file: first.path,
					span: { start: 0, end: 0 },
					range: lines.range({ start: 0, end: 0 }),
					message: `Rule ${rule.id} failed and was skipped: ${(error as Error)?.message ?? error}`,
				});
			}
		}
		return findings;
	}

	private toFinding(rule: Rule, report: Report, readText: (path: string) => string | undefined, suppressions: Map<string, Suppressions>): Finding | undefined {
		const text = readText(report.location.file);
		if (text === undefined) return undefined;
		const lines = this.lines(report.location.file, text);
		// A parser may point one past the end (at EOF); findings always stay inside their file.
		const start = Math.max(0, Math.min(report.location.span.start, text.length));
		const span = { start, end: Math.max(start, Math.min(report.location.span.end, text.length)) };
		const range = lines.range(span);
		let fileSuppressions = suppressions.get(report.location.file);
		if (!fileSuppressions) {
			fileSuppressions = readSuppressions(text, lines);
			suppressions.set(report.location.file, fileSuppressions);
		}
		if (fileSuppressions.isSuppressed(rule.id, range.start.line)) return undefined;
		const finding: Finding = {
			ruleId: rule.id,
			category: rule.category,
			severity: (report.severity ?? rule.severity) as Severity,
			file: report.location.file,
			span,
			range,
			message: report.message,
		};
		if (report.related?.length) {
			finding.related = [];
			for (const related of report.related) {
				const relatedText = readText(related.file);
				if (relatedText === undefined) continue;
				finding.related.push({ file: related.file, span: related.span, range: this.lines(related.file, relatedText).range(related.span), message: related.message });
			}
		}
		if (report.fixes?.length) {
			finding.fixes = report.fixes.map((fix) => ({
				title: fix.title,
				...(fix.isPreferred ? { isPreferred: true } : {}),
				edits: fix.edits.map((edit) => ({ ...edit, range: this.lines(edit.file, readText(edit.file) ?? '').range(edit.span) })),
			}));
		}
		if (report.tags?.length) finding.tags = report.tags;
		return finding;
	}

	private lines(path: string, text: string): LineIndex {
		let lines = this.lineIndexes.get(path);
		if (!lines || lines.text !== text) {
			lines = new LineIndex(text);
			this.lineIndexes.set(path, lines);
		}
		return lines;
	}
}

function compareFindings(a: Finding, b: Finding): number {
	if (a.file !== b.file) return a.file < b.file ? -1 : 1;
	return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function isReadProblem(value: unknown): value is ReadProblem {
	return typeof value === 'object' && value !== null && typeof (value as ReadProblem).reason === 'string' && typeof (value as ReadProblem).message === 'string';
}

/** One-shot analysis, for callers that do not keep an `Analyzer`. */
export function analyze(input: AnalysisInput): AnalysisResult {
	return new Analyzer().analyze(input);
}
