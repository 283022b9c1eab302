/**
The analysis engine: text in, findings out. It parses the files, builds the deployment model, runs the proxy adapters,
then the rules. `Analyzer` keeps parse results between runs (keyed by the text of the file and of every file its parse
read) and, per rule, the findings of the last run (keyed by the texts of the file kinds the rule reads and of every
other file or listing any layer read), so re-analysing after one edit re-parses one file and re-runs only the rules
that edit can affect. Every read goes through the engine's `ParseContext`, which records it.
*/
import { capFindingsPerFile, type Category, type Finding, type Report, type RuleLevel, type Severity } from './findings.js';
import { basename, detectFileKind, type FileKind, type ReadProblem, type SourceFile, type WorkspaceView } from './files.js';
import type { ComposeFile } from './formats/compose/types.js';
import { formatHandlers } from './formats/index.js';
import type { ParseContext, ParseOutput } from './formats/handler.js';
import { buildDeployment } from './model/build.js';
import type { AnalysisOptions, Deployment, ParsedFile } from './model/deployment.js';
import { instanceSecrets } from './model/navidrome.js';
import { proxyAdapters } from './proxies/index.js';
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

/** A parse with what it read (declared dependencies and recorded reads) and the globs it listed. */
type CachedParse = { key: string; output: ParseOutput; reads: string[]; listed: string[] };
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
		// Every path read and every folder listed from here until the rules run, by any layer (parsers, the model, proxy
		// adapters): parse results and rule results are keyed on these, so a change to any of them re-runs what read it.
		let reads = new Set<string>();
		let listed = new Set<string>();
		const readText = (path: string): string | undefined => {
			reads.add(path);
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
		const listings = new Map<string, string[] | { error: unknown }>();
		const listing = (glob: string): string[] | { error: unknown } => {
			let found = listings.get(glob);
			if (!found) {
				try {
					const listed: unknown = input.workspace.listFiles(glob);
					found = Array.isArray(listed) ? listed.filter((path): path is string => typeof path === 'string') : [];
				} catch (error) {
					found = { error };
				}
				listings.set(glob, found);
			}
			return found;
		};
		const listFiles = (glob: string): string[] => {
			listed.add(glob);
			const found = listing(glob);
			if (!Array.isArray(found)) throw found.error;
			return [...found];
		};
		const listingKey = (glob: string): string => {
			const found = listing(glob);
			return `${glob}\u0002${Array.isArray(found) ? found.join('\u0002') : missingText}`;
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
		const workspace: WorkspaceView = { readFile: readText, listFiles, problem: readProblem };
		const context: ParseContext = { workspace, options, readText, readProblem };
		const parsed = new Map<string, ParsedFile>();
		const dependencyTexts = new Map<string, string>();
		const dependencyGlobs = new Set<string>();
		const sourcePaths = new Set(sources.map((source) => source.path));
		let mounted = 0;
		// `sources` grows while it is walked: compose bind mounts add the proxy configs they feed (`mountedSources`).
		for (let index = 0; index < sources.length; index++) {
			const source = sources[index]!;
			const output = this.parse(source, context, keyText, listingKey, () => {
				const taken = { reads, listed };
				reads = new Set();
				listed = new Set();
				return taken;
			});
			parsed.set(source.path, { ...source, data: output.output.data, errors: output.output.errors });
			for (const dependency of output.reads) dependencyTexts.set(dependency, keyText(dependency));
			for (const glob of output.listed) dependencyGlobs.add(glob);
			if (source.kind !== 'compose' || mounted >= maxMountedSources) continue;
			const found = mountedSources(output.output.data as ComposeFile | undefined, sourcePaths, readText, listFiles, maxMountedSources - mounted);
			for (const glob of found.globs) dependencyGlobs.add(glob);
			for (const path of found.missing) dependencyTexts.set(path, keyText(path));
			for (const added of found.sources) {
				sourcePaths.add(added.path);
				sources.push(added);
				mounted++;
			}
		}
		const unreadable = (Array.isArray(input.unreadable) ? input.unreadable : []).filter((entry) => typeof entry?.path === 'string' && isReadProblem(entry.problem) && !texts.has(entry.path));
		const unreadablePaths = new Set(unreadable.map((entry) => entry.path));
		const unreadableKey = unreadable.map((entry) => `${entry.path}\u0000${entry.problem.reason}\u0000${entry.problem.message}`).join('\u0001');
		// Findings on an unreadable file sit at its start; there is no text to point into.
		const findingText = (path: string): string | undefined => readText(path) ?? (unreadablePaths.has(path) ? '' : undefined);

		// The model links the files; then each proxy adapter adds its routes. What either reads is a dependency too.
		reads = new Set();
		listed = new Set();
		const deployment = buildDeployment(parsed, context);
		for (const adapter of proxyAdapters) adapter(deployment, context);
		for (const path of reads) if (!parsed.has(path)) dependencyTexts.set(path, keyText(path));
		for (const glob of listed) dependencyGlobs.add(glob);
		if (unreadable.length > 0) deployment.unreadable = unreadable.map((entry) => ({ path: entry.path, problem: { reason: entry.problem.reason, message: entry.problem.message } }));
		const kindKeys = this.kindKeys(parsed, dependencyTexts, [...dependencyGlobs].sort().map(listingKey), options);
		for (const path of this.parses.keys()) if (!texts.has(path) || !parsed.has(path)) this.parses.delete(path);
		for (const path of this.revisions.keys()) if (!texts.has(path)) this.revisions.delete(path);
		const findings: Finding[] = [];
		// Values that came through a secret-looking variable or hold a URL password; no rule's message may quote them.
		const secrets = deployment.navidromes.flatMap(instanceSecrets);
		for (const rule of this.ruleSet) {
			const override = ruleLevel(options.ruleSeverity, rule);
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

	/**
	Parses one file, or reuses the last parse when its text, every file that parse read and every folder it listed are
	unchanged. `take` hands over (and resets) what was read and listed since its last call.
	*/
	private parse(source: SourceFile, context: ParseContext, keyText: (path: string) => string, listingKey: (glob: string) => string, take: () => { reads: Set<string>; listed: Set<string> }): CachedParse {
		const handler = formatHandlers.get(source.kind);
		if (!handler) return { key: '', output: { data: undefined, errors: [], dependencies: [] }, reads: [], listed: [] };
		const cached = this.parses.get(source.path);
		if (cached && this.parseKey(source, cached, context, keyText, listingKey) === cached.key) {
			take();
			return cached;
		}
		take();
		let output: ParseOutput;
		try {
			output = handler.parse(source, context);
		} catch (error) {
			// Parsers are written never to throw; this keeps one bug from hiding every other finding.
			output = { data: undefined, errors: [{ message: `Internal error while reading this file: ${(error as Error)?.message ?? error}`, span: { start: 0, end: 0 } }], dependencies: [] };
		}
		const recorded = take();
		// What the handler declared and what it actually read: a handler that forgets one cannot make the cache stale.
		const reads = [...new Set([...output.dependencies, ...recorded.reads])].filter((path) => path !== source.path).sort();
		const entry: CachedParse = { key: '', output, reads, listed: [...recorded.listed].sort() };
		entry.key = this.parseKey(source, entry, context, keyText, listingKey);
		take();
		this.parses.set(source.path, entry);
		return entry;
	}

	private revision(path: string, given: string | undefined): string {
		const text = given ?? missingText;
		const known = this.revisions.get(path);
		if (known && known.text === text) return `${path}@${known.revision}`;
		const revision = ++this.lastRevision;
		this.revisions.set(path, { text, revision });
		return `${path}@${revision}`;
	}

	private parseKey(source: SourceFile, parse: CachedParse, context: ParseContext, keyText: (path: string) => string, listingKey: (glob: string) => string): string {
		let key = `${JSON.stringify(context.options)}\u0000${this.revision(source.path, source.text)}`;
		for (const dependency of parse.reads) key += `\u0001${this.revision(dependency, keyText(dependency))}`;
		for (const glob of parse.listed) key += `\u0002${listingKey(glob)}`;
		return key;
	}

	/**
	One cache key per file kind: the texts of every file of that kind, and of every other file and listing any layer
	read (parses, the model, proxy adapters), which any rule's findings may rest on.
	*/
	private kindKeys(parsed: Map<string, ParsedFile>, dependencyTexts: Map<string, string>, listingKeys: string[], options: AnalysisOptions): Map<FileKind, string> {
		const keys = new Map<FileKind, string>();
		const optionKey = JSON.stringify(options);
		for (const file of parsed.values()) keys.set(file.kind, `${keys.get(file.kind) ?? optionKey}\u0001${this.revision(file.path, file.text)}`);
		const paths = [...dependencyTexts.keys()].sort();
		const dependencies = `${paths.map((path) => this.revision(path, dependencyTexts.get(path))).join('\u0001')}\u0002${listingKeys.join('\u0001')}`;
		for (const [kind, key] of keys) keys.set(kind, `${key}\u0003${dependencies}`);
		return keys;
	}

	private runRule(rule: Rule, deployment: Deployment, readText: (path: string) => string | undefined, secrets: readonly Secret[]): Finding[] {
		const findings: Finding[] = [];
		const suppressions = new Map<string, Suppressions>();
		// Verdicts about a Navidrome that is assumed, not seen, say what was assumed.
		const assumed = assumedCategories.has(rule.category) ? deployment.links.assumed?.assumed : undefined;
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
		// A rule's former ids (`aliases`) keep suppression comments written for them working.
		if (fileSuppressions.isSuppressed(rule.id, range.start.line) || rule.aliases?.some((alias) => fileSuppressions.isSuppressed(alias, range.start.line))) return undefined;
		const finding: Finding = {
			ruleId: rule.id,
			category: report.category ?? rule.category,
			severity: (report.severity ?? rule.severity) as Severity,
			file: report.location.file,
			span,
			range,
			message: report.message,
		};
		if (report.latent) finding.latent = report.latent;
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

/** At most this many files are added because a compose bind mount feeds them to a proxy. */
const maxMountedSources = 256;

/**
The proxy configs a compose project's bind mounts feed (`ComposeFile.mountedConfigs`, `formats/compose/mounts.ts`)
that are not analysed yet, as sources of the kind the mount target implies (`./site.conf:/etc/caddy/Caddyfile` is a
Caddyfile). A mounted folder is listed; dotfiles are left out. Files that cannot be read are returned as `missing`.
*/
function mountedSources(compose: ComposeFile | undefined, known: ReadonlySet<string>, readText: (path: string) => string | undefined, listFiles: (glob: string) => string[], budget: number): { sources: SourceFile[]; globs: string[]; missing: string[] } {
	const found = { sources: [] as SourceFile[], globs: [] as string[], missing: [] as string[] };
	const seen = new Set<string>();
	for (const config of compose?.mountedConfigs ?? []) {
		let paths = [config.path];
		if (config.glob) {
			found.globs.push(config.path);
			try {
				paths = listFiles(config.path).filter((path) => !basename(path).startsWith('.'));
			} catch {
				paths = [];
			}
		}
		for (const path of paths) {
			if (known.has(path) || seen.has(path)) continue;
			seen.add(path);
			const text = readText(path);
			if (typeof text !== 'string') {
				found.missing.push(path);
				continue;
			}
			found.sources.push({ path, text, kind: config.kind });
			if (found.sources.length >= budget) return found;
		}
	}
	return found;
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

/** The user's level for a rule, under its id or (settings written before a rename) one of its former ids. */
function ruleLevel(levels: Record<string, RuleLevel> | undefined, rule: Rule): RuleLevel | undefined {
	if (!levels) return undefined;
	if (Object.hasOwn(levels, rule.id)) return levels[rule.id];
	const alias = rule.aliases?.find((id) => Object.hasOwn(levels, id));
	return alias === undefined ? undefined : levels[alias];
}
