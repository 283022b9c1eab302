import type { Rule } from '../rule.js';
import { authUserHeaderFix } from './fixes.js';
import { extAuthConfigured, guardedReport, settingSite, shownValue } from './helpers.js';

/** Display names and user-editable claims (proxies.md §5), by lower-case header name. */
const weakHeaders = new Map<string, string>([
	['remote-name', "Authelia's display name, which is neither unique nor stable; use Remote-User"],
	['x-authentik-name', "Authentik's display name; use X-authentik-username"],
	['tailscale-user-name', "Tailscale's display name; use Tailscale-User-Login"],
	['tailscale-name', "Tailscale nginx-auth's display name; use Tailscale-User"],
	['tailscale-login', 'only the local part of the login (alice@github and alice@gmail collide); use Tailscale-User'],
	['x-auth-request-preferred-username', 'an OIDC preferred_username, which is not unique and may be user-editable; use X-Auth-Request-User or a verified email'],
	['x-forwarded-preferred-username', 'an OIDC preferred_username, which is not unique and may be user-editable; use X-Forwarded-User or a verified email'],
	['x-pomerium-claim-name', 'an unsigned display-name claim; use a stable claim such as email'],
]);

// spec: proxies.md §5 and §9 (ND-HEADER-WEAK)
export const userHeaderWeak: Rule = {
	id: 'nd/user-header-weak',
	category: 'hardening',
	severity: 'warning',
	summary: 'ExtAuth.UserHeader names a display-name or user-editable header.',
	docs: `Navidrome uses the header's value as the username and creates unknown users. A header that carries a display name,
a local part, or a claim users may edit (OIDC \`preferred_username\`) lets two people map to one account, or lets
someone rename themselves into another user's account.

**Fix:** use the auth service's stable login header: Authelia \`Remote-User\`, Authentik \`X-authentik-username\`,
oauth2-proxy \`X-Auth-Request-User\`, Tailscale Serve \`Tailscale-User-Login\`.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (!extAuthConfigured(instance)) continue;
			const setting = instance.intended.settings.userHeader;
			const why = weakHeaders.get(setting.value.trim().toLowerCase());
			const site = settingSite(instance, setting);
			if (!why || !site) continue;
			const fix = authUserHeaderFix(deployment, instance, setting.value);
			guardedReport(instance, report)({ location: site.location, ...(fix ? { fixes: [fix] } : {}), message: `${shownValue(instance, setting)} is ${why}.` });
		}
	},
};
