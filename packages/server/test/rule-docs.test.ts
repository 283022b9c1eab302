import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/analysis/rules/index.js';
import { renderRulePages, ruleExample } from '../../../scripts/rule-docs.js';
import { isMarkerLine } from './harness/annotations.js';
import { repoRoot } from './harness/cli.js';

describe('docs/rules', () => {
	it('should match the rule registry (regenerate with scripts/rule-docs.ts)', function () {
		this.timeout(30_000);
		const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(repoRoot, 'scripts/rule-docs.ts'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
		assert.equal(result.status, 0, result.stderr);
	});

	it('should give every rule page a before example from a fire-* fixture, and an after one from its .fixed files', () => {
		const pages = renderRulePages();
		for (const rule of rules) {
			const example = ruleExample(rule.id);
			assert.ok(example && example.before.length > 0, `${rule.id} has no example`);
			const page = pages.get(`${rule.id.replace('/', '-')}.md`)!;
			assert.match(page, /\n## Example\n\n### Before\n/, rule.id);
			// The rule's place is shown with carets; no other fixture marker reaches the page.
			assert.ok(example.before.some((file) => file.text.includes(` ${rule.id} (`)), `${rule.id}: where it fires`);
			for (const file of [...example.before, ...example.after]) {
				assert.ok(!file.text.split('\n').some(isMarkerLine), `${rule.id} ${file.name} shows a test marker`);
				assert.ok(!file.text.includes('§'), `${rule.id} ${file.name} cites a spec section`);
			}
			const folder = join(repoRoot, 'packages/server/test/fixtures/rules', example.fixture);
			for (const file of example.after) {
				const fixed = readFileSync(join(folder, `${file.name}.fixed`), 'utf8');
				assert.equal(file.text.trimEnd(), fixed.split('\n').filter((line) => !isMarkerLine(line) && !/^\s*#.*§/.test(line)).join('\n').trimEnd(), `${rule.id} ${file.name}`);
				assert.ok(page.includes(file.text), `${rule.id} page shows ${file.name} after the fix`);
			}
			if (example.after.length === 0) assert.match(page, /offers no automatic fix/, rule.id);
		}
	});

	it('should show the fixed version for every rule with a .fixed fixture', () => {
		const withFixed = rules.filter((rule) => ruleExample(rule.id)?.before.some((file) => existsSync(join(repoRoot, 'packages/server/test/fixtures/rules', ruleExample(rule.id)!.fixture, `${file.name}.fixed`))));
		assert.ok(withFixed.length >= 20, `${withFixed.length} rules show a fix`);
		for (const rule of withFixed) assert.ok(ruleExample(rule.id)!.after.length > 0, rule.id);
	});
});
