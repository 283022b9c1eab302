import type { Rule } from '../rule.js';
import { entryLocation, guardedReport, listensOnSocket, shownPart, trustedSourcesSite } from './helpers.js';

// spec: navidrome-extauth.md §2 (raw `RemoteAddr` of a socket peer is `@`) and §8 item 5
export const ipEntriesWithSocket: Rule = {
	id: 'nd/ip-entries-with-socket',
	category: 'ignored-setting',
	severity: 'information',
	summary: 'IP ranges in TrustedSources while Navidrome listens only on a UNIX socket.',
	docs: `With \`Address = unix:…\` every request reaches Navidrome over the socket, and on Linux the peer is always \`@\`.
IP ranges in TrustedSources can then never match; only the \`@\` entry matters. Keeping them suggests a trust that
does not exist.

**Fix:** remove the IP entries, keep \`@\`, and restrict the socket with \`UnixSocketPerm\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (!listensOnSocket(instance)) continue;
			const site = trustedSourcesSite(instance);
			if (!site) continue;
			const guarded = guardedReport(instance, report);
			for (const entry of instance.trust.entries) {
				if (entry.kind !== 'cidr' || !entry.honoured) continue;
				guarded({
					location: entryLocation(site, entry).location,
					message: `${shownPart(site, entry.text)} never matches: Navidrome listens on a UNIX socket, where every peer is '@'.`,
					tags: ['unnecessary'],
				});
			}
		}
	},
};
