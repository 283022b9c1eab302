import type { Rule } from '../rule.js';
import { guardedReport, liveCidrEntries, quotable, shownPart, trustedSourcesSite } from './helpers.js';
import { latentLead, latentMark, latentVerdict } from './latent.js';

// spec: proxies.md §9 (ND-TRUST-ANY) and §7
export const trustPublic: Rule = {
	id: 'nd/trust-public',
	category: 'exposure',
	severity: 'error',
	summary: 'TrustedSources includes public (globally routable) addresses.',
	docs: `A TrustedSources range that contains public addresses trusts peers that are not your proxy. A reverse proxy in a
Docker network, on the same host or in a LAN has a private, loopback or link-local address; a public range is almost
always a typo (\`172.2.0.0/16\` for \`172.20.0.0/16\`) or a guess. Anyone connecting from that range can send the user
header and act as any user.

**Fix:** list the proxy's own address as \`/32\` (pinned with \`ipv4_address\`).

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const { instance, entry, cidr, location } of liveCidrEntries(deployment)) {
			if (cidr.coversAllIPv4 || cidr.coversAllIPv6 || !cidr.includesPublic) continue;
			const site = trustedSourcesSite(instance);
			guardedReport(instance, report)({
				location,
				...latentVerdict(instance),
				message: `${latentMark(instance)}${shownPart(site, entry.text)} ${latentLead(instance)}covers public addresses${quotable(site) ? ` (${cidr.first} – ${cidr.last})` : ''}: peers outside your network would be trusted to name the user. Trust only the proxy's address.`,
			});
		}
	},
};
