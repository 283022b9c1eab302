import assert from 'node:assert/strict';
import { MemoryUserStore } from '../src/memory-user-store.js';
import { foldUserName, sameUserName } from '../src/user-store.js';
import type { UserDraft } from '../src/types.js';

function draft(userName: string, id = `id-${userName}`): UserDraft {
	return { id, userName, name: userName, email: '', password: 'pw', createdAt: new Date(1000) };
}

describe('foldUserName(userName)', () => {
	it('should fold ASCII letters only, like SQLite NOCASE', () => {
		assert.equal(foldUserName('Bob'), 'bob');
		assert.equal(foldUserName('ÉLODIE'), 'Élodie');
		assert.equal(foldUserName('Élodie'), 'Élodie');
		assert.equal(foldUserName('İ K'), 'İ k');
		assert.equal(foldUserName('A\u0000Z@[`{'), 'a\u0000z@[`{');
	});
	it('should compare names the way Navidrome looks them up', () => {
		assert.equal(sameUserName('Bob', 'bOB'), true);
		assert.equal(sameUserName('Élodie', 'élodie'), false);
		assert.equal(sameUserName('bob', 'bob '), false);
	});
});

describe('MemoryUserStore', () => {
	describe('constructor(seed)', () => {
		it('should preload users with defaults and skip unusable or duplicate seeds', async () => {
			const store = new MemoryUserStore([
				{ id: '111', userName: 'janedoe', name: 'Jane', password: 'abc123' },
				{ userName: 'JaneDoe' },
				{ userName: '' },
				{ userName: 42 as unknown as string },
				{ id: '111', userName: 'other' },
				{ userName: 'root', isAdmin: true },
			]);
			assert.equal(await store.count(), 2);
			const jane = await store.findByUserName('JANEDOE');
			assert.equal(jane?.id, '111');
			assert.equal(jane?.name, 'Jane');
			assert.equal(jane?.email, '');
			assert.equal(jane?.isAdmin, false);
			assert.equal((await store.findByUserName('root'))?.isAdmin, true);
		});
	});

	describe('findByUserName(userName)', () => {
		it('should match ASCII-case-insensitively and return the stored spelling', async () => {
			const store = new MemoryUserStore([{ userName: 'Bob' }, { userName: 'élodie' }]);
			assert.equal((await store.findByUserName('bOB'))?.userName, 'Bob');
			assert.equal(await store.findByUserName('Élodie'), undefined);
			assert.equal((await store.findByUserName('élodie'))?.userName, 'élodie');
		});
		it('should give undefined for non-strings', async () => {
			const store = new MemoryUserStore([{ userName: 'null' }]);
			for (const value of [null, undefined, 1, {}, ['null']]) assert.equal(await store.findByUserName(value as unknown as string), undefined);
		});
		it('should return copies that do not alias the store', async () => {
			const store = new MemoryUserStore([{ userName: 'bob' }]);
			const copy = await store.findByUserName('bob');
			assert.ok(copy);
			copy.isAdmin = true;
			copy.createdAt.setTime(5);
			const again = await store.findByUserName('bob');
			assert.equal(again?.isAdmin, false);
			assert.equal(again?.createdAt.getTime(), 0);
		});
	});

	describe('createIfAbsent(draft, options)', () => {
		it('should make the first user admin only when asked', async () => {
			const store = new MemoryUserStore();
			const first = await store.createIfAbsent(draft('alice'), { adminIfFirst: true });
			const second = await store.createIfAbsent(draft('bob'), { adminIfFirst: true });
			assert.deepEqual([first.created, first.user.isAdmin, second.created, second.user.isAdmin], [true, true, true, false]);
			const plain = new MemoryUserStore();
			assert.equal((await plain.createIfAbsent(draft('carol'), { adminIfFirst: false })).user.isAdmin, false);
		});
		it('should return the existing user, unchanged, for an ASCII case variant', async () => {
			const store = new MemoryUserStore();
			await store.createIfAbsent(draft('Bob'), { adminIfFirst: true });
			const again = await store.createIfAbsent({ ...draft('bob', 'other-id'), name: 'Other' }, { adminIfFirst: true });
			assert.equal(again.created, false);
			assert.equal(again.user.userName, 'Bob');
			assert.equal(again.user.id, 'id-Bob');
			assert.equal(await store.count(), 1);
		});
		it('should keep non-ASCII case variants apart', async () => {
			const store = new MemoryUserStore([{ userName: 'élodie' }]);
			assert.equal((await store.createIfAbsent(draft('Élodie'), { adminIfFirst: true })).created, true);
			assert.equal(await store.count(), 2);
		});
		it('should reject bad drafts and id clashes without storing anything', async () => {
			const store = new MemoryUserStore([{ id: 'x', userName: 'a' }]);
			await assert.rejects(store.createIfAbsent(draft(''), { adminIfFirst: true }), TypeError);
			await assert.rejects(store.createIfAbsent(null as unknown as UserDraft, { adminIfFirst: true }), TypeError);
			await assert.rejects(store.createIfAbsent({ ...draft('b'), id: '' }, { adminIfFirst: true }), TypeError);
			await assert.rejects(store.createIfAbsent(draft('c', 'x'), { adminIfFirst: true }), /id already exists/);
			assert.equal(await store.count(), 1);
		});
		it('should give exactly one admin and one user per folded name when calls race', async () => {
			const store = new MemoryUserStore();
			const names = Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? `User${index >> 2}` : `user${index >> 2}`));
			const results = await Promise.all(names.map((name, index) => store.createIfAbsent(draft(name, `id${index}`), { adminIfFirst: true })));
			assert.equal(store.list().filter(user => user.isAdmin).length, 1);
			assert.equal(await store.count(), 50);
			assert.equal(results.filter(result => result.created).length, 50);
		});
	});

	describe('updateLastLoginAt(id, at)', () => {
		it('should store the time and reject unknown ids or invalid dates', async () => {
			const store = new MemoryUserStore([{ id: 'u1', userName: 'bob' }]);
			await store.updateLastLoginAt('u1', new Date(42));
			assert.equal((await store.findByUserName('bob'))?.lastLoginAt?.getTime(), 42);
			await assert.rejects(store.updateLastLoginAt('nope', new Date()), /No user/);
			await assert.rejects(store.updateLastLoginAt('u1', new Date(Number.NaN)), TypeError);
			await assert.rejects(store.updateLastLoginAt(undefined as unknown as string, new Date()), /No user/);
		});
	});
});
