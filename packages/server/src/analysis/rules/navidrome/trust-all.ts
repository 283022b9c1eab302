import type { Rule } from '../rule.js';
import { trustProxyFix } from './fixes.js';
import { guardedReport, liveCidrEntries, shownPart, shownValue, trustedSourcesSite } from './helpers.js';
import { latentLead, latentMark, latentVerdict } from './latent.js';

// spec: navidrome-extauth.md §3.3 and §8 item 9, proxies.md §7 and §9 (ND-TRUST-ANY)
export const trustAll: Rule = {
	id: 'nd/trust-all',
	category: 'exposure',
	severity: 'error',
	summary: 'TrustedSources trusts every IPv4 or every IPv6 peer (0.0.0.0/0, ::/0, ::ffff:0:0/96).',
	docs: `\`0.0.0.0/0\` trusts every IPv4 peer, \`::/0\` every native IPv6 peer, and \`::ffff:0:0/96\` (v4-mapped) every IPv4 peer
again. Any container on a shared network, any process on the host and, if Navidrome's port is published, anyone on the
internet can then send \`Remote-User: admin\` and be logged in as that user; an unknown name is created, and on a fresh
install the first one becomes admin. Navidrome's own docs example uses \`0.0.0.0/0\`.

**Fix:** trust only the proxy: pin it with \`ipv4_address\` on a dedicated network and list \`<proxy IP>/32\`, or use a
UNIX socket with \`@\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/) and [Compose: \`ipv4_address\`](https://docs.docker.com/reference/compose-file/services/#ipv4_address-ipv6_address).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const { instance, entry, cidr, location } of liveCidrEntries(deployment)) {
			if (!(cidr.coversAllIPv4 || cidr.coversAllIPv6)) continue;
			const family = cidr.coversAllIPv4 ? 'IPv4' : 'IPv6';
			const mapped = cidr.coversAllIPv4 && entry.text.includes(':') ? ' (a v4-mapped IPv6 range that Navidrome compares as IPv4)' : '';
			const header = shownValue(instance, instance.intended.settings.userHeader);
			const fix = trustProxyFix(deployment, instance, entry);
			guardedReport(instance, report)({
				location,
				...(fix ? { fixes: [fix] } : {}),
				...latentVerdict(instance),
				message: `${latentMark(instance)}${shownPart(trustedSourcesSite(instance), entry.text)} ${latentLead(instance)}trusts every ${family} peer${mapped}: anything that can reach Navidrome can send ${header.startsWith("'") ? header.slice(1, -1) : header}: admin and be logged in as any user. Trust only the proxy's address (/32).`,
			});
		}
	},
};
