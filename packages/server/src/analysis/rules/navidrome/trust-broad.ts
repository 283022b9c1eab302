import { isTrustedSource } from '@navidrome-extauth/core';
import type { Related } from '../../findings.js';
import type { Rule } from '../rule.js';
import type { NavidromeInstance } from '../../model/deployment.js';
import { trustProxyFix } from './fixes.js';
import { guardedReport, liveCidrEntries, shownPart, trustedSourcesSite, networkGateways, type Gateway } from './helpers.js';
import { latentLead, latentMark, latentVerdict } from './latent.js';

// spec: proxies.md §7 (default pools, gateway, userland-proxy) and §9 (ND-TRUST-BROAD)
export const trustBroad: Rule = {
	id: 'nd/trust-broad',
	category: 'exposure',
	severity: 'warning',
	summary: 'TrustedSources covers a whole Docker pool or private range, or the network gateway.',
	docs: `Trusting a whole Docker network (\`172.18.0.0/16\`), the private ranges (\`172.16.0.0/12\`, \`192.168.0.0/16\`,
\`10.0.0.0/8\`) or a range holding the network's gateway (\`.1\`) trusts more than the proxy:
- every other container on that network can send the user header and act as any user;
- connections that reach a published port through docker-proxy arrive from the gateway address, so any host user or
  IPv6 client is trusted too.

**Fix:** give the proxy a fixed \`ipv4_address\` inside an \`ipam\` subnet and trust only \`<that address>/32\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/) and [Compose: \`ipv4_address\`](https://docs.docker.com/reference/compose-file/services/#ipv4_address-ipv6_address).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		const gatewaysOf = new Map<NavidromeInstance, Gateway[]>();
		for (const { instance, entry, cidr, location } of liveCidrEntries(deployment)) {
			if (cidr.coversAllIPv4 || cidr.coversAllIPv6 || cidr.includesPublic || cidr.includesLoopback) continue;
			if (cidr.prefixLength === (cidr.family === 'ipv4' ? 32 : 128)) continue;
			if (!gatewaysOf.has(instance)) gatewaysOf.set(instance, networkGateways(deployment, instance));
			const gateway = gatewaysOf.get(instance)!.find((g) => isTrustedSource(g.address, entry.text));
			const reasons: string[] = [];
			// Docker hands out /16 and /20 subnets from its pools: a range that wide is a whole network.
			const wide = cidr.family === 'ipv4' ? cidr.prefixLength <= 20 : cidr.prefixLength <= 64;
			if (wide && cidr.dockerDefaultPool) reasons.push(`overlaps Docker's default address pool ${cidr.dockerDefaultPool}`);
			else if (wide) reasons.push(`covers ${cidr.addressCount.toLocaleString('en-US')} private addresses`);
			if (gateway) reasons.push(`includes the gateway ${gateway.address} of network '${gateway.network}', the address docker-proxy connections arrive from`);
			if (reasons.length === 0) continue;
			const related: Related[] = gateway?.location ? [{ ...gateway.location, message: `Subnet of network '${gateway.network}'` }] : [];
			const fix = trustProxyFix(deployment, instance, entry);
			guardedReport(instance, report)({
				location,
				...(fix ? { fixes: [fix] } : {}),
				...latentVerdict(instance),
				message: `${latentMark(instance)}${shownPart(trustedSourcesSite(instance), entry.text)} ${latentLead(instance)}${reasons.join(' and ')}: other containers on the network can send the user header and act as any user. Pin the proxy and trust only its /32.`,
				related,
			});
		}
	},
};
