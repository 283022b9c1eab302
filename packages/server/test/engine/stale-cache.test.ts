import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import type { WorkspaceView } from '../../src/analysis/files.js';
import { findRule } from '../../src/analysis/rules/index.js';
import type { Rule } from '../../src/analysis/rules/rule.js';

/**
A long-lived `Analyzer` (as the language server holds one) must see a change to any file a layer reads, not only to
the files it analyses: here an `env_file`, an nginx include reached through a bind mount, and files mounted into a
container (a navidrome.toml, Traefik's static file). None of these has a file kind of its own, so no parse lists it.
*/

/** Reports every route a proxy adapter found: which Navidrome it reaches and what happens to the user header. */
const routes: Rule = {
	id: 'test/routes',
	category: 'impersonation',
	severity: 'information',
	summary: 's',
	docs: 'd',
	inputs: ['caddyfile', 'compose', 'dotenv', 'navidrome-toml', 'nginx', 'traefik'],
	check({ deployment, report }) {
		for (const route of deployment.routes) report({ location: route.location, message: `${route.proxy} → ${route.target?.id ?? 'nothing'}: ${route.header.fate}` });
	},
};

/** A workspace whose files can change between analyses; `analysed` are the files handed to the analyzer. */
function project(files: Record<string, string>, analysed: string[]) {
	const workspace: WorkspaceView = { readFile: (path) => files[path], listFiles: () => [] };
	const analyzer = new Analyzer([routes, findRule('nd/trust-all')!]);
	return {
		files,
		messages(): string[] {
			const result = analyzer.analyze({ files: analysed.map((path) => ({ path, text: files[path]! })), workspace });
			return result.findings.map((finding) => `${finding.ruleId} ${finding.message}`);
		},
	};
}

const navidrome = '  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.16.0.0/12\n';

describe('Analyzer cache and files read behind the parse', () => {
	it('should see a changed Caddy env_file', () => {
		const w = project(
			{
				'/w/compose.yaml': `services:\n${navidrome}  caddy:\n    image: caddy:2.10.0\n    env_file: caddy.vars\n    volumes:\n      - ./Caddyfile:/etc/caddy/Caddyfile\n`,
				'/w/caddy.vars': 'UPSTREAM=navidrome:4533\n',
				'/w/Caddyfile': 'music.example.com {\n\treverse_proxy {env.UPSTREAM}\n}\n',
			},
			['/w/compose.yaml', '/w/Caddyfile'],
		);
		assert.ok(w.messages().some((message) => message.startsWith('test/routes caddy → navidrome')));
		w.files['/w/caddy.vars'] = 'UPSTREAM=whoami:80\n';
		assert.deepEqual(
			w.messages().filter((message) => message.startsWith('test/routes')),
			[],
			'the upstream no longer reaches Navidrome',
		);
		w.files['/w/caddy.vars'] = 'UPSTREAM=navidrome:4533\n';
		assert.ok(w.messages().some((message) => message.startsWith('test/routes caddy → navidrome')), 'and back');
	});

	it('should see a changed nginx include that only the model resolves (through a bind mount)', () => {
		const w = project(
			{
				'/w/compose.yaml': `services:\n${navidrome}  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./conf.d:/etc/nginx/conf.d\n      - ./snippets:/snippets\n`,
				'/w/conf.d/navidrome.conf': 'server {\n  listen 80;\n  location / {\n    include /snippets/navidrome.inc;\n  }\n}\n',
				'/w/snippets/navidrome.inc': 'proxy_set_header Remote-User "";\nproxy_pass http://navidrome:4533;\n',
			},
			['/w/compose.yaml', '/w/conf.d/navidrome.conf'],
		);
		assert.ok(w.messages().includes('test/routes nginx → navidrome: stripped'));
		w.files['/w/snippets/navidrome.inc'] = 'proxy_pass http://navidrome:4533;\n';
		assert.ok(w.messages().includes('test/routes nginx → navidrome: passthrough'), 'the strip is gone from the include');
	});

	it('should see a changed navidrome.toml mounted under another name', () => {
		const w = project(
			{
				'/w/compose.yaml': 'services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    volumes:\n      - ./nd-config.toml:/data/navidrome.toml\n',
				'/w/nd-config.toml': '[ExtAuth]\nTrustedSources = "10.0.0.0/8"\n',
			},
			['/w/compose.yaml'],
		);
		assert.ok(!w.messages().some((message) => message.startsWith('nd/trust-all')));
		w.files['/w/nd-config.toml'] = '[ExtAuth]\nTrustedSources = "0.0.0.0/0"\n';
		assert.ok(w.messages().some((message) => message.startsWith('nd/trust-all')), 'the mounted file now trusts everyone');
		w.files['/w/nd-config.toml'] = '[ExtAuth]\nTrustedSources = "10.0.0.0/8"\n';
		assert.ok(!w.messages().some((message) => message.startsWith('nd/trust-all')), 'and back');
	});

	it("should see a changed Traefik static file mounted under another name", () => {
		const labels = '    labels:\n      - traefik.http.routers.music.rule=Host(`music.example.com`)\n      - traefik.http.services.music.loadbalancer.server.port=4533\n';
		const w = project(
			{
				'/w/compose.yaml': `services:\n${navidrome}${labels}  traefik:\n    image: traefik:v3.4\n    volumes:\n      - ./static.yml:/etc/traefik/traefik.yml\n`,
				'/w/static.yml': 'entryPoints:\n  web:\n    address: ":80"\nproviders:\n  docker: {}\n',
			},
			['/w/compose.yaml'],
		);
		assert.ok(w.messages().some((message) => message.startsWith('test/routes traefik → navidrome')));
		w.files['/w/static.yml'] = 'entryPoints:\n  web:\n    address: ":80"\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n';
		assert.ok(!w.messages().some((message) => message.startsWith('test/routes')), 'the Docker provider is off: labels make no router');
	});
});

describe('Analyzer cache with files read behind the parse', () => {
	it('should still reuse rule results while nothing read has changed', () => {
		let runs = 0;
		const counting: Rule = { ...routes, id: 'test/count', check: () => void runs++ };
		const files: Record<string, string> = {
			'/w/compose.yaml': 'services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    volumes:\n      - ./nd-config.toml:/data/navidrome.toml\n',
			'/w/nd-config.toml': '[ExtAuth]\nTrustedSources = "10.0.0.0/8"\n',
		};
		const analyzer = new Analyzer([counting]);
		const analyse = () => analyzer.analyze({ files: [{ path: '/w/compose.yaml', text: files['/w/compose.yaml']! }], workspace: { readFile: (path) => files[path], listFiles: () => [] } });
		analyse();
		analyse();
		assert.equal(runs, 1, 'the mounted file is unchanged');
		files['/w/nd-config.toml'] = '[ExtAuth]\nTrustedSources = "0.0.0.0/0"\n';
		analyse();
		assert.equal(runs, 2);
	});
});
