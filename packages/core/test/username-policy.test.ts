import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createUsernamePolicy, navidromePolicy, strictPolicy } from '../src/username-policy.js';
import type { UsernameCheck } from '../src/types.js';

function codeOf(check: UsernameCheck): string {
	return check.ok ? 'ok' : check.code;
}

describe('navidromePolicy(value)', () => {
	it('should accept any non-empty string verbatim, as Navidrome does', () => {
		for (const value of ['bob', ' bob ', 'alice, bob', 'e\u0301lodie', 'a\u0000b', '\t', 'x'.repeat(5000), '\ud800']) {
			assert.deepEqual(navidromePolicy(value), { ok: true, username: value });
		}
	});
	it('should refuse the empty string and non-strings with stable codes', () => {
		assert.equal(codeOf(navidromePolicy('')), 'empty');
		for (const value of [null, undefined, 1, {}, ['bob']]) assert.equal(codeOf(navidromePolicy(value)), 'not-a-string');
	});
});

describe('strictPolicy(value)', () => {
	it('should normalise to NFC', () => {
		assert.deepEqual(strictPolicy('e\u0301lodie'), { ok: true, username: '\u00e9lodie' });
		assert.deepEqual(strictPolicy('Bob Smith'), { ok: true, username: 'Bob Smith' });
	});
	it('should refuse empty, whitespace-only, control characters, lone surrogates and long names', () => {
		assert.equal(codeOf(strictPolicy('')), 'empty');
		assert.equal(codeOf(strictPolicy(' \t\u3000')), 'whitespace-only');
		assert.equal(codeOf(strictPolicy('a\u0000b')), 'control-character');
		assert.equal(codeOf(strictPolicy('a\u007fb')), 'control-character');
		assert.equal(codeOf(strictPolicy('a\u0085b')), 'control-character');
		assert.equal(codeOf(strictPolicy('bob\n')), 'control-character');
		assert.equal(codeOf(strictPolicy('a\ud800b')), 'invalid-unicode');
		assert.equal(codeOf(strictPolicy('a\udc00')), 'invalid-unicode');
		assert.equal(codeOf(strictPolicy('x'.repeat(256))), 'too-long');
		assert.equal(codeOf(strictPolicy('x'.repeat(255))), 'ok');
	});
	it('should count code points, after normalisation', () => {
		assert.equal(codeOf(strictPolicy('😀'.repeat(255))), 'ok');
		assert.equal(codeOf(strictPolicy('e\u0301'.repeat(255))), 'ok');
		assert.equal(codeOf(strictPolicy('😀'.repeat(256))), 'too-long');
	});
	it('should explain refusals in a message naming the character', () => {
		const check = strictPolicy('ab\u0007');
		assert.equal(check.ok, false);
		assert.match(check.ok ? '' : check.message, /U\+0007 at position 2/);
	});
	it('should handle huge inputs quickly', () => {
		const started = Date.now();
		assert.equal(codeOf(strictPolicy('a'.repeat(2_000_000))), 'too-long');
		assert.equal(codeOf(strictPolicy(`${'a'.repeat(1_000_000)}\u0000`)), 'control-character');
		assert.ok(Date.now() - started < 2000);
	});
});

describe('createUsernamePolicy(options)', () => {
	it('should apply only the chosen checks', () => {
		const lengthOnly = createUsernamePolicy({ maxLength: 3 });
		assert.equal(codeOf(lengthOnly('abcd')), 'too-long');
		assert.equal(codeOf(lengthOnly('a\u0000')), 'ok');
		assert.equal(codeOf(lengthOnly('  ')), 'ok');
		const nfkc = createUsernamePolicy({ normalize: 'NFKC' });
		assert.deepEqual(nfkc('ﬁ'), { ok: true, username: 'fi' });
	});
	it('should ignore nonsense options instead of throwing', () => {
		const policy = createUsernamePolicy({ normalize: 'XYZ' as 'NFC', maxLength: Number.NaN });
		assert.deepEqual(policy('Bob'), { ok: true, username: 'Bob' });
		assert.equal(codeOf(createUsernamePolicy({ maxLength: 0 })('a')), 'too-long');
	});
	it('should never throw and only ever return strings that pass its own checks', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.anything()), value => {
				const check = strictPolicy(value);
				if (!check.ok) return typeof check.message === 'string' && check.message.length > 0;
				return check.username === check.username.normalize('NFC') && strictPolicy(check.username).ok && [...check.username].length <= 255;
			}),
			{ numRuns: 500 },
		);
	});
});
