import assert from 'node:assert/strict';
import { describeAddress } from '../src/address-ranges.js';
import { parseCidr } from '../src/cidr.js';
import { formatIp, formatIpv4, formatIpv6, parseIp, parseRemoteAddr, remoteAddrHost } from '../src/ip.js';

describe('parseIp(text)', () => {
	describe('IPv4 (navidrome-extauth.md §3.1)', () => {
		it('should accept four decimal fields 0-255', () => {
			for (const text of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.0.42']) assert.equal(parseIp(text)?.family, 'ipv4', text);
			assert.equal(parseIp('10.1.2.3')?.value, 0x0a010203n);
		});
		it('should reject leading zeros, shorthand, out-of-range fields and other forms (Go ≥ 1.17)', () => {
			for (const text of ['010.0.0.1', '10.0.0.01', '00.0.0.0', '10.1', '127.1', '10', '256.0.0.0', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '0x0a.0.0.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.４', '167772161']) {
				assert.equal(parseIp(text), undefined, text);
			}
		});
	});

	describe('IPv6', () => {
		it('should accept RFC 4291 text with one :: and mixed case', () => {
			assert.equal(parseIp('::')?.value, 0n);
			assert.equal(parseIp('::1')?.value, 1n);
			assert.equal(parseIp('2001:DB8::1')?.value, 0x20010db8000000000000000000000001n);
			assert.equal(parseIp('1:2:3:4:5:6:7:8')?.value, 0x00010002000300040005000600070008n);
			assert.equal(parseIp('1::')?.value, 1n << 112n);
			assert.equal(parseIp('2001:4860:4860:1234:5678:0000:4242:8888')?.family, 'ipv6');
		});
		it('should accept a trailing dotted IPv4 only in the last 32 bits', () => {
			assert.equal(parseIp('::ffff:10.0.0.1')?.value, 0xffff0a000001n);
			assert.equal(parseIp('1:2:3:4:5:6:1.2.3.4')?.family, 'ipv6');
			assert.equal(parseIp('::1.2.3.4')?.value, 0x01020304n);
			for (const text of ['1:2:3:4:5:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4:5', '::ffff:010.0.0.1', '1.2.3.4::']) assert.equal(parseIp(text), undefined, text);
		});
		it('should reject groups of more than 4 hex digits (current Go, golang/go#57760)', () => {
			for (const text of ['00000::1', '02001:db8::1', '::00001']) assert.equal(parseIp(text), undefined, text);
		});
		it('should reject malformed literals', () => {
			for (const text of ['5005:0:3003', ':::', ':1::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '1::2:', '1:2:3:4:5:6::7:8', 'g::1', '::1 ', '[::1]', '']) {
				assert.equal(parseIp(text), undefined, JSON.stringify(text));
			}
		});
		it('should reject zones, in any position', () => {
			for (const text of ['fe80::1%eth0', 'fe80::1%', '%eth0', '1.2.3.4%eth0']) assert.equal(parseIp(text), undefined, text);
		});
	});

	it('should report the compared family of IPv4-mapped addresses as IPv4 (§3.3)', () => {
		const mapped = parseIp('::ffff:a00:1');
		assert.equal(mapped?.family, 'ipv6');
		assert.equal(mapped?.comparedFamily, 'ipv4');
		assert.equal(mapped?.comparedValue, 0x0a000001n);
		assert.equal(parseIp('::a00:1')?.comparedFamily, 'ipv6', 'IPv4-compatible stays IPv6');
	});

	it('should give undefined for non-strings', () => {
		for (const value of [undefined, null, 42, {}, ['10.0.0.1']]) assert.equal(parseIp(value), undefined);
	});
});

describe('parseRemoteAddr(text) (§3.2)', () => {
	const cases: Array<[string, string | undefined]> = [
		['10.0.0.1', '10.0.0.1'],
		['10.0.0.1:1234', '10.0.0.1'],
		['10.0.0.1:', '10.0.0.1'],
		['10.0.0.1:abc', '10.0.0.1'],
		['[10.0.0.1]:80', '10.0.0.1'],
		['[2001:db8::1]:443', '2001:db8::1'],
		['[::ffff:10.0.0.1]:80', '::ffff:a00:1'],
		['::1:80', '::1:80'],
		['::1', '::1'],
		['1.2.3.4:80:80', undefined],
		['[::1]', undefined],
		['[::1]:80:80', undefined],
		['[::1]x:80', undefined],
		['[[::1]]:80', undefined],
		['10.0.0.1:8]0', undefined],
		['10.0.0.1:[80', undefined],
		['fe80::1%eth0', undefined],
		['[fe80::1%eth0]:80', undefined],
		['1.2.3.4%x:80', undefined],
		['010.0.0.1:80', undefined],
		['[00000::1]:80', undefined],
		['@', undefined],
		['', undefined],
		[':80', undefined],
		['localhost:80', undefined],
	];
	for (const [input, expected] of cases) {
		it(`should read ${JSON.stringify(input)} as ${expected ?? 'nothing'}`, () => {
			const parsed = parseRemoteAddr(input);
			if (expected === undefined) {
				assert.equal(parsed, undefined);
			} else {
				assert.ok(parsed);
				assert.equal(formatIp(parsed.family, parsed.value), expected);
			}
		});
	}

	it('should give the host Navidrome checks, even when it is invalid', () => {
		assert.equal(remoteAddrHost('[fe80::1%eth0]:80'), 'fe80::1%eth0');
		assert.equal(remoteAddrHost('::1:80'), '::1:80');
		assert.equal(remoteAddrHost('10.0.0.1:80'), '10.0.0.1');
		assert.equal(remoteAddrHost('1.2.3.4:80:80'), undefined);
	});
});

describe('formatIpv4 / formatIpv6', () => {
	it('should write dotted quads', () => {
		assert.equal(formatIpv4(0), '0.0.0.0');
		assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
		assert.equal(formatIpv4(0xc0a8002an), '192.168.0.42');
	});
	it('should follow RFC 5952 (longest zero run, first on ties, no single-group ::)', () => {
		assert.equal(formatIpv6(0n), '::');
		assert.equal(formatIpv6(1n), '::1');
		assert.equal(formatIpv6(0x20010db8000000000000000000000001n), '2001:db8::1');
		assert.equal(formatIpv6(0x20010db8000000010000000000000001n), '2001:db8:0:1::1');
		assert.equal(formatIpv6(0x20010db8000000000001000000000001n), '2001:db8::1:0:0:1');
		assert.equal(formatIpv6(0x20010db8000100010001000100010001n), '2001:db8:1:1:1:1:1:1');
		assert.equal(formatIpv6(0x20010db8000000010001000100010001n), '2001:db8:0:1:1:1:1:1');
		assert.equal(formatIpv6(0xffff00000000n), '::ffff:0:0');
	});
	it('should round-trip through parseIp', () => {
		for (const text of ['2001:db8::1', 'fe80::', '::ffff:a00:1', '1:2:3:4:5:6:7:8', '10.0.0.1']) {
			const parsed = parseIp(text)!;
			assert.equal(formatIp(parsed.family, parsed.value), text);
		}
	});
});

describe('parseCidr(text) (Go net.ParseCIDR)', () => {
	it('should read prefixes with leading zeros and clear host bits', () => {
		assert.equal(parseCidr('10.0.0.0/08')?.prefix, 8);
		assert.equal(parseCidr('10.0.0.0/0032')?.prefix, 32);
		const network = parseCidr('192.168.1.1/24');
		assert.equal(network?.network, 0xc0a80100n);
		assert.equal(network?.address, 0xc0a80101n);
	});
	it('should compare v4-mapped networks of prefix ≥ 96 as IPv4 (§3.3)', () => {
		assert.deepEqual(
			[parseCidr('::ffff:10.0.0.0/104')?.comparedFamily, parseCidr('::ffff:10.0.0.0/104')?.comparedPrefix],
			['ipv4', 8],
		);
		assert.equal(parseCidr('::ffff:0:0/96')?.comparedPrefix, 0);
		assert.equal(parseCidr('::ffff:0:0/95')?.comparedFamily, 'ipv6');
		assert.equal(parseCidr('1::ffff:0:0/96')?.comparedFamily, 'ipv6');
	});
	it('should reject what Go rejects', () => {
		for (const text of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/+8', '10.0.0.0/-1', '10.0.0.0/ 8', '10.0.0.0/8 ', '10.0.0.0/8/8', '::/129', '::ffff:1.2.3.4/129', 'fe80::%eth0/64', '[::1]/128', '010.0.0.0/8', '10.0.0.0/99999999999999999999', '/8', 'localhost/32']) {
			assert.equal(parseCidr(text), undefined, text);
		}
		assert.equal(parseCidr('::ffff:1.2.3.4/128')?.comparedPrefix, 32, 'IPv6 syntax allows up to 128');
	});
});

describe('describeAddress(address)', () => {
	const cases: Array<[string, string, boolean]> = [
		['8.8.8.8', 'public', true],
		['10.1.2.3', 'private', false],
		['172.31.255.255', 'private', false],
		['172.32.0.1', 'public', true],
		['192.168.0.1', 'private', false],
		['100.64.0.1', 'shared', false],
		['127.0.0.1', 'loopback', false],
		['169.254.1.1', 'link-local', false],
		['192.0.2.7', 'documentation', false],
		['198.51.100.1', 'documentation', false],
		['203.0.113.9', 'documentation', false],
		['198.18.0.1', 'benchmarking', false],
		['224.0.0.1', 'multicast', false],
		['240.0.0.1', 'reserved', false],
		['255.255.255.255', 'broadcast', false],
		['0.0.0.0', 'unspecified', false],
		['0.1.2.3', 'this-network', false],
		['192.0.0.1', 'protocol-assignments', false],
		['192.0.0.9', 'public', true],
		['::1', 'loopback', false],
		['::', 'unspecified', false],
		['fd00::1', 'unique-local', false],
		['fe80::1', 'link-local', false],
		['ff02::1', 'multicast', false],
		['2001:db8::1', 'documentation', false],
		['3fff::1', 'documentation', false],
		['2606:4700::1111', 'public', true],
		['2001::1', 'protocol-assignments', false],
		['2001:4:112::1', 'public', true],
		['64:ff9b::808:808', 'nat64', true],
		['4000::1', 'reserved', false],
		['::ffff:10.0.0.1', 'private', false],
	];
	for (const [address, kind, global] of cases) {
		it(`should classify ${address} as ${kind}`, () => {
			const description = describeAddress(address);
			assert.equal(description?.kind, kind);
			assert.equal(description?.global, global);
		});
	}
	it('should give undefined for non-addresses', () => {
		assert.equal(describeAddress('nope'), undefined);
		assert.equal(describeAddress(42 as never), undefined);
	});
});
