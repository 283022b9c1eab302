/** Markdown for hovers and command results: catalog settings, TrustedSources entries, proxy routes and rule docs. */
import { compareVersions, describeAddress, formatVersion, type CidrInfo, type SettingDoc, type TrustedSourceEntry } from '@navidrome-extauth/core';
import { basename, dirname } from '../analysis/files.js';
import type { Location } from '../analysis/findings.js';
import type { HeaderFate, NavidromeInstance, ProxyRoute } from '../analysis/model/deployment.js';
import type { Rule } from '../analysis/rules/rule.js';
import { ruleDocsUrl } from '../analysis/rules/rule.js';
import { hiddenText, maskUrlPasswords, type SecretMark } from '../analysis/secrets.js';
import { describeInstanceVersion, describeSource, displayValue, effectiveSetting, hiddenValue, visibleValue } from './settings-info.js';

/** Inline code that survives backticks and newlines in user text. */
export function code(text: string): string {
	let clean = String(text).replace(/[\u0000-\u001f\u007f]/g, ' ');
	if (clean.length > 200) clean = `${clean.slice(0, 200)}…`;
	let fence = '`';
	while (clean.includes(fence)) fence += '`';
	const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
	return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A path as a reader of `from` wants it: `this file`, a sibling's name, a relative path, or the full path. */
export function displayPath(from: string, target: string): string {
	if (from === target) return 'this file';
	const folder = dirname(from);
	if (dirname(target) === folder) return basename(target);
	if (target.startsWith(`${folder}/`)) return target.slice(folder.length + 1);
	return target;
}

export function lineNumber(text: string | undefined, offset: number): number | undefined {
	if (text === undefined) return undefined;
	let line = 1;
	const end = Math.min(offset, text.length);
	for (let i = 0; i < end; i++) {
		const char = text.charCodeAt(i);
		if (char === 10) line++;
		else if (char === 13 && text.charCodeAt(i + 1) !== 10) line++;
	}
	return line;
}

export function describeLocation(from: string, location: Location, readText: (path: string) => string | undefined): string {
	const line = lineNumber(readText(location.file), location.span.start);
	return `${displayPath(from, location.file)}${line === undefined ? '' : `, line ${line}`}`;
}

// ─── Settings ────────────────────────────────────────────────────────────────────────────────────

/** The "More…" link every hover ends with. */
export function moreLink(url: string): string {
	return `[More…](${url})`;
}

/**
A setting in a few lines: name and summary, what it does for the instances here (`effective`, from
`effectiveValueMarkdown`), the default and since-version, the first security note (left out when `brief`, as when a finding's rule follows), and a link to the setting's page.
*/
export function settingMarkdown(doc: SettingDoc, writtenAs: string, effective?: string, brief = false): string {
	const title = writtenAs && writtenAs.toLowerCase() !== doc.key.toLowerCase() ? `**${doc.key}** (${code(writtenAs)})` : `**${doc.key}**`;
	const lines = [`${title}${doc.deprecatedBy ? ` · deprecated, use ${code(doc.deprecatedBy)}` : ''}: ${doc.summary}`, ''];
	if (effective) lines.push(effective);
	const since = doc.since.every((n) => n === 0) ? 'every supported release' : `since Navidrome ${formatVersion(doc.since)}${doc.sinceVerified === false ? ' (estimated)' : ''}`;
	const defaultText = doc.secret ? hiddenValue : doc.default === '' ? '(empty)' : code(doc.default);
	lines.push(`- Default ${defaultText} · ${since} · ${code(doc.envName)} or ${code(doc.tomlKey)} in navidrome.toml`);
	const note = doc.securityNotes[0];
	if (note && !brief) lines.push(`- **Security:** ${note}`);
	lines.push('', moreLink(doc.docsUrl));
	return lines.join('\n');
}

/**
One list line per instance reading the setting here: "`navidrome` (Navidrome 0.60.0, from the image tag): `x`, from
`ND_…` in compose.yaml, line 7". A name this version ignores says so, with what happens once it takes effect.
*/
export function effectiveValueMarkdown(doc: SettingDoc, instances: NavidromeInstance[], from: string, readText: (path: string) => string | undefined): string | undefined {
	if (instances.length === 0) return undefined;
	const lines: string[] = [];
	for (const instance of instances.slice(0, 3)) {
		const setting = effectiveSetting(instance.settings.settings, doc.key);
		const intended = effectiveSetting(instance.intended.settings, doc.key);
		if (!setting) continue;
		const source = describeSource(instance, setting.source);
		const shown = visibleValue(doc, source, setting.value);
		const secret = shown.hidden;
		const value = secret ? shown.text : code(shown.text);
		const origin = source.kind === 'default' ? 'the default' : `${code(source.name ?? '')}${source.keyLocation ? ` in ${describeLocation(from, source.keyLocation, readText)}` : ''}`;
		const head = `- ${code(instance.id)} (${describeInstanceVersion(instance)})`;
		const later = intended && !secret && intended.value !== setting.value ? code(maskUrlPasswords(displayValue(intended.value))) : undefined;
		if (instance.version && compareVersions(instance.version, doc.since) < 0) {
			// This name does not exist in that release: say what applies today and what happens after an upgrade.
			lines.push(`${head}: ignored today on ${formatVersion(instance.version)}, so ${value} applies (${origin}); once it takes effect (${formatVersion(doc.since)}+)${later ? `: ${later}` : ''}`);
		} else lines.push(`${head}: ${value}, from ${origin}${later ? `; the newest release would use ${later}` : ''}`);
	}
	if (instances.length > 3) lines.push(`- and ${instances.length - 3} more instances`);
	return lines.length > 0 ? lines.join('\n') : undefined;
}

// ─── TrustedSources entries ──────────────────────────────────────────────────────────────────────

/**
A TrustedSources entry: what it covers or why Navidrome ignores it. `owner` says who holds a single address;
`ignoredToday` names the release that ignores the whole setting. A value that came through a secret-looking variable
shows where it comes from, nothing of its text.
*/
export function entryMarkdown(entry: TrustedSourceEntry, instance: NavidromeInstance | undefined, addressKnown: boolean, options: { secret?: SecretMark; owner?: string; ignoredToday?: { version: string; since: string } } = {}): string {
	const { secret, owner, ignoredToday } = options;
	if (secret) return `**TrustedSources entry** ${hiddenText({ secret })}${instance ? ` of ${code(instance.id)}` : ''}: ${entry.honoured ? 'Navidrome honours this entry.' : '**Navidrome ignores this entry.**'}`;
	const title = `**TrustedSources entry** ${code(entry.text)}${instance ? ` of ${code(instance.id)}` : ''}`;
	if (!entry.honoured) {
		const suggestion = entry.suggestion === undefined ? '' : entry.suggestion === '' ? ' Remove it.' : ` Write ${code(entry.suggestion)} instead.`;
		return `${title}: **Navidrome ignores this entry.** ${entry.message ?? 'It is not a valid CIDR.'}${suggestion}`;
	}
	if (entry.kind === 'unix-socket') {
		if (entry.message) return `${title}: ${entry.message}`;
		const note = addressKnown ? 'Trusts every client connected through the UNIX socket of `Address` (`unix:…`).' : 'Trusts clients connected through a UNIX socket; it only counts while `Address` starts with `unix:`.';
		return `${title}: ${note} Every local process that can write to the socket can log in as any user.`;
	}
	const cidr = entry.cidr;
	if (!cidr) return title;
	const lead = ignoredToday ? `ignored today on Navidrome ${ignoredToday.version}; once it takes effect (${ignoredToday.since}+), peers in it can name any user in the user header.` : 'peers in it can name any user in the user header.';
	return [`${title}: ${lead}`, '', ...cidrLines(cidr), ...(owner ? [`- ${owner}`] : [])].join('\n');
}

function cidrLines(cidr: CidrInfo): string[] {
	const family = cidr.family === 'ipv4' ? 'IPv4' : 'IPv6';
	const lines = [`- Range: ${code(cidr.first)} – ${code(cidr.last)} (${formatCount(cidr)} ${cidr.addressCount === 1n ? 'address' : 'addresses'}, ${family} /${cidr.prefixLength})`];
	const covers: string[] = [];
	if (cidr.coversAllIPv4) covers.push('**every IPv4 address**');
	if (cidr.coversAllIPv6) covers.push('**every native IPv6 address**');
	if (cidr.includesPublic && !cidr.coversAllIPv4 && !cidr.coversAllIPv6) covers.push('**public internet addresses**');
	if (cidr.includesLoopback) covers.push('loopback (local processes)');
	if (cidr.dockerPools?.length) covers.push(`Docker default address pool${cidr.dockerPools.length > 1 ? 's' : ''} ${cidr.dockerPools.map(code).join(', ')}${cidr.dockerSubnet ? ` (a Docker network such as ${code(cidr.dockerSubnet)} fits inside)` : ''}`);
	else if (cidr.dockerDefaultPool) covers.push(`Docker default pool ${code(cidr.dockerDefaultPool)}`);
	const first = describeAddress(cidr.first);
	const last = describeAddress(cidr.last);
	if (first && last && first.range === last.range && !cidr.coversAllIPv4 && !cidr.coversAllIPv6) covers.push(`${first.label} addresses (${code(first.range)})`);
	if (covers.length > 0) lines.push(`- Covers: ${covers.join('; ')}`);
	if (cidr.equivalentIPv4) lines.push(`- An IPv4-mapped range: Navidrome compares it as ${code(cidr.equivalentIPv4)}`);
	if (cidr.hostBitsSet) lines.push(`- Written with host bits set; Navidrome uses ${code(cidr.normalized)}`);
	return lines;
}

function formatCount(cidr: CidrInfo): string {
	if (cidr.addressCount <= 1_000_000_000_000n) return cidr.addressCount.toLocaleString('en-US');
	const bits = (cidr.family === 'ipv4' ? 32 : 128) - cidr.prefixLength;
	return `2^${bits}`;
}

// ─── Proxy routes ────────────────────────────────────────────────────────────────────────────────

const fates: Record<HeaderFate, string> = {
	authenticated: "set by the proxy from the auth service's answer; client copies are replaced",
	stripped: 'client copies are removed and nothing is set',
	passthrough: '**a value sent by the client reaches Navidrome**, so anyone can log in as anyone',
	placeholder: 'the proxy can send a literal placeholder instead of a user name',
	'never-delivered': 'even authenticated requests arrive without a user, so external auth does nothing',
};

const proxyNames: Record<ProxyRoute['proxy'], string> = { caddy: 'Caddy', nginx: 'nginx', traefik: 'Traefik', apache: 'Apache httpd', haproxy: 'HAProxy' };

export function routeMarkdown(route: ProxyRoute, header: string): string {
	const target = route.target ? ` (Navidrome ${code(route.target.id)})` : '';
	return [
		`**${proxyNames[route.proxy] ?? route.proxy} route** ${code(route.requests)} → ${code(route.upstream)}${target}`,
		`- Auth step: ${route.authenticated ? 'yes' : '**no**, requests on these paths skip the auth service'}`,
		`- ${code(header)} header: ${fates[route.header.fate] ?? route.header.fate}${route.header.detail ? `. ${route.header.detail}` : ''}`,
	].join('\n');
}

// ─── Rules ───────────────────────────────────────────────────────────────────────────────────────

/** A rule's whole documentation (for the explain command). */
export function ruleMarkdown(rule: Rule): string {
	return `**${rule.id}** · ${rule.category}, ${rule.severity} by default\n\n${rule.summary}\n\n${rule.docs}\n\n[Rule documentation](${ruleDocsUrl(rule.id)})`;
}

/** A rule in a hover: its id and summary, and a link to its page. */
export function ruleHoverMarkdown(rule: Rule): string {
	return `**${rule.id}**: ${rule.summary} ${moreLink(ruleDocsUrl(rule.id))}`;
}
