import assert from 'node:assert/strict';
import { compileTrustedSources, isTrustedSource } from '../src/trusted-sources.js';
import type { EntryProblemCode, TrustedSourceEntry } from '../src/types.js';

/** Both forms must agree on every case; the assertions go through this. */
function trusted(remoteAddr: string, list: string, address?: string): boolean {
	const options = address === undefined ? undefined : { address };
	const direct = isTrustedSource(remoteAddr, list, options);
	const compiled = compileTrustedSources(list, options).matches(remoteAddr);
	assert.equal(compiled, direct, `compiled and direct disagree on ${JSON.stringify(remoteAddr)} vs ${JSON.stringify(list)}`);
	return direct;
}

function onlyEntry(list: string, address?: string): TrustedSourceEntry {
	const entries = compileTrustedSources(list, address === undefined ? undefined : { address }).entries;
	assert.equal(entries.length, 1);
	return entries[0]!;
}

describe('isTrustedSource / compileTrustedSources().matches', () => {
	describe('worked outcomes of navidrome-extauth.md §3.4', () => {
		const rows: Array<[string, string, string | undefined, boolean]> = [
			['10.0.0.1:1234', '10.0.0.0/8', undefined, true],
			['10.0.0.1', '10.0.0.1', undefined, false],
			['10.0.0.1', '1.1.1.1/32, 10.0.0.0/8', undefined, false],
			['10.0.0.1', '1.1.1.1/32;10.0.0.0/8', undefined, false],
			['10.0.0.1', '10.0.0.0/08', undefined, true],
			['10.0.0.1', '010.0.0.0/8', undefined, false],
			['010.0.0.1:80', '10.0.0.0/8', undefined, false],
			['10.0.0.1', '::ffff:0:0/96', undefined, true],
			['[::ffff:10.0.0.1]:80', '10.0.0.0/8', undefined, true],
			['::ffff:10.0.0.1', '::/0', undefined, false],
			['2001:db8::1', '0.0.0.0/0', undefined, false],
			['[fe80::1%eth0]:80', 'fe80::/10', undefined, false],
			['@', '@', 'unix:/run/nd.sock', true],
			['@', ' @', 'unix:/run/nd.sock', false],
			['@', '@', '/var/run/navidrome.sock', false],
			['[00000::1]:80', '::1/128', undefined, false],
		];
		for (const [remote, list, address, expected] of rows) {
			it(`should give ${expected} for ${JSON.stringify(remote)} against ${JSON.stringify(list)}${address ? ` with Address ${address}` : ''}`, () => {
				assert.equal(trusted(remote, list, address), expected);
				// "any" Address: the outcome of non-@ rows does not depend on it.
				if (remote !== '@') assert.equal(trusted(remote, list, 'unix:/run/nd.sock'), expected);
			});
		}
	});

	describe('step 1: empty inputs', () => {
		it('should trust nothing for an empty list or an empty peer', () => {
			assert.equal(trusted('10.0.0.1', ''), false);
			assert.equal(trusted('', '10.0.0.0/8'), false);
			assert.equal(trusted('@', '', 'unix:/x'), false);
		});
	});

	describe('step 2: splitting', () => {
		it('should split on commas only, keep empty entries and never trim', () => {
			assert.equal(trusted('10.0.0.1', ',,10.0.0.0/8,'), true);
			assert.equal(trusted('10.0.0.1', '10.0.0.0/8 '), false);
			assert.equal(trusted('10.0.0.1', '\t10.0.0.0/8'), false);
			assert.equal(trusted('10.0.0.1', '10.0.0.0/8\n'), false);
			assert.equal(trusted('10.0.0.1', '192.168.0.0/16 10.0.0.0/8'), false);
			assert.equal(trusted('10.0.0.1', ' '), false);
		});
		it('should not let order matter', () => {
			assert.equal(trusted('10.0.0.1', 'invalidCIDR,10.0.0.0/8'), true);
			assert.equal(trusted('10.0.0.1', '10.0.0.0/8,invalidCIDR'), true);
		});
	});

	describe('step 3: the @ peer of a UNIX socket', () => {
		it('should trust @ only with a unix: Address and an exact @ entry', () => {
			assert.equal(trusted('@', '10.0.0.0/8,@', 'unix:/run/nd.sock'), true);
			assert.equal(trusted('@', '10.0.0.0/8', 'unix:/run/nd.sock'), false);
			assert.equal(trusted('@', '@ ', 'unix:/run/nd.sock'), false);
			assert.equal(trusted('@', '@', 'UNIX:/run/nd.sock'), false, 'the prefix is case-sensitive');
			assert.equal(trusted('@', '@', ' unix:/run/nd.sock'), false);
			assert.equal(trusted('@', '@'), false, 'no Address given');
			assert.equal(trusted('@', '0.0.0.0/0,::/0', 'unix:/run/nd.sock'), false, 'IP ranges never cover @');
			assert.equal(trusted('@', '0.0.0.0/0,::/0'), false);
		});
		it('should ignore @ entries for IP peers', () => {
			assert.equal(trusted('10.0.0.1', '@', 'unix:/x'), false);
		});
		it('should let the match-time Address override the compile-time one', () => {
			const matcher = compileTrustedSources('@', { address: '0.0.0.0' });
			assert.equal(matcher.matches('@'), false);
			assert.equal(matcher.matches('@', { address: 'unix:/run/nd.sock' }), true);
			const socket = compileTrustedSources('@', { address: 'unix:/run/nd.sock' });
			assert.equal(socket.matches('@'), true);
			assert.equal(socket.matches('@', {}), true, 'an absent match-time address keeps the compile-time one');
			assert.equal(socket.matches('@', { address: '127.0.0.1' }), false);
		});
	});

	describe('steps 4-6: the peer address (§3.2)', () => {
		it('should accept ip, ip:port, [v6]:port and [v4]:port with unvalidated ports', () => {
			for (const remote of ['10.0.0.1', '10.0.0.1:1234', '10.0.0.1:', '10.0.0.1:abc', '[10.0.0.1]:80', '[10.0.0.1]:']) assert.equal(trusted(remote, '10.0.0.0/8'), true, remote);
			for (const remote of ['2001:db8::1', '[2001:db8::1]:443', '[2001:db8::1]:']) assert.equal(trusted(remote, '2001:db8::/32'), true, remote);
		});
		it('should read ::1:80 as the IPv6 literal, not ::1 port 80', () => {
			assert.equal(trusted('::1:80', '::1/128'), false);
			assert.equal(trusted('::1:80', '::1:0/112'), true);
		});
		it('should reject what SplitHostPort rejects', () => {
			for (const remote of ['1.2.3.4:80:80', '[::1]', '[::1]:80:80', '[::1]x', '10.0.0.1]:80', '[10.0.0.1:80', 'x[10.0.0.1]:80', '10.0.0.1:8]']) {
				assert.equal(trusted(remote, '0.0.0.0/0,::/0'), false, remote);
			}
		});
		it('should never trust zoned, malformed or host-name peers', () => {
			for (const remote of ['fe80::1%eth0', '[fe80::1%eth0]:80', '1.2.3.4%x:80', '5005:0:3003', 'invalidIP', 'localhost:80', '010.0.0.1', '[02001:db8::1]:80', ' 10.0.0.1', '10.0.0.1 ']) {
				assert.equal(trusted(remote, '0.0.0.0/0,::/0,fe80::/10'), false, remote);
			}
		});
	});

	describe('step 7: entries (§3.1, §3.3)', () => {
		it('should skip bare IPs', () => {
			assert.equal(trusted('10.0.0.5', '10.0.0.5'), false);
			assert.equal(trusted('::1', '::1'), false);
		});
		it('should accept host bits and leading-zero prefixes', () => {
			assert.equal(trusted('192.168.1.200', '192.168.1.1/24'), true);
			assert.equal(trusted('192.168.2.1', '192.168.1.1/24'), false);
			assert.equal(trusted('10.0.0.1', '10.0.0.1/0032'), true);
		});
		it('should reject prefixes that are empty, signed, too long or followed by text', () => {
			for (const list of ['10.0.0.0/', '10.0.0.0/+8', '10.0.0.0/33', '10.0.0.0/8/8', '10.0.0.0/8x', '10.0.0.0/99999999999']) assert.equal(trusted('10.0.0.1', list), false, list);
			assert.equal(trusted('::1', '::1/129'), false);
			assert.equal(trusted('10.0.0.1', '::ffff:10.0.0.1/128'), true, 'IPv6 syntax allows up to 128');
			assert.equal(trusted('10.0.0.1', '::ffff:10.0.0.1/129'), false);
		});
		it('should reject zones, brackets, host names and long hex groups in entries', () => {
			assert.equal(trusted('fe80::1', 'fe80::%eth0/64'), false);
			assert.equal(trusted('::1', '[::1]/128'), false);
			assert.equal(trusted('127.0.0.1', 'localhost/32'), false);
			assert.equal(trusted('2001:db8::1', '2001:00db8::/32'), false);
		});
		it('should compare v4-mapped peers and networks as IPv4', () => {
			assert.equal(trusted('::ffff:a00:1', '10.0.0.0/8'), true);
			assert.equal(trusted('10.0.0.1', '::ffff:10.0.0.0/104'), true);
			assert.equal(trusted('11.0.0.1', '::ffff:10.0.0.0/104'), false);
			assert.equal(trusted('[::ffff:10.9.9.9]:1', '::ffff:10.0.0.0/104'), true);
		});
		it('should keep families apart', () => {
			assert.equal(trusted('10.0.0.1', '::/0'), false);
			assert.equal(trusted('::ffff:10.0.0.1', '::/0'), false);
			assert.equal(trusted('2001:db8::1', '0.0.0.0/0'), false);
			assert.equal(trusted('2001:db8::1', '::/0'), true);
			assert.equal(trusted('10.0.0.1', '::ffff:0:0/95'), false, 'prefix < 96 is no longer v4-mapped after masking');
			assert.equal(trusted('10.0.0.1', '::/80'), false);
			assert.equal(trusted('::a00:1', '10.0.0.0/8'), false, 'IPv4-compatible ::a.b.c.d is plain IPv6');
			assert.equal(trusted('::ffff:0:1', '::ffff:0:0/112'), true);
		});
		it('should match unmasked peer bits exactly at range edges', () => {
			assert.equal(trusted('10.255.255.255', '10.0.0.0/8'), true);
			assert.equal(trusted('11.0.0.0', '10.0.0.0/8'), false);
			assert.equal(trusted('9.255.255.255', '10.0.0.0/8'), false);
			assert.equal(trusted('255.255.255.255', '255.255.255.255/32'), true);
			assert.equal(trusted('0.0.0.0', '0.0.0.0/32'), true);
			assert.equal(trusted('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff::/16'), true);
			assert.equal(trusted('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'), true);
			assert.equal(trusted('2001:db9::', '2001:db8::/32'), false);
		});
		it('should merge overlapping and adjacent ranges without losing any', () => {
			const list = '10.0.0.0/9,10.128.0.0/9,10.0.0.0/24,192.168.1.0/24,192.168.0.0/24,2001:db8::/33,2001:db8:8000::/33,2001:db8::1/128';
			for (const remote of ['10.0.0.1', '10.127.255.255', '10.128.0.0', '10.255.255.255', '192.168.0.0', '192.168.1.255', '2001:db8::1', '2001:db8:7fff::', '2001:db8:8000::', '2001:db8:ffff::']) {
				assert.equal(trusted(remote, list), true, remote);
			}
			for (const remote of ['11.0.0.0', '192.168.2.0', '2001:db9::']) assert.equal(trusted(remote, list), false, remote);
		});
		it('should stay exact with thousands of entries (bucketed search)', () => {
			const entries: string[] = [];
			for (let index = 0; index < 3000; index++) entries.push(`${(index * 7919) % 223}.${index % 256}.${(index * 31) % 256}.0/24`);
			entries.push('2001:db8::/48', '2001:db8:0:1::/64', 'fe80::/10');
			const list = entries.join(',');
			const matcher = compileTrustedSources(list);
			for (let index = 0; index < 3000; index += 37) {
				const remote = `${(index * 7919) % 223}.${index % 256}.${(index * 31) % 256}.77:9`;
				assert.equal(matcher.matches(remote), true, remote);
				assert.equal(isTrustedSource(remote, list), true, remote);
			}
			for (const remote of ['224.1.1.1', '[2001:db8:1::1]:5', '[fe80::1]:1', '[2001:db8::ffff]:5']) assert.equal(matcher.matches(remote), isTrustedSource(remote, list), remote);
		});
	});
});

describe('compileTrustedSources(list).entries', () => {
	it('should cover the list with exact texts and UTF-16 offsets', () => {
		const list = '10.0.0.0/8, 192.168.0.0/16,,é,@';
		const entries = compileTrustedSources(list).entries;
		assert.deepEqual(entries.map((entry) => entry.text), ['10.0.0.0/8', ' 192.168.0.0/16', '', 'é', '@']);
		for (const entry of entries) assert.equal(list.slice(entry.start, entry.end), entry.text);
		assert.deepEqual(entries.map((entry) => entry.start), [0, 11, 27, 28, 30]);
	});

	it('should have no entries for an empty list', () => {
		assert.deepEqual(compileTrustedSources('').entries, []);
	});

	describe('problem codes, messages and suggestions', () => {
		const cases: Array<[string, EntryProblemCode, string | undefined]> = [
			['', 'empty', undefined],
			['   ', 'empty', undefined],
			['10.0.0.5', 'missing-prefix', '10.0.0.5/32'],
			['fe80::1', 'missing-prefix', 'fe80::1/128'],
			['::ffff:10.0.0.5', 'missing-prefix', '::ffff:10.0.0.5/128'],
			[' 10.0.0.0/8 ', 'whitespace', '10.0.0.0/8'],
			['\t10.0.0.0/8', 'whitespace', '10.0.0.0/8'],
			['10.0.0.0/8\n', 'whitespace', '10.0.0.0/8'],
			[' 10.0.0.5', 'missing-prefix', '10.0.0.5/32'],
			['010.0.0.0/8', 'leading-zero', '10.0.0.0/8'],
			['010.000.001.002', 'leading-zero', '10.0.1.2/32'],
			['2001:00db8::/32', 'long-hex-group', '2001:db8::/32'],
			['1.1.1.1/32;10.0.0.0/8', 'wrong-separator', '1.1.1.1/32,10.0.0.0/8'],
			['10.0.0.0/8 192.168.0.0/16', 'wrong-separator', '10.0.0.0/8,192.168.0.0/16'],
			['10.0.0.1; 10.0.0.2', 'wrong-separator', '10.0.0.1/32,10.0.0.2/32'],
			['10.0.0.0/8\n192.168.0.0/16', 'wrong-separator', '10.0.0.0/8,192.168.0.0/16'],
			['10.0.0.0/8;', 'wrong-separator', '10.0.0.0/8'],
			['10.0.0.0/8;localhost/32', 'wrong-separator', undefined],
			['10.0.0.0/', 'bad-prefix', undefined],
			['10.0.0.0/ 8', 'bad-prefix', '10.0.0.0/8'],
			['10.0.0.0/+8', 'bad-prefix', '10.0.0.0/8'],
			['10.0.0.0/255.0.0.0', 'bad-prefix', '10.0.0.0/8'],
			['10.0.0.0/8/8', 'bad-prefix', undefined],
			['10.0.0.0/33', 'prefix-too-long', undefined],
			['10.0.0.1/128', 'prefix-too-long', '10.0.0.1/32'],
			['::/129', 'prefix-too-long', undefined],
			['fe80::1%eth0/64', 'zone', 'fe80::1/64'],
			['fe80::1%eth0', 'zone', 'fe80::1/128'],
			['[::1]/128', 'brackets', '::1/128'],
			['[::1]', 'brackets', '::1/128'],
			['localhost/32', 'hostname', undefined],
			['proxy', 'hostname', undefined],
			['invalidCIDR', 'hostname', undefined],
			['*', 'bad-address', undefined],
			['10.1/16', 'bad-address', undefined],
			['1.2.3.4.5/32', 'bad-address', undefined],
			[' @', 'unix-socket-spacing', '@'],
			['@\n', 'unix-socket-spacing', '@'],
		];
		for (const [text, problem, suggestion] of cases) {
			it(`should flag ${JSON.stringify(text)} as ${problem}${suggestion ? ` and suggest ${suggestion}` : ''}`, () => {
				// A lone empty list is "feature off", so empty entries are tested between commas.
				const list = text === '' ? `10.0.0.0/8,${text}` : text;
				const entry = compileTrustedSources(list, { address: '0.0.0.0' }).entries.find((candidate) => candidate.text === text)!;
				assert.equal(entry.kind, 'invalid');
				assert.equal(entry.honoured, false);
				assert.equal(entry.problem, problem);
				assert.equal(entry.suggestion, suggestion);
				assert.equal(entry.cidr, undefined);
				assert.ok(entry.message && /^[^\n]+\.$/.test(entry.message), `one sentence: ${entry.message}`);
				if (suggestion && suggestion !== '@') {
					for (const part of suggestion.split(',')) assert.equal(isTrustedSource(part.split('/')[0]!, part), true, `the suggested ${part} is a working CIDR`);
				}
			});
		}
		it('should name the missing /32 in the message', () => {
			assert.match(onlyEntry('10.0.0.5').message!, /10\.0\.0\.5.* without \/32/);
		});
	});

	describe('the @ entry', () => {
		it('should be honoured without a problem when no Address was given, explaining the unix: need', () => {
			const entry = onlyEntry('@');
			assert.equal(entry.kind, 'unix-socket');
			assert.equal(entry.honoured, true);
			assert.equal(entry.problem, undefined);
			assert.match(entry.message!, /Address.*unix:/);
		});
		it('should be honoured with a unix: Address', () => {
			const entry = onlyEntry('@', 'unix:/run/nd.sock');
			assert.equal(entry.honoured, true);
			assert.equal(entry.problem, undefined);
		});
		it('should not be honoured with another Address', () => {
			const entry = onlyEntry('@', '0.0.0.0');
			assert.equal(entry.honoured, false);
			assert.equal(entry.problem, 'unix-socket-without-unix-address');
			assert.equal(onlyEntry('@', '/var/run/navidrome.sock').problem, 'unix-socket-without-unix-address');
		});
	});

	describe('CidrInfo of honoured entries', () => {
		it('should normalise, count and bound an IPv4 range', () => {
			const entry = onlyEntry('192.168.1.1/24');
			assert.equal(entry.kind, 'cidr');
			assert.equal(entry.honoured, true);
			assert.equal(entry.problem, undefined);
			assert.deepEqual(
				{ ...entry.cidr, dockerPools: undefined },
				{
					normalized: '192.168.1.0/24',
					family: 'ipv4',
					prefixLength: 24,
					first: '192.168.1.0',
					last: '192.168.1.255',
					addressCount: 256n,
					coversAllIPv4: false,
					coversAllIPv6: false,
					includesPublic: false,
					includesLoopback: false,
					dockerDefaultPool: '192.168.0.0/16',
					dockerPools: undefined,
					dockerSubnet: '192.168.0.0/20',
					hostBitsSet: true,
				},
			);
			assert.match(entry.message!, /192\.168\.1\.0\/24/);
		});
		it('should describe v4-mapped networks in the family they are compared as', () => {
			const cidr = onlyEntry('::ffff:0:0/96').cidr!;
			assert.equal(cidr.family, 'ipv4');
			assert.equal(cidr.prefixLength, 0);
			assert.equal(cidr.normalized, '::ffff:0:0/96');
			assert.equal(cidr.equivalentIPv4, '0.0.0.0/0');
			assert.equal(cidr.coversAllIPv4, true);
			assert.equal(cidr.addressCount, 2n ** 32n);
			assert.equal(onlyEntry('::ffff:10.0.0.0/104').cidr!.equivalentIPv4, '10.0.0.0/8');
		});
		it('should flag whole-family ranges', () => {
			assert.equal(onlyEntry('0.0.0.0/0').cidr!.coversAllIPv4, true);
			assert.equal(onlyEntry('0.0.0.0/0').cidr!.coversAllIPv6, false);
			const v6 = onlyEntry('::/0').cidr!;
			assert.deepEqual([v6.coversAllIPv4, v6.coversAllIPv6, v6.addressCount, v6.first, v6.last], [false, true, 2n ** 128n, '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
		});
		const publicCases: Array<[string, boolean, boolean]> = [
			['10.0.0.0/8', false, false],
			['172.16.0.0/12', false, false],
			['192.168.0.0/16', false, false],
			['100.64.0.0/10', false, false],
			['127.0.0.0/8', false, true],
			['127.0.0.1/32', false, true],
			['169.254.0.0/16', false, false],
			['192.0.2.0/24', false, false],
			['224.0.0.0/4', false, false],
			['240.0.0.0/4', false, false],
			['192.0.0.0/24', true, false],
			['172.0.0.0/8', true, false],
			['8.8.8.8/32', true, false],
			['10.0.0.0/7', true, false],
			['0.0.0.0/1', true, true],
			['fc00::/7', false, false],
			['fe80::/10', false, false],
			['::1/128', false, true],
			['2001:db8::/32', false, false],
			['ff00::/8', false, false],
			['2000::/3', true, false],
			['2606:4700::/32', true, false],
			['::/1', true, true],
			['::ffff:10.0.0.0/104', false, false],
			['::ffff:8.8.8.8/128', true, false],
		];
		for (const [text, includesPublic, includesLoopback] of publicCases) {
			it(`should say ${text} ${includesPublic ? 'includes' : 'excludes'} public and ${includesLoopback ? 'includes' : 'excludes'} loopback addresses`, () => {
				const cidr = onlyEntry(text).cidr!;
				assert.equal(cidr.includesPublic, includesPublic);
				assert.equal(cidr.includesLoopback, includesLoopback);
			});
		}
		it('should name the Docker default pools a range falls in or overlaps (proxies.md §7)', () => {
			assert.equal(onlyEntry('172.18.0.0/16').cidr!.dockerDefaultPool, '172.18.0.0/16');
			assert.equal(onlyEntry('172.18.0.5/32').cidr!.dockerSubnet, '172.18.0.0/16');
			assert.equal(onlyEntry('172.21.3.0/24').cidr!.dockerDefaultPool, '172.20.0.0/14');
			assert.equal(onlyEntry('172.21.3.0/24').cidr!.dockerSubnet, '172.21.0.0/16');
			assert.equal(onlyEntry('192.168.17.0/24').cidr!.dockerSubnet, '192.168.16.0/20');
			assert.deepEqual(onlyEntry('172.16.0.0/12').cidr!.dockerPools, ['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16', '172.20.0.0/14', '172.24.0.0/14', '172.28.0.0/14']);
			assert.equal(onlyEntry('172.16.0.0/16').cidr!.dockerDefaultPool, undefined);
			assert.equal(onlyEntry('10.0.0.0/8').cidr!.dockerDefaultPool, '10.0.0.0/8');
			assert.equal(onlyEntry('10.1.2.0/24').cidr!.dockerSubnet, undefined);
			assert.equal(onlyEntry('8.8.8.8/32').cidr!.dockerDefaultPool, undefined);
			assert.equal(onlyEntry('2001:db8::/32').cidr!.dockerDefaultPool, undefined);
		});
	});
});
