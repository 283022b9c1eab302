import type { Rule } from '../rule.js';
import { extAuthConfigured, guardedReport, quotable, settingSite, shownValue } from './helpers.js';

// spec: navidrome-extauth.md §8 item 13 and proxies.md §3.1 (N1g)
export const userHeaderUnderscore: Rule = {
	id: 'nd/user-header-underscore',
	category: 'broken',
	severity: 'warning',
	summary: 'UserHeader contains `_`, which nginx drops by default.',
	docs: `nginx treats header names with \`_\` as invalid and drops them (\`underscores_in_headers off\` and
\`ignore_invalid_headers on\` are the defaults), so a user header such as \`X_Remote_User\` never reaches Navidrome
through nginx. Go itself keeps underscores, so this only matters with nginx in front.

**Fix:** use a dash-separated name (\`X-Remote-User\`) on both sides.

See [nginx: \`underscores_in_headers\`](https://nginx.org/en/docs/http/ngx_http_core_module.html#underscores_in_headers) and [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'nginx'],
	check({ deployment, report }) {
		const usesNginx = [...deployment.files.values()].some((file) => file.kind === 'nginx') || deployment.services.some(({ service }) => service.image?.repository.toLowerCase().endsWith('nginx'));
		if (!usesNginx) return;
		for (const instance of deployment.navidromes) {
			if (!extAuthConfigured(instance)) continue;
			const setting = instance.intended.settings.userHeader;
			if (!setting.value.includes('_')) continue;
			const site = settingSite(instance, setting);
			if (!site) continue;
			const fixed = setting.value.replaceAll('_', '-');
			const exact = quotable(site) ? site.locate({ start: 0, end: setting.value.length }) : undefined;
			guardedReport(instance, report)({
				location: site.location,
				message: `nginx drops headers with '_' by default, so ${shownValue(instance, setting)} never reaches Navidrome through it. ${quotable(site) ? `Use ${shownValue(instance, setting, fixed)}.` : 'Use dashes instead of underscores.'}`,
				fixes: exact ? [{ title: `Change to '${fixed}'`, edits: [{ ...exact, newText: fixed }] }] : [],
			});
		}
	},
};
