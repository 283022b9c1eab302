import type { TrustedSourceEntry } from '@navidrome-extauth/core';
import type { Fix } from '../../findings.js';
import type { Rule } from '../rule.js';
import { entryLocation, guardedReport, shownPart, trustedSourcesSite } from './helpers.js';

/** `@` without a unix: Address and IP entries beside a socket have rules of their own. */
const handledElsewhere = new Set(['unix-socket-without-unix-address']);

// spec: navidrome-extauth.md §3 (steps 2 and 7), §3.1 and §8 items 1–4, 12
export const trustedSourceIgnored: Rule = {
	id: 'nd/trusted-source-ignored',
	category: 'ignored-setting',
	severity: 'warning',
	summary: 'A TrustedSources entry that Navidrome silently ignores (bare IP, spaces, wrong separator, invalid CIDR).',
	docs: `Navidrome splits \`ExtAuth.TrustedSources\` on \`,\` exactly, does not trim, and parses each entry as a CIDR with Go's
\`net.ParseCIDR\`. Entries that fail are skipped without any log line at startup: a bare IP (\`172.22.0.10\` instead of
\`172.22.0.10/32\`), a space after a comma, \`;\` or spaces as separators (the whole list becomes one invalid entry),
leading-zero octets, zones, brackets or host names. The proxy is then not trusted and external auth silently never works,
which tempts people to widen the list to \`0.0.0.0/0\`.

**Fix:** write exact CIDRs separated by commas only: \`172.22.0.10/32,10.0.0.0/8\`. The quick fix rewrites the entry.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			const site = trustedSourcesSite(instance);
			if (!site) continue;
			const entries = instance.trust.entries;
			const honoured = entries.filter((entry) => entry.honoured).length;
			const nothingTrusted = honoured === 0;
			const guarded = guardedReport(instance, report);
			for (const entry of entries) {
				if (entry.honoured || !entry.problem || handledElsewhere.has(entry.problem)) continue;
				const { location, exact } = entryLocation(site, entry);
				const fixes: Fix[] = [];
				if (entry.problem === 'empty' && entries.length > 1) {
					// Removing an empty entry removes one of its commas too.
					const span = entry.start > 0 ? { start: entry.start - 1, end: entry.end } : { start: entry.start, end: entry.end + 1 };
					const removal = site.locate(span);
					if (removal) fixes.push({ title: 'Remove the empty entry', edits: [{ ...removal, newText: '' }], isPreferred: true });
				} else if (exact && entry.suggestion !== undefined) {
					fixes.push({ title: fixTitle(entry), edits: [{ ...location, newText: entry.suggestion }], isPreferred: true });
				}
				const tail = nothingTrusted ? ' No entry of this list is valid, so Navidrome trusts no proxy and external auth never works.' : '';
				const message = site.secret ? `Navidrome ignores the entry ${shownPart(site, entry.text)}: ${entry.problem.replaceAll('-', ' ')}.` : (entry.message ?? `Navidrome ignores ${shownPart(site, entry.text)}.`);
				guarded({ location, message: `${message}${tail}`, fixes: site.secret ? [] : fixes, tags: ['unnecessary'] });
			}
		}
	},
};

function fixTitle(entry: TrustedSourceEntry): string {
	return entry.suggestion === '' ? 'Remove the entry' : `Change to '${entry.suggestion}'`;
}
