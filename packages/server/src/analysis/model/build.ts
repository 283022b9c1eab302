/**
Links parsed files into one deployment: Navidrome instances with their settings, the other services and networks,
and the lookup indexes (`links.ts`). The engine then runs the proxy adapters, which add the routes.
*/
import type { ComposeFile } from '../formats/compose/types.js';
import { parseDotenv, type DotenvFile } from '../formats/dotenv/parse.js';
import type { ParseContext } from '../formats/handler.js';
import type { Deployment, ParsedFile, ProxyRoute } from './deployment.js';
import { buildLinks } from './links.js';
import { assumedNavidrome, findNavidromes } from './navidrome.js';

const proxyKinds = new Set(['caddyfile', 'nginx', 'traefik']);

export function buildDeployment(files: Map<string, ParsedFile>, context: ParseContext): Deployment {
	const composeFiles: ComposeFile[] = [];
	const dotenvFiles = new Map<string, DotenvFile>();
	const tomlFiles: Array<{ path: string; text: string }> = [];
	for (const file of files.values()) {
		if (file.kind === 'compose' && file.data) composeFiles.push(file.data as ComposeFile);
		else if (file.kind === 'dotenv' && file.data) dotenvFiles.set(file.path, file.data as DotenvFile);
		else if (file.kind === 'navidrome-toml') tomlFiles.push({ path: file.path, text: file.text });
	}
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
	const navidromes = findNavidromes({ composeFiles, dotenv, tomlFiles, readToml, options: context.options });
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
