/**
`navidrome-extauth probe [paths...]`: the user's own Caddyfile or nginx configuration measured with the locally
installed proxy, in a sandbox on loopback (sandbox.ts, caddy.ts, nginx.ts), beside what the static analysis says
(static.ts). `probe --live URL` (live.ts) asks a running deployment instead. Files are read only through the read
boundary (cli/read-boundary.ts), as `check` reads them; nothing is written outside the sandbox.
*/
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { guessFileKind } from '../../analysis/detect.js';
import { Analyzer, type AnalysisResult } from '../../analysis/engine.js';
import { dirname, type FileKind } from '../../analysis/files.js';
import type { ProxyRoute } from '../../analysis/model/deployment.js';
import { caddyAnalysis } from '../../analysis/proxies/caddy/index.js';
import { nginxModel } from '../../analysis/proxies/nginx/model.js';
import { escapeControls } from '../format-text.js';
import { createNodeWorkspace, discoverFiles, fromEnginePath, toEnginePath } from '../node-workspace.js';
import type { ProbeArguments } from './args.js';
import { prepareCaddy } from './caddy.js';
import { runLive } from './live.js';
import { measurePath } from './measure.js';
import { prepareNginx } from './nginx.js';
import { formatProbeJson, formatProbeText } from './report.js';
import { createSandbox, findBinary, startProxy, type Running, type Sandbox } from './sandbox.js';
import { startServices, type Services } from './services.js';
import { staticVerdict } from './static.js';
import type { PreparedProxy, ProbeIo, ProbeReport, ProbeResult } from './types.js';

export type { ProbeIo } from './types.js';

export { parseProbeArguments, probeUsage, type ProbeArguments } from './args.js';

export const probeExitCodes = { safe: 0, spoofable: 1, usage: 2 } as const;

/** Navidrome's usual paths, probed on every site (spec navidrome-extauth.md §5). */
const navidromePaths = ['/app/', '/rest/ping', '/share/abc', '/api/song'];

const installHints: Record<'caddy' | 'nginx', string> = {
	caddy: 'Install Caddy (https://caddyserver.com/docs/install; on Debian or Ubuntu: apt install caddy) and make sure `caddy` is on PATH',
	nginx: 'Install nginx (https://nginx.org/en/linux_packages.html; on Debian or Ubuntu: apt install nginx) and make sure `nginx` is on PATH (it is often in /usr/sbin)',
};

/** Runs `probe`; returns the exit status. Never throws. */
export async function runProbe(args: ProbeArguments, io: ProbeIo): Promise<number> {
	try {
		if (args.live !== undefined) return await runLive(args, io);
		return await probeConfig(args, io);
	} catch (error) {
		io.err(`navidrome-extauth probe: ${escapeControls(String((error as Error)?.message ?? error))}\n`);
		return probeExitCodes.usage;
	}
}

async function probeConfig(args: ProbeArguments, io: ProbeIo): Promise<number> {
	const fail = (message: string): number => {
		io.err(`navidrome-extauth probe: ${message}\n`);
		return probeExitCodes.usage;
	};
	let input = readInputs(args);
	if (typeof input === 'string') return fail(input);
	const configs = [
		...(caddyAnalysis(input.analysis.deployment)?.files.map((file) => ({ proxy: 'caddy' as const, main: file.file })) ?? []),
		...nginxModel(input.analysis.deployment).roots.map((root) => ({ proxy: 'nginx' as const, main: root.file })),
	];
	const given = args.paths.map((path) => `'${escapeControls(path, 'path')}'`).join(', ');
	if (configs.length === 0) return fail(`no Caddyfile or nginx configuration found in ${given} (probe measures those two; Traefik is not supported)`);
	if (configs.length > 1) return fail(`found ${configs.length} proxy configurations; name one of them:\n${configs.map((config) => `  ${escapeControls(io.relative(config.main), 'path')} (${config.proxy})`).join('\n')}`);
	const config = configs[0]!;
	const version = findBinary(config.proxy, config.proxy === 'caddy' ? ['version'] : ['-v'], io.env);
	if (!version) return fail(`${config.proxy} was not found, and probe measures ${escapeControls(io.relative(config.main), 'path')} with the real ${config.proxy}. ${installHints[config.proxy]}, or run 'navidrome-extauth check' for the static analysis alone.`);
	// The static side judges the Caddy that is measured (copy_headers and placeholders differ by version).
	const measuredCaddy = config.proxy === 'caddy' ? /v?(\d+\.\d+\.\d+)/.exec(version)?.[1] : undefined;
	if (measuredCaddy && args.options.caddyVersion === undefined) {
		input = readInputs({ ...args, options: { ...args.options, caddyVersion: measuredCaddy } });
		if (typeof input === 'string') return fail(input);
	}
	const { analysis, disk } = input;

	const routes = analysis.deployment.routes.filter((route) => route.proxy === config.proxy);
	const firstTarget = routes.find((route) => route.target)?.target;
	const userHeader = args.header ?? (firstTarget?.settings.settings.userHeader.value || 'Remote-User');
	const base = (firstTarget?.intended.settings.baseUrl.value ?? '').replace(/\/+$/, '');
	const forgedUser = `probe-forged-${randomBytes(4).toString('hex')}`;
	const signedInUser = `probe-user-${randomBytes(4).toString('hex')}`;

	const sandbox = createSandbox();
	let services: Services | undefined;
	let running: Running | undefined;
	const cleanup = async (): Promise<void> => {
		await running?.stop();
		await services?.close();
		sandbox.remove();
	};
	const onSignal = (): void => {
		void cleanup().finally(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		services = await startServices();
		const texts = (path: string): string | undefined => disk.readFile(path);
		let prepared: PreparedProxy;
		try {
			prepared =
				config.proxy === 'caddy'
					? await prepareCaddy({ main: config.main, analysis, routes, texts, sandbox, services, env: io.env })
					: await prepareNginx({ main: config.main, analysis, routes, texts, list: (glob) => disk.listFiles(glob), sandbox, services, env: io.env, moduleExists: existsSync, isRoot: io.isRoot ?? false });
		} catch (error) {
			return fail(`${escapeControls(io.relative(config.main), 'path')} could not be run: ${escapeControls(sandboxPaths(String((error as Error)?.message ?? error), sandbox, io))}`);
		}
		try {
			running = await startProxy(prepared.command, prepared.args, prepared.ports, { env: prepared.env, ...(prepared.cwd ? { cwd: prepared.cwd } : {}), ...(prepared.log ? { log: prepared.log } : {}) });
		} catch (error) {
			return fail(`${config.proxy} did not start: ${escapeControls(sandboxPaths(String((error as Error)?.message ?? error), sandbox, io))}`);
		}
		const configRoutes = routes.filter((route) => prepared.files.includes(route.location.file));
		const navidromeHosts = new Set(configRoutes.filter((route) => route.target).map((route) => upstreamHost(route.upstream)));
		const notes = [...prepared.notes];
		if (navidromeHosts.size === 0) notes.push('the static analysis names no upstream as Navidrome, so every upstream counts as Navidrome');
		const context = { services, userHeader, forgedUser, signedInUser, isNavidrome: (label: string) => navidromeHosts.size === 0 || navidromeHosts.has(upstreamHost(label)) };
		const results: ProbeResult[] = [];
		for (const target of prepared.targets) {
			for (const path of probePaths(args.requestPaths, base, target.routes)) {
				const measured = await measurePath(target, path, context);
				const verdict = staticVerdict(target.routes, path, analysis.findings, io.relative);
				// A path no route names is one the static analysis sees no way to Navidrome for.
				const agrees = measured.spoofable === verdict.spoofable && measured.placeholder === verdict.placeholder && (measured.delivered === null || verdict.delivered === null || measured.delivered === verdict.delivered);
				results.push({ host: target.host, path, spoofable: measured.spoofable, placeholder: measured.placeholder, delivered: measured.delivered, evidence: measured.evidence, static: verdict, agrees });
			}
		}
		const report: ProbeReport = { proxy: config.proxy, version: config.proxy === 'caddy' && !version.startsWith('caddy') ? `caddy ${version}` : version, config: io.relative(config.main), userHeader, forgedUser, results, notes: notes.map((note) => sandboxPaths(note, sandbox, io)) };
		io.out(args.format === 'json' ? formatProbeJson(report) : formatProbeText(report));
		return results.some((result) => result.spoofable) ? probeExitCodes.spoofable : probeExitCodes.safe;
	} finally {
		process.removeListener('SIGINT', onSignal);
		process.removeListener('SIGTERM', onSignal);
		await cleanup();
	}
}

/**
The paths to measure on one site: `--path`s, else the witness paths of its routes to Navidrome (the paths the static
verdict is stated for), else Navidrome's usual ones under BaseURL.
*/
function probePaths(requested: readonly string[], base: string, routes: readonly ProxyRoute[]): string[] {
	if (requested.length > 0) return [...new Set(requested)];
	const witnesses = new Set(routes.filter((route) => route.target).flatMap((route) => route.witnesses.filter((path) => path.startsWith('/'))));
	if (witnesses.size === 0) return navidromePaths.map((path) => `${base}${path}`);
	// Navidrome's usual paths first, then what else the routes name.
	const usual = navidromePaths.map((path) => `${base}${path}`).filter((path) => witnesses.has(path));
	return [...new Set([...usual, ...witnesses])].slice(0, 40);
}

/** `http://navidrome:4533/x` → `navidrome`; `navidrome_backend` stays. */
function upstreamHost(upstream: string): string {
	const rest = upstream.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
	if (rest.startsWith('[')) return rest.slice(0, rest.indexOf(']') + 1);
	return rest.split(/[:/]/)[0] ?? rest;
}

/** Error text names the sandbox's copies by the user's own paths, and the sandbox itself as `<sandbox>`. */
function sandboxPaths(text: string, sandbox: Sandbox, io: ProbeIo): string {
	const escape = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const root = sandbox.mirrorText('');
	return text.replace(new RegExp(`${escape(root)}(/[^\\s:"';]*)`, 'g'), (_whole, path: string) => io.relative(path)).replaceAll(sandbox.dir, '<sandbox>');
}

type Inputs = { analysis: AnalysisResult; disk: ReturnType<typeof createNodeWorkspace> };

/** The files under the paths given, read and analysed as `check` does (a named file brings its folder). */
function readInputs(args: ProbeArguments): Inputs | string {
	const isFile = (path: string): boolean => {
		try {
			return statSync(fromEnginePath(path)).isFile();
		} catch {
			return false;
		}
	};
	const roots = args.paths.map((given) => {
		const path = toEnginePath(given);
		return isFile(path) ? dirname(path) : path;
	});
	const disk = createNodeWorkspace({ roots, allowRead: args.allowRead.map(toEnginePath) });
	const chosen = new Map(args.kinds.map((option) => [toEnginePath(option.path), option.kind]));
	const kinds = new Map<string, FileKind>();
	const paths: string[] = [];
	const named = new Set<string>();
	for (const given of args.paths) {
		const path = toEnginePath(given);
		let stats;
		try {
			stats = statSync(fromEnginePath(path));
		} catch {
			return `cannot read '${escapeControls(given, 'path')}': no such file or directory`;
		}
		if (stats.isDirectory()) paths.push(...discoverFiles(path, [], 0, { roots, readPrefix: (file) => disk.readPrefix(file), kinds }));
		else if (stats.isFile()) {
			paths.push(path);
			named.add(path);
		} else return `cannot read '${escapeControls(given, 'path')}': not a regular file`;
	}
	const files: Array<{ path: string; text: string; kind: FileKind }> = [];
	for (const path of [...new Set(paths)].sort()) {
		const text = disk.readFile(path);
		if (text === undefined) {
			if (named.has(path)) return `cannot read '${escapeControls(path, 'path')}': ${escapeControls(disk.problem(path)?.message ?? 'unreadable')}`;
			continue;
		}
		const kind = chosen.get(path) ?? (named.has(path) ? guessFileKind(path, text)?.kind : (kinds.get(path) ?? guessFileKind(path, text)?.kind));
		if (kind) files.push({ path, text, kind });
	}
	const analysis = new Analyzer().analyze({ files, workspace: disk, options: args.options });
	return { analysis, disk };
}
