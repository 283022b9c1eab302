/**
What every rule reports. Findings carry UTF-16 offset spans into one file; the engine adds line/character ranges once,
and the protocol layer converts them to LSP types. Nothing here knows about LSP or the filesystem.
*/
import type { Range, Span } from './text.js';

/**
Categories are a contract (CLI JSON, SARIF tags, the status bar):
- `impersonation`: a client can be taken for another user;
- `broken`: external auth silently never works;
- `exposure`: too much is trusted or reachable;
- `ignored-setting`: a value Navidrome silently ignores;
- `deprecated`, `syntax`, `hardening`.
*/
export type Category = 'impersonation' | 'broken' | 'exposure' | 'ignored-setting' | 'deprecated' | 'syntax' | 'hardening';
export const categories: readonly Category[] = ['impersonation', 'broken', 'exposure', 'ignored-setting', 'deprecated', 'syntax', 'hardening'];

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const severities: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** A place in a file, by offsets (analysis) … */
export type Location = { file: string; span: Span };
/** … and the same place with line/character positions (output). */
export type ResolvedLocation = { file: string; range: Range };

export type TextEdit = { file: string; span: Span; newText: string };
export type Fix = {
	title: string;
	edits: TextEdit[];
	/** The obvious fix; an editor may apply it with one keystroke. */
	isPreferred?: boolean;
};

export type Related = Location & { message: string };

/** What a rule reports; severity and category default to the rule's own. */
export type Report = {
	location: Location;
	message: string;
	severity?: Severity;
	related?: Related[];
	fixes?: Fix[];
	/** `deprecated` for legacy option names, `unnecessary` for dead values. */
	tags?: Array<'deprecated' | 'unnecessary'>;
	/** When the consequence, not the rule, decides the category (e.g. a published port with trust-all is impersonation). */
	category?: Category;
	/**
	Set when the finding is not exploitable today but becomes so on a Navidrome upgrade (`version`) or a trust-list
	change (`trust`); such findings are reported at information severity (model/gate.ts).
	*/
	latent?: 'version' | 'trust';
};

export type Finding = {
	ruleId: string;
	category: Category;
	severity: Severity;
	file: string;
	span: Span;
	range: Range;
	message: string;
	related?: Array<ResolvedLocation & { span: Span; message: string }>;
	fixes?: Array<{ title: string; isPreferred?: boolean; edits: Array<TextEdit & { range: Range }> }>;
	tags?: Array<'deprecated' | 'unnecessary'>;
	latent?: 'version' | 'trust';
};

export function severityRank(severity: Severity): number {
	return severities.indexOf(severity);
}

/** A per-rule setting: a severity, or `off`. */
export type RuleLevel = 'off' | Severity;

const ruleLevelNames: Record<string, RuleLevel> = {
	off: 'off',
	none: 'off',
	error: 'error',
	warning: 'warning',
	warn: 'warning',
	info: 'information',
	information: 'information',
	hint: 'hint',
};

/** Reads a rule level as users write it (CLI `--rule`, editor settings): `off`, `error`, `warn(ing)`, `info(rmation)`, `hint`. */
export function parseRuleLevel(text: string): RuleLevel | undefined {
	return Object.hasOwn(ruleLevelNames, text) ? ruleLevelNames[text] : undefined;
}

/** Findings shown per file; past that one `information` finding says how many were left out. */
export const maxFindingsPerFile = 500;

/**
At most `limit` findings per file, keeping the most severe (then the earliest), in their given order; each file cut
short gets one finding "N more findings in this file were not shown" at its first left-out finding, after its others.
*/
export function capFindingsPerFile(findings: Finding[], limit = maxFindingsPerFile): Finding[] {
	const byFile = new Map<string, Finding[]>();
	for (const finding of findings) {
		const list = byFile.get(finding.file);
		if (list) list.push(finding);
		else byFile.set(finding.file, [finding]);
	}
	const cut = new Map<string, { kept: Set<Finding>; summary: Finding }>();
	for (const [file, list] of byFile) {
		if (list.length <= limit) continue;
		const ranked = [...list].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.span.start - b.span.start || a.span.end - b.span.end);
		const kept = new Set(ranked.slice(0, Math.max(1, Math.floor(limit))));
		const first = list.find((finding) => !kept.has(finding))!;
		const summary: Finding = {
			ruleId: first.ruleId,
			category: first.category,
			severity: 'information',
			file,
			span: first.span,
			range: first.range,
			message: `${list.length - kept.size} more findings in this file were not shown`,
		};
		cut.set(file, { kept, summary });
	}
	if (cut.size === 0) return findings;
	const out: Finding[] = [];
	const remaining = new Map([...cut].map(([file, { kept }]) => [file, kept.size]));
	for (const finding of findings) {
		const entry = cut.get(finding.file);
		if (!entry) {
			out.push(finding);
			continue;
		}
		if (!entry.kept.has(finding)) continue;
		out.push(finding);
		const left = remaining.get(finding.file)! - 1;
		remaining.set(finding.file, left);
		if (left === 0) out.push(entry.summary);
	}
	return out;
}
