/**
Helpers shared by user stores. The `UserStore` contract itself (including what a database must do atomically) is
documented on the type in `types.ts`.
*/
import type { User } from './types.js';

const upperAscii = /[A-Z]/g;

/**
The key two user names compare equal by in Navidrome's lookup (`user_name = ? COLLATE NOCASE`): SQLite NOCASE folds
only ASCII `A`–`Z`, so `Bob` and `bob` share a key while `Élodie` and `élodie` do not (navidrome-extauth.md §6 step 2).
*/
export function foldUserName(userName: string): string {
	return userName.replace(upperAscii, letter => String.fromCharCode(letter.charCodeAt(0) + 32));
}

/** Whether two user names denote the same Navidrome account. */
export function sameUserName(a: string, b: string): boolean {
	return a.length === b.length && foldUserName(a) === foldUserName(b);
}

/** A copy that shares no mutable state (the dates) with the original. */
export function cloneUser(user: User): User {
	return {
		...user,
		lastLoginAt: user.lastLoginAt === undefined ? undefined : new Date(user.lastLoginAt.getTime()),
		createdAt: new Date(user.createdAt.getTime()),
	};
}
