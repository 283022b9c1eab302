import assert from 'node:assert/strict';
import { parseCompose } from '../../src/analysis/formats/compose/parse.js';
import type { ComposeService } from '../../src/analysis/formats/compose/types.js';
import {
	decodeLabels,
	field,
	fieldPath,
	readDynamic,
	readEnvConfig,
	readFlags,
	readList,
	readStatic,
	parseTraefikFile,
	type DynamicConfig,
} from '../../src/analysis/formats/traefik/index.js';

function service(text: string, name = 'navidrome'): { text: string; service: ComposeService } {
	const compose = parseCompose('/w/compose.yaml', text);
	const found = compose.services.find((candidate) => candidate.name === name);
	assert.ok(found, `service ${name}`);
	return { text, service: found };
}

function labels(lines: string, form: 'map' | 'list' = 'map'): DynamicConfig & { error: string | undefined } {
	const { text, service: svc } = service(`services:\n  navidrome:\n    labels:\n${lines}`);
	const decoded = decodeLabels('/w/compose.yaml', text, svc.labels);
	assert.ok(svc.labels.every((entry) => entry.form === form));
	return { ...readDynamic(decoded.root), error: decoded.error?.message };
}

/** Routers, middlewares and services as plain data, to compare the forms Traefik accepts. */
function summary(config: DynamicConfig): unknown {
	return {
		routers: config.routers.map((router) => ({ name: router.name, rule: router.rule?.value, middlewares: router.middlewares?.items.map((item) => item.value), service: router.service?.value, priority: router.priority?.value })),
		middlewares: config.middlewares.map((middleware) => ({
			name: middleware.name,
			kind: middleware.kind,
			headers: middleware.customRequestHeaders.map((entry) => [entry.name, entry.value?.value]),
			authResponseHeaders: middleware.forwardAuth?.authResponseHeaders?.items.map((item) => item.value),
		})),
		services: config.services.map((svc) => ({ name: svc.name, urls: svc.servers.map((server) => server.url?.value) })),
	};
}

describe('traefik formats', () => {
	describe('decodeLabels', () => {
		it('should fold field names case-insensitively and keep header names as written', () => {
			const config = labels(
				[
					'      traefik.http.middlewares.auth.forwardAuth.address: http://authelia:9091',
					'      traefik.http.middlewares.auth.forwardauth.AUTHRESPONSEHEADERS: Remote-User, Remote-Groups',
					'      traefik.http.Middlewares.strip.Headers.CustomRequestHeaders.X-Remote-User: ""',
					'      traefik.http.routers.nd.Rule: Host(`a`)',
					'      traefik.http.routers.nd.MIDDLEWARES: strip,auth@docker',
				].join('\n'),
			);
			assert.equal(config.error, undefined);
			assert.deepEqual(summary(config), {
				routers: [{ name: 'nd', rule: 'Host(`a`)', middlewares: ['strip', 'auth@docker'], service: undefined, priority: undefined }],
				// Sorted key order: `Middlewares` (upper case) comes before `middlewares` and names the merged node.
				middlewares: [
					{ name: 'strip', kind: 'headers', headers: [['X-Remote-User', '']], authResponseHeaders: undefined },
					{ name: 'auth', kind: 'forwardAuth', headers: [], authResponseHeaders: ['Remote-User', 'Remote-Groups'] },
				],
				services: [],
			});
		});

		it('should merge segments that differ only in case, naming the node by the first spelling in sorted order', () => {
			const config = labels(['      traefik.http.routers.Public.rule: Host(`a`)', '      traefik.http.routers.public.priority: "5"'].join('\n'));
			assert.equal(config.routers.length, 1);
			assert.equal(config.routers[0]!.name, 'Public');
			assert.equal(config.routers[0]!.priority?.value, '5');
		});

		it('should read a compose null value as "" (remove the header), in map and list form', () => {
			const map = labels('      traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User:');
			assert.deepEqual(map.middlewares[0]!.customRequestHeaders.map((entry) => [entry.name, entry.value?.value, entry.value?.isNull]), [['Remote-User', '', true]]);
			const list = labels('      - traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User=', 'list');
			assert.deepEqual(list.middlewares[0]!.customRequestHeaders.map((entry) => [entry.name, entry.value?.value]), [['Remote-User', '']]);
		});

		it('should give list items exact spans inside the label value', () => {
			const { text, service: svc } = service('services:\n  navidrome:\n    labels:\n      - traefik.http.routers.nd.middlewares=a, b@file\n');
			const router = readDynamic(decodeLabels('/w/compose.yaml', text, svc.labels).root).routers[0]!;
			for (const item of router.middlewares!.items) assert.equal(text.slice(item.location!.span.start, item.location!.span.end), item.value);
		});

		it('should reject the whole label set for a root that is not exactly `traefik` or an empty segment, as paerser does', () => {
			assert.match(labels('      Traefik.http.routers.nd.rule: Host(`a`)').error!, /invalid label root Traefik/);
			assert.match(labels('      traefik.http..routers.nd.rule: Host(`a`)').error!, /empty segment/);
			assert.equal(labels('      traefik.enable: "true"').error, undefined);
		});

		it('should turn `[0]` indexes into sequence items', () => {
			const config = labels('      traefik.http.services.nd.loadbalancer.servers[1].url: http://b:2\n      traefik.http.services.nd.loadbalancer.servers[0].url: http://a:1');
			assert.deepEqual(config.services[0]!.servers.map((server) => server.url?.value), ['http://a:1', 'http://b:2']);
		});
	});

	describe('file provider', () => {
		const yaml = [
			'http:',
			'  routers:',
			'    nd:',
			'      rule: "Host(`a`)"',
			'      Middlewares: [strip, "auth@docker"]',
			'      service: nd',
			'  middlewares:',
			'    strip:',
			'      headers:',
			'        customRequestHeaders:',
			'          Remote-User: ""',
			'  services:',
			'    nd:',
			'      loadBalancer:',
			'        servers:',
			'          - url: "http://navidrome:4533"',
			'',
		].join('\n');
		const toml = [
			'[http.routers.nd]',
			'  rule = "Host(`a`)"',
			"  Middlewares = ['strip', \"auth@docker\"]",
			'  service = "nd"',
			'[http.middlewares.strip.headers.customRequestHeaders]',
			'  Remote-User = ""',
			'[[http.services.nd.loadBalancer.servers]]',
			'  url = "http://navidrome:4533"',
			'',
		].join('\n');

		it('should read YAML and TOML into the same configuration', () => {
			const fromYaml = parseTraefikFile('/w/dynamic/a.yml', yaml);
			const fromToml = parseTraefikFile('/w/dynamic/a.toml', toml);
			assert.deepEqual(fromYaml.errors, []);
			assert.deepEqual(fromToml.errors, []);
			assert.ok(fromYaml.file.isDynamic && !fromYaml.file.isStatic);
			assert.deepEqual(summary(readDynamic(fromToml.file.root)), summary(readDynamic(fromYaml.file.root)));
		});

		it('should read TOML inline tables and arrays of inline tables', () => {
			const text = '[http.middlewares.auth]\n  forwardAuth = { address = "http://x", authResponseHeaders = ["Remote-User", \'X-Y\'] }\n[http.services.nd.loadBalancer]\n  servers = [ { url = "http://a:1" }, { url = "http://b:2" } ]\n';
			const config = readDynamic(parseTraefikFile('/w/dynamic/a.toml', text).file.root);
			assert.deepEqual(config.middlewares[0]!.forwardAuth?.authResponseHeaders?.items.map((item) => item.value), ['Remote-User', 'X-Y']);
			assert.deepEqual(config.services[0]!.servers.map((server) => server.url?.value), ['http://a:1', 'http://b:2']);
			for (const item of config.middlewares[0]!.forwardAuth!.authResponseHeaders!.items) assert.equal(text.slice(item.location!.span.start, item.location!.span.end), item.value);
		});

		it('should read a static file: entrypoint middlewares, forwarded headers, providers', () => {
			const file = parseTraefikFile('/w/traefik.yml', 'entryPoints:\n  websecure:\n    address: ":443"\n    asDefault: true\n    http:\n      middlewares: ["strip@file"]\n      tls: {}\n    forwardedHeaders:\n      trustedIPs: ["10.0.0.1"]\nproviders:\n  docker:\n    exposedByDefault: false\n').file;
			assert.ok(file.isStatic && !file.isDynamic);
			const config = readStatic(file.root);
			assert.deepEqual(
				config.entryPoints.map((entryPoint) => [entryPoint.name, entryPoint.asDefault, entryPoint.tls, entryPoint.middlewares?.items.map((item) => item.value), entryPoint.trustedIPs?.items.map((item) => item.value)]),
				[['websecure', true, true, ['strip@file'], ['10.0.0.1']]],
			);
			assert.equal(config.docker?.enabled, true);
			assert.equal(config.docker?.exposedByDefault?.value, 'false');
			assert.equal(config.file, undefined);
		});
	});

	describe('static configuration from the command line and the environment', () => {
		const compose = [
			'services:',
			'  traefik:',
			'    image: traefik:v3.7',
			'    command:',
			'      - --entryPoints.websecure.address=:443',
			'      - --entrypoints.websecure.http.middlewares=strip@file,other@docker',
			'      - --entrypoints.websecure.forwardedheaders.trustedips',
			'      - 10.0.0.0/8',
			'      - --providers.docker',
			'      - --providers.docker.exposedbydefault=false',
			'    environment:',
			'      TRAEFIK_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES: strip@file',
			'      TRAEFIK_PROVIDERS_FILE_DIRECTORY: /etc/traefik/dynamic',
			'',
		].join('\n');

		it('should read flags as paerser does: `=` values, a following value, bare boolean and section flags', () => {
			const { text, service: svc } = service(compose, 'traefik');
			const flags = readFlags('/w/compose.yaml', text, svc.command);
			const config = readStatic(flags.root);
			const websecure = config.entryPoints[0]!;
			assert.equal(websecure.name, 'websecure');
			assert.equal(websecure.address?.value, ':443');
			assert.deepEqual(websecure.middlewares?.items.map((item) => item.value), ['strip@file', 'other@docker']);
			assert.deepEqual(websecure.trustedIPs?.items.map((item) => item.value), ['10.0.0.0/8']);
			assert.equal(config.docker?.enabled, true);
			assert.equal(config.docker?.exposedByDefault?.value, 'false');
			for (const item of websecure.middlewares!.items) assert.equal(text.slice(item.location!.span.start, item.location!.span.end), item.value);
		});

		it('should split a string command on whitespace and spot --configFile', () => {
			const { text, service: svc } = service('services:\n  traefik:\n    image: traefik\n    command: --configFile=/etc/t.yml --entrypoints.web.address=:80\n', 'traefik');
			const flags = readFlags('/w/compose.yaml', text, svc.command);
			assert.equal(flags.configFile?.value, '/etc/t.yml');
			assert.equal(fieldPath(flags.root, 'entrypoints', 'web', 'address')?.scalar?.value, ':80');
		});

		it('should read TRAEFIK_* variables', () => {
			const { service: svc } = service(compose, 'traefik');
			const config = readStatic(readEnvConfig('/w/compose.yaml', svc.environment));
			assert.deepEqual(config.entryPoints.map((entryPoint) => [entryPoint.name, entryPoint.middlewares?.items.map((item) => item.value)]), [['web', ['strip@file']]]);
			assert.equal(config.file?.directory?.value, '/etc/traefik/dynamic');
			assert.equal(field(undefined, 'x'), undefined);
			assert.equal(readList(undefined), undefined);
		});
	});
});
