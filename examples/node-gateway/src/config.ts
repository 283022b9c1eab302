import type { ExtAuthConfig, UsernamePolicy } from './core.js';
import { navidromePolicy, strictPolicy } from './core.js';

export type Listen = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export type GatewayEnvConfig = {
	extAuth: ExtAuthConfig;
	listen: Listen;
	policy: UsernamePolicy;
	problems: string[];
};

/** Viper ignores empty environment variables, so an empty value means "use the default" (navidrome-extauth.md §1.3). */
function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
	const value = env[name];
	return value === undefined || value === '' ? undefined : value;
}

/**
Read the gateway's settings the way Navidrome reads its own (names from navidrome-extauth.md §1.1, §1.4):
- `ND_EXTAUTH_TRUSTEDSOURCES`: comma-separated CIDRs (and `@` for UNIX-socket peers); empty = header login off.
- `ND_EXTAUTH_USERHEADER`: default `Remote-User`.
- `ND_ADDRESS`: `unix:/path/to.sock` for a UNIX socket, otherwise a host (default `127.0.0.1`, not Navidrome's
  `0.0.0.0`, because this is an example).
- `ND_PORT`: default 4533.
- `GATEWAY_USERNAME_POLICY`: `navidrome` (default, verbatim) or `strict` (NFC, no control characters, ≤ 255).
Values are used exactly as given: no trimming, like Navidrome.
*/
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): GatewayEnvConfig {
	const problems: string[] = [];
	const address = read(env, 'ND_ADDRESS') ?? '127.0.0.1';
	let listen: Listen;
	if (address.startsWith('unix:')) {
		listen = { kind: 'unix', path: address.slice('unix:'.length) };
	} else {
		const portText = read(env, 'ND_PORT') ?? '4533';
		const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
		if (!(port >= 0 && port <= 65_535)) problems.push(`ND_PORT must be a port number, got ${JSON.stringify(portText)}.`);
		listen = { kind: 'tcp', host: address, port: port >= 0 && port <= 65_535 ? port : 4533 };
	}
	const policyName = read(env, 'GATEWAY_USERNAME_POLICY') ?? 'navidrome';
	if (policyName !== 'navidrome' && policyName !== 'strict') problems.push(`GATEWAY_USERNAME_POLICY must be navidrome or strict, got ${JSON.stringify(policyName)}.`);
	return {
		extAuth: {
			trustedSources: read(env, 'ND_EXTAUTH_TRUSTEDSOURCES') ?? '',
			userHeader: read(env, 'ND_EXTAUTH_USERHEADER') ?? 'Remote-User',
			address,
		},
		listen,
		policy: policyName === 'strict' ? strictPolicy : navidromePolicy,
		problems,
	};
}
