import assert from 'node:assert/strict';
import { isOnNewLine, lexCaddyfile, type LexResult, type Token } from '../../src/analysis/formats/caddyfile/index.js';

const texts = (source: string, env?: Record<string, string>): string[] => lexCaddyfile(source, { env }).tokens.map(token => token.text);

/** Tokens grouped into lines the way Caddy groups them. */
function lines(result: LexResult): string[][] {
	const grouped: string[][] = [];
	let previous: Token | undefined;
	for (const token of result.tokens) {
		if (isOnNewLine(previous, token)) grouped.push([]);
		grouped[grouped.length - 1]!.push(token.text);
		previous = token;
	}
	return grouped;
}

const groups = (source: string, env?: Record<string, string>): string[][] => lines(lexCaddyfile(source, { env }));

describe('lexCaddyfile(text, options)', () => {
	describe('whitespace and lines', () => {
		it('should split on spaces, tabs and Unicode spaces but not on zero-width ones', () => {
			assert.deepEqual(texts('a b\tc\u00a0d\u2003e\u200bf'), ['a', 'b', 'c', 'd', 'e\u200bf']);
		});

		it('should end a directive at a line break', () => {
			assert.deepEqual(groups('a b\nc d\r\n\ne'), [['a', 'b'], ['c', 'd'], ['e']]);
		});

		it('should drop a leading byte order mark only', () => {
			assert.deepEqual(texts('\ufeffa \ufeffb'), ['a', '\ufeffb']);
			assert.deepEqual(lexCaddyfile('\ufeffa').tokens[0]!.span, { start: 1, end: 2 });
		});

		it('should keep NUL and other control characters inside tokens', () => {
			assert.deepEqual(texts('a\0b c'), ['a\0b', 'c']);
		});

		it('should count lines like Caddy (1-based)', () => {
			const result = lexCaddyfile('a\n\nb c\nd');
			assert.deepEqual(result.tokens.map(token => token.line), [1, 3, 3, 4]);
		});
	});

	describe('quotes', () => {
		it('should remove double quotes and keep the exact span and raw text', () => {
			const source = 'respond "hello world" 200';
			const [, quoted] = lexCaddyfile(source).tokens;
			assert.equal(quoted!.text, 'hello world');
			assert.equal(quoted!.quote, 'double');
			assert.equal(quoted!.raw, '"hello world"');
			assert.deepEqual(quoted!.span, { start: 8, end: 21 });
		});

		it('should only decode \\" inside double quotes', () => {
			assert.deepEqual(texts('"a\\"b\\nc\\\\d"'), ['a"b\\nc\\\\d']);
		});

		it('should let a quoted token span lines and keep the rest of its closing line on the same line', () => {
			assert.deepEqual(groups('respond "a\nb" 200\nnext'), [['respond', 'a\nb', '200'], ['next']]);
			assert.deepEqual(groups('respond "a\nb"\n201'), [['respond', 'a\nb'], ['201']]);
		});

		it('should keep backticked text verbatim, backslashes included', () => {
			const [token] = lexCaddyfile('`{"a": "b\\n"} \\`').tokens;
			assert.equal(token!.text, '{"a": "b\\n"} \\');
			assert.equal(token!.quote, 'backtick');
		});

		it('should produce an empty token for ""', () => {
			assert.deepEqual(texts('header X ""'), ['header', 'X', '']);
		});

		it('should only start a quote at the start of a token', () => {
			assert.deepEqual(texts('a"b c"'), ['a"b', 'c"']);
		});

		it('should report an unterminated quote and resume on the next line', () => {
			const result = lexCaddyfile('respond "x\n}\nnext');
			assert.equal(result.errors.length, 1);
			assert.match(result.errors[0]!.message, /Unterminated quoted string/);
			assert.deepEqual(result.errors[0]!.span, { start: 8, end: 10 });
			assert.deepEqual(lines(result), [['respond', 'x'], ['}'], ['next']]);
		});

		it('should report an unterminated backtick at EOF', () => {
			const result = lexCaddyfile('@n `x');
			assert.match(result.errors[0]!.message, /Unterminated backtick/);
			assert.deepEqual(texts('@n `x'), ['@n', 'x']);
		});
	});

	describe('backslashes', () => {
		it('should join the next line after a trailing backslash (LF and CRLF)', () => {
			assert.deepEqual(groups('reverse_proxy a:1 \\\n\tb:2 {\nx'), [['reverse_proxy', 'a:1', 'b:2', '{'], ['x']]);
			assert.deepEqual(groups('a \\\r\n b\r\nc'), [['a', 'b'], ['c']]);
		});

		it('should keep the line number of the first line for joined lines', () => {
			assert.deepEqual(lexCaddyfile('a \\\nb\nc').tokens.map(token => token.line), [1, 1, 3]);
		});

		it('should keep a backslash before any other character', () => {
			assert.deepEqual(texts('a\\b \\\\c'), ['a\\b', '\\\\c']);
		});

		it('should not escape a space ([E] caddy 2.6.2: `a \\ b` gives `a` and `\\b`)', () => {
			assert.deepEqual(texts('a \\ b'), ['a', '\\b']);
			assert.deepEqual(texts('a\\ b'), ['a', 'b']);
		});

		it('should leave a continuation backslash out of the token span', () => {
			const [first] = lexCaddyfile('ab\\\ncd').tokens;
			assert.equal(first!.raw, 'ab');
		});
	});

	describe('comments', () => {
		it('should start a comment only at the start of a token', () => {
			assert.deepEqual(texts('a # comment\n/hash#x x#y "#q" #c'), ['a', '/hash#x', 'x#y', '#q']);
		});

		it('should join the next line when a comment contains a backslash ([E] caddy 2.6.2)', () => {
			assert.deepEqual(groups('respond a # x\\ here\n201\nc'), [['respond', 'a', '201'], ['c']]);
		});
	});

	describe('heredocs', () => {
		const source = 'respond <<EOF\n\t\t<a>\n\n\t\t  b\n\t\tEOF 200\nnext';

		it('should strip the closing marker indentation and continue the line after the marker', () => {
			const result = lexCaddyfile(source);
			assert.deepEqual(result.errors, []);
			assert.deepEqual(lines(result), [['respond', '<a>\n\n  b', '200'], ['next']]);
			const heredoc = result.tokens[1]!;
			assert.equal(heredoc.quote, 'heredoc');
			assert.equal(heredoc.heredocMarker, 'EOF');
			assert.equal(heredoc.raw, '<<EOF\n\t\t<a>\n\n\t\t  b\n\t\tEOF');
		});

		it('should record heredocs as a Caddy 2.7.0 feature', () => {
			const { features } = lexCaddyfile(source);
			assert.equal(features.length, 1);
			assert.equal(features[0]!.kind, 'heredoc');
			assert.equal(features[0]!.minVersion, '2.7.0');
			assert.deepEqual(features[0]!.span, { start: 8, end: source.indexOf(' 200') });
		});

		it('should handle CRLF line endings', () => {
			assert.deepEqual(texts('x <<END\r\n  a\r\n  b\r\n  END'), ['x', 'a\nb']);
		});

		it('should not start a heredoc in quotes, after an escape or before a space', () => {
			assert.deepEqual(texts('"<<EOF"\n\\<<EOF\n<< EOF'), ['<<EOF', '<<EOF', '<<', 'EOF']);
		});

		it('should report a missing or invalid marker and recover', () => {
			for (const [input, pattern] of [['a <<\nb', /Missing heredoc marker/], ['a <<<EOF\nb', /Too many '<'/], ['a <<E.F\nb', /only letters, digits/]] as const) {
				const result = lexCaddyfile(input);
				assert.match(result.errors[0]?.message ?? '', pattern, input);
				assert.deepEqual(lines(result).at(-1), ['b'], input);
			}
		});

		it('should report an incomplete heredoc and lex the following lines normally', () => {
			const result = lexCaddyfile('respond <<EOF\nhello\nworld');
			assert.match(result.errors[0]!.message, /Incomplete heredoc <<EOF/);
			assert.deepEqual(lines(result), [['respond', '<<EOF'], ['hello'], ['world']]);
		});

		it('should report lines not starting with the closing indentation', () => {
			const result = lexCaddyfile('r <<EOF\n  a\n b\n  EOF');
			assert.match(result.errors[0]!.message, /Mismatched leading whitespace/);
			assert.equal(result.tokens[1]!.text, 'a\n b');
		});

		it('should end at the first occurrence of the marker, like Caddy', () => {
			const result = lexCaddyfile('r <<END\nx\nEND\ny END');
			assert.deepEqual(lines(result), [['r', 'x'], ['y', 'END']]);
		});
	});

	describe('{$ENV} substitution', () => {
		it('should substitute known variables before lexing, splitting values into tokens', () => {
			const source = 'reverse_proxy {$UP} {$NONE:} x{$A}y';
			const result = lexCaddyfile(source, { env: { UP: 'a:1 "b c"', A: '-' } });
			assert.deepEqual(result.tokens.map(token => token.text), ['reverse_proxy', 'a:1', 'b c', 'x-y']);
			const placeholder = { start: source.indexOf('{$UP}'), end: source.indexOf('{$UP}') + 5 };
			assert.deepEqual(result.tokens[1]!.span, placeholder);
			assert.deepEqual(result.tokens[2]!.span, placeholder);
			assert.equal(result.tokens[3]!.raw, 'x{$A}y');
			assert.equal(result.tokens[3]!.env?.[0]?.name, 'A');
		});

		it('should use the default when the variable is unset and nothing when it is set but empty', () => {
			assert.deepEqual(texts('a {$X:def} {$E:def} b', { E: '' }), ['a', 'def', 'b']);
			assert.deepEqual(texts('a {$X:d:e}', {}), ['a', 'd:e']);
		});

		it('should record every substitution, including those expanding to nothing', () => {
			const { env } = lexCaddyfile('# {$A}\nb {$B:x}', { env: { A: 'v' } });
			assert.deepEqual(
				env.map(sub => [sub.name, sub.value, sub.resolved, sub.defaultValue]),
				[
					['A', 'v', true, undefined],
					['B', 'x', false, 'x'],
				],
			);
		});

		it('should keep {$VAR} literally when the environment is unknown, but apply defaults', () => {
			assert.deepEqual(texts('{$DOMAIN} {$PORT:80}'), ['{$DOMAIN}', '80']);
			assert.equal(lexCaddyfile('{$DOMAIN}').env[0]!.resolved, false);
		});

		it('should leave {env.X}, {$} and unclosed placeholders alone', () => {
			assert.deepEqual(texts('{env.HOME} {$} {$A', {}), ['{env.HOME}', '{$}', '{$A']);
		});

		it('should let a value with a line break start a new line', () => {
			assert.deepEqual(groups('a {$V} c', { V: 'b\nd' }), [['a', 'b'], ['d', 'c']]);
		});

		it('should not rescan substituted values', () => {
			assert.deepEqual(texts('{$A}', { A: '{$B}', B: 'no' }), ['{$B}']);
		});
	});
});
