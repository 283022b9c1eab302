import type { Rule } from '../rule.js';
import { entryLocation, guardedReport, shownValue, trustedSourcesSite } from './helpers.js';

// spec: navidrome-extauth.md §3 step 3, §1.4 and §8 item 5
export const unixSocketEntry: Rule = {
	id: 'nd/unix-socket-entry-ignored',
	category: 'broken',
	severity: 'warning',
	summary: 'An `@` TrustedSources entry while Navidrome does not listen on a UNIX socket.',
	docs: `\`@\` in TrustedSources trusts requests that arrive over Navidrome's UNIX socket. It only applies when \`Address\` starts
with \`unix:\`; on a TCP listener the entry is never used, so the proxy you meant to trust is not trusted.

**Fix:** set \`ND_ADDRESS=unix:/path/to/navidrome.sock\` (and point the proxy at that socket), or list the proxy's IP
as a CIDR instead.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/) and [Navidrome: configuration options](https://www.navidrome.org/docs/usage/configuration/options/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			const site = trustedSourcesSite(instance);
			if (!site) continue;
			const guarded = guardedReport(instance, report);
			for (const entry of instance.trust.entries) {
				if (entry.problem !== 'unix-socket-without-unix-address') continue;
				guarded({
					location: entryLocation(site, entry).location,
					message: `'@' only trusts UNIX-socket requests, but Address is ${shownValue(instance, instance.intended.settings.address)} (not unix:…), so this entry is never used.`,
					tags: ['unnecessary'],
				});
			}
		}
	},
};
