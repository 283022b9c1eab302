/**
Writes docs/rules/<area>-<name>.md and docs/rules/README.md from the rule registry, so each diagnostic's
`codeDescription.href` has a page. `--check` exits 1 when the committed pages are stale (the test suite runs it).
Run: node --conditions=source --import tsx scripts/rule-docs.ts [--check]
*/
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../packages/server/src/analysis/rules/index.js';

const folder = join(import.meta.dirname, '..', 'docs', 'rules');

export function renderRulePages(): Map<string, string> {
	const pages = new Map<string, string>();
	const rows = rules.map((rule) => `| [\`${rule.id}\`](${fileName(rule.id)}) | ${rule.category} | ${rule.severity} | ${rule.summary.replaceAll('|', '\\|')} |`);
	pages.set('README.md', `# Rules\n\nGenerated from the rule registry by \`scripts/rule-docs.ts\`; do not edit by hand.\n\n| rule | category | default severity | summary |\n|---|---|---|---|\n${rows.join('\n')}\n`);
	for (const rule of rules) {
		pages.set(fileName(rule.id), `# \`${rule.id}\`\n\n- **Category:** ${rule.category}\n- **Default severity:** ${rule.severity}\n- **Reads:** ${rule.inputs.join(', ')}\n\n${rule.summary}\n\n${rule.docs.trim()}\n`);
	}
	return pages;
}

function fileName(id: string): string {
	return `${id.replace('/', '-')}.md`;
}

const pages = renderRulePages();
if (process.argv.includes('--check')) {
	const stale = [...pages].filter(([name, text]) => !existsSync(join(folder, name)) || readFileSync(join(folder, name), 'utf8') !== text).map(([name]) => name);
	const extra = existsSync(folder) ? readdirSync(folder).filter((name) => !pages.has(name)) : [];
	if (stale.length || extra.length) {
		console.error(`docs/rules is stale (${[...stale, ...extra].join(', ')}); run: node --conditions=source --import tsx scripts/rule-docs.ts`);
		process.exit(1);
	}
} else {
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	for (const [name, text] of pages) writeFileSync(join(folder, name), text);
	console.log(`wrote ${pages.size} pages to docs/rules/`);
}
