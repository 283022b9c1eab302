/**
Wording for findings that are latent on an old image: the trust and exposure rules judge the configuration as the
newest release reads it, so a pinned release that ignores the name must not be spoken of as if it were live. Every
such message says the same thing: "ignored today on Navidrome X; once it takes effect (Y+) …".
*/
// spec: navidrome-extauth.md §1.2 (names by version), §8 item 7 (unknown names are ignored silently)
import { findSetting, formatVersion } from '@navidrome-extauth/core';
import type { NavidromeInstance } from '../../model/deployment.js';

/** The release that ignores the TrustedSources name in use today, and the first one that reads it. */
export type Latency = { version: string; since: string; name: string };

export function latentTrust(instance: NavidromeInstance): Latency | undefined {
	if (!instance.version) return undefined;
	const today = instance.settings.settings.trustedSources;
	const intended = instance.intended.settings.trustedSources;
	if (intended.source.kind === 'default' || today.fromKey === intended.fromKey) return undefined;
	const doc = findSetting(intended.fromKey);
	if (!doc) return undefined;
	const name = intended.source.kind === 'env' ? intended.source.name : intended.source.key;
	return { version: formatVersion(instance.version), since: formatVersion(doc.since), name };
}

/** "ignored today on Navidrome 0.58.0; once it takes effect (0.59.0+), " or `''` when the setting is live. */
export function latentLead(instance: NavidromeInstance): string {
	const latency = latentTrust(instance);
	return latency ? `is ignored today on Navidrome ${latency.version}; once it takes effect (${latency.since}+), it ` : '';
}

/**
Severity and tag for a trust or exposure finding on an instance whose pinned image ignores the trust setting today:
latent, so information, never a live error (model/gate.ts states the same rule for routes).
*/
export function latentVerdict(instance: NavidromeInstance): { severity: 'information'; latent: 'version' } | Record<string, never> {
	return latentTrust(instance) ? { severity: 'information', latent: 'version' } : {};
}

/** `Latent: ` before the message of a latent finding, `''` otherwise. */
export function latentMark(instance: NavidromeInstance): string {
	return latentTrust(instance) ? 'Latent: ' : '';
}
