/**
Links parsed files into one deployment: Navidrome instances with their settings, the other services and networks,
and the lookup indexes (`links.ts`). The engine then runs the proxy adapters, which add the routes.
*/
import type { ComposeFile } from '../formats/compose/types.js';
import { parseDotenv, type DotenvFile } from '../formats/dotenv/parse.js';
import type { ParseContext } from '../formats/handler.js';
import type { Deployment, ParsedFile, ProxyRoute } from './deployment.js';
import { buildLinks } from './links.js';
import { composeProjects } from './projects.js';
import { assumedNavidrome, findNavidromes } from './navidrome.js';
import type { NativeFiles } from './native.js';
import type { ShellScript } from '../formats/shell/parse.js';
import type { SystemdUnit } from '../formats/systemd/parse.js';

const proxyKinds = new Set(['caddyfile', 'nginx', 'traefik', 'apache', 'haproxy']);

export function buildDeployment(files: Map<string, ParsedFile>, context: ParseContext): Deployment {
	const composeFiles: ComposeFile[] = [];
	const dotenvFiles = new Map<string, DotenvFile>();
	const tomlFiles: Array<{ path: string; text: string }> = [];
	const nativeFiles: { dotenv: Array<{ path: string; data: DotenvFile }>; systemd: Array<{ path: string; data: SystemdUnit }>; shell: Array<{ path: string; data: ShellScript }> } = { dotenv: [], systemd: [], shell: [] };
	for (const file of files.values()) {
		if (file.kind === 'dotenv' && file.data) nativeFiles.dotenv.push({ path: file.path, data: file.data as DotenvFile });
		else if (file.kind === 'systemd' && file.data) nativeFiles.systemd.push({ path: file.path, data: file.data as SystemdUnit });
		else if (file.kind === 'shell' && file.data) nativeFiles.shell.push({ path: file.path, data: file.data as ShellScript });
		if (file.kind === 'compose' && file.data) composeFiles.push(file.data as ComposeFile);
		else if (file.kind === 'dotenv' && file.data) dotenvFiles.set(file.path, file.data as DotenvFile);
		else if (file.kind === 'navidrome-toml') tomlFiles.push({ path: file.path, text: file.text });
	}
	// Compose files as Compose projects: includes, override files and `extends:` bases (projects.ts).
	composeFiles.splice(0, composeFiles.length, ...composeProjects(composeFiles, context));
	const dotenv = (path: string): DotenvFile | undefined => {
		let parsed = dotenvFiles.get(path);
		if (!parsed) {
			const text = context.readText(path);
			if (text === undefined) return undefined;
			parsed = parseDotenv(text);
			dotenvFiles.set(path, parsed);
		}
		return parsed;
	};
	const readToml = (path: string): { path: string; text: string } | undefined => {
		const text = context.readText(path);
		return text === undefined ? undefined : { path, text };
	};
	const navidromes = findNavidromes({ composeFiles, dotenv, tomlFiles, readToml, options: context.options, nativeFiles: nativeFiles satisfies NativeFiles, refused: (path) => context.readProblem?.(path) !== undefined });
	// A proxy config with no Navidrome in view is judged under stated assumptions, never passed in silence.
	if (navidromes.length === 0 && [...files.values()].some((file) => proxyKinds.has(file.kind))) navidromes.push(assumedNavidrome(context.options));
	const routes: ProxyRoute[] = [];
	const services = composeFiles.flatMap((compose) => compose.services.map((service) => ({ compose, service })));
	const deployment: Deployment = {
		files,
		composeFiles,
		dotenvFiles,
		navidromes,
		services,
		networks: composeFiles.flatMap((compose) => compose.networks.map((network) => ({ compose, network }))),
		links: buildLinks(services, composeFiles, navidromes, routes),
		routes,
		options: context.options,
	};
	return deployment;
}
