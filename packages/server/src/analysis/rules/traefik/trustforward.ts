import { compileTrustedSources } from '@navidrome-extauth/core';
import type { Location } from '../../findings.js';
import { parseGoBool, type EntryPointDef } from '../../formats/traefik/index.js';
import type { TraefikModel } from '../../proxies/traefik/index.js';
import type { Rule } from '../rule.js';
import { allRoutes } from './helpers.js';

// spec: proxies.md §4.1 (`pkg/middlewares/auth/forward.go` `writeHeader`, L428–475), §4.2
//   (`pkg/middlewares/forwardedheaders/forwarded_header.go`: untrusted peers' X-Forwarded-* headers, including
//   `X-Forwarded-Uri`, are deleted unless `insecure`) and §9 (TRAEFIK-TRUSTFWD)
export const traefikTrustforward: Rule = {
	id: 'traefik/trustforward',
	category: 'exposure',
	severity: 'warning',
	summary: 'forwardAuth trusts client X-Forwarded-* headers on an entrypoint that accepts them from anyone.',
	docs: `With \`trustForwardHeader: true\`, forwardAuth builds the request to the auth server from the client's
\`X-Forwarded-Uri\`, \`-Host\` and \`-Method\` when present. The entrypoint's \`forwardedHeaders\` logic deletes those
headers from peers it does not trust, so the option is only dangerous when the entrypoint trusts the client:
\`forwardedHeaders.insecure: true\`, or \`trustedIPs\` covering every address or a public range wider than /8
(IPv6: /16); narrower public ranges are usually a CDN's published proxy addresses. Then a client sends
\`X-Forwarded-Uri: /share/x\` and gets the auth server (an Authelia \`bypass\` rule, an Authentik unauthenticated path)
to approve a request for another path. The user header is still replaced, because forwardAuth deletes listed headers
regardless, so this is an authentication bypass without impersonation.

Without any \`forwardedHeaders\` setting Traefik trusts no peer and deletes client X-Forwarded-* headers, which is
safe for a Traefik that faces clients directly; this rule does not report that case. Private \`trustedIPs\` ranges
are not reported either: whether they hold only your upstream proxies cannot be seen from the configuration.

**Fix:** set \`forwardedHeaders.trustedIPs\` to the addresses of the proxies in front of Traefik (and drop
\`insecure\`), or set \`trustForwardHeader: false\` (Traefik then computes the X-Forwarded-* values itself).

See [Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'traefik'],
	check({ deployment, report }) {
		const reported = new Set<string>();
		for (const { model, route } of allRoutes(deployment)) {
			for (const view of route.views) {
				for (const step of view.chain) {
					const forwardAuth = step.middleware?.def.forwardAuth;
					const trust = forwardAuth?.trustForwardHeader;
					if (!trust || parseGoBool(trust.value) !== true) continue;
					const entryPoint = entryPointDef(model, view.entryPoint);
					const exposure = entryPoint ? clientTrusted(entryPoint) : undefined;
					if (!entryPoint || !exposure) continue;
					const key = `${step.middleware!.qualifiedName}\u0000${entryPoint.name}`;
					if (reported.has(key)) continue;
					reported.add(key);
					report({
						location: trust.location,
						message: `forwardAuth ${step.middleware!.qualifiedName} takes X-Forwarded-Uri, -Host and -Method from the client (trustForwardHeader: true), and entrypoint ${entryPoint.name} ${exposure.why}: a client can send X-Forwarded-Uri: /share/x and have the auth server approve a request for another path on router ${route.router.name}. Set precise forwardedHeaders.trustedIPs, or trustForwardHeader: false.`,
						related: [{ ...exposure.location, message: `entrypoint ${entryPoint.name} ${exposure.why}` }],
						...(trust.verbatim ? { fixes: [{ title: 'Set trustForwardHeader to false', edits: [{ ...trust.location, newText: 'false' }] }] } : {}),
					});
				}
			}
		}
	},
};

function entryPointDef(model: TraefikModel, name: string): EntryPointDef | undefined {
	if (!model.static.known) return undefined;
	return model.static.config.entryPoints.find((entryPoint) => entryPoint.name.toLowerCase() === name.toLowerCase());
}

/** Why the entrypoint keeps a client's X-Forwarded-* headers, if it does. */
function clientTrusted(entryPoint: EntryPointDef): { why: string; location: Location } | undefined {
	if (entryPoint.insecure && parseGoBool(entryPoint.insecure.value) === true) {
		return { why: 'keeps them from every client (forwardedHeaders.insecure: true)', location: entryPoint.insecure.location };
	}
	for (const item of entryPoint.trustedIPs?.items ?? []) {
		const text = item.value.trim();
		if (text === '') continue;
		// Traefik accepts bare addresses; Navidrome's CIDR parser (reused for range facts) needs a prefix.
		const cidr = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
		const info = compileTrustedSources(cidr).entries[0]?.cidr;
		if (!info) continue;
		const location = item.location ?? entryPoint.trustedIPs!.location;
		if (info.coversAllIPv4 || info.coversAllIPv6) return { why: `trusts them from every address (forwardedHeaders.trustedIPs ${text})`, location };
		// Upstream CDNs publish ranges such as /13 or /20; anything wider than /8 (IPv4) or /16 (IPv6) is not a proxy list.
		const wide = info.family === 'ipv4' ? info.prefixLength < 8 : info.prefixLength < 16;
		if (info.includesPublic && wide) return { why: `trusts them from a large part of the internet (forwardedHeaders.trustedIPs ${text})`, location };
	}
	return undefined;
}
