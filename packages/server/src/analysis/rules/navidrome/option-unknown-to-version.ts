import type { Fix, Related } from '../../findings.js';
import type { Rule } from '../rule.js';
import { describeVersion } from './helpers.js';
import { reportProblems } from './problems.js';

/** The newest Navidrome release the spec was read against. */
export const newestKnownRelease = '0.63.2';

export const optionUnknownToVersion: Rule = {
	id: 'nd/option-unknown-to-version',
	category: 'broken',
	severity: 'error',
	summary: 'An option the pinned Navidrome image does not know, so it is silently ignored.',
	docs: `Navidrome ignores unknown environment variables without a word. \`ExtAuth.*\` names exist since 0.59.0 (before that:
\`ReverseProxyWhitelist\`/\`ReverseProxyUserHeader\`, since 0.44.0), \`ExtAuth.LogoutURL\` since 0.61.0, \`UnixSocketPerm\`
since 0.51.0 and \`unix:\` addresses since 0.50.0. Navidrome's own Traefik example pins \`deluan/navidrome:0.52.0\` with
\`ND_EXTAUTH_TRUSTEDSOURCES\`, so external auth is simply off and users only see the login form.

**Fix:** use an image at least as new as the option, or the legacy name on old images.

Rests on navidrome-extauth.md §1.1, §1.2, §1.4 and §8 item 7.`,
	inputs: ['compose', 'dotenv', 'navidrome-toml'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			reportProblems(instance, 'unknown-to-version', report, (problem) => {
				const related: Related[] = instance.imageLocation ? [{ ...instance.imageLocation, message: `Navidrome version pinned here (${describeVersion(instance)})` }] : [];
				const fixes: Fix[] = [];
				if (instance.imageLocation && instance.versionSource === 'image') {
					fixes.push({ title: `Use image tag ${newestKnownRelease}`, edits: [{ ...instance.imageLocation, newText: newestKnownRelease }] });
				}
				const origin = instance.versionSource === 'image' ? ' The version comes from the image tag.' : instance.versionSource === 'option' ? ' The version was given as an option.' : '';
				return { at: 'key', message: `${problem.message}${origin}`, related, fixes };
			});
		}
	},
};
