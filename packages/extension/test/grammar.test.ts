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

/** The smaller grammars this extension contributes for languages VS Code does not ship. */
for (const [language, scopeName] of [
	['apacheconf', 'source.apacheconf'],
	['haproxy', 'source.haproxy'],
] as const) {
	describe(`${language} grammar`, () => {
		const other = JSON.parse(readFileSync(new URL(`../syntaxes/${language}.tmLanguage.json`, import.meta.url), 'utf8')) as typeof grammar;
		const rule = (name: string, key: 'match' | 'begin' = 'match'): RegExp => {
			const source = other.repository[name]?.[key];
			assert.ok(source, `${name}.${key}`);
			return new RegExp(source);
		};

		it('should only include rules it defines, and compile every expression in linear time', () => {
			assert.equal(other.scopeName, scopeName);
			const walk = (patterns: Pattern[] | undefined): void => {
				for (const pattern of patterns ?? []) {
					if (pattern.include) assert.ok(other.repository[pattern.include.slice(1)], pattern.include);
					walk(pattern.patterns);
				}
			};
			walk(other.patterns);
			for (const entry of Object.values(other.repository)) walk(entry.patterns);
			const lines = ['a  '.repeat(20000), `\t${'-'.repeat(50000)}`, `<${'a'.repeat(50000)}`, `%{${'a'.repeat(50000)}`, `%[${'('.repeat(50000)}`];
			const started = performance.now();
			for (const entry of Object.values(other.repository)) {
				for (const source of [entry.match, entry.begin, entry.end]) {
					if (!source) continue;
					const expression = new RegExp(source);
					for (const line of lines) expression.exec(line);
				}
			}
			assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
		});

		if (language === 'apacheconf') {
			it('should tell sections, directives, variables and flags', () => {
				assert.equal(rule('section', 'begin').exec('<VirtualHost *:80>')?.[2], 'VirtualHost');
				assert.equal(rule('section', 'begin').exec('  </Location>')?.[2], 'Location');
				assert.equal(rule('directive', 'begin').exec('    RequestHeader unset Remote-User early')?.[1], 'RequestHeader');
				assert.ok(rule('comment').test('  # ProxyPass / http://navidrome:4533/'));
				assert.equal(rule('comment').test('Header set X "a # b"'), false);
				for (const variable of ['%{REMOTE_USER}e', '%{OIDC_CLAIM_email}s', '${NAVIDROME}', '%{HTTP:X-User}']) assert.equal(rule('variable').exec(` ${variable} `)?.[0], variable);
				assert.equal(rule('flags').exec('RewriteRule ^/(.*) http://navidrome:4533/$1 [P,L]')?.[0], '[P,L]');
			});
		} else {
			it('should tell sections, keywords, samples and conditions', () => {
				const section = rule('section').exec('backend navidrome');
				assert.equal(section?.[1], 'backend');
				assert.equal(section?.[2]?.trim(), 'navidrome');
				assert.equal(rule('section').exec('    backend x'), null);
				assert.equal(rule('directive', 'begin').exec('    http-request del-header Remote-User')?.[1], 'http-request');
				assert.equal(rule('sample').exec('set-header Remote-User %[var(req.auth_response_header.remote_user)] if ok')?.[0], '%[var(req.auth_response_header.remote_user)]');
				assert.equal(rule('condition').exec('use_backend b if is_rest')?.[0], 'if');
				assert.ok(rule('comment').test('    server s1 127.0.0.1:4533 # music'));
			});
		}
	});
}
