import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './harness/cli.js';

describe('docs/rules', () => {
	it('should match the rule registry (regenerate with scripts/rule-docs.ts)', function () {
		this.timeout(30_000);
		const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(repoRoot, 'scripts/rule-docs.ts'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
		assert.equal(result.status, 0, result.stderr);
	});
});
