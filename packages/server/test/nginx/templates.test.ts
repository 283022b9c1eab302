import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNginx, walkDirectives, type Directive } from '../../src/analysis/formats/nginx/index.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules', 'syntax', 'templated', 'fire-nginx-jinja', 'nginx.conf');

function all(directives: readonly Directive[]): Directive[] {
	return [...walkDirectives(directives)].map((visit) => visit.directive);
}

describe('parseNginx with template markup', () => {
	it('should read a template-heavy Ansible (Jinja) config without one syntax error', () => {
		const text = readFileSync(fixture, 'utf8');
		assert.ok(text.split('\n').length >= 60);
		const { ast, errors } = parseNginx(text, { file: '/etc/nginx/nginx.conf' });
		assert.deepEqual(errors, []);
		const names = all(ast.directives).map((directive) => directive.name);
		// The plain structure is all there: both loops' bodies once, both branches of each `{% if %}`.
		for (const name of ['events', 'http', 'upstream', 'server', 'ssl_certificate', 'server_tokens', 'auth_request', 'auth_request_set']) assert.ok(names.includes(name), name);
		assert.equal(names.filter((name) => name === 'location').length, 4);
		const rest = all(ast.directives).find((directive) => directive.name === 'location' && directive.args[0]?.value === '/rest/');
		assert.deepEqual(rest?.block?.map((directive) => directive.name), ['proxy_set_header', 'proxy_pass']);
	});

	it('should keep inline markup as one opaque word, marked templated, whatever it holds', () => {
		const text = 'location / {\n\tproxy_pass http://{{ upstream }};\n\tproxy_set_header X-User "{{ user | default("a;b") }}";\n\tset $x {{ $port }}{% if tls %}s{% endif %};\n\tlisten __PORT__;\n\treturn 200 $host;\n}\n';
		const { ast, errors } = parseNginx(text, { file: '/x.conf' });
		assert.deepEqual(errors, []);
		const [proxyPass, setHeader, set, listen, ret] = ast.directives[0]!.block!;
		assert.equal(proxyPass!.args[0]!.value, 'http://{{ upstream }}');
		assert.equal(proxyPass!.args[0]!.templated, true);
		assert.equal(setHeader!.args[1]!.value, '{{ user | default("a;b") }}');
		assert.deepEqual(set!.args.map((arg) => arg.value), ['$x', '{{ $port }}{% if tls %}s{% endif %}']);
		// `$port` belongs to the template, `$x` to nginx.
		assert.deepEqual(set!.args.map((arg) => arg.variables.map((variable) => variable.name)), [['x'], []]);
		assert.equal(listen!.args[0]!.value, '__PORT__');
		assert.equal(listen!.args[0]!.templated, true);
		assert.equal(ret!.args[1]!.templated, undefined);
		assert.deepEqual(ret!.args[1]!.variables.map((variable) => variable.name), ['host']);
	});

	it('should read lines of markup alone as blank, so the blocks around them still balance', () => {
		const text = 'http {\n{% for s in servers %}\n  server {\n    {{ s.extra }}\n    listen {{ s.port }};\n  }\n{%- endfor %}\n{{- if .X }}\n  gzip on;\n{{- end }}\n}\n';
		const { ast, errors } = parseNginx(text, { file: '/x.conf' });
		assert.deepEqual(errors, []);
		assert.deepEqual(ast.directives[0]!.block!.map((directive) => directive.name), ['server', 'gzip']);
		assert.deepEqual(ast.directives[0]!.block![0]!.block!.map((directive) => directive.name), ['listen']);
	});

	it('should still report real syntax errors in a templated file', () => {
		const { errors } = parseNginx('{% if x %}\nserver {\n  listen {{ port }}\n  root /srv;\n{% endif %}\n', { file: '/x.conf' });
		assert.ok(errors.some((error) => /end of file/.test(error.message)), JSON.stringify(errors));
	});

	it('should treat nginx syntax that looks like markup as nginx: ${var}, a `{#` comment, regex braces', () => {
		const text = 'server {# main site\n\tlocation ~ "^/a{2}/" { return 404; }\n\tset $a ${host};\n}\n';
		const { ast, errors } = parseNginx(text, { file: '/x.conf' });
		assert.deepEqual(errors, []);
		const [location, set] = ast.directives[0]!.block!;
		assert.equal(location!.args[1]!.value, '^/a{2}/');
		assert.equal(set!.args[1]!.templated, undefined);
		assert.deepEqual(set!.args[1]!.variables.map((variable) => variable.name), ['host']);
	});
});
