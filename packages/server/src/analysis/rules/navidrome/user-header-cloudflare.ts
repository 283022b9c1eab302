import type { Rule } from '../rule.js';
import { extAuthConfigured, settingSite } from './helpers.js';

// spec: proxies.md §5 (Cloudflare Access) and §9 (ND-HEADER-CF-UNVERIFIED)
export const userHeaderCloudflare: Rule = {
	id: 'nd/user-header-cf-unverified',
	category: 'exposure',
	severity: 'warning',
	summary: 'UserHeader is Cloudflare Access\'s email header, which is only safe behind a Cloudflare Tunnel.',
	docs: `\`Cf-Access-Authenticated-User-Email\` is set by Cloudflare's edge. Cloudflare tells origins to validate the signed
\`Cf-Access-Jwt-Assertion\` unless they are reachable only through Cloudflare Tunnel: anyone who reaches the origin
another way can set the email header themselves.

**Fix:** run \`cloudflared\` next to Navidrome and publish no port, or put a JWT-validating forward-auth in front.

See [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (!extAuthConfigured(instance)) continue;
			const setting = instance.intended.settings.userHeader;
			if (setting.value.trim().toLowerCase() !== 'cf-access-authenticated-user-email') continue;
			const tunnel = deployment.services.some(({ service }) => service.image?.repository.toLowerCase().endsWith('cloudflared'));
			if (tunnel && instance.publishedPorts.length === 0 && !instance.hostNetwork) continue;
			const site = settingSite(instance, setting);
			if (!site) continue;
			report({ location: site.location, message: `Cf-Access-Authenticated-User-Email can be sent by anyone who reaches Navidrome without Cloudflare ${tunnel ? '(its port is published)' : '(no cloudflared tunnel service found)'}; validate the Access JWT or reach the origin only through a tunnel.` });
		}
	},
};
