/**
Lookup indexes over one deployment, built once (by `buildDeployment`) so that linking a file or an upstream costs the
same in a tree of 2,000 stacks as in one: which services bind-mount a host path, which host path a container path
comes from, which services answer to a host name, which Navidrome a service runs, and whether Navidrome trusts a
proxy's peer address. Every proxy adapter links through these; none scans the deployment per file.
*/
import { basename, dirname, resolvePath } from '../files.js';
import type { ComposeFile, ComposeService } from '../formats/compose/types.js';
import { getValue, mapPairs, pairIndex, scalarText, seqItems } from '../formats/yaml-nodes.js';
import type { NavidromeInstance } from './instance.js';
import { peerTrust } from './peer.js';
import type { PeerTrust, ProxyRoute } from './route.js';

export type Links = {
	/** Services that bind-mount `hostPath` itself or a folder above it, in deployment order. */
	mounting(hostPath: string): ServiceRef[];
	/** Every host path a container path comes from in `service` (bind mounts of the file or a folder above it), in volume order. */
	hostPaths(service: ComposeService, containerPath: string): string[];
	/** The first of `hostPaths`. */
	hostPath(service: ComposeService, containerPath: string): string | undefined;
	/**
	Services whose service name or `container_name` is `host` (case-insensitive), in deployment order; with `within`,
	only that compose file's.
	*/
	named(host: string, within?: ComposeFile): ServiceRef[];
	/**
	Services Docker's DNS also resolves `host` to: network aliases and the default container name
	`<project>-<service>-1` (project: the top-level `name`, else the compose folder's name).
	*/
	aliased(host: string, within?: ComposeFile): ServiceRef[];
	/** Services whose `hostname` is `host`. */
	hostnamed(host: string, within?: ComposeFile): ServiceRef[];
	/** Services with a pinned `ipv4_address`/`ipv6_address` equal to `address`. */
	addressed(address: string, within?: ComposeFile): ServiceRef[];
	/** The Navidrome instance a compose service runs. */
	instanceOf(service: ComposeService): NavidromeInstance | undefined;
	/** Navidrome instances of one compose file, in order. */
	instancesIn(compose: ComposeFile): NavidromeInstance[];
	/** Navidrome instances listening on `port` inside their container. */
	instancesOnPort(port: number): NavidromeInstance[];
	/** Instances with no compose service (a standalone navidrome.toml, the assumed one). */
	standalone: NavidromeInstance[];
	/** The instance assumed when no Navidrome is in view (`model/navidrome.ts` `assumedNavidrome`). */
	assumed: NavidromeInstance | undefined;
	/** Services of the compose files in `folder`. */
	servicesIn(folder: string): ServiceRef[];
	/** The compose files of the deepest folder at or above `path`'s folder that holds any (none: `[]`). */
	nearestComposeFiles(path: string): ComposeFile[];
	/** Services of every compose file at or above `path`'s folder, deepest folder first. */
	servicesAbove(path: string): ServiceRef[];
	/** The routes (`deployment.routes`, once the proxy adapters ran) that reach `instance`, in order. */
	routesTo(instance: NavidromeInstance): ProxyRoute[];
	/** `model/peer.ts` `peerTrust`, once per instance and set of proxy services. */
	peerTrust(instance: NavidromeInstance, proxies: readonly ServiceRef[]): PeerTrust;
};

/** A compose service and its file (`deployment.ts` `ServiceRef`, restated so that deployment.ts can import this module). */
type ServiceRef = { compose: ComposeFile; service: ComposeService };

type Bind = { source: string; target: string };

/** A name-keyed index, overall and per compose file. */
class NameIndex {
	private readonly all = new Map<string, ServiceRef[]>();
	private readonly perCompose = new Map<ComposeFile, Map<string, ServiceRef[]>>();

	add(name: string, ref: ServiceRef): void {
		const key = name.toLowerCase();
		push(this.all, key, ref);
		let own = this.perCompose.get(ref.compose);
		if (!own) this.perCompose.set(ref.compose, (own = new Map()));
		push(own, key, ref);
	}

	get(name: string, within: ComposeFile | undefined): ServiceRef[] {
		const key = name.toLowerCase();
		return (within ? this.perCompose.get(within)?.get(key) : this.all.get(key)) ?? [];
	}
}

/** Appends unless `value` was the last one added under `key` (one service adds its own names one after another). */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (!list) map.set(key, [value]);
	else if (list[list.length - 1] !== value) list.push(value);
}

/** Builds every index of a deployment in one pass over its services and instances. */
export function buildLinks(services: readonly ServiceRef[], composeFiles: readonly ComposeFile[], navidromes: readonly NavidromeInstance[], routes: readonly ProxyRoute[] = []): Links {
	const order = new Map<ServiceRef, number>(services.map((ref, index) => [ref, index]));
	const byService = new Map<ComposeService, ServiceRef>(services.map((ref) => [ref.service, ref]));
	const mounts = new Map<string, ServiceRef[]>();
	const binds = new Map<ComposeService, Bind[]>();
	const named = new NameIndex();
	const aliased = new NameIndex();
	const hostnamed = new NameIndex();
	const addressed = new NameIndex();
	const byFolder = new Map<string, ServiceRef[]>();
	const composeByFolder = new Map<string, ComposeFile[]>();
	for (const compose of composeFiles) push(composeByFolder, dirname(compose.path), compose);
	const serviceNodes = new Map<ComposeFile, ReturnType<typeof pairIndex>>();
	for (const ref of services) {
		const { compose, service } = ref;
		let nodes = serviceNodes.get(compose);
		if (!nodes) serviceNodes.set(compose, (nodes = pairIndexOf(compose)));
		push(byFolder, dirname(compose.path), ref);
		const own: Bind[] = [];
		for (const volume of service.volumes) {
			if (volume.type !== 'bind') continue;
			const source = trimSlashes(volume.source);
			push(mounts, source, ref);
			own.push({ source, target: trimSlashes(volume.target) });
		}
		binds.set(service, own);
		named.add(service.name, ref);
		if (service.containerName) named.add(service.containerName, ref);
		const names = dnsNames(compose, service, nodes.get(service.name)?.value);
		if (names.hostname) hostnamed.add(names.hostname, ref);
		for (const alias of names.aliases) aliased.add(alias, ref);
		for (const network of service.networks ?? []) {
			const v4 = network.ipv4Address?.value.trim();
			const v6 = network.ipv6Address?.value.trim();
			if (v4) addressed.add(v4, ref);
			if (v6) addressed.add(v6, ref);
		}
	}
	const instances = new Map<ComposeService, NavidromeInstance>();
	const perCompose = new Map<ComposeFile, NavidromeInstance[]>();
	const perPort = new Map<number, NavidromeInstance[]>();
	const standalone: NavidromeInstance[] = [];
	for (const instance of navidromes) {
		if (instance.service && !instances.has(instance.service)) instances.set(instance.service, instance);
		if (instance.compose) push(perCompose, instance.compose, instance);
		else standalone.push(instance);
		push(perPort, instance.port, instance);
	}
	const inOrder = (refs: Iterable<ServiceRef>): ServiceRef[] => [...new Set(refs)].sort((a, b) => order.get(a)! - order.get(b)!);
	const trusts = new Map<NavidromeInstance, Map<string, PeerTrust>>();
	// Routes are added after the indexes are built (by the proxy adapters), so that index is built on first use.
	let routeIndex: { length: number; byTarget: Map<NavidromeInstance, ProxyRoute[]> } | undefined;

	const links: Links = {
		mounting(hostPath) {
			const found: ServiceRef[] = [];
			for (let path = trimSlashes(hostPath); ; path = dirname(path)) {
				found.push(...(mounts.get(path) ?? []));
				if (path === '/' || path === '') break;
			}
			return found.length > 1 ? inOrder(found) : found;
		},
		hostPaths(service, containerPath) {
			const paths: string[] = [];
			const wanted = trimSlashes(containerPath);
			for (const bind of binds.get(service) ?? []) {
				if (!bind.target.startsWith('/')) continue;
				if (wanted === bind.target) paths.push(bind.source);
				else if (wanted.startsWith(bind.target === '/' ? '/' : `${bind.target}/`)) paths.push(resolvePath(bind.source, wanted.slice(bind.target.length + (bind.target === '/' ? 0 : 1))));
			}
			return paths;
		},
		hostPath(service, containerPath) {
			return links.hostPaths(service, containerPath)[0];
		},
		named: (host, within) => named.get(host, within),
		aliased: (host, within) => aliased.get(host, within),
		hostnamed: (host, within) => hostnamed.get(host, within),
		addressed: (address, within) => addressed.get(address, within),
		instanceOf: (service) => instances.get(service),
		instancesIn: (compose) => perCompose.get(compose) ?? [],
		instancesOnPort: (port) => perPort.get(port) ?? [],
		standalone,
		assumed: navidromes.find((instance) => instance.assumed),
		servicesIn: (folder) => byFolder.get(trimSlashes(folder)) ?? [],
		nearestComposeFiles(path) {
			for (let folder = dirname(path); ; folder = dirname(folder)) {
				const found = composeByFolder.get(folder);
				if (found) return found;
				if (folder === '/') return [];
			}
		},
		servicesAbove(path) {
			const found: ServiceRef[] = [];
			for (let folder = dirname(path); ; folder = dirname(folder)) {
				found.push(...(byFolder.get(folder) ?? []));
				if (folder === '/') return found;
			}
		},
		routesTo(instance) {
			if (!routeIndex || routeIndex.length !== routes.length) {
				const byTarget = new Map<NavidromeInstance, ProxyRoute[]>();
				for (const route of routes) if (route.target) push(byTarget, route.target, route);
				routeIndex = { length: routes.length, byTarget };
			}
			return routeIndex.byTarget.get(instance) ?? [];
		},
		peerTrust(instance, proxies) {
			const key = proxies.map((ref) => order.get(byService.get(ref.service) ?? ref) ?? `${ref.compose.path}\u0000${ref.service.name}`).join(',');
			let known = trusts.get(instance);
			if (!known) trusts.set(instance, (known = new Map()));
			let trust = known.get(key);
			if (!trust) known.set(key, (trust = peerTrust(instance, proxies)));
			return trust;
		},
	};
	return links;
}

function trimSlashes(path: string): string {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' && path.startsWith('/') ? '/' : trimmed;
}

/**
Names of a service other than its name and `container_name`, read from the document (the compose model does not
keep them): `hostname`, `networks.<net>.aliases` and the default container name `<project>-<service>-1`.
*/
function dnsNames(compose: ComposeFile, service: ComposeService, node: unknown): { hostname: string | undefined; aliases: string[] } {
	const aliases: string[] = [];
	let hostname: string | undefined;
	try {
		hostname = scalarText(getValue(node, 'hostname'), '')?.value || undefined;
		for (const pair of mapPairs(getValue(node, 'networks'))) {
			for (const item of seqItems(getValue(pair.value, 'aliases'))) {
				const value = scalarText(item, '')?.value;
				if (value) aliases.push(value);
			}
		}
		if (!service.containerName) aliases.push(`${projectName(compose)}-${service.name}-1`);
	} catch {
		// A document the compose parser could read partly: names and container names still count.
	}
	return { hostname, aliases };
}

function pairIndexOf(compose: ComposeFile): ReturnType<typeof pairIndex> {
	try {
		return pairIndex(getValue(compose.document.contents, 'services'));
	} catch {
		return new Map();
	}
}

/** Compose's project name: the top-level `name`, else the folder's name, lower-cased, keeping `[a-z0-9_-]`. */
function projectName(compose: ComposeFile): string {
	const declared = scalarText(getValue(compose.document.contents, 'name'), '')?.value;
	return (declared || basename(dirname(compose.path))).toLowerCase().replace(/[^a-z0-9_-]/g, '');
}
