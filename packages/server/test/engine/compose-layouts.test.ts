/**
Compose as Docker reads it: `include:`, `extends:`, override files, `COMPOSE_FILE` in `.env`, `env_file` of any name,
and proxy configs that a bind mount feeds under another name (read as the kind the mount target implies).
*/
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import { detectFileKind, type FileKind, type WorkspaceView } from '../../src/analysis/files.js';
import { globToRegExp } from '../../src/analysis/glob.js';
import { mountedConfigKind, mountedConfigs } from '../../src/analysis/formats/compose/mounts.js';
import { projectFiles } from '../../src/analysis/formats/compose/project.js';
import { parseDotenv } from '../../src/analysis/formats/dotenv/parse.js';

function workspace(files: Record<string, string>): WorkspaceView {
	return {
		readFile: (path) => files[path],
		listFiles: (glob) => {
			const pattern = globToRegExp(glob);
			return pattern ? Object.keys(files).filter((path) => pattern.test(path)).sort() : [];
		},
	};
}

/** Analyses the files the CLI finds by name (plus `extra`, with their kinds), the rest readable through the workspace. */
function analyse(files: Record<string, string>, extra: Record<string, FileKind> = {}): AnalysisResult {
	const inputs = Object.entries(files)
		.filter(([path]) => detectFileKind(path) || extra[path])
		.map(([path, text]) => ({ path, text, ...(extra[path] ? { kind: extra[path] } : {}) }));
	return new Analyzer().analyze({ files: inputs, workspace: workspace(files) });
}

function ruleFindings(result: AnalysisResult, ruleId: string): Array<{ file: string; line: number; message: string }> {
	return result.findings.filter((f) => f.ruleId === ruleId).map((f) => ({ file: f.file, line: f.range.start.line, message: f.message }));
}

const caddyService = `  caddy:
    image: caddy:2.11.4
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
`;
const navidromeService = (env: string) => `  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
${env}`;
const plainCaddyfile = 'music.example.com {\n\treverse_proxy navidrome:4533\n}\n';
const base = `services:\n${caddyService}${navidromeService('      ND_LOGLEVEL: info\n')}    ports:\n      - "4533:4533"\n`;

describe('compose layouts', () => {
	describe('include', () => {
		it('should load an included file as part of the project and link its Navidrome', () => {
			const result = analyse({
				'/w/compose.yaml': `include:\n  - navidrome.yaml\nservices:\n${caddyService}`,
				'/w/navidrome.yaml': `services:\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n')}`,
				'/w/Caddyfile': plainCaddyfile,
			});
			assert.deepEqual(result.deployment.navidromes.map((instance) => [instance.id, instance.compose?.path]), [['navidrome', '/w/navidrome.yaml']]);
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip').map((f) => f.file), ['/w/Caddyfile']);
			assert.deepEqual(ruleFindings(result, 'nd/trust-all').map((f) => [f.file, f.line]), [['/w/navidrome.yaml', 4]]);
		});

		it('should read the long syntax with its own env_file, and count an included file in view once', () => {
			const files = {
				'/w/compose.yaml': 'include:\n  - path: ./nd/stack.yaml\n    env_file: ./nd/vars.env\n',
				'/w/nd/stack.yaml': `services:\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: ${TRUSTED}\n')}`,
				'/w/nd/vars.env': 'TRUSTED=0.0.0.0/0\n',
			};
			const result = analyse(files, { '/w/nd/stack.yaml': 'compose' });
			assert.equal(result.deployment.navidromes.length, 1);
			assert.equal(result.deployment.navidromes[0]!.env.get('ND_EXTAUTH_TRUSTEDSOURCES')?.value, '0.0.0.0/0');
			assert.equal(result.deployment.composeFiles.filter((compose) => compose.path === '/w/nd/stack.yaml').length, 1);
		});
	});

	describe('extends', () => {
		it('should start a service from another file, whose paths and spans stay its own', () => {
			const result = analyse({
				'/w/compose.yaml': 'services:\n  navidrome:\n    extends:\n      file: ./common/base.yaml\n      service: nd\n    environment:\n      ND_EXTAUTH_USERHEADER: Remote-User\n',
				'/w/common/base.yaml': `services:\n  nd:\n    image: deluan/navidrome:0.58.0\n    env_file: nd.env\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n`,
				'/w/common/nd.env': 'ND_LOGLEVEL=info\n',
			});
			const [instance, ...others] = result.deployment.navidromes;
			assert.equal(others.length, 0);
			assert.deepEqual(instance!.version, [0, 58, 0]);
			assert.equal(instance!.env.get('ND_LOGLEVEL')?.value, 'info');
			assert.equal(instance!.env.get('ND_EXTAUTH_USERHEADER')?.site.location.file, '/w/compose.yaml');
			assert.deepEqual(ruleFindings(result, 'nd/trust-all').map((f) => [f.file, f.line]), [['/w/common/base.yaml', 5]]);
		});

		it('should extend a service of the same file, which stays a service of its own', () => {
			const result = analyse({
				'/w/compose.yaml': 'services:\n  base:\n    image: deluan/navidrome:0.63.2\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.2/32\n  navidrome:\n    extends: base\n    environment:\n      ND_EXTAUTH_USERHEADER: X-User\n',
			});
			const navidrome = result.deployment.navidromes.find((instance) => instance.id === 'navidrome')!;
			assert.equal(result.deployment.navidromes.length, 2);
			assert.equal(navidrome.env.get('ND_EXTAUTH_TRUSTEDSOURCES')?.value, '10.0.0.2/32');
			assert.equal(navidrome.env.get('ND_EXTAUTH_USERHEADER')?.value, 'X-User');
		});
	});

	describe('override files', () => {
		it('should merge compose.override.yaml onto compose.yaml: per variable, ports by key, !reset', () => {
			const result = analyse({
				'/w/compose.yaml': base,
				'/w/compose.override.yaml': 'services:\n  navidrome:\n    environment:\n      ND_LOGLEVEL: !reset null\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n    ports: !reset []\n',
				'/w/Caddyfile': plainCaddyfile,
			});
			const [instance, ...others] = result.deployment.navidromes;
			assert.equal(others.length, 0, 'the override file is no project of its own');
			assert.equal(instance!.compose?.path, '/w/compose.yaml');
			assert.equal(instance!.env.has('ND_LOGLEVEL'), false);
			assert.deepEqual(instance!.publishedPorts, []);
			assert.deepEqual(ruleFindings(result, 'nd/trust-all').map((f) => [f.file, f.line]), [['/w/compose.override.yaml', 4]]);
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip').map((f) => f.file), ['/w/Caddyfile']);
		});

		it('should merge ports by {ip, target, published, protocol} and append new ones', () => {
			const result = analyse({
				'/w/compose.yaml': base,
				'/w/compose.override.yml': 'services:\n  navidrome:\n    ports:\n      - "4533:4533"\n      - "127.0.0.1:8080:4533"\n',
			});
			assert.deepEqual(result.deployment.navidromes[0]!.publishedPorts.map((port) => [port.raw, port.file]), [['4533:4533', '/w/compose.override.yml'], ['127.0.0.1:8080:4533', '/w/compose.override.yml']]);
		});

		it('should read the base when only the override file is named', () => {
			const files = { '/w/compose.yaml': base, '/w/compose.override.yaml': 'services:\n  navidrome:\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n' };
			const result = new Analyzer().analyze({ files: [{ path: '/w/compose.override.yaml', text: files['/w/compose.override.yaml'] }], workspace: workspace(files) });
			assert.equal(result.deployment.navidromes.length, 1);
			assert.equal(result.deployment.navidromes[0]!.env.get('ND_EXTAUTH_TRUSTEDSOURCES')?.site.location.file, '/w/compose.override.yaml');
		});
	});

	describe('COMPOSE_FILE', () => {
		it('should merge the files COMPOSE_FILE in .env lists, with its path separator', () => {
			const result = analyse({
				'/w/.env': 'COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=docker-compose.yml;deploy/prod.yml\n',
				'/w/docker-compose.yml': base,
				'/w/deploy/prod.yml': 'services:\n  navidrome:\n    env_file:\n      - path: ./secrets/nd.env\n        required: false\n',
				'/w/secrets/nd.env': 'ND_EXTAUTH_TRUSTEDSOURCES=0.0.0.0/0\n',
				'/w/compose.override.yaml': 'services:\n  navidrome:\n    environment:\n      ND_LOGLEVEL: debug\n',
			});
			const [instance, ...others] = result.deployment.navidromes;
			assert.equal(others.length, 0);
			// Paths in an override file are relative to the base's folder; compose.override.yaml is not in COMPOSE_FILE.
			assert.equal(instance!.env.get('ND_EXTAUTH_TRUSTEDSOURCES')?.site.location.file, '/w/secrets/nd.env');
			assert.equal(instance!.env.get('ND_LOGLEVEL')?.value, 'info');
		});

		it('should split on ":" by default and find the default files otherwise', () => {
			const exists = (path: string) => ['/w/compose.yml', '/w/docker-compose.override.yaml'].includes(path);
			assert.deepEqual(projectFiles('/w', parseDotenv('COMPOSE_FILE=a.yml:b/c.yml\n'), exists), ['/w/a.yml', '/w/b/c.yml']);
			assert.deepEqual(projectFiles('/w', undefined, exists), ['/w/compose.yml', '/w/docker-compose.override.yaml']);
		});
	});

	describe('proxy configs mounted under another name', () => {
		it('should know the kind of the proxies\' configuration paths', () => {
			assert.equal(mountedConfigKind('/etc/caddy/Caddyfile'), 'caddyfile');
			assert.equal(mountedConfigKind('/etc/nginx/conf.d/default.conf'), 'nginx');
			assert.equal(mountedConfigKind('/etc/nginx/nginx.conf'), 'nginx');
			assert.equal(mountedConfigKind('/etc/traefik/dynamic/navidrome.yml'), 'traefik');
			assert.equal(mountedConfigKind('/usr/local/apache2/conf/httpd.conf'), 'apache');
			assert.equal(mountedConfigKind('/usr/local/etc/haproxy/haproxy.cfg'), 'haproxy');
			assert.equal(mountedConfigKind('/data'), undefined);
			assert.deepEqual(mountedConfigs('/w/conf', '/etc/nginx/conf.d'), [{ path: '/w/conf/*.conf', kind: 'nginx', glob: true }]);
		});

		it('should analyse ./site.conf mounted as /etc/caddy/Caddyfile as a Caddyfile', () => {
			const result = analyse({
				'/w/compose.yaml': `services:\n  caddy:\n    image: caddy:2.11.4\n    volumes:\n      - ./site.conf:/etc/caddy/Caddyfile:ro\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n')}`,
				'/w/site.conf': plainCaddyfile,
			});
			assert.deepEqual(result.files.find((file) => file.path === '/w/site.conf'), { path: '/w/site.conf', kind: 'caddyfile' });
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip').map((f) => [f.file, f.line]), [['/w/site.conf', 1]]);
		});

		it('should analyse the files of a folder mounted as /etc/nginx/conf.d, and re-analyse when one is added', () => {
			const files: Record<string, string> = {
				'/w/compose.yaml': `services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./sites:/etc/nginx/conf.d:ro\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n')}`,
			};
			const analyzer = new Analyzer();
			const run = () => analyzer.analyze({ files: [{ path: '/w/compose.yaml', text: files['/w/compose.yaml']! }], workspace: workspace(files) });
			assert.deepEqual(ruleFindings(run(), 'route/bypass-nostrip'), []);
			files['/w/sites/music.conf'] = 'server { listen 80; location / { proxy_pass http://navidrome:4533; } }\n';
			assert.deepEqual(ruleFindings(run(), 'route/bypass-nostrip').map((f) => f.file), ['/w/sites/music.conf']);
		});

		it('should resolve an absolute nginx include through a mount, with no parse error', () => {
			const result = analyse({
				'/w/compose.yaml': `services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./navidrome.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./common/strip.conf:/etc/nginx/snippets/x.conf:ro\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n')}`,
				'/w/navidrome.conf': 'server {\n  listen 80;\n  location / {\n    include /etc/nginx/snippets/x.conf;\n    proxy_pass http://navidrome:4533;\n  }\n}\n',
				'/w/common/strip.conf': 'proxy_set_header Remote-User "";\n',
			});
			assert.equal(result.files.find((file) => file.path === '/w/navidrome.conf')?.kind, 'nginx');
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip'), []);
			assert.deepEqual(ruleFindings(result, 'syntax/parse-error'), []);
		});

		it('should resolve a relative nginx include against /etc/nginx through the mounts', () => {
			const result = analyse({
				'/w/compose.yaml': `services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./site.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./shared:/etc/nginx/snippets:ro\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n')}`,
				'/w/site.conf': 'server {\n  listen 80;\n  location / {\n    include snippets/strip.conf;\n    proxy_pass http://navidrome:4533;\n  }\n}\n',
				'/w/shared/strip.conf': 'proxy_set_header Remote-User "";\n',
			});
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip'), []);
			assert.deepEqual(ruleFindings(result, 'syntax/parse-error'), []);
		});

		it('should resolve a Caddy import through the mounts', () => {
			const result = analyse({
				'/w/compose.yaml': `services:\n  caddy:\n    image: caddy:2.11.4\n    volumes:\n      - ./site.conf:/etc/caddy/Caddyfile:ro\n      - ./caddy-snippets:/etc/caddy/snippets:ro\n${navidromeService('      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n')}`,
				'/w/site.conf': 'import /etc/caddy/snippets/*.caddy\nmusic.example.com {\n\timport strip\n\treverse_proxy navidrome:4533\n}\n',
				'/w/caddy-snippets/strip.caddy': '(strip) {\n\trequest_header -Remote-User\n}\n',
			});
			assert.deepEqual(ruleFindings(result, 'syntax/parse-error'), []);
			assert.deepEqual(ruleFindings(result, 'route/bypass-nostrip'), []);
		});
	});
});
