import { findSetting, settingsCatalog, type SettingsProblem } from '@navidrome-extauth/core';
import type { Fix, Related } from '../../findings.js';
import type { NavidromeInstance } from '../../model/deployment.js';
import type { Rule } from '../rule.js';
import { olderImageFixes } from './fixes.js';
import { describeVersion } from './helpers.js';
import { reportProblems } from './problems.js';

/** The newest Navidrome release the spec was read against. */
export const newestKnownRelease = '0.63.2';

// spec: navidrome-extauth.md §1.1, §1.2, §1.4 and §8 item 7
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

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/) and [Navidrome: configuration options](https://www.navidrome.org/docs/usage/configuration/options/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			reportProblems(instance, 'unknown-to-version', report, (problem) => {
				const related: Related[] = instance.imageLocation ? [{ ...instance.imageLocation, message: `Navidrome version pinned here (${describeVersion(instance)})` }] : [];
				// On an image older than 0.59.0, the legacy name is what it reads.
				const fixes: Fix[] = olderImageFixes(deployment, instance, problem.source);
				if (instance.imageLocation && instance.versionSource === 'image') {
					fixes.push({ title: `Use image tag ${newestKnownRelease}`, edits: [{ ...instance.imageLocation, newText: newestKnownRelease }] });
				}
				const origin = instance.versionSource === 'image' ? ' The version comes from the image tag.' : instance.versionSource === 'option' ? ' The version was given as an option.' : '';
				return { at: 'key', message: `${versionMessage(instance, problem)}${origin}`, related, fixes };
			});
		}
	},
};

const unknownName = /^(\S+) is unknown to Navidrome (\S+) \(it was added in (\S+)\), which silently ignores it\.(.*)$/s;

/**
The finding in the words every latent finding uses: "ignored today on Navidrome X; once it takes effect (Y+) …". The
legacy name is suggested only when it is not set already. Other problems (a value form, a file spelling) keep core's text.
*/
function versionMessage(instance: NavidromeInstance, problem: SettingsProblem): string {
	const match = unknownName.exec(problem.message);
	const doc = problem.setting ? findSetting(problem.setting) : undefined;
	if (!match || !doc || /before 0\.44\.0/.test(match[4] ?? '')) return problem.message;
	const [, name, version, since] = match as unknown as [string, string, string, string];
	const head = `${name} is ignored today on Navidrome ${version} (it was added in ${since})`;
	const legacy = settingsCatalog.find((candidate) => candidate.deprecatedBy === doc.key);
	const today = doc.key === 'ExtAuth.TrustedSources' ? instance.settings.settings.trustedSources : doc.key === 'ExtAuth.UserHeader' ? instance.settings.settings.userHeader : undefined;
	if (!legacy || !today) return `${head}; once it takes effect (${since}+), its value applies.`;
	const legacyName = problem.source?.kind === 'toml' ? legacy.tomlKey : legacy.envName;
	if (today.source.kind !== 'default') {
		const applied = today.source.kind === 'env' ? today.source.name : today.source.key;
		return `${head}; ${applied}, which is also set, applies instead.`;
	}
	const now = doc.key === 'ExtAuth.TrustedSources' ? `so header logins are off for now; once it takes effect (${since}+), they are on` : `so Navidrome reads the default header '${legacy.default}' for now; once it takes effect (${since}+), it reads this one`;
	return `${head}, ${now}. On ${version} the name is ${legacyName}.`;
}
