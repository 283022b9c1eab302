#!/usr/bin/env node
// The README's main job: run `navidrome-extauth check examples`. Most examples are broken on purpose, so exit
// status 1 ("error-severity findings") is the expected outcome here and is reported as success; 2 and crashes are not.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(process.execPath, ['packages/server/dist/cli.js', 'check', 'examples', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (result.status === 1) {
	process.stdout.write('\n(exit status 1 means error-severity findings, as expected: most examples are broken on purpose.)\n');
	process.exit(0);
}
process.exit(result.status ?? 1);
