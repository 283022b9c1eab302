/** Shared lookups for the Navidrome-side rules. */
import { findSetting, formatVersion, type CidrInfo, type ResolvedSetting, type SettingSource, type TrustedSourceEntry } from '@navidrome-extauth/core';
import type { Location, Report } from '../../findings.js';
import type { Deployment, NavidromeInstance } from '../../model/deployment.js';
import { instanceSecrets, siteOf } from '../../model/navidrome.js';
import type { ValueSite } from '../../model/value-site.js';
import { hiddenText, isSecretValue, maskUrlPasswords, scrubReport } from '../../secrets.js';

/** Where an instance-wide finding goes: the service name, else the top of its navidrome.toml. */
export function instanceAnchor(instance: NavidromeInstance): Location {
	if (instance.service && instance.compose) return { file: instance.compose.path, span: instance.service.nameSpan };
	return { file: instance.tomlFile ?? instance.id, span: { start: 0, end: 0 } };
}

export function settingSite(instance: NavidromeInstance, setting: ResolvedSetting<unknown>): ValueSite | undefined {
	return siteOf(instance, setting.source);
}

export function sourceSite(instance: NavidromeInstance, source: SettingSource | undefined): ValueSite | undefined {
	return source ? siteOf(instance, source) : undefined;
}

/** How a message names a setting's value (or `text` taken from it): `'value'` with URL passwords masked, or `(hidden: from ${VAR} in .env:3)`. */
export function shownValue(instance: NavidromeInstance, setting: ResolvedSetting<unknown>, text = String(setting.value)): string {
	const site = settingSite(instance, setting);
	const name = setting.source.kind === 'env' ? setting.source.name : setting.source.kind === 'toml' ? setting.source.key : undefined;
	const origin = { name, secretSetting: findSetting(setting.fromKey)?.secret === true, secret: site?.secret };
	return isSecretValue(origin) ? hiddenText(origin) : `'${maskUrlPasswords(text)}'`;
}

/** How a message names part of the value behind `site` (a TrustedSources entry). */
export function shownPart(site: ValueSite | undefined, text: string): string {
	return site?.secret ? hiddenText({ secret: site.secret }) : `'${maskUrlPasswords(text)}'`;
}

/** Whether the value behind `site` may be quoted at all. */
export function quotable(site: ValueSite | undefined): boolean {
	return !site?.secret;
}

/**
`report` for findings about `instance`, with every secret of it (values through secret-looking variables, URL
passwords) replaced by its placeholder, and fixes that would show one dropped: the net under every message.
*/
export function guardedReport(instance: NavidromeInstance, report: (report: Report) => void, fallback?: string): (report: Report) => void {
	const secrets = instanceSecrets(instance);
	if (secrets.length === 0) return report;
	const names = [...new Set(secrets.map((secret) => secret.display).filter((display) => display !== '***'))].join(', ');
	const text = fallback ?? `This finding would quote a secret value${names ? ` (${names})` : ''}, so its details are not shown; check the value where it is defined.`;
	return (item) => report(scrubReport(item, secrets, text));
}

/** The exact characters of one TrustedSources entry, or the whole value when they cannot be located. */
export function entryLocation(site: ValueSite, entry: TrustedSourceEntry): { location: Location; exact: boolean } {
	const exact = site.locate({ start: entry.start, end: entry.end });
	// An empty entry has no characters; point at the separator position instead of nothing.
	if (exact) return { location: exact, exact: true };
	return { location: site.location, exact: false };
}

/** "deluan/navidrome:0.52.0" / "the assumed newest release" for messages. */
export function describeVersion(instance: NavidromeInstance): string {
	if (!instance.version) return 'the newest release (no version pinned; assumed)';
	const version = formatVersion(instance.version);
	return instance.versionSource === 'image' ? `image version ${version}` : `Navidrome ${version} (assumed by option)`;
}

/** Where TrustedSources is written; `undefined` when it is not, or when it is a template (its entries are unknown). */
export function trustedSourcesSite(instance: NavidromeInstance): ValueSite | undefined {
	if (instance.trustTemplated) return undefined;
	return settingSite(instance, instance.intended.settings.trustedSources);
}

export function extAuthConfigured(instance: NavidromeInstance): boolean {
	return instance.intended.settings.extAuthEnabled;
}

export type Gateway = { address: string; network: string; location: { file: string; span: { start: number; end: number } } | undefined };

/** Gateways of the compose networks Navidrome joins: the explicit `gateway`, else the subnet's first host (`.1`). */
export function networkGateways(deployment: Deployment, instance: NavidromeInstance): Gateway[] {
	if (!instance.compose) return [];
	const gateways: Gateway[] = [];
	const compose = instance.compose;
	for (const network of compose.networks) {
		if (!instance.networks.includes(network.name)) continue;
		for (const gateway of network.gateways) gateways.push({ address: gateway.value, network: network.name, location: { file: compose.path, span: gateway.span } });
		for (const subnet of network.subnets) {
			const first = firstHost(subnet.value);
			if (first) gateways.push({ address: first, network: network.name, location: { file: compose.path, span: subnet.span } });
		}
	}
	return gateways;
}

function firstHost(subnet: string): string | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet.trim());
	if (!match) return undefined;
	const prefix = Number(match[5]);
	if (prefix > 30) return undefined;
	const value = ((Number(match[1]) << 24) | (Number(match[2]) << 16) | (Number(match[3]) << 8) | Number(match[4])) >>> 0;
	const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
	const host = ((value & mask) + 1) >>> 0;
	return [host >>> 24, (host >>> 16) & 255, (host >>> 8) & 255, host & 255].join('.');
}

/** With a unix: Address every peer is `@`, so IP entries can never match (navidrome-extauth.md §2, §8 item 5). */
export function listensOnSocket(instance: NavidromeInstance): boolean {
	return instance.intended.settings.address.value.startsWith('unix:');
}

/**
Every honoured CIDR entry that can actually match (IP entries are dead on a UNIX socket), with where it is written:
the walk the trust rules share.
*/
export function* liveCidrEntries(deployment: Deployment): Generator<{ instance: NavidromeInstance; entry: TrustedSourceEntry; cidr: CidrInfo; location: Location }> {
	for (const instance of deployment.navidromes) {
		const site = trustedSourcesSite(instance);
		if (!site || listensOnSocket(instance)) continue;
		for (const entry of instance.trust.entries) {
			if (entry.honoured && entry.cidr) yield { instance, entry, cidr: entry.cidr, location: entryLocation(site, entry).location };
		}
	}
}
