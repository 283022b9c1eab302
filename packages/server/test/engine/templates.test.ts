/** Template markup (formats/template.ts) through the scanner, the compose and navidrome.toml readers and the engine. */
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../../src/analysis/engine.js';
import { parseCompose } from '../../src/analysis/formats/compose/parse.js';
import { findTemplates, maskTemplates } from '../../src/analysis/formats/template.js';
import { navidromeTomlHandler } from '../../src/analysis/formats/toml/handler.js';
import { fixtureWorkspace, readFixtureFolder } from '../harness/fixtures.js';

const templated = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules', 'syntax', 'templated');

function analyzeFolder(name: string) {
	const folder = join(templated, name);
	const files = readFixtureFolder(folder);
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files, folder), options: {} });
	return result.findings.map((finding) => ({ ...finding, where: `${relative(folder, finding.file)}:${finding.range.start.line + 1}` }));
}

describe('findTemplates(text)', () => {
	it('should find Go-template, Jinja and __NAME__ markup, and tell lines of markup alone', () => {
		const text = '{% if a %}\nx {{ .B }} y\n  {{- end }} {# c #}\nport __PORT__\n{{/* note */}}\n';
		const spans = findTemplates(text);
		assert.deepEqual(spans.map((span) => [text.slice(span.start, span.end), span.kind, span.line]), [
			['{% if a %}', 'control', true],
			['{{ .B }}', 'expression', false],
			['{{- end }}', 'control', true],
			['{# c #}', 'comment', true],
			['__PORT__', 'placeholder', false],
			['{{/* note */}}', 'comment', true],
		]);
		const masked = maskTemplates(text, spans, 'fill');
		assert.equal(masked.length, text.length);
		assert.equal(masked, `${' '.repeat(10)}\nx ________ y\n${' '.repeat(20)}\nport __PORT__\n${' '.repeat(14)}\n`);
	});

	it('should leave one-brace syntax alone: Caddy placeholders, nginx and Compose variables, a `{#` nginx comment', () => {
		for (const text of ['{http.request.header.X-User} {$ENV} {env.X} {args[0]}', '${host} $remote_addr ${VAR:-x}', 'server {# main\n  listen 80;\n}\n', 'a__B__c __lower__ _X_']) {
			assert.deepEqual(findTemplates(text), [], text);
		}
	});

	it('should take linear time on hostile input', () => {
		for (const text of ['{{'.repeat(200_000), '{{ a '.repeat(100_000) + '}}', '{#'.repeat(200_000), '__A'.repeat(200_000)]) {
			const started = performance.now();
			findTemplates(text);
			assert.ok(performance.now() - started < 2000, `${text.slice(0, 10)}… took too long`);
		}
	});
});

describe('compose and navidrome.toml with template markup', () => {
	it('should read a Go-templated compose file without syntax errors, values as written', () => {
		const text = [
			'services:',
			'  navidrome:',
			'    image: deluan/navidrome:{{ .Version }}',
			'{{- if .Ports }}',
			'    ports:',
			'      - "{{ .Port }}:4533"',
			'{{- end }}',
			'    environment:',
			'      ND_DATAFOLDER: {{ .DataDir }}',
			'      ND_LOGLEVEL: "{{ .Level | default "info" }}"',
			'{{- range $k, $v := .Env }}',
			'      {{ $k }}: {{ $v }}',
			'{{- end }}',
			'    volumes:',
			'      - {{ .DataDir }}/data:/data',
			'',
		].join('\n');
		const compose = parseCompose('/w/compose.yaml', text);
		assert.deepEqual(compose.errors, []);
		assert.deepEqual(compose.interpolationProblems, [], '`$k` and `$v` are the template\'s variables');
		const service = compose.services[0]!;
		assert.equal(service.image?.value, 'deluan/navidrome:{{ .Version }}');
		assert.deepEqual(service.ports.map((port) => port.raw), ['{{ .Port }}:4533']);
		assert.deepEqual(service.environment.map((entry) => [entry.key, entry.value]), [
			['ND_DATAFOLDER', '{{ .DataDir }}'],
			['ND_LOGLEVEL', '{{ .Level | default "info" }}'],
			// Compose's interpolation still reads `$v`; the value stays markup, and no problem is reported for it.
			['{{ $k }}', '{{  }}'],
		]);
		assert.ok(service.environment[0]!.verbatim);
		assert.deepEqual(service.volumes.map((volume) => volume.target), ['/data']);
	});

	it('should still report YAML errors away from the markup', () => {
		const compose = parseCompose('/w/compose.yaml', 'services:\n  a: {{ x }}\n  b: [unclosed\n');
		assert.equal(compose.errors.length > 0, true);
	});

	it('should read a templated navidrome.toml without syntax errors, and keep real ones', () => {
		const parse = (text: string) => navidromeTomlHandler.parse({ path: '/w/navidrome.toml', kind: 'navidrome-toml', text } as never, {} as never).errors;
		assert.deepEqual(parse('# {{ ansible_managed }}\nPort = {{ port }}\n{% if tls %}\nTLSCert = "{{ cert | default("x") }}"\n{% endif %}\nMusicFolder = __MUSIC__\n'), []);
		assert.equal(parse('{% if x %}\nPort = = 1\n').length, 1);
	});
});

describe('template-heavy deployments through the engine', () => {
	it('should give no syntax error for a template-heavy nginx config, and still find the bypass written plainly', () => {
		const findings = analyzeFolder('fire-nginx-jinja');
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'syntax/parse-error').map((finding) => `${finding.where} ${finding.message}`), []);
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'syntax/templated').map((finding) => finding.where), ['nginx.conf:1']);
		// `location /rest/` forwards the client's own Remote-User; `location /{{ app.path }}/` links to nothing.
		assert.deepEqual(findings.filter((finding) => finding.ruleId.startsWith('route/')).map((finding) => [finding.ruleId, finding.where]), [['route/bypass-nostrip', 'nginx.conf:58']]);
	});

	it('should give no syntax error for a Go-templated Caddyfile and compose file, and still find the docs example\'s gap', () => {
		const findings = analyzeFolder('fire-caddy-compose-go');
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'syntax/parse-error').map((finding) => `${finding.where} ${finding.message}`), []);
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'compose/variable').map((finding) => finding.where), []);
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'syntax/templated').map((finding) => finding.where).sort(), ['Caddyfile:1', 'compose.yaml:1']);
		assert.deepEqual(findings.filter((finding) => finding.ruleId.startsWith('route/')).map((finding) => [finding.ruleId, finding.where]), [['route/bypass-nostrip', 'Caddyfile:19']]);
	});

	it('should give no syntax error for templated navidrome.toml and Traefik files', () => {
		const findings = analyzeFolder('fire-toml-traefik');
		assert.deepEqual(findings.filter((finding) => finding.ruleId === 'syntax/parse-error').map((finding) => `${finding.where} ${finding.message}`), []);
		assert.equal(findings.filter((finding) => finding.ruleId === 'syntax/templated').length, 2);
	});
});
