/**
The whole header login as Navidrome performs it: the trust decision (`decide`), then either auto-provisioning (UI
index and share pages) or a lookup of an existing user (`/api`, `/rest`). navidrome-extauth.md §4–§6.
*/
import { decide } from './decide.js';
import { ProvisionError, provisionUser } from './provision.js';
import { classifyPath } from './paths.js';
import { navidromePolicy } from './username-policy.js';
import { isAtLeast, parseVersion } from './version.js';
import type { AuthenticateOptions, AuthenticationFallbackReason, AuthenticationResult, Decision, ExtAuthConfig, ExtAuthRequest, User, UserStore } from './types.js';

/**
Whether Navidrome auto-creates the header user on this (BasePath-relative) path: only the UI index (`/app/`; `/app`
only redirects there) and the public share page `/share/{id}` (navidrome-extauth.md §5, §6). `/share/{id}/m3u`,
`/share/img/…` and the other token endpoints do not. An omitted path counts as the UI index, matching
`ExtAuthRequest.path` ("omitted means a path that honours the header"). Uses the same path table as `decide`.
*/
export function isProvisioningPath(path: string | undefined): boolean {
	if (path !== undefined && typeof path !== 'string') return false;
	const { kind } = classifyPath(path);
	return kind === 'ui-index' || kind === 'share-page' || kind === 'unspecified';
}

const explanations: Record<Exclude<AuthenticationFallbackReason, Decision['reason']>, string> = {
	'user-not-found':
		'The proxy vouched for this user, but on the API and Subsonic paths Navidrome only logs in users that already exist; it creates accounts only when the web UI (/app/) or a share page is opened. Open the web UI through the proxy once, or create the user.',
	'lookup-failed': 'The user database could not be read, so the header user could not be checked and the request falls back to the normal login.',
	'internal-error': 'An internal error stopped the header login; the request falls back to the normal login. This is a bug worth reporting.',
	'invalid-username': 'The username in the header was refused by the username policy, so nobody is logged in.',
	'random-unavailable': 'No secure random source was available to create the new account, so nobody is logged in.',
	'create-failed': 'The proxy vouched for a new user, but creating the account failed, so nobody is logged in (Navidrome logs "Could not create new user").',
	'last-login-update-failed': 'The user was found, but recording the login time failed; Navidrome then refuses the login (it logs "Could not update LastLoginAt").',
};

function fallback(reason: AuthenticationFallbackReason, decision: Decision | undefined, detail?: string): AuthenticationResult {
	const base = reason in explanations ? explanations[reason as keyof typeof explanations] : (decision?.explanation ?? '');
	return { outcome: 'fallback', reason, explanation: detail ? `${base} ${detail}` : base, decision };
}

/**
Log a request in the way Navidrome would, given the trust configuration and the user store. Never throws or rejects.

1. `decide(request, config)`; anything but `authenticated` falls back with the decision's reason.
2. On provisioning paths (`options.provisions`, default `isProvisioningPath` on Navidrome ≥ 0.49.0): `provisionUser`,
   which creates the user if needed (first user admin from 0.55.2, or per `options.adminIfFirst`) and records the
   login; its `ProvisionError` codes become fallback reasons.
3. Elsewhere (`/api`, `/rest`): the user must already exist (ASCII-case-insensitive lookup, after the username
   policy); otherwise `user-not-found`. No account is created and `lastLoginAt` is not touched, as in Navidrome.
*/
export async function authenticate(request: ExtAuthRequest, config: ExtAuthConfig, store: UserStore, options: AuthenticateOptions = {}): Promise<AuthenticationResult> {
	let decision: Decision;
	try {
		decision = decide(request, config);
	} catch {
		return fallback('internal-error', undefined);
	}
	if (decision?.outcome !== 'authenticated' || typeof decision.username !== 'string') {
		const reason = decision?.reason && decision.reason !== 'authenticated' ? decision.reason : 'internal-error';
		return fallback(reason, decision);
	}

	let provisions: boolean;
	let adminIfFirst: boolean;
	try {
		// Provisioning arrived in 0.49.0 and first-user-admin in 0.55.2 (navidrome-extauth.md §6 version history).
		const version = parseVersion(config.navidromeVersion);
		provisions = options?.provisions ? options.provisions(request.path) === true : isProvisioningPath(request.path) && isAtLeast(version, [0, 49, 0]);
		adminIfFirst = options?.adminIfFirst ?? isAtLeast(version, [0, 55, 2]);
	} catch {
		return fallback('internal-error', decision);
	}

	if (provisions) {
		try {
			const { user, created, isAdmin } = await provisionUser(store, decision.username, { ...options, adminIfFirst });
			return { outcome: 'authenticated', user, created, isAdmin, decision };
		} catch (error) {
			if (error instanceof ProvisionError) return fallback(error.code, decision, error.code === 'invalid-username' ? error.message : undefined);
			return fallback('internal-error', decision);
		}
	}

	let userName: string;
	try {
		const check = (options?.policy ?? navidromePolicy)(decision.username);
		if (!check?.ok) return fallback('invalid-username', decision, check?.message);
		userName = check.username;
	} catch {
		return fallback('internal-error', decision);
	}
	let user: User | undefined;
	try {
		user = await store.findByUserName(userName);
	} catch {
		return fallback('lookup-failed', decision);
	}
	if (typeof user?.id !== 'string') return fallback('user-not-found', decision);
	return { outcome: 'authenticated', user, created: false, isAdmin: user.isAdmin === true, decision };
}
