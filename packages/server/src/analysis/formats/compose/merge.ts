/**
Compose's merge rules, for override files and `extends:` (https://docs.docker.com/reference/compose-file/merge/):
mappings merge key by key (`environment` and `labels` per variable, `networks` per name), plain values are replaced,
`ports` merge by {ip, target, published, protocol} and `volumes` by target, other sequences append, `command` is
replaced. `!reset` clears an attribute (or one variable), `!override` replaces it whole. Every element taken from
another file keeps that file (`Origin.file`), so its spans still point at what is written.
*/
import { isMap, isPair, isScalar, type Node } from 'yaml';
import { getValue, pairIndex } from '../yaml-nodes.js';
import type { ComposeFile, ComposeService, KeyValueEntry, PortMapping } from './types.js';

/** The YAML tags Compose gives meaning to, on one service's attributes and variables. */
type Tags = { attributes: Map<string, string>; environment: Map<string, string>; labels: Map<string, string> };

/** `!reset` / `!override` on the attributes of service `name` in `compose`, and `!reset` on single variables. */
export function serviceTags(compose: ComposeFile, name: string): Tags {
	const tags: Tags = { attributes: new Map(), environment: new Map(), labels: new Map() };
	let node: unknown;
	try {
		node = pairIndex(getValue(compose.document.contents, 'services')).get(name)?.value;
	} catch {
		return tags;
	}
	if (!isMap(node)) return tags;
	for (const pair of node.items) {
		if (!isPair(pair) || !isScalar(pair.key)) continue;
		const key = String(pair.key.value);
		const value = pair.value as Node | null;
		if (value?.tag === '!reset' || value?.tag === '!override') tags.attributes.set(key, value.tag);
		if ((key === 'environment' || key === 'labels') && isMap(value)) {
			for (const entry of value.items) {
				const tag = (entry.value as Node | null)?.tag;
				if (isPair(entry) && isScalar(entry.key) && tag === '!reset') tags[key].set(String(entry.key.value), tag);
			}
		}
	}
	return tags;
}

/** `service` with every element marked as written in `file` (elements already marked keep theirs). */
export function fromFile(service: ComposeService, file: string): ComposeService {
	const mark = <T extends { file?: string }>(item: T): T => (item.file ? item : { ...item, file });
	return {
		...service,
		image: service.image && mark(service.image),
		networkMode: service.networkMode && mark(service.networkMode),
		ports: service.ports.map(mark),
		expose: service.expose.map(mark),
		envFiles: service.envFiles.map(mark),
		volumes: service.volumes.map(mark),
		environment: service.environment.map(mark),
		labels: service.labels.map(mark),
		networks: service.networks?.map(mark),
		command: service.command.map(mark),
	};
}

/**
`over` merged onto `base`; the result keeps `base`'s name and spans. For `extends:`, `base` is the extended service
and `inherit` leaves out what Compose never shares that way (`depends_on`).
*/
export function mergeServices(base: ComposeService, over: ComposeService, tags: Tags, inherit = false): ComposeService {
	const pick = <K extends keyof ComposeService>(attribute: string, merge: () => ComposeService[K], key: K, empty: ComposeService[K]): ComposeService[K] => {
		const tag = tags.attributes.get(attribute);
		if (tag === '!reset') return empty;
		if (tag === '!override') return over[key];
		return merge();
	};
	const merged: ComposeService = {
		...base,
		image: pick('image', () => over.image ?? base.image, 'image', undefined),
		containerName: pick('container_name', () => over.containerName ?? base.containerName, 'containerName', undefined),
		ports: pick('ports', () => mergeBy(base.ports, over.ports, portKey), 'ports', []),
		expose: pick('expose', () => mergeBy(base.expose, over.expose, (item) => item.value), 'expose', []),
		networkMode: pick('network_mode', () => over.networkMode ?? base.networkMode, 'networkMode', undefined),
		envFiles: pick('env_file', () => mergeBy(base.envFiles, over.envFiles, (item) => item.path), 'envFiles', []),
		volumes: pick('volumes', () => mergeBy(base.volumes, over.volumes, (item) => item.target.replace(/\/+$/, '')), 'volumes', []),
		environment: pick('environment', () => mergeEntries(base.environment, over.environment, tags.environment), 'environment', []),
		labels: pick('labels', () => mergeEntries(base.labels, over.labels, tags.labels), 'labels', []),
		networks: pick('networks', () => (over.networks === undefined ? base.networks : base.networks === undefined ? over.networks : mergeBy(base.networks, over.networks, (item) => item.name)), 'networks', undefined),
		command: pick('command', () => (over.command.length > 0 ? over.command : base.command), 'command', []),
		dependsOn: inherit ? over.dependsOn : [...new Set([...base.dependsOn, ...over.dependsOn])],
		mergedFrom: [...(base.mergedFrom ?? []), ...(over.mergedFrom ?? [])],
	};
	// The spans that fixes edit stay in the service's own file.
	merged.environmentSpan = inherit ? over.environmentSpan : base.environmentSpan;
	merged.labelsSpan = inherit ? over.labelsSpan : base.labelsSpan;
	merged.portsSpan = inherit ? over.portsSpan : base.portsSpan;
	if (inherit) {
		merged.name = over.name;
		merged.nameSpan = over.nameSpan;
		merged.span = over.span;
		merged.extends = over.extends;
	}
	if (merged.mergedFrom?.length === 0) delete merged.mergedFrom;
	return merged;
}

/** Compose's unique key of a port: {ip, target, published, protocol}. */
function portKey(port: PortMapping): string {
	return `${port.hostIp ?? ''}\u0000${port.target}\u0000${port.published ?? ''}\u0000${port.protocol}`;
}

/** Entries of `over` replace those of `base` with the same key in place; new ones are appended. */
function mergeBy<T>(base: readonly T[], over: readonly T[], key: (item: T) => string): T[] {
	const result = [...base];
	const index = new Map<string, number>();
	result.forEach((item, at) => index.set(key(item), at));
	for (const item of over) {
		const at = index.get(key(item));
		if (at === undefined) {
			index.set(key(item), result.length);
			result.push(item);
		} else result[at] = item;
	}
	return result;
}

/** Per variable; a variable tagged `!reset` is removed. */
function mergeEntries(base: readonly KeyValueEntry[], over: readonly KeyValueEntry[], reset: Map<string, string>): KeyValueEntry[] {
	return mergeBy(base, over, (entry) => entry.key).filter((entry) => !reset.has(entry.key) || !over.includes(entry));
}
