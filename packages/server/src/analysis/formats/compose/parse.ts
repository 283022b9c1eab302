/**
docker compose files, read through `yaml` into the few things the analysis needs, each with exact spans.
The parser never throws: YAML errors become `errors`, and whatever part of the tree exists is still read.
*/
import { isMap, isPair, isScalar, isSeq, parseDocument, type Pair } from 'yaml';
import { dirname, resolvePath } from '../../files.js';
import { LineIndex, type Span } from '../../text.js';
import { capSyntaxErrors, maxSyntaxErrors, type SyntaxError } from '../syntax-error.js';
import { getValue, pairIndex, mapPairs, nodeSpan, scalarText, seqItems, type ScalarText } from '../yaml-nodes.js';
import { interpolate, type Lookup } from '../interpolate.js';
import { findTemplates, maskTemplates, restoreTemplatedScalars, withoutTemplateErrors } from '../template.js';
import type { ComposeFile, ComposeInclude, ComposeNetwork, ComposeService, KeyValueEntry, PortMapping, ServiceNetwork, VolumeMount } from './types.js';

/**
`dir` is the project directory relative paths resolve against: the file's own folder, except for an override file
(paths in it are relative to the base file's folder).
*/
export function parseCompose(path: string, text: string, variables: Lookup = () => undefined, dir: string = dirname(path)): ComposeFile {
	// Template markup is opaque (formats/template.ts): parsed masked, its scalars then read as written.
	const templates = findTemplates(text);
	const masked = maskTemplates(text, templates, 'fill');
	const document = parseDocument(masked, { keepSourceTokens: false, prettyErrors: false, strict: false, uniqueKeys: false });
	restoreTemplatedScalars(document, text, masked, templates);
	const file: ComposeFile = { path, document, services: [], networks: [], errors: [], interpolationProblems: [] };
	for (const error of document.errors) {
		const start = Math.min(error.pos[0], text.length);
		file.errors.push({ message: firstLine(error.message), span: { start, end: Math.min(Math.max(error.pos[1], start + 1), text.length) } });
	}
	const duplicates = duplicateKeyErrors(document.contents, text);
	if (duplicates.length > 0) file.errors = [...file.errors, ...duplicates].sort((a, b) => a.span.start - b.span.start);
	file.errors = capSyntaxErrors(withoutTemplateErrors(file.errors, templates));
	const context: Context = { text, file, variables, dir };
	for (const pair of mapPairs(getValue(document.contents, 'services'))) {
		const service = readService(pair, context);
		if (service) file.services.push(service);
	}
	for (const pair of mapPairs(getValue(document.contents, 'networks'))) {
		const network = readNetwork(pair, context);
		if (network) file.networks.push(network);
	}
	const includes = readIncludes(getValue(document.contents, 'include'), context);
	if (includes.length > 0) file.includes = includes;
	// `{{ $value }}` is the template's variable, not Compose's.
	file.interpolationProblems = withoutTemplateErrors(file.interpolationProblems, templates);
	return file;
}

type Context = { text: string; file: ComposeFile; variables: Lookup; dir: string };

function readService(pair: Pair, context: Context): ComposeService | undefined {
	const name = scalarText(pair.key, context.text);
	const node = pair.value;
	if (!name) return undefined;
	const span = nodeSpan(node as never) ?? name.span;
	const service: ComposeService = {
		name: name.value,
		nameSpan: name.span,
		span: { start: name.span.start, end: span.end },
		image: undefined,
		containerName: undefined,
		ports: [],
		portsSpan: undefined,
		expose: [],
		networkMode: undefined,
		envFiles: [],
		volumes: [],
		environment: [],
		environmentSpan: undefined,
		labels: [],
		labelsSpan: undefined,
		networks: undefined,
		command: [],
		dependsOn: [],
	};
	if (!isMap(node)) return service;
	const keys = pairIndex(node);
	const value = (key: string): unknown => keys.get(key)?.value ?? undefined;
	const image = interpolated(scalarText(value('image'), context.text), context);
	if (image) service.image = { ...image, ...splitImage(image.value) };
	service.containerName = scalarText(value('container_name'), context.text)?.value;
	const portsPair = keys.get('ports');
	if (portsPair) {
		service.portsSpan = spanOfPair(portsPair);
		for (const item of seqItems(portsPair.value)) {
			const port = readPort(item, context);
			if (port) service.ports.push(port);
		}
	}
	for (const item of seqItems(value('expose'))) {
		const scalar = scalarText(item, context.text);
		if (scalar) service.expose.push({ value: scalar.value, span: scalar.span });
	}
	service.networkMode = interpolated(scalarText(value('network_mode'), context.text), context);
	readEnvFiles(value('env_file'), service, context);
	for (const item of seqItems(value('volumes'))) {
		const volume = readVolume(item, context);
		if (volume) service.volumes.push(volume);
	}
	const environment = value('environment');
	service.environmentSpan = nodeSpan(environment as never);
	service.environment = readKeyValues(environment, context);
	const labels = value('labels');
	service.labelsSpan = nodeSpan(labels as never);
	service.labels = readKeyValues(labels, context);
	service.networks = readServiceNetworks(value('networks'), context);
	service.command = readCommand(value('command'), context);
	const extended = readExtends(value('extends'), context);
	if (extended) service.extends = extended;
	const dependsOn = value('depends_on');
	service.dependsOn = isMap(dependsOn) ? mapPairs(dependsOn).map((p) => String(isScalar(p.key) ? p.key.value : '')) : seqItems(dependsOn).map((item) => scalarText(item, context.text)?.value ?? '');
	return service;
}

function spanOfPair(pair: Pair): Span | undefined {
	const key = nodeSpan(pair.key as never);
	const value = nodeSpan(pair.value as never);
	if (!key) return value;
	return { start: key.start, end: value?.end ?? key.end };
}

/** Applies interpolation to a scalar; spans stay on the written text. */
function interpolated(scalar: ScalarText | undefined, context: Context): ScalarText | undefined {
	if (!scalar || !scalar.value.includes('$')) return scalar;
	const result = interpolate(scalar.value, context.variables);
	recordProblems(result.problems, scalar, context);
	return { ...scalar, value: result.value, verbatim: false };
}

function recordProblems(problems: ReturnType<typeof interpolate>['problems'], scalar: ScalarText, context: Context): void {
	for (const problem of problems) {
		const start = scalar.verbatim ? scalar.contentSpan.start + problem.offset : scalar.contentSpan.start;
		const end = scalar.verbatim ? Math.min(scalar.contentSpan.end, start + problem.length) : scalar.contentSpan.end;
		context.file.interpolationProblems.push({ message: problem.message, span: { start, end }, kind: problem.kind, name: problem.name });
	}
}

export function splitImage(image: string): { repository: string; tag: string | undefined } {
	const at = image.indexOf('@');
	const withoutDigest = at >= 0 ? image.slice(0, at) : image;
	const colon = withoutDigest.lastIndexOf(':');
	if (colon > withoutDigest.lastIndexOf('/')) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
	return { repository: withoutDigest, tag: undefined };
}

function readPort(item: unknown, context: Context): PortMapping | undefined {
	if (isMap(item)) {
		const span = nodeSpan(item)!;
		const target = scalarText(getValue(item, 'target'), context.text)?.value ?? '';
		const published = scalarText(getValue(item, 'published'), context.text)?.value;
		return {
			span,
			raw: context.text.slice(span.start, span.end),
			hostIp: scalarText(getValue(item, 'host_ip'), context.text)?.value,
			published: published === '' ? undefined : published,
			target,
			protocol: scalarText(getValue(item, 'protocol'), context.text)?.value ?? 'tcp',
		};
	}
	const scalar = interpolated(scalarText(item, context.text), context);
	if (!scalar) return undefined;
	return { span: scalar.span, raw: scalar.value, ...parsePortString(scalar.value) };
}

/** `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, where HOST_IP may be `[v6]`. */
export function parsePortString(raw: string): Omit<PortMapping, 'span' | 'raw'> {
	let rest = raw.trim();
	let protocol = 'tcp';
	const slash = rest.lastIndexOf('/');
	if (slash >= 0) {
		protocol = rest.slice(slash + 1);
		rest = rest.slice(0, slash);
	}
	let hostIp: string | undefined;
	if (rest.startsWith('[')) {
		const close = rest.indexOf(']');
		hostIp = rest.slice(1, close < 0 ? undefined : close);
		rest = close < 0 ? '' : rest.slice(close + 2);
	}
	const parts = rest.split(':');
	if (parts.length >= 3 && hostIp === undefined) {
		hostIp = parts.slice(0, parts.length - 2).join(':');
		return { hostIp, published: emptyToUndefined(parts[parts.length - 2]!), target: parts[parts.length - 1]!, protocol };
	}
	if (parts.length === 2) return { hostIp, published: emptyToUndefined(parts[0]!), target: parts[1]!, protocol };
	return { hostIp, published: undefined, target: parts[0] ?? '', protocol };
}

function emptyToUndefined(text: string): string | undefined {
	return text === '' ? undefined : text;
}

function readEnvFiles(node: unknown, service: ComposeService, context: Context): void {
	const items = isSeq(node) ? node.items : node === undefined || node === null ? [] : [node];
	for (const item of items) {
		if (isMap(item)) {
			const path = interpolated(scalarText(getValue(item, 'path'), context.text), context);
			if (!path || !path.value) continue;
			const required = scalarText(getValue(item, 'required'), context.text)?.value !== 'false';
			service.envFiles.push({ path: resolvePath(context.dir, path.value), span: path.span, required });
			continue;
		}
		const path = interpolated(scalarText(item, context.text), context);
		if (path && path.value) service.envFiles.push({ path: resolvePath(context.dir, path.value), span: path.span, required: true });
	}
}

/** `extends: web` or `extends: { service: web, file: common.yaml }`. */
function readExtends(node: unknown, context: Context): ComposeService['extends'] {
	const short = interpolated(scalarText(node, context.text), context);
	if (short) return short.value ? { service: short.value, file: undefined, span: short.span } : undefined;
	if (!isMap(node)) return undefined;
	const service = interpolated(scalarText(getValue(node, 'service'), context.text), context);
	if (!service?.value) return undefined;
	const file = interpolated(scalarText(getValue(node, 'file'), context.text), context);
	return { service: service.value, file: file?.value ? resolvePath(context.dir, file.value) : undefined, span: nodeSpan(node) ?? service.span };
}

/** `include:` in short (`- path`) and long syntax (`path` one or a list, `project_directory`, `env_file`). */
function readIncludes(node: unknown, context: Context): ComposeInclude[] {
	const includes: ComposeInclude[] = [];
	const paths = (value: unknown): string[] => {
		const items = isSeq(value) ? value.items : [value];
		const found: string[] = [];
		for (const item of items) {
			const scalar = interpolated(scalarText(item, context.text), context);
			if (scalar?.value) found.push(resolvePath(context.dir, scalar.value));
		}
		return found;
	};
	for (const item of seqItems(node)) {
		const span = nodeSpan(item as never);
		if (!span) continue;
		if (!isMap(item)) {
			const found = paths(item);
			if (found.length > 0) includes.push({ paths: found, projectDirectory: undefined, envFiles: [], span });
			continue;
		}
		const found = paths(getValue(item, 'path'));
		if (found.length === 0) continue;
		const directory = interpolated(scalarText(getValue(item, 'project_directory'), context.text), context);
		const envFile = getValue(item, 'env_file');
		includes.push({ paths: found, projectDirectory: directory?.value ? resolvePath(context.dir, directory.value) : undefined, envFiles: envFile === undefined || envFile === null ? [] : paths(envFile), span });
	}
	return includes;
}

function readVolume(item: unknown, context: Context): VolumeMount | undefined {
	if (isMap(item)) {
		const span = nodeSpan(item)!;
		const type = scalarText(getValue(item, 'type'), context.text)?.value ?? 'volume';
		const source = scalarText(getValue(item, 'source'), context.text)?.value ?? '';
		const target = scalarText(getValue(item, 'target'), context.text)?.value ?? '';
		return { span, type: type === 'bind' || type === 'volume' || type === 'tmpfs' ? type : 'other', source: type === 'bind' ? resolvePath(context.dir, source) : source, target };
	}
	const scalar = interpolated(scalarText(item, context.text), context);
	if (!scalar) return undefined;
	const [source = '', target = source] = scalar.value.split(':');
	const isBind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
	return { span: scalar.span, type: isBind ? 'bind' : 'volume', source: isBind ? resolvePath(context.dir, source.replace(/^~/, '/root')) : source, target };
}

function readKeyValues(node: unknown, context: Context): KeyValueEntry[] {
	const entries: KeyValueEntry[] = [];
	if (isMap(node)) {
		for (const pair of node.items) {
			if (!isPair(pair)) continue;
			const key = scalarText(pair.key, context.text);
			if (!key) continue;
			const value = scalarText(pair.value, context.text);
			const keySpan = key.span;
			const valueSpan = value ? value.contentSpan : { start: keySpan.end + 1, end: keySpan.end + 1 };
			const raw = value?.value ?? '';
			const result = raw.includes('$') ? interpolate(raw, context.variables) : undefined;
			if (result && value) recordProblems(result.problems, value, context);
			entries.push({
				key: key.value,
				keySpan,
				value: result ? result.value : raw,
				valueSpan,
				verbatim: (value?.verbatim ?? true) && !result,
				rawVerbatim: value?.verbatim ?? true,
				interpolation: result,
				entrySpan: { start: keySpan.start, end: value?.span.end ?? keySpan.end },
				form: 'map',
			});
		}
		return entries;
	}
	for (const item of seqItems(node)) {
		const scalar = scalarText(item, context.text);
		if (!scalar) continue;
		const equals = scalar.value.indexOf('=');
		const keyText = equals < 0 ? scalar.value : scalar.value.slice(0, equals);
		const offset = (index: number): number => (scalar.verbatim ? scalar.contentSpan.start + index : scalar.contentSpan.start);
		const keySpan = scalar.verbatim ? { start: offset(0), end: offset(keyText.length) } : scalar.contentSpan;
		const raw = equals < 0 ? undefined : scalar.value.slice(equals + 1);
		const valueSpan = scalar.verbatim && equals >= 0 ? { start: offset(equals + 1), end: scalar.contentSpan.end } : scalar.contentSpan;
		const result = raw !== undefined && raw.includes('$') ? interpolate(raw, context.variables) : undefined;
		if (result) recordProblems(result.problems, { ...scalar, contentSpan: valueSpan }, context);
		entries.push({
			key: keyText.trim(),
			keySpan,
			value: result ? result.value : raw,
			valueSpan,
			verbatim: scalar.verbatim && !result,
			rawVerbatim: scalar.verbatim,
			interpolation: result,
			entrySpan: scalar.span,
			form: 'list',
		});
	}
	return entries;
}

function readServiceNetworks(node: unknown, context: Context): ServiceNetwork[] | undefined {
	if (node === undefined || node === null) return undefined;
	const networks: ServiceNetwork[] = [];
	if (isMap(node)) {
		for (const pair of node.items) {
			const name = scalarText(pair.key, context.text);
			if (!name) continue;
			networks.push({
				name: name.value,
				span: name.span,
				ipv4Address: interpolated(scalarText(getValue(pair.value, 'ipv4_address'), context.text), context),
				ipv6Address: interpolated(scalarText(getValue(pair.value, 'ipv6_address'), context.text), context),
			});
		}
		return networks;
	}
	for (const item of seqItems(node)) {
		const name = scalarText(item, context.text);
		if (name) networks.push({ name: name.value, span: name.span, ipv4Address: undefined, ipv6Address: undefined });
	}
	return networks;
}

function readCommand(node: unknown, context: Context): Array<{ value: string; span: Span }> {
	if (isSeq(node)) {
		const parts: Array<{ value: string; span: Span }> = [];
		for (const item of node.items) {
			const scalar = scalarText(item, context.text);
			if (scalar) parts.push({ value: scalar.value, span: scalar.contentSpan });
		}
		return parts;
	}
	const scalar = scalarText(node, context.text);
	if (!scalar) return [];
	// A string command is split on whitespace (quotes are rare in Traefik flags).
	const parts: Array<{ value: string; span: Span }> = [];
	const pattern = /\S+/g;
	for (let match = pattern.exec(scalar.value); match; match = pattern.exec(scalar.value)) {
		const start = scalar.verbatim ? scalar.contentSpan.start + match.index : scalar.contentSpan.start;
		const end = scalar.verbatim ? start + match[0].length : scalar.contentSpan.end;
		parts.push({ value: match[0], span: { start, end } });
	}
	return parts;
}

function readNetwork(pair: Pair, context: Context): ComposeNetwork | undefined {
	const name = scalarText(pair.key, context.text);
	if (!name) return undefined;
	const node = pair.value;
	const network: ComposeNetwork = { name: name.value, nameSpan: name.span, subnets: [], gateways: [], external: false, driver: undefined };
	if (!isMap(node)) return network;
	network.external = scalarText(getValue(node, 'external'), context.text)?.value === 'true' || isMap(getValue(node, 'external'));
	network.driver = scalarText(getValue(node, 'driver'), context.text)?.value;
	for (const config of seqItems(getValue(getValue(node, 'ipam'), 'config'))) {
		const subnet = interpolated(scalarText(getValue(config, 'subnet'), context.text), context);
		if (subnet) network.subnets.push(subnet);
		const gateway = interpolated(scalarText(getValue(config, 'gateway'), context.text), context);
		if (gateway) network.gateways.push(gateway);
	}
	return network;
}

function firstLine(message: string): string {
	const newline = message.indexOf('\n');
	return newline < 0 ? message : message.slice(0, newline);
}

/**
A key written twice in one mapping, reported at the second one. YAML 1.2 requires unique keys, and docker compose
refuses such a file ("mapping key … already defined"); the \`yaml\` package's own check (\`uniqueKeys\`) compares every
pair with every other, so keys are compared here through a set, in one walk that does not follow aliases.
*/
export function duplicateKeyErrors(root: unknown, text: string): SyntaxError[] {
	const errors: SyntaxError[] = [];
	let lines: LineIndex | undefined;
	const stack: unknown[] = [root];
	while (stack.length > 0 && errors.length <= maxSyntaxErrors) {
		const node = stack.pop();
		if (isSeq(node)) {
			for (const item of node.items) if (isMap(item) || isSeq(item)) stack.push(item);
			continue;
		}
		if (!isMap(node)) continue;
		// Only collections can hold keys; a one-pair map cannot repeat one. Most maps of a compose file are small, so
		// keys are compared in a list first and a Map is made only for large ones.
		const many = node.items.length > 16;
		const seen = many ? new Map<string, number>() : undefined;
		const keys: string[] = [];
		const starts: number[] = [];
		for (const pair of node.items) {
			if (!isPair(pair)) continue;
			if (isMap(pair.value) || isSeq(pair.value)) stack.push(pair.value);
			if (node.items.length < 2 || !isScalar(pair.key) || !pair.key.range) continue;
			const raw = pair.key.value;
			const key = raw === null || raw === undefined ? '' : typeof raw === 'string' ? raw : String(raw);
			// `<<` merges a mapping in; several of them are allowed.
			if (key === '<<' && pair.key.type === 'PLAIN') continue;
			const [start, end] = pair.key.range;
			const at = seen ? undefined : keys.indexOf(key);
			const first = seen ? seen.get(key) : at! >= 0 ? starts[at!] : undefined;
			if (first === undefined) {
				if (seen) seen.set(key, start);
				else {
					keys.push(key);
					starts.push(start);
				}
				continue;
			}
			lines ??= new LineIndex(text);
			const line = lines.position(first).line + 1;
			const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
			errors.push({ message: `Duplicate key '${shown}' (first on line ${line}): docker compose refuses a mapping that repeats a key`, span: { start, end: Math.max(end, start + 1) } });
		}
	}
	return errors;
}
