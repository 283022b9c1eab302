import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { buildAuthPayload } from '../src/auth-payload.js';
import { md5Hex, utf8Bytes } from '../src/md5.js';
import type { User } from '../src/types.js';

const nodeMd5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

describe('md5Hex(input)', () => {
	it('should match the RFC 1321 test suite', () => {
		assert.equal(md5Hex(''), 'd41d8cd98f00b204e9800998ecf8427e');
		assert.equal(md5Hex('abc'), '900150983cd24fb0d6963f7d28e17f72');
		assert.equal(md5Hex('message digest'), 'f96b697d7cb7938d525a2f31aaf161d0');
		assert.equal(md5Hex('1234567890'.repeat(8)), '57edf4a22be3c955ac49da2e2107b67a');
	});
	it('should agree with node:crypto on any string and on block-boundary lengths', () => {
		for (let length = 0; length < 140; length++) assert.equal(md5Hex('a'.repeat(length)), nodeMd5('a'.repeat(length)), `length ${length}`);
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), text => md5Hex(text) === nodeMd5(Buffer.from(utf8Bytes(text)))), { numRuns: 300 });
		fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => md5Hex(bytes) === nodeMd5(bytes)), { numRuns: 200 });
	});
});

describe('utf8Bytes(text)', () => {
	it('should encode like TextEncoder, lone surrogates included', () => {
		const encoder = new TextEncoder();
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), text => Buffer.from(utf8Bytes(text)).equals(Buffer.from(encoder.encode(text)))), { numRuns: 300 });
		assert.deepEqual([...utf8Bytes('\ud800')], [0xef, 0xbf, 0xbd]);
	});
});

describe('buildAuthPayload(user, options)', () => {
	const jane: User = { id: '111', userName: 'janedoe', name: 'Jane', email: '', isAdmin: false, password: 'abc123', lastLoginAt: undefined, createdAt: new Date(0) };

	it('should carry id, name, username, isAdmin, a 6-hex salt and md5(password + salt), and no JWT', () => {
		const payload = buildAuthPayload(jane);
		assert.deepEqual(Object.keys(payload).sort(), ['id', 'isAdmin', 'name', 'subsonicSalt', 'subsonicToken', 'username']);
		assert.match(payload.subsonicSalt ?? '', /^[0-9a-f]{6}$/);
		assert.equal(payload.subsonicToken, nodeMd5(`abc123${payload.subsonicSalt}`));
		assert.deepEqual([payload.id, payload.name, payload.username, payload.isAdmin], ['111', 'Jane', 'janedoe', false]);
	});
	it('should take the salt from the random source', () => {
		const payload = buildAuthPayload(jane, { getRandomValues: bytes => bytes.set([0x0a, 0xbc, 0xff]) });
		assert.equal(payload.subsonicSalt, '0abcff');
		assert.equal(payload.subsonicToken, nodeMd5('abc1230abcff'));
	});
	it('should omit salt and token when the random source fails, as Navidrome does', () => {
		const payload = buildAuthPayload(jane, {
			getRandomValues: () => {
				throw new Error('no entropy');
			},
		});
		assert.equal('subsonicSalt' in payload || 'subsonicToken' in payload, false);
		assert.equal(payload.username, 'janedoe');
	});
});
