import type { ComposeFile } from '../../formats/compose/types.js';
import type { Rule } from '../rule.js';
import { guardedReport, liveCidrEntries, quotable, trustedSourcesSite } from './helpers.js';
import { latentMark, latentTrust, latentVerdict } from './latent.js';

// spec: proxies.md §7 (pinning) and §9 (ND-PROXY-IP-UNPINNED)
export const proxyIpUnpinned: Rule = {
	id: 'nd/proxy-ip-unpinned',
	category: 'exposure',
	severity: 'warning',
	summary: 'TrustedSources names one address, but no compose service is pinned to it.',
	docs: `Docker hands out container addresses in start order, so a proxy's address changes when containers are recreated.
A trusted \`/32\` that no service pins with \`ipv4_address\` may later belong to another container (which is then
trusted to name any user), or stop matching the proxy (and people widen the range to make it work again).

**Fix:** give the proxy \`networks: { proxy: { ipv4_address: 172.30.0.10 } }\` on a network with an \`ipam\` subnet
covering it, and trust \`172.30.0.10/32\`.

See [Compose: \`ipv4_address\`](https://docs.docker.com/reference/compose-file/services/#ipv4_address-ipv6_address) and [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const { instance, cidr, location } of liveCidrEntries(deployment)) {
			if (!instance.compose || cidr.includesLoopback || cidr.addressCount !== 1n || cidr.includesPublic) continue;
			// The whole Compose project: a proxy pinned in the file that `include:`s Navidrome's counts.
			const project = deployment.links.project(instance.compose).map(pinnedAddresses);
			if (project.some((pinned) => pinned.has(cidr.first) || pinned.has(cidr.first.toLowerCase()))) continue;
			const address = quotable(trustedSourcesSite(instance)) ? cidr.first : 'the address of this entry';
			const latency = latentTrust(instance);
			guardedReport(instance, report)({
				location,
				...latentVerdict(instance),
				message: `${latentMark(instance)}No service in ${instance.compose.path.split('/').pop()} is pinned to ${address} with ipv4_address: ${latency ? `TrustedSources is ignored today on Navidrome ${latency.version}; once it takes effect (${latency.since}+), ` : ''}after a restart another container may get it and be trusted, or the proxy moves and external auth stops working.`,
			});
		}
	},
};

const pinnedCache = new WeakMap<ComposeFile, Set<string>>();

/** Every `ipv4_address`/`ipv6_address` in a compose file (computed once per parse). */
function pinnedAddresses(compose: ComposeFile): Set<string> {
	let pinned = pinnedCache.get(compose);
	if (pinned) return pinned;
	pinned = new Set<string>();
	for (const service of compose.services) {
		for (const network of service.networks ?? []) {
			if (network.ipv4Address) pinned.add(network.ipv4Address.value.trim());
			if (network.ipv6Address) pinned.add(network.ipv6Address.value.trim().toLowerCase());
		}
	}
	pinnedCache.set(compose, pinned);
	return pinned;
}
