import { compareVersions, parseVersion } from '@navidrome-extauth/core';
import { caddyAnalysis } from '../../proxies/caddy/index.js';
import type { Rule } from '../rule.js';

// spec: proxies.md §2.4 and §9 (CADDY-SYNTAX-VERSION)
export const caddySyntaxVersion: Rule = {
	id: 'caddy/syntax-version',
	category: 'syntax',
	severity: 'warning',
	summary: 'Caddyfile syntax the targeted Caddy version rejects or reads differently.',
	docs: `Some Caddyfile syntax depends on the version: heredocs (\`respond <<EOF\`), \`{args[n]}\` and variadic import
arguments, named routes (\`&(name)\` with \`invoke\`) need 2.7.0; \`import name { … }\` with \`{block}\` needs 2.9.0; a \`{\` on
its own line was accepted by 2.6 and is rejected from 2.7.0. The version comes from the Caddy service's image tag, else
the \`caddyVersion\` option, else the newest release (messages say which). Caddy refuses to load (or silently misreads)
such a file, so the deployment runs with a different configuration than the one reviewed. Severity is warning when
every version the tag allows is affected, information when only some are.

**Fix:** write the syntax the deployed version understands, or pin a Caddy image that understands it.

See [Caddy: Caddyfile concepts](https://caddyserver.com/docs/caddyfile/concepts).`,
	inputs: ['caddyfile', 'compose', 'dotenv'],
	check({ deployment, report }) {
		for (const file of caddyAnalysis(deployment)?.files ?? []) {
			const { low, high, description } = file.version;
			for (const feature of file.features) {
				const min = parseVersion(feature.minVersion);
				const removed = feature.removedIn ? parseVersion(feature.removedIn) : undefined;
				const tooOld = min !== undefined && compareVersions(low, min) < 0;
				const tooNew = removed !== undefined && compareVersions(high, removed) >= 0;
				if (!tooOld && !tooNew) continue;
				const everyVersion = (tooOld && compareVersions(high, min!) < 0) || (tooNew && compareVersions(low, removed!) >= 0);
				report({
					location: { file: feature.file, span: feature.span },
					message: `${feature.message}; this Caddyfile targets ${description}.`,
					severity: everyVersion ? 'warning' : 'information',
				});
			}
		}
	},
};
