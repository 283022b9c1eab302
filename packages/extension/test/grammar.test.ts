import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

type Pattern = { match?: string; begin?: string; end?: string; patterns?: Pattern[]; include?: string };
const grammar = JSON.parse(readFileSync(new URL('../syntaxes/caddyfile.tmLanguage.json', import.meta.url), 'utf8')) as {
	scopeName: string;
	patterns: Pattern[];
	repository: Record<string, Pattern>;
};

/** The grammar's Oniguruma expressions use only syntax JavaScript shares, so they can be checked here. */
function regex(name: string, key: 'match' | 'begin' = 'match'): RegExp {
	const source = grammar.repository[name]?.[key];
	assert.ok(source, `${name}.${key}`);
	return new RegExp(source);
}

describe('caddyfile grammar', () => {
	it('should only include rules it defines', () => {
		const walk = (patterns: Pattern[] | undefined): void => {
			for (const pattern of patterns ?? []) {
				if (pattern.include) assert.ok(grammar.repository[pattern.include.slice(1)], pattern.include);
				walk(pattern.patterns);
			}
		};
		walk(grammar.patterns);
		for (const rule of Object.values(grammar.repository)) walk(rule.patterns);
		assert.equal(grammar.scopeName, 'source.caddyfile');
	});

	it('should compile every expression', () => {
		for (const [name, rule] of Object.entries(grammar.repository)) {
			for (const key of ['match', 'begin', 'end'] as const) {
				if (rule[key]) assert.doesNotThrow(() => new RegExp(rule[key] ?? ''), `${name}.${key}`);
			}
		}
	});

	it('should tell site addresses from directives', () => {
		assert.equal(regex('site-address').exec('music.example.com {')?.[1], 'music.example.com');
		assert.equal(regex('site-address').exec(':443, example.com {')?.[1], ':443, example.com');
		assert.equal(regex('site-address').exec('\troute {'), null);
		assert.equal(regex('site-address').exec('# comment {'), null);
		assert.equal(regex('directive', 'begin').exec('\trequest_header -Remote-User')?.[1], 'request_header');
		assert.equal(regex('directive', 'begin').exec('\t\tforward_auth @protected authelia:9091 {')?.[1], 'forward_auth');
	});

	it('should find comments, placeholders, matchers and header operations', () => {
		assert.ok(regex('comment').test('# 1. Always drop the header'));
		assert.ok(regex('comment').test('\treverse_proxy x # trailing'));
		assert.equal(regex('comment').test('respond "a#b"x#y'), false);
		for (const placeholder of ['{http.request.header.Remote-User}', '{$CADDY_IP}', '{$PORT:8080}', '{args[0]}', '{rp.header.Remote-User}']) {
			assert.equal(regex('placeholder').exec(` ${placeholder} `)?.[0], placeholder);
		}
		assert.equal(regex('matcher').exec('forward_auth @protected x')?.[0], '@protected');
		assert.equal(regex('matcher').exec('user@example.com'), null);
		assert.equal(regex('header-operation').exec('request_header -Remote-User')?.[0], '-Remote-User');
	});

	it('should scan long lines in linear time', () => {
		const lines = ['a  '.repeat(20000), `${'x,'.repeat(20000)} `, `{${'a'.repeat(50000)}`, `\t${'-'.repeat(50000)}`];
		const started = performance.now();
		for (const line of lines) {
			for (const rule of Object.values(grammar.repository)) {
				for (const source of [rule.match, rule.begin]) if (source) new RegExp(source).exec(line);
			}
		}
		assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
	});
});
