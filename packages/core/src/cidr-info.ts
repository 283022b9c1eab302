/** What an honoured TrustedSources CIDR covers, for hovers and the analysis rules. */
import { dockerPoolsOverlapping, dockerSubnetContaining, rangeIncludesLoopback, rangeIncludesPublic } from './address-ranges.js';
import type { CidrNetwork } from './cidr.js';
import { formatIpv4, formatIpv6 } from './ip.js';
import type { CidrInfo } from './types.js';

/** Describe a parsed CIDR in the family Navidrome compares it as (navidrome-extauth.md §3.3). */
export function describeCidr(network: CidrNetwork): CidrInfo {
	const { comparedFamily: family, comparedPrefix: prefixLength } = network;
	// IPv4 bounds as plain numbers: exact, and no BigInt garbage when a long list is analysed.
	const first = family === 'ipv4' ? Number(network.first) : network.first;
	const last = family === 'ipv4' ? Number(network.last) : network.last;
	const normalized = `${network.family === 'ipv4' ? formatIpv4(network.network) : formatIpv6(network.network)}/${network.prefix}`;
	const pools = family === 'ipv4' ? dockerPoolsOverlapping(first, last) : [];
	const info: CidrInfo = {
		normalized,
		family,
		prefixLength,
		first: family === 'ipv4' ? formatIpv4(first) : formatIpv6(first as bigint),
		last: family === 'ipv4' ? formatIpv4(last) : formatIpv6(last as bigint),
		addressCount: network.last - network.first + 1n,
		coversAllIPv4: family === 'ipv4' && prefixLength === 0,
		coversAllIPv6: family === 'ipv6' && prefixLength === 0,
		includesPublic: rangeIncludesPublic(family, first, last),
		includesLoopback: rangeIncludesLoopback(family, first, last),
		dockerDefaultPool: pools.length > 0 ? pools.join(', ') : undefined,
		hostBitsSet: network.address !== network.network,
	};
	if (network.family === 'ipv6' && family === 'ipv4') info.equivalentIPv4 = `${formatIpv4(first)}/${prefixLength}`;
	if (pools.length > 0) {
		info.dockerPools = pools;
		const subnet = dockerSubnetContaining(first, last);
		if (subnet) info.dockerSubnet = subnet;
	}
	return info;
}
