import type { Rule } from '../rule.js';
import { extAuthConfigured, guardedReport, listensOnSocket, trustedSourcesSite } from './helpers.js';

// spec: navidrome-extauth.md §2 (the TCP peer is what is checked), §3 (steps 2 and 7: invalid entries are skipped
//   silently; no match means the header is ignored) and §8 items 1–4
export const trustUnusable: Rule = {
	id: 'nd/trust-unusable',
	category: 'broken',
	severity: 'warning',
	summary: 'TrustedSources can never trust the proxy: no entry is honoured, or none covers the proxy’s pinned address.',
	docs: `Navidrome reads the user header only from a TCP peer inside an honoured \`ExtAuth.TrustedSources\` entry. When no
entry is honoured (every one is a bare IP, has spaces, uses \`;\`, or is otherwise not a CIDR), or the honoured ones do
not cover the address the proxy connects from, external auth silently never works: every request falls back to the
login page. The per-entry findings of nd/trusted-source-ignored say what is wrong with each entry.

Routes through a proxy Navidrome does not trust are still checked; what they would let a client do is reported as
**latent** (information severity), since it becomes exploitable as soon as the list is fixed.

**Fix:** list the proxy's address as a CIDR (\`172.22.0.10/32\`), or the proxy network's subnet; pin the proxy's
address in compose (\`ipv4_address\`) to keep it stable.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['apache', 'caddyfile', 'compose', 'dotenv', 'haproxy', 'navidrome-toml', 'nginx', 'shell', 'systemd', 'traefik'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (instance.assumed || !extAuthConfigured(instance)) continue;
			const site = trustedSourcesSite(instance);
			if (!site) continue;
			const guarded = guardedReport(instance, report);
			const entries = instance.trust.entries;
			// On a UNIX socket only `@` can match; nd/ip-entries-with-socket and nd/address-missing-unix cover that.
			if (listensOnSocket(instance) || entries.some((entry) => entry.honoured && entry.kind !== 'cidr')) continue;
			if (!entries.some((entry) => entry.honoured)) {
				guarded({ location: site.location, message: 'No entry of ExtAuth.TrustedSources is honoured, so Navidrome trusts no proxy and external auth never works: every request gets the login page.' });
				continue;
			}
			// Proxies whose pinned address the honoured entries provably do not cover.
			const outside = new Map<string, string>();
			for (const route of deployment.links.routesTo(instance)) {
				if (route.peer.trusted !== 'no' || !route.peer.address) continue;
				outside.set(route.peer.address, route.proxy);
			}
			for (const [address, proxy] of outside) {
				guarded({ location: site.location, message: `ExtAuth.TrustedSources does not cover ${proxy}'s address ${address}, so Navidrome ignores the user header it sends and external auth never works through it. Add ${address}/32.` });
			}
		}
	},
};
