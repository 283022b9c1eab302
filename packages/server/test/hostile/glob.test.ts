/**
Include and import globs match without backtracking (issue 20, Deliver 2): `*a*a*a*a*b` on a 200-character name took
27 s as a JavaScript RegExp. The matcher is compared with a dynamic-programming reference on random globs and names.
*/
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileGlob, isGlob } from '../../src/analysis/glob.js';

/** Reference: `table[i][j]` is whether the first `i` glob tokens match the first `j` characters. */
function reference(glob: string, name: string): boolean {
	type Token = { star: true } | { star: false; test: (char: string) => boolean };
	const tokens: Token[] = [];
	const chars = [...glob];
	for (let i = 0; i < chars.length; i++) {
		const char = chars[i]!;
		const close = chars.indexOf(']', i + 2);
		if (char === '*') tokens.push({ star: true });
		else if (char === '?') tokens.push({ star: false, test: (c) => c !== '/' });
		else if (char === '[' && close >= 0) {
			let body = chars.slice(i + 1, close);
			const negated = body[0] === '!' || body[0] === '^';
			if (negated) body = body.slice(1);
			const members: Array<[string, string]> = [];
			for (let j = 0; j < body.length; j++) {
				if (body[j + 1] === '-' && j + 2 < body.length) {
					members.push([body[j]!, body[j + 2]!]);
					j += 2;
				} else members.push([body[j]!, body[j]!]);
			}
			tokens.push({ star: false, test: (c) => c !== '/' && members.some(([lo, hi]) => c.codePointAt(0)! >= lo.codePointAt(0)! && c.codePointAt(0)! <= hi.codePointAt(0)!) !== negated });
			i = close;
		} else tokens.push({ star: false, test: (c) => c === char });
	}
	const text = [...name];
	const table = tokens.map(() => new Array<boolean>(text.length + 1).fill(false));
	table.unshift(new Array<boolean>(text.length + 1).fill(false));
	table[0]![0] = true;
	for (let i = 1; i <= tokens.length; i++) {
		const token = tokens[i - 1]!;
		for (let j = 0; j <= text.length; j++) {
			if (token.star) table[i]![j] = table[i - 1]![j]! || (j > 0 && text[j - 1] !== '/' && table[i]![j - 1]!);
			else table[i]![j] = j > 0 && token.test(text[j - 1]!) && table[i - 1]![j - 1]!;
		}
	}
	return table[tokens.length]![text.length]!;
}

const test = (glob: string, name: string): boolean | undefined => compileGlob(glob)?.test(name);

describe('globs', () => {
	describe('compileGlob(glob).test(name)', () => {
		const cases: Array<[string, string, boolean | undefined]> = [
			['*.conf', 'site.conf', true],
			['*.conf', 'site.conf.bak', false],
			['*.conf', '.hidden.conf', true], // callers skip dotfiles
			['*', 'a/b', false],
			['/etc/nginx/conf.d/*.conf', '/etc/nginx/conf.d/a.conf', true],
			['/etc/nginx/conf.d/*.conf', '/etc/nginx/conf.d/sub/a.conf', false],
			['?.conf', 'a.conf', true],
			['?', '/', false],
			['?', '\uD834\uDD1E', true],
			['[ab]*', 'b1', true],
			['[!ab]*', 'b1', false],
			['[^ab]*', 'c1', true],
			['[a-c]x', 'bx', true],
			['[a-]', '-', true],
			['[]a]', ']', true],
			['[!]', 'x', true],
			['[!a]', '/', false],
			['[/]', '/', false],
			['[abc', '[abc', true],
			['a\\b', 'a\\b', true],
			['a+(b)|{c}.$^', 'a+(b)|{c}.$^', true],
			['**', 'abc', true],
			['', '', true],
			['[z-a]', 'a', undefined],
		];
		for (const [glob, name, expected] of cases) {
			it(`should give ${expected} for ${JSON.stringify(glob)} on ${JSON.stringify(name)}`, () => {
				assert.equal(test(glob, name), expected);
			});
		}

		it('should tell globs from plain paths', () => {
			assert.deepEqual(['a/*.conf', 'a?', 'a[b]', 'a/b.conf'].map(isGlob), [true, true, true, false]);
		});
	});

	describe('budgets', () => {
		it('should match *a*a*a*a*b against a 200-character name in under 50 ms', () => {
			const started = performance.now();
			const glob = compileGlob('*a*a*a*a*b')!;
			assert.equal(glob.test('a'.repeat(200)), false);
			assert.equal(glob.test(`${'a'.repeat(199)}b`), true);
			const ms = performance.now() - started;
			assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
		});

		it('should match a 2048-character glob of stars against a 2048-character name in under a second', () => {
			const started = performance.now();
			assert.equal(compileGlob('*a'.repeat(1024))!.test(`${'a'.repeat(2047)}b`), false);
			assert.ok(performance.now() - started < 1000);
			assert.equal(compileGlob('*'.repeat(4097)), undefined);
		});
	});

	describe('properties', () => {
		const piece = fc.constantFrom('a', 'b', '.', '/', '-', '!', '^', ']', '[', '*', '?', '[ab]', '[!a]', '[^b]', '[a-c]', '[]a]', '[a-]', '[/]', '\\', '\u00e9');
		const glob = fc.array(piece, { maxLength: 10 }).map((parts) => parts.join(''));
		const name = fc.array(fc.constantFrom('a', 'b', 'c', '.', '/', '-', ']', '[', '!', '\\', '\u00e9'), { maxLength: 14 }).map((chars) => chars.join(''));

		it('should agree with a dynamic-programming reference', () => {
			fc.assert(
				fc.property(glob, fc.array(name, { minLength: 1, maxLength: 4 }), (pattern, names) => {
					const compiled = compileGlob(pattern);
					if (!compiled) return; // a reversed range
					for (const one of names) assert.equal(compiled.test(one), reference(pattern, one), `${pattern} on ${JSON.stringify(one)}`);
				}),
				{ numRuns: 3000 },
			);
		});

		it('should match what the glob itself spells when it has no wildcards', () => {
			fc.assert(
				fc.property(name, (text) => {
					if (!isGlob(text)) assert.equal(test(text, text), true);
				}),
			);
		});
	});
});
