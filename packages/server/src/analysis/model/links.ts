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
	/** The compose files of `compose`'s Compose project: the base or including file, its override and `include:`d files. */
	project(compose: ComposeFile): ComposeFile[];
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
	/** The proxy's own stack (see `ProxyStack`). */
	stackOf(site: ProxySite): ProxyStack;
	/**
	The one linking rule for every proxy adapter: what a proxy upstream reaches. Within the proxy's own stack first (by
	service name, `container_name`, `hostname`, alias or pinned address; loopback by the ports Navidrome listens on or
	publishes on the host); a Navidrome outside the stack only when the stack has none and exactly one fits; the
	assumed instance only when no Navidrome is in view at all.
	*/
	upstream(address: UpstreamAddress, site: ProxySite): UpstreamLink;
};

/** Where a proxy config sits: the file and the compose services that run the proxy (they bind-mount it), if any. */
export type ProxySite = { file: string; proxies: readonly ServiceRef[] };

/**
A proxy's own stack: the compose projects of the services that mount its config, else the compose files of the
deepest folder at or above it; their Navidrome instances, then instances of no compose file whose file sits in the
proxy file's folder, above it or below it.
*/
export type ProxyStack = { composeFiles: readonly ComposeFile[]; instances: readonly NavidromeInstance[] };

/** An upstream as the proxy names it (host lower-cased, without brackets); `port` undefined when not written. */
export type UpstreamAddress = { host: string; port: number | undefined };

export type UpstreamLink = {
	/** The compose service the host names, Navidrome or not. */
	service: ServiceRef | undefined;
	instance: NavidromeInstance | undefined;
	/** The instance was picked because it is the only one that fits (or the assumed one), not because the address names it. */
	guessed: boolean;
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
	// Compose projects: files that an override or `include:` ties to a base (`formats/compose` `overrideOf`, `includedBy`).
	const byPath = new Map(composeFiles.map((compose) => [compose.path, compose]));
	const projectRoot = (compose: ComposeFile): string => {
		let current = compose;
		for (let depth = 0; depth < 16; depth++) {
			const up = current.overrideOf ?? current.includedBy;
			const next = up === undefined ? undefined : byPath.get(up);
			if (!next || next === current) break;
			current = next;
		}
		return current.path;
	};
	const projects = new Map<string, ComposeFile[]>();
	for (const compose of composeFiles) push(projects, projectRoot(compose), compose);
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
		project: (compose) => projects.get(projectRoot(compose)) ?? [compose],
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
		stackOf(site) {
			let composes = [...new Set(site.proxies.map((ref) => ref.compose))];
			if (composes.length === 0) composes = [...links.nearestComposeFiles(site.file)];
			const folder = dirname(site.file);
			const near = standalone.filter((instance) => {
				const file = instanceFile(instance);
				if (file === undefined) return false;
				const home = dirname(file);
				return isWithin(folder, home) || isWithin(home, folder);
			});
			return { composeFiles: composes, instances: [...composes.flatMap((compose) => links.instancesIn(compose)), ...near] };
		},
		upstream(address, site) {
			const none: UpstreamLink = { service: undefined, instance: undefined, guessed: false };
			const assumed = links.assumed;
			if (assumed) return looksLikeNavidrome(address) ? { ...none, instance: assumed, guessed: true } : none;
			const stack = links.stackOf(site);
			const { host, port } = address;
			if (isLoopback(host)) {
				// Inside a container, loopback is the container itself: only host networking reaches the host's Navidrome.
				if (site.proxies.length > 0 && site.proxies.every((ref) => ref.service.networkMode?.value !== 'host')) return none;
				const pool = stack.instances.length > 0 ? stack.instances : navidromes;
				const listening = port === undefined ? [] : pool.filter((instance) => listensOnHost(instance, port));
				return listening.length === 1 ? { ...none, instance: listening[0] } : none;
			}
			const answering = (within: ComposeFile | undefined): ServiceRef[] => [...named.get(host, within), ...hostnamed.get(host, within), ...aliased.get(host, within), ...addressed.get(host, within)];
			const linked = (ref: ServiceRef, guessed = false): UpstreamLink => {
				const instance = instances.get(ref.service);
				return { service: ref, instance: instance && (port === undefined || instance.port === port) ? instance : undefined, guessed };
			};
			for (const compose of stack.composeFiles) {
				const ref = answering(compose)[0];
				if (ref) return linked(ref);
			}
			const fits = (instance: NavidromeInstance): boolean => port === instance.port || host.includes('navidrome');
			// Never a sibling stack's Navidrome when the stack has its own: the only one of the stack, or none.
			if (stack.instances.length > 0) {
				const only = stack.instances.length === 1 ? stack.instances[0]! : undefined;
				return only && fits(only) ? { ...none, instance: only, guessed: true } : none;
			}
			const refs = inOrder(answering(undefined));
			const running = [...new Set(refs.map((ref) => instances.get(ref.service)).filter((instance): instance is NavidromeInstance => Boolean(instance)))];
			// Outside the stack only when one Navidrome answers: several stacks' services named alike are no evidence.
			if (running.length > 1) return none;
			if (running.length === 1) return linked(refs.find((ref) => instances.get(ref.service) === running[0])!);
			if (refs.length > 0) return linked(refs[0]!);
			// No service by that name anywhere: the one Navidrome in view, when the address looks like it.
			const only = navidromes.length === 1 ? navidromes[0]! : undefined;
			return only && fits(only) ? { ...none, instance: only, guessed: true } : none;
		},
	};
	return links;
}

/** An upstream that names Navidrome or its default port (4533). */
export function looksLikeNavidrome(address: UpstreamAddress): boolean {
	return address.host.includes('navidrome') || address.port === 4533;
}

const loopbackNames = new Set(['localhost', '::1', '0.0.0.0', '::', 'host.docker.internal']);

function isLoopback(host: string): boolean {
	return loopbackNames.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Navidrome answers on the host at `port`: a native instance, host networking, or a published port. */
function listensOnHost(instance: NavidromeInstance, port: number): boolean {
	if (!instance.service || instance.hostNetwork) return instance.port === port;
	return instance.publishedPorts.some((mapping) => publishedCovers(mapping.published, port));
}

function publishedCovers(published: string | undefined, port: number): boolean {
	if (!published) return false;
	const [low = '', high = low] = published.split('-');
	const from = Number.parseInt(low, 10);
	const to = Number.parseInt(high, 10);
	return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

/** The file an instance of no compose service comes from (navidrome.toml, `.env`, unit: its id), else where its settings are written. */
function instanceFile(instance: NavidromeInstance): string | undefined {
	if (instance.compose) return instance.compose.path;
	if (instance.tomlFile) return instance.tomlFile;
	if (instance.id.startsWith('/')) return instance.id;
	for (const site of instance.sites.values()) return site.location.file;
	return undefined;
}

function isWithin(path: string, dir: string): boolean {
	return dir === '/' || path === dir || path.startsWith(`${dir}/`);
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
