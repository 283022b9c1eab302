/**
Whether Navidrome trusts a proxy's address (spec navidrome-extauth.md §2, §3: only TCP peers inside an honoured
`TrustedSources` entry are believed). The proxy's address is known only when compose pins it (`ipv4_address` /
`ipv6_address` on a network both services join); otherwise it is assumed to be trusted, and findings say so.
*/
import type { NavidromeInstance } from './instance.js';
import type { PeerTrust } from './route.js';
import type { ComposeFile, ComposeService } from '../formats/compose/types.js';

/**
`proxies`: the compose services running this proxy (none for a host proxy or one outside the checked files).
`no` needs proof: no honoured TCP entry at all, or every pinned address outside the list.
*/
export function peerTrust(instance: NavidromeInstance, proxies: ReadonlyArray<{ compose: ComposeFile; service: ComposeService }>): PeerTrust {
	// spec: navidrome-extauth.md §3 (entries without a /prefix are never honoured; `@` matches only UNIX-socket peers)
	if (instance.trustTemplated) return { trusted: 'assumed', address: undefined };
	const usable = instance.trust.entries.some((entry) => entry.honoured && entry.kind === 'cidr');
	if (!usable) return { trusted: instance.assumed ? 'assumed' : 'no', address: undefined };
	if (instance.assumed) return { trusted: 'assumed', address: undefined };
	const addresses: string[] = [];
	let unknown = proxies.length === 0;
	for (const proxy of proxies) {
		if (proxy.compose !== instance.compose || proxy.service.networkMode?.value === 'host' || instance.hostNetwork) {
			unknown = true;
			continue;
		}
		const shared = (proxy.service.networks ?? [{ name: 'default', ipv4Address: undefined, ipv6Address: undefined }]).filter((network) => instance.networks.includes(network.name));
		const pinned = shared.map((network) => network.ipv4Address?.value.trim() ?? network.ipv6Address?.value.trim()).filter((value): value is string => Boolean(value));
		if (pinned.length === 0) unknown = true;
		addresses.push(...pinned);
	}
	const options = { address: instance.intended.settings.address.value };
	const trusted = addresses.find((address) => instance.trust.matches(address, options));
	if (trusted) return { trusted: 'yes', address: trusted };
	return { trusted: unknown ? 'assumed' : 'no', address: addresses[0] };
}
