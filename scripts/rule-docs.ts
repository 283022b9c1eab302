/**
Writes docs/rules/<area>-<name>.md and docs/rules/README.md from the rule registry, so each diagnostic's
`codeDescription.href` has a page. `--check` exits 1 when the committed pages are stale (the test suite runs it).
Every page ends with an example rendered from the rule's fixtures (`ruleExample`): the first `fire-*` case whose
marked file has a `.fixed` file (else the first marked one) as "Before", and the `.fixed` files as "After".
Run: node --conditions=source --import tsx scripts/rule-docs.ts [--check]
*/
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rules } from '../packages/server/src/analysis/rules/index.js';
import { isMarkerLine, readExpectations } from '../packages/server/test/harness/annotations.js';
import { readFixtureFolder } from '../packages/server/test/harness/fixtures.js';

const folder = join(import.meta.dirname, '..', 'docs', 'rules');
const fixturesRoot = join(import.meta.dirname, '..', 'packages', 'server', 'test', 'fixtures', 'rules');

export type ExampleFile = { name: string; text: string };
/** A rule's example: the files as written, where the rule fires, and what its fix makes of them. */
export type RuleExample = { fixture: string; before: ExampleFile[]; after: ExampleFile[] };

const caretMarker = /^(\s*#\s*)(\^+)\s*(?:💡\s*)?(error|warning|information|hint)\[([^\]\s]+)\]/u;

/**
Text of a fixture file for a reader: this rule's markers become `^^^ <rule> (<severity>)`, other markers go, and so do
comment lines that cite spec sections (`§`), which a reader cannot follow.
*/
function readable(text: string, ruleId: string | undefined): string {
	const lines: string[] = [];
	for (const line of text.split('\n')) {
		const marker = caretMarker.exec(line);
		if (marker) {
			if (ruleId && marker[4] === ruleId) lines.push(`${marker[1]}${marker[2]} ${ruleId} (${marker[3]})`);
			continue;
		}
		if (isMarkerLine(line) || /^\s*#.*§/.test(line)) continue;
		lines.push(line);
	}
	return lines.join('\n').replace(/\n+$/, '\n');
}

export function ruleExample(ruleId: string): RuleExample | undefined {
	const root = join(fixturesRoot, ruleId);
	if (!existsSync(root)) return undefined;
	const cases = readdirSync(root).filter((name) => name.startsWith('fire-') && statSync(join(root, name)).isDirectory()).sort();
	let chosen: RuleExample | undefined;
	for (const name of cases) {
		const files = readFixtureFolder(join(root, name));
		const marked = files.filter((file) => readExpectations(file.path, file.text).some((e) => e.ruleId === ruleId));
		if (marked.length === 0) continue;
		const fixed = files.filter((file) => existsSync(`${file.path}.fixed`));
		const shown = [...marked, ...fixed.filter((file) => !marked.includes(file))];
		const example: RuleExample = {
			fixture: `${ruleId}/${name}`,
			before: shown.map((file) => ({ name: relative(join(root, name), file.path), text: readable(file.text, ruleId) })),
			after: fixed.map((file) => ({ name: relative(join(root, name), file.path), text: readable(readFileSync(`${file.path}.fixed`, 'utf8'), undefined) })),
		};
		if (example.after.length > 0) return example;
		chosen ??= example;
	}
	return chosen;
}

function fence(file: ExampleFile): string {
	const base = file.name.split('/').pop()!;
	const language = /\.ya?ml$/.test(base) ? 'yaml' : base.endsWith('.toml') ? 'toml' : base.endsWith('.conf') ? 'nginx' : /^\.env$|\.env$/.test(base) ? 'sh' : base.startsWith('Caddyfile') ? 'caddyfile' : '';
	return `\`${file.name}\`:\n\n\`\`\`${language}\n${file.text}\`\`\`\n`;
}

function renderExample(ruleId: string): string {
	const example = ruleExample(ruleId);
	if (!example) return '';
	const before = `### Before\n\n${example.before.map(fence).join('\n')}`;
	const after = example.after.length > 0 ? `\n### After the quick fix\n\n${example.after.map(fence).join('\n')}` : '\nThis rule offers no automatic fix; see **Fix** above.\n';
	return `\n## Example\n\n${before}${after}`;
}

export function renderRulePages(): Map<string, string> {
	const pages = new Map<string, string>();
	const rows = rules.map((rule) => `| [\`${rule.id}\`](${fileName(rule.id)}) | ${rule.category} | ${rule.severity} | ${rule.summary.replaceAll('|', '\\|')} |`);
	pages.set('README.md', `# Rules\n\nGenerated from the rule registry by \`scripts/rule-docs.ts\`; do not edit by hand.\n\n| rule | category | default severity | summary |\n|---|---|---|---|\n${rows.join('\n')}\n`);
	for (const rule of rules) {
		const formerly = rule.aliases?.length ? `- **Formerly:** ${rule.aliases.map((alias) => `\`${alias}\``).join(', ')} (still accepted in suppression comments and settings)\n` : '';
		pages.set(fileName(rule.id), `# \`${rule.id}\`\n\n- **Category:** ${rule.category}\n- **Default severity:** ${rule.severity}\n${formerly}- **Reads:** ${rule.inputs.join(', ')}\n\n${rule.summary}\n\n${rule.docs.trim()}\n${renderExample(rule.id)}`);
		// Links written before rules were merged by cause (old diagnostics, bookmarks) land on a page that forwards.
		for (const alias of rule.aliases ?? []) {
			pages.set(fileName(alias), `# \`${alias}\`\n\nThis rule is now part of [\`${rule.id}\`](${fileName(rule.id)}): ${rule.summary}\n\nSuppression comments and settings that name \`${alias}\` keep working.\n`);
		}
	}
	return pages;
}

function fileName(id: string): string {
	return `${id.replace('/', '-')}.md`;
}

function main(): void {
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
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
