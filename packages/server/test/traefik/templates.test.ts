import assert from 'node:assert/strict';
import { parseTraefikFile, readDynamic } from '../../src/analysis/formats/traefik/index.js';

describe('Traefik files with template markup', () => {
	it('should read a Jinja-templated YAML dynamic config without syntax errors, values as written', () => {
		const text = [
			'http:',
			'  routers:',
			'{% for site in sites %}',
			'    {{ site.name }}:',
			'      rule: Host(`{{ site.host }}`) && PathPrefix(`/`)',
			'      service: {{ site.service }}',
			'      middlewares: [{{ site.auth | default("authelia") }}]',
			'{% endfor %}',
			'    navidrome:',
			'      rule: Host(`music.example.com`)',
			'      service: navidrome',
			'  services:',
			'    navidrome:',
			'      loadBalancer:',
			'        servers:',
			'          - url: http://navidrome:4533',
			'',
		].join('\n');
		const { file, errors } = parseTraefikFile('/w/traefik/dynamic/navidrome.yml', text);
		assert.deepEqual(errors, []);
		const dynamic = readDynamic(file.root);
		assert.deepEqual(dynamic.routers.map((router) => [router.name, router.rule?.value, router.service?.value]), [
			['{{ site.name }}', 'Host(`{{ site.host }}`) && PathPrefix(`/`)', '{{ site.service }}'],
			['navidrome', 'Host(`music.example.com`)', 'navidrome'],
		]);
		assert.equal(dynamic.services[0]?.servers[0]?.url?.value, 'http://navidrome:4533');
	});

	it('should read a Go-templated TOML dynamic config without syntax errors', () => {
		const text = [
			'{{- /* rendered by confd */ -}}',
			'[http.routers.navidrome]',
			'  rule = "Host(`{{ getv "/domain" }}`)"',
			'  service = "navidrome"',
			'  priority = {{ getv "/priority" }}',
			'{{- if exists "/tls" }}',
			'  [http.routers.navidrome.tls]',
			'{{- end }}',
			'[[http.services.navidrome.loadBalancer.servers]]',
			'  url = "http://navidrome:4533"',
			'',
		].join('\n');
		const { file, errors } = parseTraefikFile('/w/traefik/dynamic/navidrome.toml', text);
		assert.deepEqual(errors, []);
		const dynamic = readDynamic(file.root);
		assert.equal(dynamic.routers[0]?.service?.value, 'navidrome');
		assert.equal(dynamic.routers[0]?.rule?.value, 'Host(`{{ getv "/domain" }}`)');
		assert.equal(dynamic.services[0]?.servers[0]?.url?.value, 'http://navidrome:4533');
	});

	it('should still report syntax errors away from the markup', () => {
		const { errors } = parseTraefikFile('/w/traefik/dynamic/x.toml', '{% if x %}\n[http.routers.a\nrule = "{{ r }}"\n');
		assert.equal(errors.length, 1);
	});
});
