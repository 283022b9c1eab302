/**
Traefik's static configuration written as CLI flags (the compose `command:` of the traefik service, e.g.
`--entrypoints.websecure.http.middlewares=strip@file`) or as `TRAEFIK_*` environment variables, read into the shared
config tree. paerser's flag parser takes `--name=value`, or `--name value` for non-boolean options; a boolean or
section flag without `=` means `true` (`--providers.docker`). Names are case-insensitive.
*/
import type { Location } from '../../findings.js';
import type { Span } from '../../text.js';
import type { KeyValueEntry } from '../interpolate.js';
import { newNode, type ConfigNode, type ConfigScalar, type EntrySource } from './config-node.js';

export type CommandPart = { value: string; span: Span };

/** Flags that take no value (booleans and sections), so a following argument is not theirs. */
const valueless = new Set(['docker', 'swarm', 'file', 'insecure', 'asdefault', 'exposedbydefault', 'api', 'dashboard', 'ping', 'debug', 'watch', 'accesslog', 'metrics', 'prometheus', 'usebindportip', 'allowemptyservices', 'tls', 'http', 'sendanonymoususage', 'checknewversion', 'experimental']);

export type FlagConfig = {
	root: ConfigNode | undefined;
	/** The `--configFile` value, when given (then a file wins and the other flags are ignored). */
	configFile: { value: string; location: Location } | undefined;
	/** Every flag seen, for "these flags are ignored" messages. */
	flags: Array<{ name: string; location: Location }>;
};

export function readFlags(file: string, text: string, parts: readonly CommandPart[]): FlagConfig {
	const result: FlagConfig = { root: undefined, configFile: undefined, flags: [] };
	const list = parts.slice(0, 2000);
	for (let index = 0; index < list.length; index++) {
		const part = list[index]!;
		if (typeof part?.value !== 'string' || !part.value.startsWith('-')) continue;
		const verbatim = text.slice(part.span.start, part.span.end) === part.value;
		const dashes = part.value.startsWith('--') ? 2 : 1;
		let name = part.value.slice(dashes);
		let value: string;
		let valueSpan: Span;
		let valueVerbatim = verbatim;
		let entrySpan = part.span;
		const equals = name.indexOf('=');
		if (equals > 0) {
			value = name.slice(equals + 1);
			name = name.slice(0, equals);
			valueSpan = verbatim ? { start: part.span.start + dashes + equals + 1, end: part.span.end } : part.span;
		} else {
			const next = list[index + 1];
			const last = name.toLowerCase().split('.').pop() ?? '';
			if (next && !next.value.startsWith('-') && !valueless.has(last)) {
				value = next.value;
				valueSpan = next.span;
				valueVerbatim = text.slice(next.span.start, next.span.end) === next.value;
				entrySpan = { start: part.span.start, end: next.span.end };
				index++;
			} else {
				value = 'true';
				valueSpan = { start: part.span.end, end: part.span.end };
				valueVerbatim = false;
			}
		}
		if (name === '') continue;
		const location = { file, span: verbatim ? { start: part.span.start + dashes, end: part.span.start + dashes + name.length } : part.span };
		result.flags.push({ name, location });
		const lower = name.toLowerCase();
		if (lower === 'configfile' || lower === 'traefik.configfile') {
			result.configFile = { value, location: { file, span: valueSpan } };
			continue;
		}
		const scalar: ConfigScalar = { value, location: { file, span: valueSpan }, verbatim: valueVerbatim, isNull: false, quote: '' };
		result.root ??= newNode('traefik', location);
		insertPath(result.root, splitPath(name), scalar, location, { file, entrySpan, form: 'flag' });
	}
	// `[0]`-indexed items become a sequence, as in labels.
	if (result.root) normalise(result.root, 0);
	return result;
}

/** `TRAEFIK_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES=a@file`: the variables this analysis needs, mapped onto config paths. */
const envPatterns: Array<{ pattern: RegExp; path: (match: RegExpExecArray) => string[] }> = [
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_HTTP_MIDDLEWARES$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'http', 'middlewares'] },
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_FORWARDEDHEADERS_TRUSTEDIPS$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'forwardedheaders', 'trustedips'] },
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_FORWARDEDHEADERS_INSECURE$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'forwardedheaders', 'insecure'] },
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_HTTP_TLS$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'http', 'tls'] },
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_ASDEFAULT$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'asdefault'] },
	{ pattern: /^TRAEFIK_ENTRYPOINTS_(.+?)_ADDRESS$/i, path: (m) => ['entrypoints', m[1]!.toLowerCase(), 'address'] },
	{ pattern: /^TRAEFIK_PROVIDERS_DOCKER$/i, path: () => ['providers', 'docker'] },
	{ pattern: /^TRAEFIK_PROVIDERS_DOCKER_(EXPOSEDBYDEFAULT|DEFAULTRULE|NETWORK)$/i, path: (m) => ['providers', 'docker', m[1]!.toLowerCase()] },
	{ pattern: /^TRAEFIK_PROVIDERS_FILE_(DIRECTORY|FILENAME)$/i, path: (m) => ['providers', 'file', m[1]!.toLowerCase()] },
];

/** Static configuration from `TRAEFIK_*` variables of the traefik service. */
export function readEnvConfig(file: string, environment: readonly KeyValueEntry[]): ConfigNode | undefined {
	let root: ConfigNode | undefined;
	for (const entry of environment.slice(0, 2000)) {
		if (typeof entry?.key !== 'string' || !/^TRAEFIK_/i.test(entry.key) || entry.value === undefined) continue;
		for (const { pattern, path } of envPatterns) {
			const match = pattern.exec(entry.key);
			if (!match) continue;
			const location = { file, span: entry.keySpan };
			const scalar: ConfigScalar = { value: entry.value, location: { file, span: entry.valueSpan }, verbatim: entry.verbatim, isNull: false, quote: '' };
			root ??= newNode('traefik', location);
			insertPath(root, path(match), scalar, location, { file, entrySpan: entry.entrySpan, form: 'env' });
			break;
		}
	}
	if (root) normalise(root, 0);
	return root;
}

/** `a.b[0].c` → `a`, `b`, `[0]`, `c`. */
function splitPath(name: string): string[] {
	const parts: string[] = [];
	for (const segment of name.split('.').slice(0, 64)) {
		const open = segment.indexOf('[');
		if (open > 0 && segment.endsWith(']')) parts.push(segment.slice(0, open), segment.slice(open));
		else parts.push(segment);
	}
	if (parts[0]?.toLowerCase() === 'traefik') parts.shift();
	return parts;
}

function insertPath(root: ConfigNode, path: string[], scalar: ConfigScalar, keyLocation: Location, source: EntrySource): void {
	let node = root;
	node.entries.push(source);
	for (const segment of path) {
		if (segment === '') return;
		const lower = segment.toLowerCase();
		let child = node.children.find((candidate) => candidate.name.toLowerCase() === lower);
		if (!child) {
			child = newNode(segment, keyLocation, keyLocation);
			node.children.push(child);
		}
		child.entries.push(source);
		node = child;
	}
	node.scalar = scalar;
	node.entry = source;
	node.location = { file: source.file, span: source.entrySpan };
}

function normalise(node: ConfigNode, depth: number): void {
	if (depth > 64) return;
	for (const child of node.children) normalise(child, depth + 1);
	if (node.children.length > 0 && node.children.every((child) => /^\[\d+\]$/.test(child.name))) {
		node.items = [...node.children].sort((a, b) => Number(a.name.slice(1, -1)) - Number(b.name.slice(1, -1)));
		node.children = [];
	}
}
