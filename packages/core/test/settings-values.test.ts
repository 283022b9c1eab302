import assert from 'node:assert/strict';
import { formatGoFloat, isHttpToken, parseGoBool, parseGoInt, parseOctalMode } from '../src/settings/go-values.js';
import { checkHttpUrl, parseGoUrl } from '../src/settings/url.js';

describe('Go value conversions', () => {
	describe('parseGoBool(text)', () => {
		it('should accept exactly strconv.ParseBool spellings', () => {
			for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(text), true, text);
			for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(text), false, text);
			for (const text of ['yes', 'on', 'tRUE', ' true', '']) assert.equal(parseGoBool(text), undefined, text);
		});
	});

	describe('parseGoInt(text)', () => {
		it('should read base prefixes, octal leading zeros and underscores like strconv.ParseInt(s, 0, 64)', () => {
			const cases: Array<[string, number | undefined]> = [
				['4533', 4533], ['+80', 80], ['-1', -1], ['0x1F90', 8080], ['0o17', 15], ['0b11', 3], ['017', 15], ['0', 0],
				['4_533', 4533], ['0x_1F', 31], ['08', undefined], ['4533_', undefined], ['_1', undefined], ['1__2', undefined],
				['', undefined], ['-', undefined], ['0x', undefined], ['12a', undefined], [' 1', undefined], ['9223372036854775808', undefined],
			];
			for (const [text, expected] of cases) assert.equal(parseGoInt(text), expected, text);
		});
	});

	describe('parseOctalMode(text)', () => {
		it('should parse octal digits only', () => {
			assert.equal(parseOctalMode('0660'), 0o660);
			assert.equal(parseOctalMode('660'), 0o660);
			for (const text of ['0o660', '0x1', '8', '', '-1', 'rw-']) assert.equal(parseOctalMode(text), undefined, text);
		});
	});

	describe('formatGoFloat(value)', () => {
		it('should print shortest digits without an exponent', () => {
			assert.equal(formatGoFloat(1.5), '1.5');
			assert.equal(formatGoFloat(1e21), '1000000000000000000000');
			assert.equal(formatGoFloat(1.5e-7), '0.00000015');
			assert.equal(formatGoFloat(-Infinity), '-Inf');
		});
	});

	describe('isHttpToken(text)', () => {
		it('should accept RFC 9110 tokens only', () => {
			for (const text of ['Remote-User', 'X_Remote_User', "a!#$%&'*+-.^_`|~9"]) assert.equal(isHttpToken(text), true, text);
			for (const text of ['', 'X User', 'Remote-User:', 'Ünïcode', 'a\tb', '(x)']) assert.equal(isHttpToken(text), false, text);
		});
	});
});

describe('checkHttpUrl(text)', () => {
	it('should accept absolute http(s) URLs and the empty string', () => {
		for (const url of ['', 'https://auth.example.com/logout', 'http://10.0.0.1:9091', 'HTTPS://[fd00::1]/x', 'https://u:p@host/?q#f']) {
			assert.equal(checkHttpUrl(url), undefined, url);
		}
	});

	it('should say why other values fail', () => {
		const cases: Array<[string, string]> = [
			['/logout', 'scheme'], ['auth.example.com', 'scheme'], ['localhost:8080/logout', 'scheme'], ['ftp://x/', 'scheme'],
			['https://', 'host'], ['https:///logout', 'host'], ['https:auth.example.com', 'host'],
			['https://host:port/', 'unparseable'], ['https://a b/', 'unparseable'], ['http://x\n', 'unparseable'], [':8080', 'unparseable'],
		];
		for (const [url, problem] of cases) assert.equal(checkHttpUrl(url)?.problem, problem, url);
	});
});

describe('parseGoUrl(text)', () => {
	it('should split scheme, host and opaque like net/url', () => {
		assert.deepEqual(parseGoUrl('HTTPS://Auth.example.com:443/x'), { ok: true, url: { scheme: 'https', host: 'Auth.example.com:443', opaque: '' } });
		assert.deepEqual(parseGoUrl('mailto:a@b'), { ok: true, url: { scheme: 'mailto', host: '', opaque: 'a@b' } });
		assert.deepEqual(parseGoUrl('/music'), { ok: true, url: { scheme: '', host: '', opaque: '' } });
		assert.equal(parseGoUrl('a:b/c:d').ok, true);
		assert.equal(parseGoUrl('ab/c:d:e').ok, true);
		assert.equal(parseGoUrl('1a:b').ok, false);
	});
});
