/** Runs the bundled CLI as a user would (a real process), building the bundle once per test run. */
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const serverRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoRoot = join(serverRoot, '..', '..');
export const cliPath = join(serverRoot, 'dist', 'cli.js');

let built = false;
export function buildBundles(): void {
	if (built) return;
	execFileSync(process.execPath, ['build.mjs'], { cwd: serverRoot, stdio: 'inherit' });
	built = true;
}

export function runCli(args: string[], cwd = repoRoot): { status: number; stdout: string; stderr: string } {
	buildBundles();
	const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
	return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
