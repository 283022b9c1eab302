import type { AuthPayload, ProvisionOptions, User } from './types.js';
import { md5Hex } from './md5.js';
import { randomBytes, defaultRandomFill } from './random-id.js';

/**
Navidrome's `buildAuthPayload` for a header login (navidrome-extauth.md §5 UI flow, §6 step 5): the user's id, name,
username and admin flag plus a Subsonic salt (hex of 3 random bytes) and token (hex MD5 of password + salt), which
the web UI uses for its own Subsonic calls. Deliberately no JWT `token`. When the random source fails, salt and
token are omitted, as in Navidrome. The Gravatar `avatar` field is not produced. Never throws.
*/
export function buildAuthPayload(user: User, options: Pick<ProvisionOptions, 'getRandomValues'> = {}): AuthPayload {
	const payload: AuthPayload = {
		id: String(user?.id ?? ''),
		name: String(user?.name ?? ''),
		username: String(user?.userName ?? ''),
		isAdmin: user?.isAdmin === true,
	};
	try {
		const salt = [...randomBytes(3, options?.getRandomValues ?? defaultRandomFill())]
			.map(byte => byte.toString(16).padStart(2, '0'))
			.join('');
		payload.subsonicSalt = salt;
		payload.subsonicToken = md5Hex(String(user?.password ?? '') + salt);
	} catch {
		// No random source: Navidrome omits both fields.
	}
	return payload;
}
