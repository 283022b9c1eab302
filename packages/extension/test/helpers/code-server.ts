/**
Runs code-server 4.100.3 (the real VS Code 1.100.3 workbench and extension host, installed by e2e/setup.sh) on
127.0.0.1 in its own process group, so stopping it by PGID also stops the extension host and the language server.
Facts: shared/recipes/vscode-e2e.md.
*/
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const codeServerEntry = fileURLToPath(new URL('../../e2e/node_modules/code-server/out/node/entry.js', import.meta.url));
export const chromiumPath = '/usr/bin/chromium';

export type CodeServer = { port: number; url: string; process: ChildProcess; log: () => string; stop: () => Promise<void> };

export type Profile = { userDataDir: string; extensionsDir: string; configFile: string };

/** A user-data and extensions folder under `root`, with settings that keep tips, welcome pages and telemetry away. */
export function createProfile(root: string): Profile {
	const profile = { userDataDir: join(root, 'user-data'), extensionsDir: join(root, 'extensions'), configFile: join(root, 'code-server.yaml') };
	mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
	mkdirSync(profile.extensionsDir, { recursive: true });
	writeFileSync(profile.configFile, 'auth: none\ncert: false\n');
	const settings = {
		'workbench.startupEditor': 'none',
		'workbench.welcomePage.walkthroughs.openOnInstall': false,
		'workbench.tips.enabled': false,
		'workbench.enableExperiments': false,
		'security.workspace.trust.enabled': false,
		'telemetry.telemetryLevel': 'off',
		'extensions.autoUpdate': false,
		'extensions.ignoreRecommendations': true,
		'update.mode': 'none',
		'editor.minimap.enabled': false,
		'editor.hover.delay': 150,
		'window.commandCenter': false,
		'chat.commandCenter.enabled': false,
		'workbench.layoutControl.enabled': false,
		// Built-ins that would scan the workspace at start-up, competing for the CPU; none takes part in the test.
		'git.enabled': false,
		'git.autoRepositoryDetection': false,
		'github.gitAuthentication': false,
		'npm.autoDetect': 'off',
	};
	writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, '\t')}\n`);
	return profile;
}

function baseArgs(profile: Profile): string[] {
	return [codeServerEntry, '--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

export async function installExtension(profile: Profile, vsix: string): Promise<string> {
	const { stdout, stderr } = await run(process.execPath, [...baseArgs(profile), '--install-extension', vsix, '--force'], { timeout: 60_000 });
	return `${stdout}${stderr}`;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

async function healthy(url: string): Promise<boolean> {
	try {
		const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
		return response.ok;
	} catch {
		return false;
	}
}

export async function startCodeServer(profile: Profile, workspace: string): Promise<CodeServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const args = [
		...baseArgs(profile),
		'--bind-addr', `127.0.0.1:${port}`,
		'--auth', 'none',
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-workspace-trust',
		'--disable-getting-started-override',
		workspace,
	];
	// detached: a new session and process group (setsid), stopped below by its PGID.
	const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_CLI: undefined } });
	let output = '';
	const collect = (chunk: Buffer) => {
		output = (output + chunk.toString('utf8')).slice(-20_000);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			return;
		}
		const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
		if ((await Promise.race([exited, timer])) === 'timeout') {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
			await exited;
		}
		child.stdout?.destroy();
		child.stderr?.destroy();
	};
	const deadline = Date.now() + 30_000;
	while (!(await healthy(url))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`code-server did not start:\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return { port, url, process: child, log: () => output, stop };
}

export function prerequisitesMissing(): string | undefined {
	if (!existsSync(codeServerEntry)) return `code-server is not installed (${codeServerEntry}); run packages/extension/e2e/setup.sh`;
	if (!existsSync(chromiumPath)) return `${chromiumPath} is missing; run packages/extension/e2e/setup.sh`;
	return undefined;
}
