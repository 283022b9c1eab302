/**
Docker labels as Traefik's Docker provider decodes them (proxies.md §4.3): only keys under `traefik.http`, `traefik.tcp`,
`traefik.udp` (matched case-insensitively) are dynamic configuration; they are sorted, split on `.`, and merged into
one tree where a segment joins an existing node when the names are equal ignoring case (paerser `DecodeToNode`,
`containsNode` uses `strings.EqualFold`), so `forwardAuth` and `forwardauth`, and even `Remote-User` and `remote-user`,
land on the same node. The first spelling in sorted order names the node; a later value for the same node wins.
The root must be exactly `traefik`, and an empty segment is an error: either makes Traefik drop every label of that
container. Compose null label values are `""` (compose-go), which a headers middleware reads as "remove".
*/
import type { KeyValueEntry } from '../interpolate.js';
import { newNode, type ConfigNode, type ConfigScalar } from './config-node.js';

export type LabelDecode = {
	/** `traefik` root with `http`/`tcp`/`udp` below; `undefined` when the container has no dynamic labels. */
	root: ConfigNode | undefined;
	/** Why Traefik rejects the whole label set, when it does. */
	error: { message: string; entry: KeyValueEntry } | undefined;
	/** `traefik.enable`, when set. */
	enable: { value: string; entry: KeyValueEntry } | undefined;
};

const dynamicPrefixes = ['traefik.http', 'traefik.tcp', 'traefik.udp', 'traefik.tls.stores.default.defaultgeneratedcert'];
const maxLabels = 5000;
const maxSegments = 64;

function hasPrefixFold(key: string, prefix: string): boolean {
	return key.length >= prefix.length && key.slice(0, prefix.length).toLowerCase() === prefix;
}

/** Decodes one container's labels. `text` is the compose file's text (for quote detection). */
export function decodeLabels(file: string, text: string, labels: readonly KeyValueEntry[]): LabelDecode {
	const result: LabelDecode = { root: undefined, error: undefined, enable: undefined };
	// Compose keeps the last of duplicate keys; Go's map does too.
	const byKey = new Map<string, KeyValueEntry>();
	for (const entry of labels.slice(0, maxLabels)) {
		if (typeof entry?.key !== 'string') continue;
		byKey.set(entry.key, entry);
		if (entry.key.startsWith('traefik.') && entry.key.slice(8).toLowerCase() === 'enable') result.enable = { value: entry.value ?? '', entry };
	}
	const keys = [...byKey.keys()].filter((key) => dynamicPrefixes.some((prefix) => hasPrefixFold(key, prefix)));
	// Go's sort.Strings compares bytes; UTF-16 order agrees for the ASCII keys labels use.
	keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	for (const key of keys) {
		const entry = byKey.get(key)!;
		const split = key.split('.');
		if (split[0] !== 'traefik') {
			result.error ??= { message: `invalid label root ${split[0]}: Traefik ignores every label of this container`, entry };
			continue;
		}
		const parts: string[] = [];
		let bad: string | undefined;
		for (const segment of split.slice(0, maxSegments)) {
			if (segment === '') bad ??= `invalid element: ${key} (an empty segment): Traefik ignores every label of this container`;
			else if (segment.startsWith('[')) bad ??= `invalid leading character '[' in ${segment}: Traefik ignores every label of this container`;
			else if (segment.endsWith(']')) {
				const open = segment.indexOf('[');
				if (open < 0) bad ??= `invalid bracket in ${segment}: Traefik ignores every label of this container`;
				else parts.push(segment.slice(0, open), segment.slice(open));
			} else parts.push(segment);
		}
		if (bad) {
			result.error ??= { message: bad, entry };
			continue;
		}
		const location = { file, span: entry.keySpan };
		result.root ??= newNode('traefik', location, location);
		insert(result.root, parts.slice(1), entry, file, text);
	}
	if (result.root) normaliseIndexes(result.root, 0);
	return result;
}

function insert(root: ConfigNode, path: string[], entry: KeyValueEntry, file: string, text: string): void {
	let node = root;
	const source = { file, entrySpan: entry.entrySpan, form: entry.form };
	node.entries.push(source);
	for (const segment of path) {
		const lower = segment.toLowerCase();
		let child = node.children.find((candidate) => candidate.name.toLowerCase() === lower);
		if (!child) {
			child = newNode(segment, { file, span: entry.keySpan }, { file, span: entry.keySpan });
			node.children.push(child);
		}
		child.entries.push(source);
		node = child;
	}
	node.scalar = labelScalar(entry, file, text);
	node.entry = source;
	node.keyLocation = { file, span: entry.keySpan };
	node.location = { file, span: entry.entrySpan };
}

function labelScalar(entry: KeyValueEntry, file: string, text: string): ConfigScalar {
	const span = entry.valueSpan;
	const before = span.start > 0 ? text[span.start - 1] : '';
	const quote = entry.form === 'map' && (before === '"' || before === "'") && span.end < text.length && text[span.end] === before ? before : '';
	const isNull = entry.form === 'map' && span.start === span.end && quote === '';
	return { value: entry.value ?? '', location: { file, span }, verbatim: entry.verbatim, isNull, quote: quote as ConfigScalar['quote'] };
}

/** `servers[0].url` style keys become sequence items. */
function normaliseIndexes(node: ConfigNode, depth: number): void {
	if (depth > 64) return;
	for (const child of node.children) normaliseIndexes(child, depth + 1);
	if (node.children.length > 0 && node.children.every((child) => /^\[\d+\]$/.test(child.name))) {
		node.items = [...node.children].sort((a, b) => Number(a.name.slice(1, -1)) - Number(b.name.slice(1, -1)));
		node.children = [];
	}
}
