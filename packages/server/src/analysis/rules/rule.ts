/**
The shape of a rule. One rule per file under `rules/`; `rules/index.ts` lists them. A rule reads the linked
deployment model and reports; it never parses, reads files or knows about LSP.
*/
import type { Category, Report, Severity } from '../findings.js';
import type { FileKind } from '../files.js';
import type { Deployment } from '../model/deployment.js';

export type Rule = {
	/** Stable id, `<area>/<name>` (e.g. `nd/trust-all`); used in suppressions, settings and docs URLs. */
	id: string;
	/** Former ids (before rules were merged by cause): suppression comments, settings and docs URLs using them still work. */
	aliases?: readonly string[];
	category: Category;
	severity: Severity;
	/** One line, shown in lists. */
	summary: string;
	/** Markdown: what it detects, why it matters, how to fix, and links to public docs (the spec section it rests on goes in a `// spec:` comment beside the rule). */
	docs: string;
	/** File kinds whose content the rule reads; an edit elsewhere cannot change its findings. */
	inputs: readonly FileKind[];
	check(context: RuleContext): void;
};

export type RuleContext = {
	deployment: Deployment;
	report(report: Report): void;
};

/** Base URL of the rule documentation pages (docs/rules/<id>.md in the repository). */
export const ruleDocsBaseUrl = 'https://github.com/navidrome-extauth/navidrome-extauth/blob/main/docs/rules/';

export function ruleDocsUrl(ruleId: string): string {
	return `${ruleDocsBaseUrl}${ruleId.replace('/', '-')}.md`;
}
