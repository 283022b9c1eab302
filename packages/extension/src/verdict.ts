/**
The workspace's verdict for the status bar, from the diagnostics the language server published. Pure: diagnostics
come in as plain records, so it is tested without VS Code.
*/
import { diagnosticSource } from '@navidrome-extauth/server/shared';
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

export type VerdictLevel = 'error' | 'warning' | 'info' | 'ok';

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

/**
Summarises the extension's diagnostics across the workspace. Hints are left out: the Problems view does not list
them either, and the status item must agree with what it opens.
*/
export function summarize(diagnostics: Iterable<DiagnosticLike>): Verdict {
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
	if (total === 0) {
		return { text: '$(pass) ExtAuth: no problems', tooltip: 'Navidrome ExtAuth found no problems in the open deployment files.', level: 'ok', counts, total };
	}
	const present = categoryOrder.filter((category) => (counts[category] ?? 0) > 0);
	const first = present[0] ?? 'other';
	const rest = total - (counts[first] ?? 0);
	const level: VerdictLevel = worst === 0 ? 'error' : worst === 1 ? 'warning' : 'info';
	const icon = level === 'error' ? '$(error)' : level === 'warning' ? '$(warning)' : '$(info)';
	const text = `${icon} ExtAuth: ${describeCount(first, counts[first] ?? 0)}${rest > 0 ? ` (+${rest} more)` : ''}`;
	const lines = present.map((category) => `- ${describeCount(category, counts[category] ?? 0)}`);
	const tooltip = `**Navidrome ExtAuth**\n\n${lines.join('\n')}\n\nClick to open the Problems view.`;
	return { text, tooltip, level, counts, total };
}
