/**
One tree shape for every place Traefik configuration is written: Docker labels, file-provider YAML and TOML, and the
static configuration as a file, CLI flags or environment variables. Traefik decodes all of them through paerser into the
same structs, matching field names case-insensitively (`strings.EqualFold`, proxies.md §4.3); map keys (router,
middleware and header names) are user data and keep their spelling. Every value keeps the place it was written.
*/
import type { Location } from '../../findings.js';
import type { Span } from '../../text.js';

/** A scalar as Traefik reads it (a label value, a YAML/TOML scalar, a flag value), with where it is written. */
export type ConfigScalar = {
	value: string;
	/** The value's characters (without quotes); an empty span after the key for an empty value. */
	location: Location;
	/** Whether `value` is exactly the text at `location`, so parts of it can be located and edited. */
	verbatim: boolean;
	/** Written as YAML null / compose null (`Remote-User:`), which Traefik reads as `""`. */
	isNull: boolean;
	/** The quote character around the value in the source, if any. */
	quote: '"' | "'" | '';
};

/** How a sequence is written, for edits that add or reorder items. */
export type ListSyntax =
	| { kind: 'yaml-flow'; open: Span; close: Span }
	| { kind: 'yaml-block'; indent: string }
	| { kind: 'toml-array'; open: Span; close: Span };

/** Where a label, flag or environment entry is written (for fixes that add entries beside it). */
export type EntrySource = { file: string; entrySpan: Span; form: 'map' | 'list' | 'flag' | 'env' };

export type ConfigNode = {
	/** Key as written (first spelling in Traefik's order when several case variants merge); `''` for sequence items. */
	name: string;
	keyLocation: Location | undefined;
	/** The whole node (key and value) as far as it is known. */
	location: Location;
	scalar: ConfigScalar | undefined;
	/** Map children in source order. */
	children: ConfigNode[];
	/** Sequence items, when written as a sequence (YAML, TOML, `[0]` indexes). */
	items: ConfigNode[] | undefined;
	listSyntax: ListSyntax | undefined;
	/** For label, flag and environment leaves: the entry that wrote the value. */
	entry: EntrySource | undefined;
	/** Every entry under this node (labels and flags), for fixes that insert beside a router's or middleware's entries. */
	entries: EntrySource[];
};

export function newNode(name: string, location: Location, keyLocation?: Location): ConfigNode {
	return { name, keyLocation, location, scalar: undefined, children: [], items: undefined, listSyntax: undefined, entry: undefined, entries: [] };
}

/** Field lookup the way paerser matches struct fields: case-insensitive. */
export function field(node: ConfigNode | undefined, name: string): ConfigNode | undefined {
	if (!node) return undefined;
	const lower = name.toLowerCase();
	let found: ConfigNode | undefined;
	// A later spelling of the same field overrides an earlier one, as a later assignment does in the decoded struct.
	for (const child of node.children) if (child.name.toLowerCase() === lower) found = child;
	return found;
}

/** Follows a path of case-insensitive field names. */
export function fieldPath(node: ConfigNode | undefined, ...names: string[]): ConfigNode | undefined {
	let current = node;
	for (const name of names) current = field(current, name);
	return current;
}

export function scalarOf(node: ConfigNode | undefined): ConfigScalar | undefined {
	return node?.scalar;
}

/** Go's `strconv.ParseBool`. */
export function parseGoBool(text: string | undefined): boolean | undefined {
	switch (text) {
		case '1': case 't': case 'T': case 'TRUE': case 'true': case 'True':
			return true;
		case '0': case 'f': case 'F': case 'FALSE': case 'false': case 'False':
			return false;
		default:
			return undefined;
	}
}

/** Go's `strconv.ParseInt(text, 10, 64)` for the values a config holds (no `_`, optional sign). */
export function parseGoInt(text: string | undefined): number | undefined {
	if (text === undefined || !/^[+-]?\d{1,18}$/.test(text)) return undefined;
	return Number.parseInt(text, 10);
}

/** One item of a list value, with its exact characters when they can be located. */
export type ListItem = { value: string; location: Location | undefined; node: ConfigNode | undefined };

export type ListValue = {
	items: ListItem[];
	/** The whole value (the scalar, or the sequence node). */
	location: Location;
	/** `csv` is a comma-separated scalar (labels, flags; paerser splits on `,` and trims). */
	style: 'csv' | 'yaml-flow' | 'yaml-block' | 'toml-array' | 'indexed';
	node: ConfigNode;
};

/** A `[]string` field: a sequence, or a comma-separated scalar as paerser splits it. */
export function readList(node: ConfigNode | undefined): ListValue | undefined {
	if (!node) return undefined;
	if (node.items) {
		const items: ListItem[] = [];
		for (const item of node.items) {
			if (item.scalar) items.push({ value: item.scalar.value, location: item.scalar.verbatim ? item.scalar.location : undefined, node: item });
		}
		const style = node.listSyntax?.kind ?? 'indexed';
		return { items, location: node.location, style, node };
	}
	const scalar = node.scalar;
	if (!scalar) return undefined;
	return { items: splitCsv(scalar), location: scalar.location, style: 'csv', node };
}

/** paerser's slice split: on `,`, each part trimmed; an empty value is an empty list. */
export function splitCsv(scalar: ConfigScalar): ListItem[] {
	const items: ListItem[] = [];
	if (scalar.value.length === 0) return items;
	let start = 0;
	const text = scalar.value;
	for (let index = 0; index <= text.length; index++) {
		if (index < text.length && text[index] !== ',') continue;
		const raw = text.slice(start, index);
		const lead = raw.length - raw.trimStart().length;
		const value = raw.trim();
		const from = start + lead;
		const location = scalar.verbatim ? { file: scalar.location.file, span: { start: scalar.location.span.start + from, end: scalar.location.span.start + from + value.length } } : undefined;
		items.push({ value, location, node: undefined });
		start = index + 1;
	}
	return items;
}

/** Depth-first walk over a tree, bounded so hostile input cannot recurse without end. */
export function* walkNodes(node: ConfigNode, depth = 0): Generator<ConfigNode> {
	yield node;
	if (depth > 64) return;
	for (const child of node.children) yield* walkNodes(child, depth + 1);
	for (const item of node.items ?? []) yield* walkNodes(item, depth + 1);
}
