import type { CreateUserOptions, CreateUserResult, User, UserDraft, UserStore } from './types.js';
import { cloneUser, foldUserName } from './user-store.js';

/** A user to preload; missing fields get Navidrome-like defaults. */
export type UserSeed = Partial<User> & { userName: string };

/**
An in-memory `UserStore` for tests, examples and single-process gateways.

Race-free under JS async interleaving: every method does its check and its write in one synchronous stretch (no
`await` in between), so concurrent `createIfAbsent` calls are serialised by the event loop. That meets the atomicity
contract of `UserStore`: one admin however many first logins race, one account per ASCII-case-folded name (so `Bob`
and `bob` racing give one account, unlike Navidrome, whose UNIQUE index is case-sensitive; navidrome-extauth.md §6).

Users are returned as copies; mutating them does not change the store.
*/
export class MemoryUserStore implements UserStore {
	readonly #byKey = new Map<string, User>();
	readonly #keyById = new Map<string, string>();

	/** Seeds whose `userName` is not a non-empty string, or whose folded name or id is already taken, are skipped. */
	constructor(seed: Iterable<UserSeed> = []) {
		let index = 0;
		for (const entry of seed) {
			index++;
			if (typeof entry?.userName !== 'string' || entry.userName === '') continue;
			const id = typeof entry.id === 'string' && entry.id !== '' ? entry.id : `seed-${index}`;
			const key = foldUserName(entry.userName);
			if (this.#byKey.has(key) || this.#keyById.has(id)) continue;
			this.#insert(key, {
				id,
				userName: entry.userName,
				name: typeof entry.name === 'string' ? entry.name : entry.userName,
				email: typeof entry.email === 'string' ? entry.email : '',
				isAdmin: entry.isAdmin === true,
				password: typeof entry.password === 'string' ? entry.password : '',
				lastLoginAt: entry.lastLoginAt instanceof Date ? new Date(entry.lastLoginAt.getTime()) : undefined,
				createdAt: entry.createdAt instanceof Date ? new Date(entry.createdAt.getTime()) : new Date(0),
			});
		}
	}

	async findByUserName(userName: string): Promise<User | undefined> {
		if (typeof userName !== 'string') return undefined;
		const user = this.#byKey.get(foldUserName(userName));
		return user === undefined ? undefined : cloneUser(user);
	}

	async count(): Promise<number> {
		return this.#byKey.size;
	}

	async createIfAbsent(draft: UserDraft, options: CreateUserOptions): Promise<CreateUserResult> {
		if (typeof draft?.userName !== 'string' || draft.userName === '') throw new TypeError('The draft needs a non-empty userName.');
		if (typeof draft.id !== 'string' || draft.id === '') throw new TypeError('The draft needs a non-empty id.');
		// From here to the write there is no await: this is the atomic section.
		const key = foldUserName(draft.userName);
		const existing = this.#byKey.get(key);
		if (existing !== undefined) return { user: cloneUser(existing), created: false };
		if (this.#keyById.has(draft.id)) throw new Error('A user with this id already exists.');
		const user: User = {
			id: draft.id,
			userName: draft.userName,
			name: typeof draft.name === 'string' ? draft.name : draft.userName,
			email: typeof draft.email === 'string' ? draft.email : '',
			isAdmin: options?.adminIfFirst === true && this.#byKey.size === 0,
			password: typeof draft.password === 'string' ? draft.password : '',
			lastLoginAt: undefined,
			createdAt: draft.createdAt instanceof Date ? new Date(draft.createdAt.getTime()) : new Date(),
		};
		this.#insert(key, user);
		return { user: cloneUser(user), created: true };
	}

	async updateLastLoginAt(id: string, at: Date): Promise<void> {
		const key = typeof id === 'string' ? this.#keyById.get(id) : undefined;
		const user = key === undefined ? undefined : this.#byKey.get(key);
		if (user === undefined) throw new Error('No user with this id.');
		if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('lastLoginAt must be a valid Date.');
		user.lastLoginAt = new Date(at.getTime());
	}

	/** Every user, in insertion order (copies). */
	list(): User[] {
		return [...this.#byKey.values()].map(user => cloneUser(user));
	}

	#insert(key: string, user: User): void {
		this.#byKey.set(key, user);
		this.#keyById.set(user.id, key);
	}
}
