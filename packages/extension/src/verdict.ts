/**
The workspace's verdict for the status bar, from the diagnostics the language server published and the coverage it
reported (`navidrome-extauth/coverage`: what it judged), so that silence never reads as an all-clear. Pure: both come
in as plain records, so it is tested without VS Code.
*/
import { diagnosticSource, type CoverageParams } from '@navidrome-extauth/server/shared';
import { ruleInfos } from './generated/rules.js';
import type { Category } from './rule-info.js';

/**
LSP/VS Code severities: 0 error, 1 warning, 2 information, 3 hint. `data` is what the server attaches: the finding's
category (a rule may report by consequence) and `latent` when it only becomes exploitable after an upgrade or a
trust change.
*/
export type DiagnosticLike = { source?: string; code?: unknown; severity: number; data?: unknown };

/** What the status item counts: a finding's category, or `latent` for a risk that is not live today. */
export type Counted = Category | 'other' | 'latent';

export { diagnosticSource };

/** `unjudged`: nothing about external auth was judged (or the server has not said yet). */
export type VerdictLevel = 'error' | 'warning' | 'info' | 'ok' | 'unjudged';

export type Verdict = {
	/** Status bar text, with a `$(icon)`. */
	text: string;
	/** Markdown, one line per category. */
	tooltip: string;
	level: VerdictLevel;
	/** Counted diagnostics by category (`other` for rule ids the generated table does not know yet). */
	counts: Partial<Record<Counted, number>>;
	total: number;
};

/** Most serious first: the first non-empty category names the verdict. */
const categoryOrder: readonly Counted[] = ['impersonation', 'exposure', 'broken', 'latent', 'ignored-setting', 'syntax', 'deprecated', 'hardening', 'other'];

const labels: Record<Counted, [singular: string, plural: string]> = {
	impersonation: ['impersonation risk', 'impersonation risks'],
	exposure: ['exposure risk', 'exposure risks'],
	broken: ['setting that breaks auth', 'settings that break auth'],
	latent: ['latent risk (after an upgrade or trust change)', 'latent risks (after an upgrade or trust change)'],
	'ignored-setting': ['ignored setting', 'ignored settings'],
	syntax: ['syntax error', 'syntax errors'],
	deprecated: ['deprecated name', 'deprecated names'],
	hardening: ['hardening hint', 'hardening hints'],
	other: ['other problem', 'other problems'],
};

const categoryByRule = new Map<string, Category>(ruleInfos.map((rule) => [rule.id, rule.category]));

/** The rule id of a diagnostic: `code` is the id, or `{ value: id, target: docs URL }`. */
export function ruleIdOf(code: unknown): string | undefined {
	if (typeof code === 'string') return code;
	if (typeof code === 'object' && code !== null && 'value' in code) {
		const value = (code as { value: unknown }).value;
		return typeof value === 'string' ? value : undefined;
	}
	return undefined;
}

export function categoryOf(code: unknown): Category | 'other' {
	const id = ruleIdOf(code);
	return (id !== undefined && categoryByRule.get(id)) || 'other';
}

/** What a diagnostic counts as: `latent` first, then the category the server sent, then the rule's own. */
export function countedAs(diagnostic: DiagnosticLike): Counted {
	const data = typeof diagnostic.data === 'object' && diagnostic.data !== null ? (diagnostic.data as { category?: unknown; latent?: unknown }) : {};
	if (data.latent === 'version' || data.latent === 'trust') return 'latent';
	if (typeof data.category === 'string' && Object.hasOwn(labels, data.category) && data.category !== 'latent' && data.category !== 'other') return data.category as Category;
	return categoryOf(diagnostic.code);
}

export function describeCount(category: Counted, count: number): string {
	const [singular, plural] = labels[category];
	return `${count} ${count === 1 ? singular : plural}`;
}

/** The coverage of every analysed folder, summed. */
export type CoverageSummary = {
	/** Files read, of any kind. */
	files: number;
	navidromes: number;
	routes: number;
	navidromeAssumed: boolean;
	/** Proxy services whose routes are not in view. */
	unseen: number;
	/** Files that look like configuration but were not read. */
	skipped: number;
	/** The server's notes, per folder (prefixed with the folder's name when there are several). */
	notes: string[];
};

export function summarizeCoverage(params: CoverageParams): CoverageSummary {
	const summary: CoverageSummary = { files: 0, navidromes: 0, routes: 0, navidromeAssumed: false, unseen: 0, skipped: 0, notes: [] };
	const folders = Array.isArray(params?.folders) ? params.folders : [];
	for (const folder of folders) {
		for (const count of Object.values(folder.judged ?? {})) summary.files += typeof count === 'number' ? count : 0;
		summary.navidromes += folder.navidromes ?? 0;
		summary.routes += folder.routes ?? 0;
		summary.navidromeAssumed ||= folder.navidromeAssumed === true;
		summary.unseen += folder.unseen?.length ?? 0;
		summary.skipped += folder.skipped?.length ?? 0;
		const name = folderName(String(folder.uri ?? ''));
		for (const note of folder.notes ?? []) summary.notes.push(folders.length > 1 ? `${name}: ${note}` : note);
	}
	return summary;
}

function folderName(uri: string): string {
	const last = uri.replace(/\/+$/, '').split('/').pop() ?? '';
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** Why nothing was judged, or `undefined` when something about external auth was. */
export function nothingJudged(coverage: CoverageSummary): string | undefined {
	if (coverage.files === 0) return 'no Navidrome or proxy config found';
	if (coverage.navidromes === 0 && coverage.routes === 0) return 'no Navidrome or proxy route to one in view';
	return undefined;
}

/** What the judgement lacks, in a few words (`proxy config not in view`, `Navidrome assumed`), or `undefined`. */
export function missing(coverage: CoverageSummary): string | undefined {
	const parts: string[] = [];
	if (coverage.unseen > 0) parts.push('proxy config not in view');
	if (coverage.navidromeAssumed) parts.push('Navidrome assumed');
	if (coverage.skipped > 0) parts.push(`${plural(coverage.skipped, 'file', 'files')} not read`);
	return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Notes shown in the tooltip before "… and N more". */
const maxNotes = 12;

/** Markdown-escaped, so a path's `*` or `_` shows as written. */
const escape = (text: string): string => text.replace(/[\\`*_[\]<>|~]/g, '\\$&');

function coverageLines(coverage: CoverageSummary | undefined): string {
	if (!coverage || coverage.notes.length === 0) return '';
	const shown = coverage.notes.slice(0, maxNotes).map((note) => `- ${escape(note)}`);
	if (coverage.notes.length > maxNotes) shown.push(`- … and ${coverage.notes.length - maxNotes} more`);
	return `\n\n${shown.join('\n')}`;
}

/**
Summarises the extension's diagnostics across the workspace, with what the server judged (`coverage`; `undefined`
until it reports). Hints are left out: the Problems view does not list them either, and the status item must agree
with what it opens. With no problem it says "no problems" only when something was judged and nothing is missing.
*/
export function summarize(diagnostics: Iterable<DiagnosticLike>, coverage?: CoverageParams): Verdict {
	const counts: Partial<Record<Counted, number>> = {};
	let total = 0;
	let worst = 3;
	for (const diagnostic of diagnostics) {
		if (diagnostic.source !== diagnosticSource || ![0, 1, 2].includes(diagnostic.severity)) continue;
		const category = countedAs(diagnostic);
		counts[category] = (counts[category] ?? 0) + 1;
		total++;
		worst = Math.min(worst, diagnostic.severity);
	}
	const judged = coverage ? summarizeCoverage(coverage) : undefined;
	const notes = coverageLines(judged);
	if (total === 0) {
		const header = '**Navidrome ExtAuth**\n\n';
		if (!judged) return { text: '$(circle-large-outline) ExtAuth: not checked yet', tooltip: `${header}The language server has not said yet what it judged.`, level: 'unjudged', counts, total };
		const nothing = nothingJudged(judged);
		if (nothing) return { text: `$(circle-slash) ExtAuth: nothing judged — ${nothing}`, tooltip: `${header}Nothing about external auth was judged, so no finding means nothing.${notes}`, level: 'unjudged', counts, total };
		const lacking = missing(judged);
		if (lacking) return { text: `$(pass) ExtAuth: no problems seen — ${lacking}`, tooltip: `${header}No problems in what was judged, under these assumptions:${notes}`, level: 'ok', counts, total };
		return { text: '$(pass) ExtAuth: no problems', tooltip: `${header}No problems in the deployment files.${notes}`, level: 'ok', counts, total };
	}
	const present = categoryOrder.filter((category) => (counts[category] ?? 0) > 0);
	const first = present[0] ?? 'other';
	const rest = total - (counts[first] ?? 0);
	const level: VerdictLevel = worst === 0 ? 'error' : worst === 1 ? 'warning' : 'info';
	const icon = level === 'error' ? '$(error)' : level === 'warning' ? '$(warning)' : '$(info)';
	const text = `${icon} ExtAuth: ${describeCount(first, counts[first] ?? 0)}${rest > 0 ? ` (+${rest} more)` : ''}`;
	const lines = present.map((category) => `- ${describeCount(category, counts[category] ?? 0)}`);
	const tooltip = `**Navidrome ExtAuth**\n\n${lines.join('\n')}${notes}\n\nClick to open the Problems view.`;
	return { text, tooltip, level, counts, total };
}
