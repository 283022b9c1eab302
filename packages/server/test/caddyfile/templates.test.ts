import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDirectives, lexCaddyfile, parseCaddyfile } from '../../src/analysis/formats/caddyfile/index.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules', 'syntax', 'templated', 'fire-caddy-compose-go', 'Caddyfile');

describe('parseCaddyfile with template markup', () => {
	it('should read a Go-template Caddyfile (range, if, values) without one syntax error', () => {
		const result = parseCaddyfile(readFileSync(fixture, 'utf8'), { file: '/etc/caddy/Caddyfile' });
		assert.deepEqual(result.errors, []);
		const sites = result.ast.items.filter((item) => item.kind === 'site');
		assert.deepEqual(sites.map((site) => site.kind === 'site' && site.addresses.map((address) => address.text)), [['{{ .Domain }}'], ['music.example.com']]);
		assert.ok(result.ast.items.some((item) => item.kind === 'global'));
		const proxies = findDirectives(result.ast, 'reverse_proxy').map((visit) => visit.directive.args.map((arg) => arg.text));
		assert.deepEqual(proxies, [['{{ .Upstream }}:{{ .Port | default "8080" }}'], ['navidrome:4533']]);
		const auth = findDirectives(result.ast, 'forward_auth')[0]!.directive;
		assert.deepEqual(auth.block!.directives.map((directive) => directive.name), ['uri', 'copy_headers']);
	});

	it('should keep markup inside a line as part of one token, quotes and braces included', () => {
		const { tokens, errors } = lexCaddyfile('respond "a {{ .X | printf "%s" }} b" 200\nreverse_proxy {{ .Up }}\n', { file: '/C' });
		assert.deepEqual(errors, []);
		assert.deepEqual(tokens.map((token) => token.text), ['respond', 'a {{ .X | printf "%s" }} b', '200', 'reverse_proxy', '{{ .Up }}']);
		assert.deepEqual(tokens.map((token) => token.line), [1, 1, 1, 2, 2]);
	});

	it('should read lines of markup alone as blank, keeping the line numbers', () => {
		const { tokens, errors } = lexCaddyfile('a {\n{{- if .X }}\n\tb\n{{- end }}\n}\n', { file: '/C' });
		assert.deepEqual(errors, []);
		assert.deepEqual(tokens.map((token) => [token.text, token.line]), [['a', 1], ['{', 1], ['b', 3], ['}', 5]]);
	});

	it('should keep Caddy placeholders and env substitution as Caddy reads them', () => {
		const { tokens } = lexCaddyfile('header_up X-User {http.request.header.X-User}\nreverse_proxy {env.UP} {$HOST}\n', { file: '/C', env: { HOST: 'navidrome:4533' } });
		assert.deepEqual(tokens.map((token) => token.text), ['header_up', 'X-User', '{http.request.header.X-User}', 'reverse_proxy', '{env.UP}', 'navidrome:4533']);
		const result = parseCaddyfile('site {\n\t{\n}\n', { file: '/C' });
		assert.ok(result.errors.length > 0, 'an unbalanced block without markup is still an error');
	});
});
