import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { authenticate, isProvisioningPath } from '../src/authenticate.js';
import { MemoryUserStore, type UserSeed } from '../src/memory-user-store.js';
import { strictPolicy } from '../src/username-policy.js';
import type { AuthenticationResult, ExtAuthConfig, ExtAuthRequest, UserStore } from '../src/types.js';

type ProvisioningCase = {
	name: string;
	remoteAddr: string | null;
	trustedSources: string;
	address: string;
	userHeader: string;
	headers: Record<string, string>;
	existingUsers: UserSeed[];
	expect: { created: boolean; payload: { isAdmin?: boolean } };
};

function loadProvisioningCases(): ProvisioningCase[] {
	const candidates = [
		fileURLToPath(new URL('fixtures/navidrome-tests.json', import.meta.url)),
		fileURLToPath(new URL('../../../../shared/vectors/navidrome-tests.json', import.meta.url)),
		'/work/shared/vectors/navidrome-tests.json',
	];
	const file = candidates.find(candidate => existsSync(candidate));
	if (file === undefined) throw new Error(`navidrome-tests.json not found in ${candidates.join(', ')}`);
	return (JSON.parse(readFileSync(file, 'utf8')) as { provisioning: ProvisioningCase[] }).provisioning;
}

const config: ExtAuthConfig = { trustedSources: '10.0.0.0/8', userHeader: 'Remote-User', address: '0.0.0.0' };

function request(path: string | undefined, username: string | undefined, remoteAddr = '10.1.2.3:4567'): ExtAuthRequest {
	const result: ExtAuthRequest = { remoteAddr, headers: username === undefined ? {} : { 'remote-user': username } };
	if (path !== undefined) result.path = path;
	return result;
}

function assertFallback(result: AuthenticationResult, reason: string): void {
	assert.equal(result.outcome, 'fallback');
	assert.equal(result.outcome === 'fallback' && result.reason, reason);
	assert.ok(result.outcome === 'fallback' && result.explanation.length > 20, 'explains itself');
}

function failingStore(inner: UserStore, method: keyof UserStore): UserStore {
	const store: UserStore = {
		findByUserName: name => inner.findByUserName(name),
		count: () => inner.count(),
		createIfAbsent: (draft, options) => inner.createIfAbsent(draft, options),
		updateLastLoginAt: (id, at) => inner.updateLastLoginAt(id, at),
	};
	store[method] = async () => {
		throw new Error('database is locked');
	};
	return store;
}

describe('authenticate(request, config, store, options)', () => {
	describe('Navidrome test vectors', () => {
		for (const vector of loadProvisioningCases()) {
			it(`should reproduce: ${vector.name}`, async () => {
				const username = vector.headers[vector.userHeader]!.replace('<id.NewRandom()>', 'X1y2Z3');
				const store = new MemoryUserStore(vector.existingUsers);
				const result = await authenticate(
					{ remoteAddr: vector.remoteAddr, headers: { [vector.userHeader]: username } },
					{ trustedSources: vector.trustedSources, userHeader: vector.userHeader, address: vector.address },
					store,
				);
				assert.equal(result.outcome, 'authenticated');
				if (result.outcome !== 'authenticated') return;
				assert.equal(result.created, vector.expect.created);
				if (vector.expect.payload.isAdmin !== undefined) assert.equal(result.isAdmin, vector.expect.payload.isAdmin);
				assert.equal(result.decision.outcome, 'authenticated');
				assert.equal(result.user.userName, username);
			});
		}
	});

	describe('provisioning paths', () => {
		it('should create the user on /app/ and /share/{id}, first one admin', async () => {
			const store = new MemoryUserStore();
			const first = await authenticate(request('/app/', 'alice'), config, store);
			const second = await authenticate(request('/share/Ab3', 'bob'), config, store);
			assert.deepEqual(
				[first.outcome, first.outcome === 'authenticated' && first.created, first.outcome === 'authenticated' && first.isAdmin],
				['authenticated', true, true],
			);
			assert.deepEqual([second.outcome, second.outcome === 'authenticated' && second.isAdmin], ['authenticated', false]);
			assert.equal(await store.count(), 2);
		});
		it('should follow the Navidrome version: no provisioning before 0.49.0, no first admin before 0.55.2', async () => {
			const old = new MemoryUserStore();
			assertFallback(await authenticate(request('/app/', 'alice'), { ...config, navidromeVersion: '0.48.0' }, old), 'user-not-found');
			assert.equal(await old.count(), 0);
			const middle = await authenticate(request('/app/', 'alice'), { ...config, navidromeVersion: '0.55.1' }, new MemoryUserStore());
			assert.deepEqual([middle.outcome, middle.outcome === 'authenticated' && middle.isAdmin], ['authenticated', false]);
			const current = await authenticate(request('/app/', 'alice'), { ...config, navidromeVersion: '0.55.2' }, new MemoryUserStore());
			assert.equal(current.outcome === 'authenticated' && current.isAdmin, true);
		});
		it('should treat an omitted path as the UI index', async () => {
			const store = new MemoryUserStore();
			assert.equal((await authenticate(request(undefined, 'alice'), config, store)).outcome, 'authenticated');
			assert.equal(await store.count(), 1);
		});
		it('should update lastLoginAt on every index load and refuse the login when that fails', async () => {
			const store = new MemoryUserStore([{ id: 'u1', userName: 'alice' }]);
			await authenticate(request('/app/', 'ALICE'), config, store, { now: () => new Date(99) });
			assert.equal((await store.findByUserName('alice'))?.lastLoginAt?.getTime(), 99);
			assertFallback(await authenticate(request('/app/', 'alice'), config, failingStore(store, 'updateLastLoginAt')), 'last-login-update-failed');
		});
		it('should report create failures and username policy refusals', async () => {
			assertFallback(await authenticate(request('/app/', 'new'), config, failingStore(new MemoryUserStore(), 'createIfAbsent')), 'create-failed');
			const store = new MemoryUserStore();
			assertFallback(await authenticate(request('/app/', 'x'.repeat(256)), config, store, { policy: strictPolicy }), 'invalid-username');
			assertFallback(await authenticate(request('/api/user', 'x'.repeat(256)), config, store, { policy: strictPolicy }), 'invalid-username');
			assert.equal(await store.count(), 0);
		});
	});

	describe('paths that need an existing user', () => {
		for (const path of ['/api/user', '/rest/ping.view', '/api/events']) {
			it(`should log existing users in on ${path} without creating anyone`, async () => {
				const store = new MemoryUserStore([{ id: 'u1', userName: 'Alice', isAdmin: true }]);
				const known = await authenticate(request(path, 'alice'), config, store);
				assert.equal(known.outcome, 'authenticated');
				assert.equal(known.outcome === 'authenticated' && known.user.id, 'u1');
				assert.equal(known.outcome === 'authenticated' && known.created, false);
				assert.equal((await store.findByUserName('alice'))?.lastLoginAt, undefined, 'only the index records logins');
				assertFallback(await authenticate(request(path, 'mallory'), config, store), 'user-not-found');
				assert.equal(await store.count(), 1);
			});
		}
		it('should report a failing lookup as lookup-failed, never as a login', async () => {
			const store = failingStore(new MemoryUserStore([{ userName: 'alice' }]), 'findByUserName');
			assertFallback(await authenticate(request('/api/user', 'alice'), config, store), 'lookup-failed');
		});
	});

	describe('trust', () => {
		it('should pass the decision through when the header is not honoured', async () => {
			const store = new MemoryUserStore();
			const result = await authenticate(request('/app/', 'alice', '192.168.1.1:80'), config, store);
			assertFallback(result, 'untrusted-peer');
			assert.equal(result.outcome === 'fallback' && result.decision?.reason, 'untrusted-peer');
			assertFallback(await authenticate(request('/app/', 'alice'), { trustedSources: '' }, store), 'feature-off');
			assert.equal(await store.count(), 0);
		});
		it('should let options.provisions choose the provisioning paths', async () => {
			const store = new MemoryUserStore();
			assertFallback(await authenticate(request('/app/', 'alice'), config, store, { provisions: () => false }), 'user-not-found');
			assertFallback(await authenticate(request('/app/', 'alice'), config, store, { provisions: () => { throw new Error('bug'); } }), 'internal-error');
			assert.equal(await store.count(), 0);
		});
	});

	describe('robustness', () => {
		it('should never throw or reject, whatever it is given', async () => {
			await fc.assert(
				fc.asyncProperty(fc.anything(), fc.anything(), fc.oneof(fc.constant(new MemoryUserStore()), fc.anything()), async (junkRequest, junkConfig, junkStore) => {
					const result = await authenticate(junkRequest as ExtAuthRequest, junkConfig as ExtAuthConfig, junkStore as UserStore);
					assert.ok(result.outcome === 'fallback' || result.outcome === 'authenticated');
				}),
				{ numRuns: 200 },
			);
		});
		it('should fall back when the store is not a store at all', async () => {
			assertFallback(await authenticate(request('/app/', 'alice'), config, {} as UserStore), 'create-failed');
			assertFallback(await authenticate(request('/api/x', 'alice'), config, null as unknown as UserStore), 'lookup-failed');
		});
	});
});

describe('isProvisioningPath(path)', () => {
	it('should be true only for the UI index and share pages', () => {
		for (const path of ['/app/', '/app', '/share/abc', '/share/a%2Fb', '/app/?x=1', undefined]) assert.equal(isProvisioningPath(path), true, String(path));
		for (const path of ['/app/index.html', '/share/', '/share/abc/', '/share/abc/m3u', '/share/img/x', '/api/user', '/rest/ping', '/', '', '/APP/']) {
			assert.equal(isProvisioningPath(path), false, path);
		}
		assert.equal(isProvisioningPath(42 as unknown as string), false);
	});
});
