/**
Text edits for the Navidrome-side quick fixes: trust only the pinned proxy (`<address>/32`), bind or remove a published
port, rename or remove a setting input (compose `environment`, `.env`, top-level navidrome.toml keys). Every builder
returns `undefined` when the text cannot be edited exactly (interpolated or escaped values, unusual layouts).
*/
import { canonicalHeaderName, findSetting, formatVersion, isTrustedSource, settingsCatalog, type SettingDoc, type SettingSource, type TrustedSourceEntry } from '@navidrome-extauth/core';
import { isMap, isPair, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Fix, TextEdit } from '../../findings.js';
import type { ComposeService, PortMapping } from '../../formats/compose/types.js';
import { getPair, getValue, nodeSpan } from '../../formats/yaml-nodes.js';
import type { Deployment, NavidromeInstance } from '../../model/deployment.js';
import { identifyAuthService, sendsHeader, type AuthService } from '../../model/auth-services.js';
import { isNavidromeService } from '../../model/navidrome.js';
import { networkGateways, settingSite, trustedSourcesSite } from './helpers.js';

/** The text of a file the deployment holds (workspace files, and the linked navidrome.toml). */
export function textOf(deployment: Deployment, instance: NavidromeInstance | undefined, file: string): string | undefined {
	return deployment.files.get(file)?.text ?? (instance && file === instance.tomlFile ? instance.tomlText : undefined);
}

function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line holding `offset`, before its line break. */
function lineEnd(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	if (newline < 0) return text.length;
	return newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** After the line break that ends the line holding `offset`. */
function nextLineStart(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	return newline < 0 ? text.length : newline + 1;
}

/**
Removes the whole lines from `start` to `end` when nothing else is on them: before `start` only indentation (and
what `prefix` allows, such as a sequence dash), after `end` only a closing quote, blanks or a comment.
*/
export function removeLines(file: string, text: string, start: number, end: number, prefix = /^[ \t]*$/): TextEdit | undefined {
	// Block nodes may end after their line break and trailing blank lines.
	while (end > start && /\s/.test(text[end - 1]!)) end--;
	const from = lineStart(text, start);
	if (!prefix.test(text.slice(from, start))) return undefined;
	if (!/^["']?[ \t]*(#.*)?$/.test(text.slice(end, lineEnd(text, end)))) return undefined;
	let to = nextLineStart(text, end);
	// At the end of a file without a final newline, take the break before the lines instead.
	const begin = to === text.length && !text.endsWith('\n') && from > 0 ? from - 1 : from;
	if (begin !== from) to = text.length;
	return { file, span: { start: begin, end: to }, newText: '' };
}

// ─── The pinned proxy ────────────────────────────────────────────────────────────────────────────

const proxyImage = /^(caddy|nginx|traefik|haproxy|swag|openresty|envoy)/;

function proxyKindOf(service: ComposeService): string | undefined {
	const last = service.image?.repository.toLowerCase().split('/').pop();
	const name = last ?? service.name.toLowerCase();
	const match = proxyImage.exec(name) ?? (last ? undefined : /(caddy|nginx|traefik)/.exec(name));
	if (!match) return undefined;
	return match[1] === 'openresty' || match[1] === 'swag' ? 'nginx' : match[1];
}

export type PinnedProxy = { service: string; address: string; cidr: string };

/**
The one reverse proxy (a Caddy, nginx, Traefik, HAProxy or Envoy image) in Navidrome's compose file that is pinned
with `ipv4_address` (else `ipv6_address`) on a network Navidrome joins; `undefined` when there is none or several
(proxies.md §7, pinning). When proxy routes target the instance, only proxies of those kinds count.
*/
export function pinnedProxy(deployment: Deployment, instance: NavidromeInstance): PinnedProxy | undefined {
	const compose = instance.compose;
	if (!compose) return undefined;
	const routed = new Set(deployment.links.routesTo(instance).map((route) => route.proxy as string));
	const found = new Map<string, PinnedProxy>();
	for (const service of compose.services) {
		if (service === instance.service || isNavidromeService(service)) continue;
		const kind = proxyKindOf(service);
		if (!kind || (routed.size > 0 && !routed.has(kind))) continue;
		for (const network of service.networks ?? []) {
			if (!instance.networks.includes(network.name)) continue;
			const v4 = network.ipv4Address?.value.trim();
			const v6 = network.ipv6Address?.value.trim().toLowerCase();
			const address = v4 || v6;
			if (!address || !/^[0-9a-f.:]+$/i.test(address)) continue;
			found.set(address, { service: service.name, address, cidr: `${address}/${v4 ? 32 : 128}` });
		}
	}
	return found.size === 1 ? [...found.values()][0] : undefined;
}

/**
Whether nd/trust-all or nd/trust-broad reports the entry (mirrors their tests): every-address ranges, and private
ranges wider than one address that span a Docker-sized network or hold a network gateway.
*/
function trustsTooMuch(entry: TrustedSourceEntry, gateways: readonly string[]): boolean {
	const cidr = entry.cidr;
	if (!entry.honoured || !cidr) return false;
	if (cidr.coversAllIPv4 || cidr.coversAllIPv6) return true;
	if (cidr.includesPublic || cidr.includesLoopback || cidr.prefixLength === (cidr.family === 'ipv4' ? 32 : 128)) return false;
	const wide = cidr.family === 'ipv4' ? cidr.prefixLength <= 20 : cidr.prefixLength <= 64;
	return wide || gateways.some((gateway) => isTrustedSource(gateway, entry.text));
}

/**
For a TrustedSources entry that trusts too much: replace it with the pinned proxy's `/32`, or remove it when that
address is already trusted. When several entries go, the first becomes the `/32` and the others are removed with
the comma before them, so every such fix applies together without overlap.
*/
export function trustProxyFix(deployment: Deployment, instance: NavidromeInstance, entry: TrustedSourceEntry): Fix | undefined {
	const proxy = pinnedProxy(deployment, instance);
	const site = trustedSourcesSite(instance);
	if (!proxy || !site || site.secret) return undefined;
	const entries = instance.trust.entries;
	const index = entries.indexOf(entry);
	if (index < 0) return undefined;
	const trusted = entries.some((other) => other.honoured && other.cidr?.addressCount === 1n && other.cidr.first.toLowerCase() === proxy.address.toLowerCase());
	const gateways = networkGateways(deployment, instance).map((gateway) => gateway.address);
	const dropped = entries.map((other) => other === entry || trustsTooMuch(other, gateways));
	const keep = trusted ? dropped.indexOf(false) : dropped.indexOf(true);
	let part: { start: number; end: number };
	let newText = '';
	if (!trusted && index === keep) {
		part = { start: entry.start, end: entry.end };
		newText = proxy.cidr;
	} else if (index < keep || keep < 0) {
		const next = entries[index + 1];
		if (!next) return undefined;
		part = { start: entry.start, end: next.start };
	} else {
		const previous = entries[index - 1];
		if (!previous) return undefined;
		part = { start: previous.end, end: entry.end };
	}
	const location = site.locate(part);
	if (!location) return undefined;
	const title = newText
		? `Trust only ${proxy.service}'s pinned address: ${proxy.cidr}`
		: trusted
			? `Remove this entry (${proxy.service}'s pinned ${proxy.cidr} is already trusted)`
			: `Remove this entry (the fix for '${entries[keep]!.text}' trusts ${proxy.service}'s pinned ${proxy.cidr} instead)`;
	return { title, isPreferred: true, edits: [{ ...location, newText }] };
}

// ─── Published ports ─────────────────────────────────────────────────────────────────────────────

function serviceNode(instance: NavidromeInstance): unknown {
	return instance.compose && instance.service ? getValue(getValue(instance.compose.document.contents, 'services'), instance.service.name) : undefined;
}

function portNode(instance: NavidromeInstance, port: PortMapping): { seq: YAMLSeq; item: unknown; index: number } | undefined {
	const pair = getPair(serviceNode(instance), 'ports');
	if (!pair || !isSeq(pair.value)) return undefined;
	const seq = pair.value as YAMLSeq;
	const index = seq.items.findIndex((item) => nodeSpan(item as Node)?.start === port.span.start);
	return index < 0 ? undefined : { seq, item: seq.items[index], index };
}

/** `"4533:4533"` → `"127.0.0.1:4533:4533"`; in the long syntax, `host_ip: 127.0.0.1`. */
export function bindPortFix(deployment: Deployment, instance: NavidromeInstance, port: PortMapping): Fix | undefined {
	const file = instance.compose?.path;
	const text = file ? textOf(deployment, instance, file) : undefined;
	const found = portNode(instance, port);
	if (!file || text === undefined || !found) return undefined;
	const title = 'Bind the published port to 127.0.0.1 (local access only)';
	const { item } = found;
	if (isMap(item)) {
		const map = item as YAMLMap;
		if (map.flow) return undefined;
		const hostIp = getPair(map, 'host_ip');
		const hostSpan = hostIp && isScalar(hostIp.value) ? nodeSpan(hostIp.value as Node) : undefined;
		if (hostIp) return hostSpan ? { title, isPreferred: true, edits: [{ file, span: hostSpan, newText: '127.0.0.1' }] } : undefined;
		const first = map.items[0];
		const last = map.items[map.items.length - 1];
		const keySpan = first && isPair(first) ? nodeSpan(first.key as Node) : undefined;
		const lastEnd = last && isPair(last) ? (nodeSpan(last.value as Node) ?? nodeSpan(last.key as Node))?.end : undefined;
		if (!keySpan || lastEnd === undefined || text.slice(lastEnd, lineEnd(text, lastEnd)).trim() !== '') return undefined;
		const column = keySpan.start - lineStart(text, keySpan.start);
		const at = lineEnd(text, lastEnd);
		const eol = text.includes('\r\n') ? '\r\n' : '\n';
		return { title, isPreferred: true, edits: [{ file, span: { start: at, end: at }, newText: `${eol}${' '.repeat(column)}host_ip: 127.0.0.1` }] };
	}
	const quoted = text[port.span.start] === '"' || text[port.span.start] === "'";
	const content = quoted ? { start: port.span.start + 1, end: port.span.end - 1 } : port.span;
	const raw = text.slice(content.start, content.end);
	if (raw !== port.raw || raw.includes('$') || raw.includes('\\')) return undefined;
	let rest: string;
	if (port.hostIp === undefined) rest = port.published === undefined ? `:${raw.trim()}` : raw.trim();
	else if (raw.trim().startsWith('[')) rest = raw.trim().slice(raw.trim().indexOf(']') + 2);
	else if (raw.trim().startsWith(`${port.hostIp}:`)) rest = raw.trim().slice(port.hostIp.length + 1);
	else return undefined;
	const bound = `127.0.0.1:${rest}`;
	return { title: `${title}: ${bound}`, isPreferred: true, edits: [{ file, span: content, newText: quoted ? bound : JSON.stringify(bound) }] };
}

/** Removes the port's item, or the whole `ports:` key when it is the only one. */
export function removePortFix(deployment: Deployment, instance: NavidromeInstance, port: PortMapping): Fix | undefined {
	const file = instance.compose?.path;
	const text = file ? textOf(deployment, instance, file) : undefined;
	const found = portNode(instance, port);
	if (!file || text === undefined || !found || !instance.service?.portsSpan) return undefined;
	const { seq, index } = found;
	const title = 'Remove the published port (reach Navidrome only through the proxy)';
	const spans = seq.items.map((other) => nodeSpan(other as Node));
	const own = spans[index];
	if (!own) return undefined;
	let edit: TextEdit | undefined;
	if (seq.items.length === 1) {
		const end = seq.flow ? (nodeSpan(seq as Node)?.end ?? own.end) : own.end;
		edit = removeLines(file, text, instance.service.portsSpan.start, end);
	} else if (seq.flow) {
		const next = spans[index + 1];
		const previous = spans[index - 1];
		if (next) edit = { file, span: { start: own.start, end: next.start }, newText: '' };
		else if (previous) edit = { file, span: { start: previous.end, end: own.end }, newText: '' };
	} else {
		edit = removeLines(file, text, own.start, own.end, /^[ \t]*-[ \t]*$/);
	}
	return edit ? { title, edits: [edit] } : undefined;
}

// ─── Setting inputs ──────────────────────────────────────────────────────────────────────────────

/** The catalog entry an input names (env name or TOML key). */
export function inputSetting(source: SettingSource | undefined): SettingDoc | undefined {
	if (source?.kind === 'env') return findSetting(source.name);
	if (source?.kind === 'toml') return findSetting(source.key);
	return undefined;
}

export function sameSource(a: SettingSource | undefined, b: SettingSource | undefined): boolean {
	if (!a || !b || a.kind !== b.kind) return false;
	if (a.kind === 'env' && b.kind === 'env') return a.name === b.name;
	if (a.kind === 'toml' && b.kind === 'toml') return a.keyStart === b.keyStart;
	return false;
}

/** The text an input supplies (before interpolation for compose), to compare two inputs. */
export function inputValue(instance: NavidromeInstance, source: SettingSource): string | undefined {
	if (source.kind === 'env') return instance.env.get(source.name)?.value;
	if (source.kind === 'toml') return instance.tomlText?.slice(source.valueStart, source.valueEnd);
	return undefined;
}

const normalKey = (key: string): string => key.replace(/["'\s]/g, '').toLowerCase();

/** The written key of a top-level TOML input (not below a `[table]`), else `undefined`. */
function topLevelTomlKey(instance: NavidromeInstance, source: SettingSource & { kind: 'toml' }): string | undefined {
	const written = instance.tomlText?.slice(source.keyStart, source.keyEnd);
	return written !== undefined && normalKey(written) === normalKey(source.key) ? written : undefined;
}

/**
Renames an input to `to`'s name: the environment variable (compose or `.env`), or a top-level TOML key (not when the
file has an `[ExtAuth]` table, which a dotted `ExtAuth.*` key would define twice).
*/
export function renameInputEdit(instance: NavidromeInstance, source: SettingSource, to: SettingDoc): TextEdit | undefined {
	if (source.kind === 'env') {
		const site = instance.sites.get(source.name);
		return site ? { ...site.keyLocation, newText: to.envName } : undefined;
	}
	if (source.kind !== 'toml' || !instance.tomlFile || !topLevelTomlKey(instance, source)) return undefined;
	if (to.tomlKey.includes('.') && /^[ \t]*\[+[ \t]*["']?extauth\b/im.test(instance.tomlText ?? '')) return undefined;
	return { file: instance.tomlFile, span: { start: source.keyStart, end: source.keyEnd }, newText: to.tomlKey };
}

/** Removes an input's whole line: a compose `environment` item (never the last one), a `.env` line, a TOML key line. */
export function removeInputEdit(deployment: Deployment, instance: NavidromeInstance, source: SettingSource): TextEdit | undefined {
	if (source.kind === 'toml') {
		const file = instance.tomlFile;
		const text = instance.tomlText;
		if (!file || text === undefined) return undefined;
		return removeLines(file, text, source.keyStart, source.quotedEnd ?? source.valueEnd);
	}
	if (source.kind !== 'env') return undefined;
	const site = instance.sites.get(source.name);
	if (!site) return undefined;
	const file = site.keyLocation.file;
	const text = textOf(deployment, instance, file);
	if (text === undefined) return undefined;
	if (instance.compose && file === instance.compose.path) {
		const environment = instance.service?.environment ?? [];
		const entry = environment.find((candidate) => candidate.keySpan.start === site.keyLocation.span.start);
		if (!entry || environment.length < 2) return undefined;
		return removeLines(file, text, entry.entrySpan.start, entry.entrySpan.end, entry.form === 'list' ? /^[ \t]*-[ \t]*["']?$/ : /^[ \t]*["']?$/);
	}
	const entry = deployment.dotenvFiles.get(file)?.entries.find((candidate) => candidate.nameSpan.start === site.keyLocation.span.start);
	return entry ? removeLines(file, text, entry.nameSpan.start, entry.valueSpan.end, /^[ \t]*(export[ \t]+)?$/) : undefined;
}

/** A name an input may be written under, for titles: the env name or the TOML key. */
export function inputName(source: SettingSource, doc: SettingDoc): string {
	return source.kind === 'env' ? doc.envName : doc.tomlKey;
}

// ─── Auth services ───────────────────────────────────────────────────────────────────────────────

/** The one auth service (Authelia, Authentik, oauth2-proxy, Tailscale nginx-auth) whose image the compose files run. */
export function deploymentAuthService(deployment: Deployment): AuthService | undefined {
	const found = new Map<string, AuthService>();
	for (const { service } of deployment.services) {
		const repository = service.image?.repository;
		const identified = repository ? identifyAuthService([repository]) : undefined;
		if (identified) found.set(identified.kind, identified);
	}
	return found.size === 1 ? [...found.values()][0] : undefined;
}

/**
`ExtAuth.UserHeader` → the auth service's stable login header, when the deployment runs one auth service and the weak
header is one of its own (proxies.md §5 "Best Navidrome UserHeader"). Not preferred: the proxy must pass that header.
*/
export function authUserHeaderFix(deployment: Deployment, instance: NavidromeInstance, weak: string): Fix | undefined {
	const service = deploymentAuthService(deployment);
	const setting = instance.intended.settings.userHeader;
	const site = settingSite(instance, setting);
	if (!service || !site || site.secret || !sendsHeader(service, weak.trim().toLowerCase())) return undefined;
	const location = site.locate({ start: 0, end: setting.value.length });
	if (!location) return undefined;
	const header = canonicalHeaderName(service.userHeader);
	return { title: `Use ${service.name}'s login header ${header}`, edits: [{ ...location, newText: header }] };
}

// ─── Legacy ↔ ExtAuth names (navidrome-extauth.md §1.2) ──────────────────────────────────────────

const extAuthRelease = [0, 59, 0] as const;
const legacyRelease = [0, 44, 0] as const;

function atLeast(version: readonly number[], minimum: readonly number[]): boolean {
	for (let index = 0; index < 3; index++) if ((version[index] ?? 0) !== minimum[index]) return (version[index] ?? 0) > minimum[index]!;
	return true;
}

/** Removing `redundant` when `kept` is also set: preferred only when both hold the same value (nothing changes). */
function removalFix(deployment: Deployment, instance: NavidromeInstance, redundant: SettingSource, kept: SettingSource | undefined, why: string): Fix | undefined {
	const doc = inputSetting(redundant);
	const edit = doc ? removeInputEdit(deployment, instance, redundant) : undefined;
	if (!doc || !edit) return undefined;
	const same = kept !== undefined && inputValue(instance, redundant) !== undefined && inputValue(instance, redundant) === inputValue(instance, kept);
	return { title: `Remove ${inputName(redundant, doc)} (${why}${same ? '' : '; its value differs'})`, edits: [edit], ...(same ? { isPreferred: true } : {}) };
}

/**
For a legacy name on a version that has the ExtAuth name: rename it, or, when the ExtAuth name is set too, remove the
legacy input. Nothing when the version is only assumed: the legacy name works on every release since 0.44.0, the
ExtAuth name only since 0.59.0.
*/
export function legacyNameFixes(deployment: Deployment, instance: NavidromeInstance, source: SettingSource | undefined): Fix[] {
	const legacy = inputSetting(source);
	const replacement = legacy?.deprecatedBy ? findSetting(legacy.deprecatedBy) : undefined;
	if (!source || !legacy || !replacement || renameNeedsUpgrade(instance)) return [];
	const both = instance.settings.problems.find((problem) => problem.code === 'both-names-set' && problem.setting === replacement.key && [problem.source, ...problem.related].some((other) => sameSource(other, source)));
	if (both) {
		const kept = [both.source, ...both.related].find((other) => other && !sameSource(other, source) && inputSetting(other)?.key === replacement.key);
		const fix = removalFix(deployment, instance, source, kept, `${kept ? inputName(kept, replacement) : inputName(source, replacement)} is set too`);
		return fix ? [fix] : [];
	}
	const edit = renameInputEdit(instance, source, replacement);
	return edit ? [{ title: `Rename to ${inputName(source, replacement)}`, isPreferred: true, edits: [edit] }] : [];
}

/** Whether the ExtAuth names may not work yet: the version is unknown (only assumed) or older than 0.59.0. */
export function renameNeedsUpgrade(instance: NavidromeInstance): boolean {
	return instance.versionSource === 'assumed' || !instance.version || !atLeast(instance.version, extAuthRelease);
}

/**
The advice for a legacy name whose rename needs an upgrade first: on a release before 0.59.0 the ExtAuth name is
ignored, so renaming turns external auth off (TrustedSources) or drops the header setting (UserHeader).
*/
export function legacyNameUpgradeAdvice(instance: NavidromeInstance, source: SettingSource | undefined): string | undefined {
	const legacy = inputSetting(source);
	const replacement = legacy?.deprecatedBy ? findSetting(legacy.deprecatedBy) : undefined;
	if (!source || !legacy || !replacement || !renameNeedsUpgrade(instance)) return undefined;
	const name = inputName(source, legacy);
	const renamed = inputName(source, replacement);
	const version = instance.version && instance.versionSource !== 'assumed' ? `this image is Navidrome ${formatVersion(instance.version)}` : 'the Navidrome version is not pinned';
	const loss = replacement.key === 'ExtAuth.TrustedSources' ? 'external auth turns off' : 'Navidrome reads the default header instead';
	return `${name} is deprecated since Navidrome 0.59.0, but ${version}: rename it to ${renamed} only after upgrading to 0.59.0 or later. An older release ignores ${renamed}, so renaming there means ${loss}.`;
}

/** For both names set on a known version: remove the legacy input (or the `ND_` spelling inside the config file). */
export function bothNamesFixes(deployment: Deployment, instance: NavidromeInstance, problem: { source: SettingSource | undefined; related: SettingSource[] }): Fix[] {
	if (instance.versionSource === 'assumed' || !problem.source) return [];
	const inputs = [problem.source, ...problem.related];
	// `ND_EXTAUTH_…` written as a key of navidrome.toml next to the TOML key: the file spelling is redundant.
	if (problem.source.kind === 'toml' && /^ND_/i.test(problem.source.key)) {
		const fix = removalFix(deployment, instance, problem.source, problem.related[0], 'the config file sets the TOML key too');
		return fix ? [fix] : [];
	}
	const legacy = inputs.find((input) => inputSetting(input)?.deprecatedBy !== undefined);
	const kept = inputs.find((input) => input !== legacy && inputSetting(input)?.deprecatedBy === undefined);
	if (!legacy || !kept) return [];
	const fix = removalFix(deployment, instance, legacy, kept, `${inputName(kept, inputSetting(kept)!)} is set too`);
	return fix ? [fix] : [];
}

/**
For an ExtAuth name on an image older than 0.59.0 (and at least 0.44.0): rename it to the legacy name that image reads,
or remove it when the legacy name is set too (the image ignores it either way).
*/
export function olderImageFixes(deployment: Deployment, instance: NavidromeInstance, source: SettingSource | undefined): Fix[] {
	const current = inputSetting(source);
	const legacy = current ? settingsWithReplacement(current.key) : undefined;
	if (!source || !current || !legacy || !instance.version || atLeast(instance.version, extAuthRelease) || !atLeast(instance.version, legacyRelease)) return [];
	const written = source.kind === 'env' ? source.name.toUpperCase() === current.envName : source.kind === 'toml' && normalKey(source.key) === normalKey(current.tomlKey);
	if (!written) return [];
	const { trustedSources, userHeader } = instance.settings.settings;
	const legacySet = [trustedSources, userHeader].find((setting) => setting.fromKey === legacy.key && setting.source.kind !== 'default');
	if (legacySet) {
		// Preferred only when both values agree (removalFix decides): a differing value may be the one meant for the upgrade.
		const fix = removalFix(deployment, instance, source, legacySet.source, `this version reads ${inputName(legacySet.source, legacy)} instead`);
		return fix ? [fix] : [];
	}
	const edit = renameInputEdit(instance, source, legacy);
	return edit ? [{ title: `Rename to ${inputName(source, legacy)} (the name this version reads)`, isPreferred: true, edits: [edit] }] : [];
}

function settingsWithReplacement(key: string): SettingDoc | undefined {
	return settingsCatalog.find((doc) => doc.deprecatedBy === key);
}
