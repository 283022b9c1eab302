import { formatVersion, isTrustedSource } from '@navidrome-extauth/core';
import type { PortMapping } from '../../formats/compose/types.js';
import type { Deployment, NavidromeInstance } from '../../model/deployment.js';
import type { Rule } from '../rule.js';
import { bindPortFix, removePortFix } from './fixes.js';
import { extAuthConfigured, listensOnSocket, networkGateways } from './helpers.js';
import { latentTrust, type Latency } from './latent.js';

// spec: proxies.md §7 (userland-proxy, "insecure by default") and §9 (ND-PUBLISHED-PORT)
export const publishedPort: Rule = {
	id: 'nd/published-port',
	category: 'exposure',
	severity: 'warning',
	summary: "Navidrome's port is published (or host networking is used) while external auth is on.",
	docs: `With external auth on, clients must reach Navidrome only through the proxy. A published port (\`ports: "4533:4533"\`)
binds \`0.0.0.0\` and \`[::]\` by default, so clients can skip the proxy. Through docker-proxy (host loopback, IPv6
clients) they arrive from the network's gateway address, which a broad TrustedSources range trusts: then anyone can
send the user header. \`network_mode: host\` has the same effect. When the trust list covers the gateway or
everything, this is impersonation (error): anyone can log in as anyone without passing the proxy. Otherwise it is
exposure (warning). While the pinned image ignores the external-auth options it is latent (information).

**Fix:** remove \`ports:\` and reach Navidrome only over the proxy's network (or bind to \`127.0.0.1:\` for local access).

See [Compose: \`ports\`](https://docs.docker.com/reference/compose-file/services/#ports) and [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'],
	check({ deployment, report }) {
		for (const instance of deployment.navidromes) {
			if (!instance.compose || !instance.service || !extAuthConfigured(instance) || listensOnSocket(instance)) continue;
			// A port published past loopback with a trust list covering its peers is direct impersonation, not mere
			// exposure; latent (information) while the pinned image ignores the trust setting (model/gate.ts).
			const direct = trustsGatewayOrAll(deployment, instance);
			const latency = latentTrust(instance) ?? (instance.settings.settings.extAuthEnabled ? undefined : latentOptions(instance));
			const severity = direct ? (latency ? 'information' : 'error') : latency ? 'information' : 'warning';
			const verdict = direct ? ({ category: 'impersonation', severity } as const) : ({ severity } as const);
			const latent = latency ? ({ latent: 'version' } as const) : {};
			for (const port of instance.publishedPorts) {
				const loopbackOnly = port.hostIp !== undefined && (port.hostIp.startsWith('127.') || port.hostIp === '::1' || port.hostIp === 'localhost');
				if (loopbackOnly) continue;
				// Binding to loopback keeps local access working, so it is the preferred fix.
				const fixes = [bindPortFix(deployment, instance, port), removePortFix(deployment, instance, port)].filter((fix) => fix !== undefined);
				report({
					location: { file: instance.compose.path, span: port.span },
					fixes,
					message: `${latency ? 'Latent: ' : ''}Port ${describePort(port)} publishes Navidrome ${latency ? `while external auth is ignored today on Navidrome ${latency.version}; once it takes effect (${latency.since}+), ` : 'while external auth is on: '}clients can bypass the proxy${direct ? ', and through docker-proxy they arrive from the gateway address that TrustedSources trusts, so anyone can log in as anyone' : ''}. Remove the published port or bind it to 127.0.0.1.`,
					...verdict,
					...latent,
				});
			}
			if (instance.hostNetwork && instance.service.networkMode) {
				report({
					location: { file: instance.compose.path, span: instance.service.networkMode.span },
					message: `${latency ? 'Latent: ' : ''}network_mode: host exposes Navidrome on every host interface ${latency ? `while external auth is ignored today on Navidrome ${latency.version}; once it takes effect (${latency.since}+), ` : 'while external auth is on: '}clients can bypass the proxy${direct ? ', and TrustedSources covers the addresses they arrive from, so anyone can log in as anyone' : ''}.`,
					...verdict,
					...latent,
				});
			}
		}
	},
};

/** The latency wording when the pinned image ignores every external-auth option (not only the trust name). */
function latentOptions(instance: NavidromeInstance): Latency | undefined {
	if (!instance.version) return undefined;
	return { version: formatVersion(instance.version), since: 'a release that reads them', name: 'ExtAuth' };
}

/** docker-proxy connections come from the network gateway (normally the subnet's `.1`). */
function trustsGatewayOrAll(deployment: Deployment, instance: NavidromeInstance): boolean {
	const gateways = networkGateways(deployment, instance).map((gateway) => gateway.address);
	return instance.trust.entries.some((entry) => {
		const cidr = entry.cidr;
		if (!entry.honoured || !cidr) return false;
		if (cidr.coversAllIPv4 || cidr.coversAllIPv6) return true;
		if (cidr.includesLoopback) return false;
		if (gateways.some((gateway) => isTrustedSource(gateway, entry.text))) return true;
		// Without a declared subnet, a range wider than one address holds its own network's `.1`.
		return gateways.length === 0 && cidr.family === 'ipv4' && cidr.prefixLength <= 30;
	});
}

function describePort(port: PortMapping): string {
	const host = `${port.hostIp ? `${port.hostIp}:` : ''}${port.published ?? '(random)'}`;
	return `${host}→${port.target}`;
}
