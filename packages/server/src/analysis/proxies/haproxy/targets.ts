/**
Where an HAProxy `server` line goes: through the deployment's indexes (model/links.ts: service name, `container_name`,
`hostname`, network aliases) to a compose service and its Navidrome, or on loopback to a Navidrome on the host. An
address that names nothing known, with exactly one Navidrome on that port in scope, is taken to be it (`assumed`).
Also who answers an auth backend (`lua.auth-request <backend>`), from its name, its servers and their images.
*/
import { dirname } from '../../files.js';
import type { HaproxyServer } from '../../formats/haproxy/index.js';
import type { ComposeFile } from '../../formats/compose/types.js';
import { identifyAuthService, type AuthService } from '../../model/auth-services.js';
import type { Deployment, NavidromeInstance, ServiceRef } from '../../model/deployment.js';
import type { HaproxyProxy } from './program.js';

export type HaproxyScope = {
	composeFiles: readonly ComposeFile[];
	instances: readonly NavidromeInstance[];
	/** The compose services running this HAProxy (they bind-mount its file); empty for a host HAProxy. */
	proxyServices: readonly ServiceRef[];
	deployment: Deployment;
};

export type ServerTarget = { server: HaproxyServer; instance: NavidromeInstance | undefined; assumed: boolean; service: ServiceRef | undefined };

/** The compose projects, Navidrome instances and HAProxy services of one file. */
export function scopeFor(file: string, deployment: Deployment): HaproxyScope {
	const links = deployment.links;
	const owners = links.mounting(file).filter((ref) => !links.instanceOf(ref.service));
	let composeFiles: ComposeFile[] = [...new Set(owners.map((owner) => owner.compose))];
	if (composeFiles.length === 0) composeFiles = [...links.nearestComposeFiles(file)];
	if (composeFiles.length === 0) composeFiles = [...deployment.composeFiles];
	const fileDir = dirname(file);
	const standalone = links.standalone.filter((instance) => {
		const tomlDir = dirname(instance.tomlFile ?? instance.id);
		return within(fileDir, tomlDir) || within(tomlDir, fileDir) || deployment.composeFiles.length === 0;
	});
	return { composeFiles, instances: [...composeFiles.flatMap((compose) => links.instancesIn(compose)), ...standalone], proxyServices: owners, deployment };
}

function within(path: string, dir: string): boolean {
	return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What one `server` line reaches. A server without a port takes the client's port: it is judged as 80. */
export function resolveServer(server: HaproxyServer, scope: HaproxyScope): ServerTarget {
	const none: ServerTarget = { server, instance: undefined, assumed: false, service: undefined };
	const host = server.host;
	if (!host) return none;
	const port = server.port ?? 80;
	if (isLoopback(host)) {
		// In a container, loopback is the container itself: only host networking reaches the host's Navidrome.
		const contained = scope.proxyServices.some((ref) => ref.service.networkMode?.value !== 'host');
		if (contained) return none;
		const instance = scope.instances.find((candidate) => (!candidate.service || candidate.hostNetwork ? candidate.port === port : candidate.publishedPorts.some((mapping) => covers(mapping.published, port))));
		return { ...none, instance };
	}
	const links = scope.deployment.links;
	const answering = (compose: ComposeFile): ServiceRef[] => [...links.named(host, compose), ...links.hostnamed(host, compose), ...links.aliased(host, compose), ...links.addressed(host, compose)];
	const found = scope.composeFiles.flatMap(answering);
	const ref = found[0];
	if (ref) {
		const instance = links.instanceOf(ref.service);
		return { ...none, instance: instance && instance.port === port ? instance : undefined, service: ref };
	}
	const only = scope.instances.length === 1 ? scope.instances[0]! : undefined;
	if (only && (only.port === port || host.includes('navidrome'))) return { ...none, instance: only, assumed: true };
	return none;
}

function covers(published: string | undefined, port: number): boolean {
	if (!published) return false;
	const [low = '', high = low] = published.split('-');
	const from = Number.parseInt(low, 10);
	const to = Number.parseInt(high, 10);
	return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

/** Who answers the checks sent to `backend`: recognised from its name, its servers' names and addresses, their images. */
export function authServiceOf(backend: HaproxyProxy | undefined, name: string, scope: HaproxyScope): AuthService | undefined {
	const words = [name];
	for (const server of backend?.section.servers ?? []) {
		words.push(server.name, server.address?.value ?? '');
		const target = resolveServer(server, scope);
		if (target.service?.service.image) words.push(target.service.service.image.repository);
	}
	return identifyAuthService(words);
}
