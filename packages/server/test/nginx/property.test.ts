import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseNginx, walkDirectives, type Directive, type NginxLimits, type NginxParseResult } from '../../src/analysis/formats/nginx/index.js';
import type { Span } from '../../src/analysis/text.js';
import { memoryIo } from './helpers.js';

const fixturesDir = new URL('../fixtures/nginx/parser/', import.meta.url);
const fixtureTexts = readdirSync(fixturesDir)
	.filter((name) => name.endsWith('.conf'))
	.map((name) => readFileSync(new URL(name, fixturesDir), 'utf8'));

function within(span: Span, outer: Span): boolean {
	return span.start >= outer.start && span.end <= outer.end;
}

/** Structural invariants of any result: spans inside the text, raw text equal to the source slice, nesting by span. */
function checkInvariants(result: NginxParseResult, texts: Record<string, string>): void {
	for (const { directive, ancestors } of walkDirectives(result.ast.directives)) {
		const text = texts[directive.file];
		assert.ok(text !== undefined, `unknown file ${directive.file}`);
		const whole = { start: 0, end: text.length };
		assert.ok(directive.span.start <= directive.span.end && within(directive.span, whole));
		assert.ok(within(directive.nameSpan, directive.span), 'name inside the directive');
		for (const arg of directive.args) {
			assert.ok(within(arg.span, directive.span), 'argument inside the directive');
			assert.equal(arg.raw, text.slice(arg.span.start, arg.span.end));
			for (const variable of arg.variables) {
				assert.ok(within(variable.span, arg.span), 'variable inside its argument');
				assert.equal(text[variable.span.start], '$');
			}
		}
		if (directive.blockSpan) assert.ok(within(directive.blockSpan, directive.span), 'block inside the directive');
		const parent: Directive | undefined = ancestors[ancestors.length - 1];
		if (parent && parent.file === directive.file && !directive.via) assert.ok(within(directive.span, parent.blockSpan!), 'child inside the parent block');
	}
	for (const error of result.errors) {
		const text = error.code === 'limit' ? '' : texts[error.file];
		if (text === undefined) continue;
		assert.ok(error.span.start <= error.span.end && error.span.end <= Math.max(text.length, error.span.end));
		assert.equal(typeof error.message, 'string');
	}
}

/** Pieces that exercise every branch of the tokenizer. */
const piece = fc.constantFrom(
	'{', '}', ';', '"', '\'', '\\', '#', '$', '${', '}', ')', ' ', '\t', '\n', '\r', '\r\n', '\0', '\uFEFF', 'é', '😀', '\uD800',
	'location', 'server', 'proxy_pass', 'proxy_set_header', 'include', 'x.conf', '*.conf', 'a', '$host', '"q"', '\'s\'',
	'b {\n', 'c {', ' }\n', 'd;\n', 'e f;',
);
const soup = fc.array(piece, { maxLength: 200 }).map((pieces) => pieces.join(''));

/** Insert, delete or replace random stretches of a valid fixture. */
const mutatedFixture = fc
	.tuple(
		fc.constantFrom(...fixtureTexts),
		fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(soup, fc.string({ unit: 'binary', maxLength: 8 }))), { minLength: 1, maxLength: 6 }),
	)
	.map(([text, edits]) => {
		let result = text;
		for (const [at, remove, insert] of edits) {
			const position = at % (result.length + 1);
			result = result.slice(0, position) + insert + result.slice(position + remove);
		}
		return result;
	});

function parseChecked(text: string, limits?: Partial<NginxLimits>): NginxParseResult {
	const result = parseNginx(text, { file: '/p/nginx.conf', limits });
	checkInvariants(result, { '/p/nginx.conf': text });
	return result;
}

describe('parseNginx properties', () => {
	it('should never throw on random strings and keep its invariants', () => {
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => void parseChecked(text)), { numRuns: 300 });
	});

	it('should never throw on token soup and keep its invariants', () => {
		fc.assert(fc.property(soup, (text) => void parseChecked(text)), { numRuns: 400 });
	});

	it('should never throw on mutated fixtures and keep its invariants', () => {
		fc.assert(fc.property(mutatedFixture, (text) => void parseChecked(text)), { numRuns: 300 });
	});

	it('should keep its invariants when blocks go past a tiny nesting limit', () => {
		const blocks = fc.array(fc.constantFrom('a {', 'b "{" {', 'c;', '}', '}', '\n', '{', ';'), { maxLength: 60 }).map((pieces) => pieces.join(' '));
		fc.assert(fc.property(blocks, (text) => void parseChecked(text, { maxNesting: 2 })), { numRuns: 300 });
	});

	it('should give the same result for the same input', () => {
		fc.assert(fc.property(soup, (text) => assert.deepEqual(parseNginx(text), parseNginx(text))), { numRuns: 100 });
	});

	it('should always terminate on random include graphs', () => {
		const file = fc.constantFrom('/c/a.conf', '/c/b.conf', '/c/sub/c.conf');
		const content = fc.array(fc.oneof(piece, fc.constantFrom('include a.conf;', 'include b.conf;', 'include sub/*.conf;', 'include *.conf;', 'include ../c/a.conf;', 'server {', '}')), { maxLength: 20 }).map((pieces) => pieces.join('\n'));
		fc.assert(
			fc.property(fc.dictionary(file, content), content, (files, main) => {
				const result = parseNginx(main, { ...memoryIo(files), file: '/c/nginx.conf' });
				checkInvariants(result, { ...files, '/c/nginx.conf': main });
			}),
			{ numRuns: 200 },
		);
	});

	describe('speed', () => {
		const size = 100_000;
		const random = fc.sample(fc.string({ unit: 'binary', minLength: size, maxLength: size }), 1)[0]!;
		const inputs: Record<string, string> = {
			'random text': random,
			'random bytes as latin1': Buffer.from(Array.from({ length: size }, (_, i) => (i * 7919 + 13) % 256)).toString('latin1'),
			'only "{"': '{'.repeat(size),
			'only "}"': '}'.repeat(size),
			'only ";"': ';'.repeat(size),
			'unterminated quotes': 'a "\n'.repeat(size / 4),
			'alternating quotes': '"\''.repeat(size / 2),
			'nested blocks': 'a {'.repeat(size / 3),
			'backslashes': '\\'.repeat(size),
			'variables': '${'.repeat(size / 2),
			'one long comment': `#${'x'.repeat(size)}`,
			'many short directives': 'a b;\n'.repeat(size / 5),
			'long unterminated statement': 'proxy_pass x\n'.repeat(size / 13),
		};
		for (const [name, text] of Object.entries(inputs)) {
			it(`should parse 100 KB of ${name} in well under a second`, () => {
				// Best of two runs, so that one garbage collection or a busy machine does not decide.
				let best = Infinity;
				for (let run = 0; run < 2; run++) {
					const started = performance.now();
					parseNginx(text, { file: '/p/nginx.conf' });
					best = Math.min(best, performance.now() - started);
				}
				assert.ok(best < 500, `${best.toFixed(0)} ms`);
			});
		}
	});
});
