import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { iterateDirectives, parseCaddyfile, type CaddyfileParseResult, type Token } from '../../src/analysis/formats/caddyfile/index.js';
import type { Span } from '../../src/analysis/text.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/caddyfile/parser/', import.meta.url));
const fixtureTexts = readdirSync(fixtureDir)
	.filter(name => name.endsWith('.Caddyfile'))
	.sort()
	.map(name => readFileSync(`${fixtureDir}${name}`, 'utf8'));

/** Characters that drive the grammar, so random text exercises every branch. */
const grammarChars = ['{', '}', '"', '`', '\\', '#', '<', '<<', '\n', '\r\n', ' ', '\t', '$', '@', ',', ':', '(', ')', '&', 'import', '{$A}', '{args[0]}', '{args.0}', '{block}', 'EOF', 'a', '/', '*', '\u00a0', '\ufeff', '\0'];
const grammarText = fc.array(fc.constantFrom(...grammarChars), { maxLength: 300 }).map(parts => parts.join(''));

/** Every span of the result lies inside the text of its file. */
function assertSpansInside(result: CaddyfileParseResult, lengths: Map<string, number>): void {
	const check = (span: Span, file: string): void => {
		const length = lengths.get(file);
		assert.ok(length !== undefined, `unknown file ${file}`);
		assert.ok(span.start >= 0 && span.start <= span.end && span.end <= length, `bad span ${JSON.stringify(span)} in ${file} (${length})`);
	};
	const token = (item: Token): void => check(item.span, item.file);
	for (const error of result.errors) check(error.span, error.file);
	for (const feature of result.features) check(feature.span, feature.file);
	for (const item of result.ast.items) {
		check(item.span, item.file);
		check(item.block.span, item.block.file);
	}
	for (const { directive } of iterateDirectives(result.ast, { snippets: true })) {
		check(directive.span, directive.file);
		token(directive.nameToken);
		directive.args.forEach(token);
		for (const entry of directive.matcherDefinition?.matchers ?? []) check(entry.span, entry.file);
	}
}

function parseChecked(text: string, imported: Record<string, string> = {}, env?: Record<string, string>): CaddyfileParseResult {
	const result = parseCaddyfile(text, { file: '/c/Caddyfile', env, readFile: path => imported[path], listFiles: () => Object.keys(imported) });
	const lengths = new Map<string, number>([['/c/Caddyfile', text.length], ...Object.entries(imported).map(([path, content]) => [path, content.length] as [string, number])]);
	assertSpansInside(result, lengths);
	return result;
}

describe('parseCaddyfile properties', () => {
	it('should never throw on random Unicode strings', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 400 }), text => {
				parseChecked(text);
			}),
			{ numRuns: 300 },
		);
	});

	it('should never throw on random bytes decoded as UTF-8 or Latin-1', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 400 }), bytes => {
				parseChecked(Buffer.from(bytes).toString('utf8'));
				parseChecked(Buffer.from(bytes).toString('latin1'));
			}),
			{ numRuns: 200 },
		);
	});

	it('should never throw on grammar-heavy text, with imports and an environment', () => {
		fc.assert(
			fc.property(grammarText, grammarText, fc.boolean(), (text, imported, withEnv) => {
				parseChecked(`import /c/inc\n${text}`, { '/c/inc': imported, '/c/glob': text }, withEnv ? { A: imported.slice(0, 20) } : undefined);
			}),
			{ numRuns: 300 },
		);
	});

	it('should never throw on mutations of the fixtures', () => {
		const mutation = fc.record({ position: fc.nat(), remove: fc.nat({ max: 4 }), insert: fc.array(fc.constantFrom(...grammarChars), { maxLength: 4 }) });
		fc.assert(
			fc.property(fc.constantFrom(...fixtureTexts), fc.array(mutation, { minLength: 1, maxLength: 6 }), (fixture, mutations) => {
				let text = fixture;
				for (const { position, remove, insert } of mutations) {
					const at = position % (text.length + 1);
					text = text.slice(0, at) + insert.join('') + text.slice(at + remove);
				}
				parseChecked(text);
			}),
			{ numRuns: 300 },
		);
	});

	it('should parse 100 KB of random input in well under a second', () => {
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...grammarChars, 'respond', 'handle', '@m', 'path', '/x'), { minLength: 40_000, maxLength: 40_000 }), parts => {
				const text = parts.join('').slice(0, 100_000).padEnd(100_000, 'x ');
				const started = performance.now();
				parseCaddyfile(text);
				const elapsed = performance.now() - started;
				assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
			}),
			{ numRuns: 5 },
		);
	});

	it('should parse pathological 100 KB inputs in well under a second', () => {
		const inputs = [
			'{'.repeat(100_000),
			'}\n'.repeat(50_000),
			'"'.repeat(100_000),
			`x <<${'A'.repeat(50_000)}\n${'A'.repeat(49_990)}`,
			'{$'.repeat(50_000),
			`${'{$A:'.repeat(20_000)}}`,
			'\\\n'.repeat(50_000),
			'a {\n'.repeat(25_000),
			`(s) {\n\trespond {args.0}${'{'.repeat(50_000)}}\n}\n:80 {\n\timport s x\n}\n`,
			'# \\\n'.repeat(25_000),
		];
		for (const text of inputs) {
			const started = performance.now();
			const result = parseCaddyfile(text);
			const elapsed = performance.now() - started;
			assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 20))}`);
			assert.ok(Array.isArray(result.errors));
		}
	});
});
