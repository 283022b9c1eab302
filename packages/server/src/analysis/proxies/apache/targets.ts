/**
Which Navidrome a backend URL reaches: a compose service by name, `container_name`, `hostname` or network alias and
port (the deployment's indexes, `model/links.ts`), a host Navidrome on loopback, or, when the address names nothing
known and the Apache file's scope holds exactly one Navidrome on that port (or the host says "navidrome"), that one,
marked `assumed`. `balancer://name` resolves through the `BalancerMember`s of `<Proxy balancer://name>`.
*/
import { dirname } from '../../files.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import { serverItems, type Server } from './config.js';

export type Target = { url: string; host: string; port: number; instance: NavidromeInstance; assumed: boolean };

export type Scope = { composeFiles: readonly ComposeFile[]; instances: readonly NavidromeInstance[]; apacheService: ComposeService | undefined; deployment: Deployment };

/** The compose projects and Navidrome instances an Apache file can reach (those of the services mounting it, else nearby). */
export function scopeOf(file: string, deployment: Deployment): Scope {
	const links = deployment.links;
	const owners = links.mounting(file);
	let composeFiles: ComposeFile[] = [...new Set(owners.map((owner) => owner.compose))];
	if (composeFiles.length === 0) composeFiles = [...links.nearestComposeFiles(file)];
	if (composeFiles.length === 0) composeFiles = [...deployment.composeFiles];
	const dir = dirname(file);
	const within = (path: string, folder: string): boolean => folder === '/' || path === folder || path.startsWith(`${folder}/`);
	const standalone = links.standalone.filter((instance) => {
		const tomlDir = dirname(instance.tomlFile ?? instance.id);
		return within(dir, tomlDir) || within(tomlDir, dir) || deployment.composeFiles.length === 0;
	});
	return { composeFiles, instances: [...composeFiles.flatMap((compose) => links.instancesIn(compose)), ...standalone], apacheService: owners[0]?.service, deployment };
}

/** `http://host:port/…` → host and port; `undefined` for other schemes, sockets and variables. */
export function parseUrl(url: string): { scheme: string; host: string; port: number | undefined } | undefined {
	const match = /^(https?|wss?|h2c?|balancer):\/\/([^/?#]*)/i.exec(url.trim());
	if (!match || match[2]!.includes('$')) return undefined;
	const authority = match[2]!;
	const bracket = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(authority);
	if (bracket) return { scheme: match[1]!.toLowerCase(), host: bracket[1]!.toLowerCase(), port: bracket[2] ? Number(bracket[2]) : undefined };
	const [host = '', port] = authority.split(':');
	if (!host || (port !== undefined && !/^\d{1,5}$/.test(port))) return undefined;
	return { scheme: match[1]!.toLowerCase(), host: host.toLowerCase(), port: port ? Number(port) : undefined };
}

/** The Navidrome a backend URL reaches, if any. */
export function resolveTarget(url: string, servers: readonly Server[], scope: Scope): Target | undefined {
	const parsed = parseUrl(url);
	if (!parsed) return undefined;
	if (parsed.scheme === 'balancer') {
		for (const member of balancerMembers(parsed.host, servers)) {
			const target = resolveTarget(member, [], scope);
			if (target) return { ...target, url };
		}
		return undefined;
	}
	const port = parsed.port ?? (/^(https|wss)$/.test(parsed.scheme) ? 443 : 80);
	const found = resolveHost(parsed.host, port, scope);
	return found ? { url, host: parsed.host, port, ...found } : undefined;
}

function balancerMembers(name: string, servers: readonly Server[]): string[] {
	const urls: string[] = [];
	for (const server of servers) {
		for (const section of server.sections) {
			if (section.kind !== 'proxy' || section.node.args[0]?.value.toLowerCase() !== `balancer://${name}`) continue;
			for (const item of server.items) if (item.section === section && item.directive.name.toLowerCase() === 'balancermember') urls.push(item.directive.args[0]?.value ?? '');
		}
		for (const item of serverItems(server)) {
			const [member, balancer] = item.directive.args.map((arg) => arg.value);
			if (item.directive.name.toLowerCase() === 'balancermember' && balancer?.toLowerCase() === `balancer://${name}` && member) urls.push(member);
		}
	}
	return urls;
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function resolveHost(host: string, port: number, scope: Scope): { instance: NavidromeInstance; assumed: boolean } | undefined {
	if (isLoopback(host)) {
		// Inside a container, loopback is the container itself: only host networking reaches the host's Navidrome.
		if (scope.apacheService && scope.apacheService.networkMode?.value !== 'host') return undefined;
		const instance = scope.instances.find((candidate) => (!candidate.service || candidate.hostNetwork ? candidate.port === port : candidate.publishedPorts.some((mapping) => publishedCovers(mapping.published, port))));
		return instance ? { instance, assumed: false } : undefined;
	}
	const links = scope.deployment.links;
	const answering = (within: ComposeFile | undefined): ServiceRef[] => [...links.named(host, within), ...links.hostnamed(host, within), ...links.aliased(host, within)];
	const refs = scope.composeFiles.flatMap(answering);
	if (refs[0]) {
		const instance = links.instanceOf(refs[0].service);
		return instance && instance.port === port ? { instance, assumed: false } : undefined;
	}
	const only = scope.instances.length === 1 ? scope.instances[0]! : undefined;
	if (only && (only.port === port || host.includes('navidrome'))) return { instance: only, assumed: true };
	return undefined;
}

function publishedCovers(published: string | undefined, port: number): boolean {
	if (!published) return false;
	const [low = '', high = low] = published.split('-');
	const from = Number.parseInt(low, 10);
	const to = Number.parseInt(high, 10);
	return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}
