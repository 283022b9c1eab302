/** Builds packages/core and packages/server and packs each with plain `npm pack`, once per test run. */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles, repoRoot, serverRoot } from '../harness/cli.js';

export const coreRoot = join(repoRoot, 'packages', 'core');

export interface Tarballs {
	/** The folder holding both tarballs and a private npm cache; removed by `removeTarballs`. */
	folder: string;
	core: string;
	server: string;
	/** Environment for npm runs: a private cache, no audit, fund or update messages. */
	npmEnv: NodeJS.ProcessEnv;
}

let packed: Tarballs | undefined;
let coreBuilt = false;

export function packTarballs(): Tarballs {
	if (packed) return packed;
	buildBundles();
	if (!coreBuilt) execFileSync('npm', ['run', '--silent', 'build'], { cwd: coreRoot, stdio: ['ignore', 'ignore', 'inherit'] });
	coreBuilt = true;
	const folder = mkdtempSync(join(tmpdir(), 'nd-packed-'));
	const npmEnv: NodeJS.ProcessEnv = {
		...process.env,
		npm_config_cache: join(folder, 'npm-cache'),
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
		npm_config_loglevel: 'error',
	};
	mkdirSync(npmEnv.npm_config_cache!);
	const pack = (cwd: string): string => {
		const [entry] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd, env: npmEnv, encoding: 'utf8' })) as Array<{ filename: string }>;
		return join(folder, entry!.filename);
	};
	packed = { folder, core: pack(coreRoot), server: pack(serverRoot), npmEnv };
	return packed;
}

/** Removes the tarballs' folder (each test file's `after`); the next `packTarballs` packs again. */
export function removeTarballs(): void {
	if (packed) rmSync(packed.folder, { recursive: true, force: true });
	packed = undefined;
}

/** Runs a command to completion, capturing its output. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number }): SpawnSyncReturns<string> & { output: string } {
	const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, input: options.input ?? '', encoding: 'utf8', timeout: options.timeout ?? 120_000 });
	if (result.error) throw result.error;
	return Object.assign(result, { output: `${result.stdout}${result.stderr}` });
}
