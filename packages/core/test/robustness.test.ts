/** Bad input never throws or hangs: arbitrary strings, huge lists, NUL bytes, non-string values from JS callers. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decide } from '../src/decide.js';
import { parseIp, parseRemoteAddr } from '../src/ip.js';
import { compileTrustedSources, isTrustedSource } from '../src/trusted-sources.js';

const odd: unknown[] = [undefined, null, 0, 1, -1, Number.NaN, true, false, {}, [], ['10.0.0.1'], () => '10.0.0.1', Symbol('x'), 10n, new Date(0), Object.create(null)];

/** Text that stresses the scanners: address characters, separators, brackets, zones, NUL and astral characters. */
const nasty = fc.oneof(
	fc.string({ maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.array(fc.constantFrom('1', '0', '255', '.', ':', '::', '/', '[', ']', '%', ',', ';', ' ', '\t', '\n', '\0', 'ffff', 'a', '@', '😀', '\uD800'), { maxLength: 30 }).map((parts) => parts.join('')),
);

describe('robustness', () => {
	it('should never throw on arbitrary strings', () => {
		fc.assert(
			fc.property(nasty, nasty, fc.option(nasty, { nil: undefined }), (remoteAddr, list, address) => {
				const options = address === undefined ? undefined : { address };
				const direct = isTrustedSource(remoteAddr, list, options);
				const matcher = compileTrustedSources(list, options);
				assert.equal(matcher.matches(remoteAddr), direct);
				assert.equal(typeof direct, 'boolean');
				for (const entry of matcher.entries) assert.equal(list.slice(entry.start, entry.end), entry.text);
				parseIp(remoteAddr);
				parseRemoteAddr(remoteAddr);
				const decision = decide({ remoteAddr, headers: { 'Remote-User': remoteAddr, [list.replace(/[^\w-]/g, '') || 'X']: list }, path: remoteAddr }, { trustedSources: list, userHeader: address ?? 'Remote-User', address });
				assert.ok(decision.reason && decision.explanation);
			}),
			{ numRuns: 1500 },
		);
	});

	it('should handle NUL bytes', () => {
		assert.equal(isTrustedSource('10.0.0.1\0', '10.0.0.0/8'), false);
		assert.equal(isTrustedSource('10.0.0.1', '10.0.0.0/8\0'), false);
		assert.equal(isTrustedSource('\0', '\0'), false);
		assert.equal(isTrustedSource('10.0.0.1:\0', '10.0.0.0/8'), true, 'the port is not validated');
		const entry = compileTrustedSources('10.0.0.0/8\0').entries[0]!;
		assert.equal(entry.honoured, false);
		assert.equal(decide({ remoteAddr: '10.0.0.1', headers: { 'Remote-User': 'a\0' } }, { trustedSources: '10.0.0.0/8' }).reason, 'bad-request');
	});

	it('should handle a 1 MB list quickly and exactly', () => {
		const parts: string[] = [];
		let length = 0;
		for (let index = 0; length < 1_000_000; index++) {
			const part = index % 5 === 0 ? ` ${index % 256}.${(index >> 8) % 256}.1.0/24` : `${index % 224}.${(index >> 8) % 256}.${index % 7}.0/24`;
			parts.push(part);
			length += part.length + 1;
		}
		parts.push('2001:db8::/32');
		const list = parts.join(',');
		assert.ok(list.length >= 1_000_000);
		const matcher = compileTrustedSources(list);
		assert.equal(matcher.matches('[2001:db8::5]:1'), true);
		assert.equal(isTrustedSource('[2001:db8::5]:1', list), true);
		assert.equal(matcher.matches('1.0.1.9:80'), isTrustedSource('1.0.1.9:80', list));
		assert.equal(matcher.entries.length, parts.length);
		assert.equal(matcher.entries.filter((entry) => entry.problem === 'whitespace').length, Math.ceil((parts.length - 1) / 5));
		const decision = decide({ remoteAddr: '203.0.113.9:1', headers: { 'Remote-User': 'x' } }, { trustedSources: list });
		assert.equal(decision.reason, 'untrusted-peer');
		assert.ok(decision.explanation.length < 2000, 'explanations stay short');
	});

	it('should handle a 1 MB single entry, peer, header and path', () => {
		const huge = '1'.repeat(1_000_000);
		const spaced = `${'10.0.0.1 '.repeat(100_000)}`;
		assert.equal(isTrustedSource(huge, huge), false);
		assert.equal(isTrustedSource(`10.0.0.1:${huge}`, '10.0.0.0/8'), true);
		assert.equal(isTrustedSource('10.0.0.1', `10.0.0.0/${huge}`), false);
		const entries = compileTrustedSources(`${huge},${spaced},[${huge}]/8,${'a'.repeat(1_000_000)}/8`).entries;
		assert.equal(entries.length, 4);
		assert.ok(entries.every((entry) => entry.message !== undefined && entry.message.length < 400));
		const decision = decide({ remoteAddr: `[${huge}]:1`, headers: { 'Remote-User': huge }, path: `/${huge}` }, { trustedSources: spaced, userHeader: huge });
		assert.equal(decision.reason, 'untrusted-peer');
		assert.ok(decision.explanation.length < 2000);
	});

	it('should never throw on non-string values', () => {
		for (const value of odd) {
			const anyValue = value as any;
			assert.equal(isTrustedSource(anyValue, '10.0.0.0/8'), false);
			assert.equal(isTrustedSource('10.0.0.1', anyValue), false);
			assert.equal(typeof isTrustedSource('@', '@', anyValue), 'boolean');
			const matcher = compileTrustedSources(anyValue, anyValue);
			assert.equal(matcher.matches('10.0.0.1'), false);
			assert.deepEqual(matcher.entries, []);
			const valid = compileTrustedSources('10.0.0.0/8,@', { address: 'unix:/x' });
			assert.equal(valid.matches(anyValue), false);
			assert.equal(typeof valid.matches('@', anyValue), 'boolean');
			assert.equal(parseIp(anyValue), undefined);
			for (const decision of [
				decide(anyValue, anyValue),
				decide({ remoteAddr: anyValue, headers: anyValue, path: anyValue }, { trustedSources: '10.0.0.0/8' }),
				decide({ remoteAddr: '10.0.0.1', headers: { 'Remote-User': anyValue } }, { trustedSources: '10.0.0.0/8', userHeader: anyValue, address: anyValue, navidromeVersion: anyValue }),
			]) {
				assert.equal(typeof decision.explanation, 'string');
				assert.ok(decision.outcome === 'fallback' || decision.outcome === 'authenticated');
			}
		}
	});

	it('should survive hostile objects', () => {
		const hostile = new Proxy({}, {
			get() {
				throw new Error('boom');
			},
			ownKeys() {
				throw new Error('boom');
			},
		});
		assert.equal(decide(hostile as never, hostile as never).reason, 'invalid-input');
		assert.equal(decide({ remoteAddr: '10.0.0.1', headers: hostile as never }, { trustedSources: '10.0.0.0/8' }).reason, 'invalid-input');
		assert.equal(compileTrustedSources('@', { address: 'unix:/x' }).matches('@', hostile as never), false);
		assert.equal(isTrustedSource('@', '@', hostile as never), false);
	});
});
