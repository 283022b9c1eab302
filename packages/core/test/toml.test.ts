import assert from 'node:assert/strict';
import { scanToml, type TomlEntry, type TomlScan } from '../src/settings/toml.js';

function entry(scan: TomlScan, key: string): TomlEntry {
	const found = scan.entries.find((candidate) => candidate.key === key);
	assert.ok(found, `no entry ${key} in ${scan.entries.map((e) => e.key).join(', ')}`);
	return found;
}

function codes(scan: TomlScan): string[] {
	return scan.errors.map((error) => error.code);
}

describe('scanToml(text)', () => {
	describe('keys and tables', () => {
		it('should resolve a key below [ExtAuth] to the full dotted path', () => {
			const text = '[ExtAuth]\nTrustedSources = "10.0.0.0/8"\n';
			const scan = scanToml(text);
			const found = entry(scan, 'ExtAuth.TrustedSources');
			assert.deepEqual(found.path, ['ExtAuth', 'TrustedSources']);
			assert.equal(text.slice(found.keyStart, found.keyEnd), 'TrustedSources');
			assert.deepEqual(found.table?.path, ['ExtAuth']);
			assert.deepEqual(scan.errors, []);
		});

		it('should treat a top-level dotted key like the table form', () => {
			const text = 'ExtAuth.TrustedSources = "10.0.0.0/8"';
			const found = entry(scanToml(text), 'ExtAuth.TrustedSources');
			assert.equal(text.slice(found.keyStart, found.keyEnd), 'ExtAuth.TrustedSources');
			assert.equal(found.table, undefined);
		});

		it('should put a dotted key written below another table into that table', () => {
			const scan = scanToml('[Scanner]\nExtAuth.TrustedSources = "x"\n');
			assert.equal(scan.entries[0]?.key, 'Scanner.ExtAuth.TrustedSources');
		});

		it('should decode quoted key segments and allow spaces around dots', () => {
			const text = '"ExtAuth" . \'TrustedSources\' = "x"\n"a\\u0062" = 1';
			const scan = scanToml(text);
			const found = entry(scan, 'ExtAuth.TrustedSources');
			assert.equal(text.slice(found.keyStart, found.keyEnd), '"ExtAuth" . \'TrustedSources\'');
			assert.deepEqual(
				found.segments.map((segment) => [segment.name, segment.quoted]),
				[
					['ExtAuth', true],
					['TrustedSources', true],
				],
			);
			assert.equal(entry(scan, 'ab').value, 1);
		});

		it('should keep key case as written', () => {
			const scan = scanToml('[extauth]\ntrustedsources = "x"');
			assert.equal(scan.entries[0]?.key, 'extauth.trustedsources');
		});

		it('should mark entries inside arrays of tables and keep each element apart', () => {
			const scan = scanToml('[[Jukebox.Devices]]\nname = "a"\n[[Jukebox.Devices]]\nname = "b"\n[ExtAuth]\nUserHeader = "X"');
			assert.deepEqual(
				scan.entries.map((e) => [e.key, e.inArrayTable]),
				[
					['Jukebox.Devices.name', true],
					['Jukebox.Devices.name', true],
					['ExtAuth.UserHeader', false],
				],
			);
			assert.deepEqual(scan.errors, []);
			assert.deepEqual(
				scan.tables.map((table) => table.isArray),
				[true, true, false],
			);
		});

		it('should turn inline-table pairs into entries with exact offsets', () => {
			const text = 'ExtAuth = { TrustedSources = "10.0.0.0/8", UserHeader = \'X-User\' }\nPort = 1';
			const scan = scanToml(text);
			assert.deepEqual(
				scan.entries.map((e) => [e.key, e.kind, e.inInlineTable]),
				[
					['ExtAuth', 'inline-table', false],
					['ExtAuth.TrustedSources', 'string', true],
					['ExtAuth.UserHeader', 'string', true],
					['Port', 'integer', false],
				],
			);
			const header = entry(scan, 'ExtAuth.UserHeader');
			assert.equal(text.slice(header.contentStart, header.contentEnd), 'X-User');
			assert.deepEqual(scan.errors, []);
		});

		it('should report duplicate keys and duplicate tables', () => {
			const scan = scanToml('a = 1\na = 2\n[t]\n[t]\n');
			assert.deepEqual(codes(scan), ['duplicate-key', 'duplicate-key']);
		});

		it('should not call different letter case a duplicate (TOML keys are case-sensitive)', () => {
			assert.deepEqual(scanToml('a = 1\nA = 2').errors, []);
		});
	});

	describe('strings', () => {
		it('should decode basic-string escapes and report content without quotes', () => {
			const text = 'k = "tab\\tq\\"\\\\ \\u00e9 \\U0001F600"';
			const found = entry(scanToml(text), 'k');
			assert.equal(found.value, 'tab\tq"\\ é 😀');
			assert.equal(found.stringStyle, 'basic');
			assert.equal(text.slice(found.contentStart, found.contentEnd), 'tab\\tq\\"\\\\ \\u00e9 \\U0001F600');
			assert.equal(text.slice(found.valueStart, found.valueEnd), '"tab\\tq\\"\\\\ \\u00e9 \\U0001F600"');
		});

		it('should keep literal strings verbatim', () => {
			const text = "k = 'C:\\Users\\n'";
			const found = entry(scanToml(text), 'k');
			assert.equal(found.value, 'C:\\Users\\n');
			assert.equal(found.stringStyle, 'literal');
		});

		it('should trim the first newline of multi-line strings and keep the rest', () => {
			const text = 'k = """\nline 1\n  line 2"""';
			const found = entry(scanToml(text), 'k');
			assert.equal(found.value, 'line 1\n  line 2');
			assert.equal(text.slice(found.contentStart, found.contentEnd), 'line 1\n  line 2');
		});

		it('should join lines ending in a backslash in multi-line basic strings', () => {
			const found = entry(scanToml('k = """a \\\n    b"""'), 'k');
			assert.equal(found.value, 'a b');
		});

		it('should allow up to two quotes before a multi-line closing delimiter', () => {
			const text = `k = """say ""hi"""""\nl = '''it''''`;
			const scan = scanToml(text);
			assert.equal(entry(scan, 'k').value, 'say ""hi""');
			assert.equal(entry(scan, 'l').value, "it'");
			assert.deepEqual(scan.errors, []);
		});

		it('should keep multi-line literal strings verbatim, CRLF included', () => {
			const found = entry(scanToml("k = '''\r\na\\n\r\nb'''"), 'k');
			assert.equal(found.value, 'a\\n\r\nb');
			assert.equal(found.stringStyle, 'multiline-literal');
		});

		it('should report an unknown escape and keep scanning', () => {
			const scan = scanToml('k = "a\\qb"\nl = 1');
			assert.deepEqual(codes(scan), ['bad-escape']);
			assert.equal(entry(scan, 'k').value, 'a\\qb');
			assert.equal(entry(scan, 'l').value, 1);
		});

		it('should reject surrogate code points in \\u escapes', () => {
			assert.deepEqual(codes(scanToml('k = "\\uD800"')), ['bad-escape']);
		});

		it('should report an unterminated string and resume on the next line', () => {
			const scan = scanToml('k = "abc\nl = "x"');
			assert.deepEqual(codes(scan), ['unterminated-string']);
			assert.equal(entry(scan, 'k').value, 'abc');
			assert.equal(entry(scan, 'l').value, 'x');
		});

		it('should resume after an unterminated multi-line string on the following line', () => {
			const scan = scanToml('k = """abc\nl = "x"');
			assert.deepEqual(codes(scan), ['unterminated-string']);
			assert.equal(entry(scan, 'l').value, 'x');
		});

		it('should report control characters inside strings', () => {
			const scan = scanToml('k = "a\u0000b"');
			assert.deepEqual(codes(scan), ['invalid-character']);
			assert.equal(entry(scan, 'k').value, 'a\u0000b');
		});

		it('should measure offsets in UTF-16 code units', () => {
			const text = '# 😀 émoji\nk = "😀x"';
			const found = entry(scanToml(text), 'k');
			assert.equal(text.slice(found.contentStart, found.contentEnd), '😀x');
			assert.equal(found.contentEnd - found.contentStart, 3);
		});
	});

	describe('other values', () => {
		it('should read integers, floats, booleans and date-times', () => {
			const scan = scanToml('a = 4_533\nb = 0x1F\nc = -0.5e1\nd = true\ne = 1979-05-27 07:32:00Z\nf = +inf\ng = 0o17\nh = 0b101');
			assert.deepEqual(
				scan.entries.map((e) => [e.kind, e.value]),
				[
					['integer', 4533],
					['integer', 31],
					['float', -5],
					['boolean', true],
					['datetime', undefined],
					['float', Infinity],
					['integer', 15],
					['integer', 5],
				],
			);
			assert.deepEqual(scan.errors, []);
		});

		it('should keep arrays as raw text, across lines and comments', () => {
			const text = 'a = [\n  "x", # one\n  "]",\n]\nb = 2';
			const scan = scanToml(text);
			const found = entry(scan, 'a');
			assert.equal(found.kind, 'array');
			assert.equal(found.raw, '[\n  "x", # one\n  "]",\n]');
			assert.equal(entry(scan, 'b').value, 2);
			assert.deepEqual(scan.errors, []);
		});

		it('should reject a leading zero with a hint to quote it', () => {
			const scan = scanToml('UnixSocketPerm = 0660');
			assert.deepEqual(codes(scan), ['invalid-value']);
			assert.match(scan.errors[0]!.message, /"0660"/);
			assert.equal(scan.entries[0]?.kind, 'invalid');
		});

		it('should reject unquoted text', () => {
			const scan = scanToml('TrustedSources = 10.0.0.0/8\nPort = 1');
			assert.deepEqual(codes(scan), ['invalid-value']);
			assert.equal(entry(scan, 'Port').value, 1);
		});
	});

	describe('syntax errors', () => {
		it('should report a missing "=" and continue', () => {
			const scan = scanToml('TrustedSources "x"\nPort = 1');
			assert.deepEqual(codes(scan), ['missing-equals']);
			assert.equal(entry(scan, 'Port').value, 1);
		});

		it('should report a missing value', () => {
			assert.deepEqual(codes(scanToml('Port =\n')), ['missing-value']);
		});

		it('should report a header without its closing bracket but still use its name', () => {
			const scan = scanToml('[ExtAuth\nTrustedSources = "x"');
			assert.deepEqual(codes(scan), ['bad-header']);
			assert.equal(scan.entries[0]?.key, 'ExtAuth.TrustedSources');
		});

		it('should report trailing content after a value', () => {
			const scan = scanToml('a = "x" "y"\nb = 1');
			assert.deepEqual(codes(scan), ['trailing-content']);
			assert.equal(entry(scan, 'b').value, 1);
		});

		it('should report an unterminated array at its opening line', () => {
			const text = 'a = [1, 2\nb = 1';
			const scan = scanToml(text);
			assert.ok(codes(scan).includes('unterminated-array'));
			const found = entry(scan, 'a');
			assert.equal(text.slice(found.valueStart, found.valueEnd), '[1, 2');
		});

		it('should report keys with invalid characters', () => {
			assert.deepEqual(codes(scanToml('Ext Auth = 1')), ['missing-equals']);
			assert.deepEqual(codes(scanToml('é = 1')), ['missing-key']);
			assert.deepEqual(codes(scanToml('a. = 1')), ['bad-key']);
		});

		it('should accept comments, blank lines, CRLF and a byte-order mark', () => {
			const text = '\uFEFF# comment\r\n\r\n[ExtAuth] # table\r\nTrustedSources = "x" # trailing\r\n';
			const scan = scanToml(text);
			assert.deepEqual(scan.errors, []);
			const found = entry(scan, 'ExtAuth.TrustedSources');
			assert.equal(text.slice(found.contentStart, found.contentEnd), 'x');
		});

		it('should return an empty scan for non-strings', () => {
			for (const value of [undefined, null, 42, {}, ['a = 1']]) assert.deepEqual(scanToml(value), { entries: [], tables: [], errors: [] });
		});
	});
});
