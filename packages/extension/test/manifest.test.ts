import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { detectFileKind } from '../../server/src/analysis/files.js';
import type { FileKind } from '../../server/src/analysis/files.js';
import { rules } from '../../server/src/analysis/rules/index.js';
import { maySniff } from '../../server/src/analysis/detect.js';
import { watchedGlobs } from '../../server/src/protocol/handlers/lifecycle.js';
import { languageIdKinds, paletteCommands, sniffedLanguageIds } from '@navidrome-extauth/server/shared';
import { ruleInfos } from '../src/generated/rules.js';
import { documentSelector, filePatterns, languageIds, requiredActivationEvents } from '../src/selectors.js';
import { globMatches } from './helpers/glob.js';

type Manifest = {
	name: string;
	publisher: string;
	main: string;
	icon: string;
	engines: { vscode: string };
	activationEvents: string[];
	devDependencies: Record<string, string>;
	scripts: Record<string, string>;
	contributes: {
		languages: Array<{ id: string; filenames?: string[]; filenamePatterns?: string[]; extensions?: string[]; configuration?: string }>;
		grammars: Array<{ language: string; scopeName: string; path: string }>;
		commands: Array<{ command: string; title: string; category: string }>;
		configuration: Array<{ id: string; title: string; properties: Record<string, Record<string, unknown>> }>;
		walkthroughs: Array<{ id: string; title: string; steps: Array<{ id: string; title: string; description: string; media: { markdown?: string } }> }>;
	};
};

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const manifest = JSON.parse(read('package.json')) as Manifest;
const repository = new URL('../../', root);

/** Paths of each kind that the engine recognises, and the selector must cover. */
const samples: Record<FileKind, string[]> = {
	compose: ['/srv/music/compose.yaml', '/srv/music/docker-compose.yml', '/srv/music/compose.override.yml', '/srv/docker-compose.prod.yaml'],
	dotenv: ['/srv/music/.env', '/srv/music/navidrome.env', '/srv/music/.env.local'],
	'navidrome-toml': ['/srv/music/navidrome.toml', '/data/navidrome.prod.toml'],
	caddyfile: ['/srv/Caddyfile', '/srv/Caddyfile.prod', '/srv/music.caddyfile'],
	nginx: ['/etc/nginx/nginx.conf', '/etc/nginx/sites-enabled/music', '/etc/nginx/sites-available/music.conf', '/etc/nginx/conf.d/music.conf'],
	traefik: ['/srv/traefik.yml', '/srv/traefik/traefik.toml', '/srv/traefik-dynamic.yaml', '/srv/dynamic/navidrome.yml', '/srv/dynamic/routes.toml'],
	apache: ['/etc/apache2/apache2.conf', '/etc/apache2/sites-enabled/music.conf', '/etc/httpd/conf.d/navidrome.conf', '/usr/local/apache2/conf/httpd.conf', '/srv/httpd.conf'],
	haproxy: ['/etc/haproxy/haproxy.cfg', '/srv/haproxy/frontends.cfg'],
	systemd: ['/etc/systemd/system/navidrome.service', '/etc/systemd/system/navidrome.service.d/override.conf'],
	shell: ['/opt/navidrome/start.sh'],
};

/** Kinds whose files activate nothing on their own (selectors.ts `quietKinds`). */
const quiet: ReadonlySet<FileKind> = new Set(['shell']);

describe('manifest', () => {
	describe('file kinds', () => {
		it('should list every file kind of the engine', () => {
			const union = /export type FileKind = ([^;]+);/.exec(read('../server/src/analysis/files.ts'))?.[1] ?? '';
			const kinds = [...union.matchAll(/'([\w-]+)'/g)].map((match) => match[1]).sort();
			assert.ok(kinds.length >= 6);
			assert.deepEqual(Object.keys(filePatterns).sort(), kinds);
			assert.deepEqual(Object.keys(samples).sort(), kinds);
		});

		for (const [kind, paths] of Object.entries(samples) as Array<[FileKind, string[]]>) {
			it(`should select ${kind} files${quiet.has(kind) ? ', without activating on them' : ' and activate on them'}`, () => {
				for (const path of paths) {
					assert.equal(detectFileKind(path), kind, `the engine reads ${path} as ${kind}`);
					const selected = documentSelector().some((filter) => filter.pattern !== undefined && globMatches(filter.pattern, path));
					assert.ok(selected, `the document selector covers ${path}`);
					const activated = manifest.activationEvents.some((event) => event.startsWith('workspaceContains:') && globMatches(event.slice('workspaceContains:'.length), path));
					assert.equal(activated, !quiet.has(kind), `an activation event covers ${path}`);
				}
			});
		}

		it('should select and activate on the language ids the server maps to a kind, and send the shared ones unactivated', () => {
			const selector = documentSelector();
			for (const [id, kind] of Object.entries(languageIdKinds)) {
				assert.ok(selector.some((filter) => filter.language === id && filter.pattern === undefined && filter.scheme === 'file'), id);
				assert.equal(manifest.activationEvents.includes(`onLanguage:${id}`), !quiet.has(kind), id);
			}
			for (const id of sniffedLanguageIds) {
				assert.ok(selector.some((filter) => filter.language === id && filter.pattern === undefined && filter.scheme === 'file'), id);
				assert.ok(!selector.some((filter) => filter.language === id && filter.scheme === 'untitled'), id);
			}
			assert.ok(!manifest.activationEvents.includes('onLanguage:yaml') && !manifest.activationEvents.includes('onLanguage:properties'));
		});

		it('should watch every file the server reads by name or by content', () => {
			const paths = [...Object.values(samples).flat(), '/srv/music/navidrome.yml', '/srv/stack.yaml', '/srv/docker-compose.json', '/srv/compose.yml.template', '/srv/music.conf', '/srv/proxy-confs/navidrome.subdomain.conf', '/data/nginx/proxy_host/1.conf', '/srv/routes.toml', '/srv/site.caddy', '/srv/caddy-site', '/srv/settings.ini', '/srv/default.conf.tmpl', '/usr/local/bin/run-navidrome'];
			for (const path of paths) {
				assert.ok(detectFileKind(path) !== undefined || maySniff(path), `${path} is read by name or content`);
				assert.ok(watchedGlobs.some((glob) => globMatches(glob, path)), `a watcher covers ${path}`);
			}
		});

		it('should only select files the engine reads', () => {
			const examples: Record<string, string> = {
				'**/compose*.y*ml': '/a/compose.yaml',
				'**/docker-compose*.y*ml': '/a/docker-compose.dev.yml',
				'**/.env': '/a/.env',
				'**/*.env': '/a/x.env',
				'**/.env.*': '/a/.env.prod',
				'**/navidrome*.toml': '/a/navidrome.toml',
				'**/Caddyfile*': '/a/Caddyfile',
				'**/*.caddyfile': '/a/site.caddyfile',
				'**/nginx.conf': '/a/nginx.conf',
				'**/sites-*/*': '/a/sites-enabled/default',
				'**/conf.d/*.conf': '/a/conf.d/default.conf',
				'**/traefik*.y*ml': '/a/traefik.yaml',
				'**/traefik*.toml': '/a/traefik.toml',
				'**/dynamic/*.y*ml': '/a/dynamic/routes.yml',
				'**/dynamic/*.toml': '/a/dynamic/routes.toml',
				'**/compose*.json': '/a/compose.json',
				'**/docker-compose*.json': '/a/docker-compose.json',
				'**/*.caddy': '/a/site.caddy',
				'**/nginx/*.conf': '/a/nginx/music.conf',
				'**/*.subdomain.conf': '/a/proxy-confs/navidrome.subdomain.conf',
				'**/*.subfolder.conf': '/a/proxy-confs/navidrome.subfolder.conf',
				'**/proxy_host/*.conf': '/a/data/nginx/proxy_host/1.conf',
				'**/httpd.conf': '/a/httpd.conf',
				'**/apache2.conf': '/a/apache2.conf',
				'**/apache2/**/*.conf': '/a/apache2/sites-enabled/music.conf',
				'**/httpd/**/*.conf': '/a/httpd/conf.d/music.conf',
				'**/haproxy.cfg': '/a/haproxy.cfg',
				'**/haproxy/*.cfg': '/a/haproxy/music.cfg',
				'**/*.service': '/a/navidrome.service',
				'**/*.service.d/*.conf': '/a/navidrome.service.d/override.conf',
				'**/*.sh': '/a/run.sh',
			};
			for (const patterns of Object.values(filePatterns)) {
				for (const pattern of patterns) {
					const path = examples[pattern];
					assert.ok(path, `an example for ${pattern}`);
					assert.ok(globMatches(pattern, path));
					assert.notEqual(detectFileKind(path), undefined, `${path} (${pattern}) is read by the engine`);
				}
			}
		});

		it('should not select unrelated files', () => {
			for (const path of ['/a/values.yaml', '/a/package.json', '/a/README.md', '/a/pyproject.toml', '/a/config.yml']) {
				const selected = documentSelector().some((filter) => filter.pattern !== undefined && globMatches(filter.pattern, path));
				assert.equal(selected, false, path);
			}
		});

		it('should have every activation event the selectors need, and no other', () => {
			const required = requiredActivationEvents();
			for (const event of required) assert.ok(manifest.activationEvents.includes(event), `missing activation event ${event}`);
			const extra = manifest.activationEvents.filter((event) => !required.includes(event));
			assert.deepEqual(extra, ['onLanguage:toml']);
		});

		it('should select compose files under both language ids VS Code uses', () => {
			const selector = documentSelector();
			assert.ok(selector.some((filter) => filter.language === 'dockercompose' && filter.pattern === undefined));
			for (const pattern of ['**/compose*.y*ml', '**/docker-compose*.y*ml']) {
				assert.ok(selector.some((filter) => filter.language === 'yaml' && filter.pattern === pattern), pattern);
				assert.ok(selector.some((filter) => filter.language === 'dockercompose' && filter.pattern === pattern), pattern);
			}
			assert.ok(selector.every((filter) => filter.scheme === 'file' || (filter.scheme === 'untitled' && filter.language !== undefined)));
		});
	});

	describe('languages', () => {
		it('should contribute apacheconf and haproxy with grammars, for when no other extension does', () => {
			for (const id of ['apacheconf', 'haproxy'] as const) {
				const language = manifest.contributes.languages.find((entry) => entry.id === id);
				assert.ok(language, id);
				const grammar = manifest.contributes.grammars.find((entry) => entry.language === id);
				assert.ok(grammar && existsSync(new URL(grammar.path, root)), id);
				const kind = languageIdKinds[id];
				for (const path of samples[kind]) {
					const name = path.slice(path.lastIndexOf('/') + 1);
					assert.ok(language.filenames?.includes(name) || (language.filenamePatterns ?? []).some((pattern) => globMatches(pattern, path)), path);
				}
			}
			// The longest matching pattern wins in VS Code: Debian's Apache sites-enabled is not nginx's.
			const longest = (path: string) =>
				manifest.contributes.languages
					.flatMap((language) => (language.filenamePatterns ?? []).filter((pattern) => pattern.includes('/') && globMatches(pattern, path)).map((pattern) => ({ id: language.id, pattern })))
					.sort((a, b) => b.pattern.length - a.pattern.length)[0]?.id;
			assert.equal(longest('/etc/apache2/sites-enabled/music.conf'), 'apacheconf');
			assert.equal(longest('/etc/nginx/sites-enabled/music.conf'), 'nginx');
		});

		it('should contribute caddyfile with a grammar and nginx, for when no other extension does', () => {
			const caddy = manifest.contributes.languages.find((language) => language.id === 'caddyfile');
			assert.ok(caddy);
			assert.deepEqual(caddy.filenamePatterns, ['Caddyfile*', '*.caddyfile']);
			const grammar = manifest.contributes.grammars.find((entry) => entry.language === 'caddyfile');
			assert.ok(grammar && existsSync(new URL(grammar.path, root)));
			const nginx = manifest.contributes.languages.find((language) => language.id === 'nginx');
			assert.ok(nginx?.filenames?.includes('nginx.conf'));
			for (const language of manifest.contributes.languages) assert.ok(language.configuration && existsSync(new URL(language.configuration, root)));
			// Ids VS Code ships (1.100: dockercompose, shellscript) or common extensions contribute (dotenv, systemd).
			const elsewhere = ['dockercompose', 'shellscript', 'dotenv', 'systemd', 'systemd-unit-file'];
			for (const id of Object.values(languageIds).flat()) assert.ok([...elsewhere, ...manifest.contributes.languages.map((language) => language.id)].includes(id), id);
		});

		it('should give the contributed languages the same files as the selectors', () => {
			const caddy = manifest.contributes.languages.find((language) => language.id === 'caddyfile');
			const nginx = manifest.contributes.languages.find((language) => language.id === 'nginx');
			for (const path of samples.caddyfile) {
				assert.ok((caddy?.filenamePatterns ?? []).some((pattern) => globMatches(pattern, path)), path);
			}
			for (const path of samples.nginx) {
				const name = path.slice(path.lastIndexOf('/') + 1);
				assert.ok(nginx?.filenames?.includes(name) || (nginx?.filenamePatterns ?? []).some((pattern) => globMatches(pattern, path)), path);
			}
		});
	});

	describe('configuration', () => {
		const groups = manifest.contributes.configuration;
		const properties = Object.assign({}, ...groups.map((group) => group.properties)) as Record<string, Record<string, unknown>>;

		it('should be titled groups of settings with markdown descriptions', () => {
			assert.ok(groups.length >= 3);
			for (const group of groups) assert.ok(group.title && group.id.startsWith('navidrome-extauth.'));
			for (const [key, schema] of Object.entries(properties)) {
				assert.ok(key.startsWith('navidrome-extauth.'), key);
				assert.equal(typeof schema.markdownDescription, 'string', key);
				// allowRead widens the read boundary, so a repository's .vscode/settings.json must not be able to set it.
				if (key === 'navidrome-extauth.allowRead') assert.equal(schema.scope, 'application', key);
				else assert.ok(schema.scope === 'resource' || schema.scope === 'window', key);
			}
		});

		it('should have the settings the server reads, per folder where that makes sense', () => {
			for (const key of ['enable', 'rules', 'navidromeVersion', 'caddyVersion']) {
				assert.equal(properties[`navidrome-extauth.${key}`]?.scope, 'resource', key);
			}
			assert.deepEqual(properties['navidrome-extauth.trace.server']?.enum, ['off', 'messages', 'verbose']);
		});

		it('should list every rule of the server in the rules schema', () => {
			const schema = properties['navidrome-extauth.rules'] as { properties: Record<string, { enum: string[]; markdownDescription: string }> };
			assert.deepEqual(Object.keys(schema.properties), rules.map((rule) => rule.id));
			for (const rule of rules) {
				assert.deepEqual(schema.properties[rule.id]?.enum, ['off', 'error', 'warning', 'info']);
				assert.ok(schema.properties[rule.id]?.markdownDescription.startsWith(rule.summary));
			}
		});

		it('should have a generated rule table that matches the server', () => {
			assert.deepEqual(
				ruleInfos.map((info) => [info.id, info.category, info.severity, info.summary]),
				rules.map((rule) => [rule.id, rule.category, rule.severity, rule.summary]),
			);
		});
	});

	describe('commands', () => {
		it('should contribute exactly the commands the extension registers', () => {
			assert.deepEqual(manifest.contributes.commands.map((command) => command.command).sort(), Object.values(paletteCommands).sort());
			for (const command of manifest.contributes.commands) assert.equal(command.category, 'Navidrome ExtAuth');
			assert.ok(manifest.contributes.commands.some((command) => command.title === 'Simulate a request…'));
		});
	});

	describe('walkthrough', () => {
		const walkthrough = manifest.contributes.walkthroughs[0];

		it('should cover Caddy, Traefik and nginx with existing media', () => {
			assert.equal(walkthrough?.title, 'Set up external auth with Caddy / Traefik / nginx');
			const ids = walkthrough?.steps.map((step) => step.id) ?? [];
			for (const id of ['compose', 'caddy', 'traefik', 'nginx', 'simulate']) assert.ok(ids.includes(id), id);
			for (const step of walkthrough?.steps ?? []) {
				assert.ok(step.media.markdown && existsSync(new URL(step.media.markdown, root)), step.id);
			}
		});

		it('should quote the project\'s safe examples exactly', () => {
			let quoted = 0;
			for (const step of walkthrough?.steps ?? []) {
				const markdown = read(step.media.markdown ?? '');
				for (const match of markdown.matchAll(/<!-- example: ([\w./-]+) -->\n```\w*\n([\s\S]*?)```/g)) {
					const [, path = '', block] = match;
					assert.equal(block, readFileSync(new URL(path, repository), 'utf8'), `${step.media.markdown} quotes ${path}`);
					quoted++;
				}
			}
			assert.ok(quoted >= 3);
		});

		it('should only link commands that exist', () => {
			const known = new Set([...Object.values(paletteCommands), 'workbench.action.files.openFolder', 'workbench.action.quickOpen', 'workbench.action.openSettings']);
			for (const step of walkthrough?.steps ?? []) {
				for (const match of step.description.matchAll(/\(command:([\w.-]+)/g)) assert.ok(known.has(match[1] ?? ''), match[1]);
			}
		});
	});

	describe('packaging', () => {
		it('should need no newer VS Code than vscode-languageclient does, and type against that version', () => {
			const client = JSON.parse(read('node_modules/vscode-languageclient/package.json')) as { engines: { vscode: string } };
			const minimum = (range: string) => (/(\d+)\.(\d+)/.exec(range) ?? []).slice(1, 3).map(Number);
			const [ourMajor = 0, ourMinor = 0] = minimum(manifest.engines.vscode);
			const [theirMajor = 0, theirMinor = 0] = minimum(client.engines.vscode);
			assert.ok(ourMajor > theirMajor || (ourMajor === theirMajor && ourMinor >= theirMinor), `${manifest.engines.vscode} ≥ ${client.engines.vscode}`);
			assert.equal(minimum(manifest.devDependencies['@types/vscode'] ?? '').join('.'), [ourMajor, ourMinor].join('.'));
		});

		it('should ship the client, the server and the media, and nothing else', () => {
			assert.equal(manifest.main, './dist/extension.cjs');
			const ignore = read('.vscodeignore').split('\n');
			assert.equal(ignore[0], '**');
			for (const path of ['!dist/extension.cjs', '!dist/server.js', '!dist/package.json', '!dist/server.cjs', '!dist/server-backend.cjs', '!media/**', '!syntaxes/**', '!README.md', '!CHANGELOG.md', '!LICENSE']) assert.ok(ignore.includes(path), path);
			assert.match(manifest.scripts.package ?? '', /vsce package --no-dependencies/);
		});

		it('should show only screenshots that exist', () => {
			const images = [...read('README.md').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1] ?? '');
			assert.ok(images.length >= 4);
			for (const image of images) {
				assert.match(image, /^\.\.\/\.\.\/docs\/images\/vscode-[\w-]+\.png$/);
				assert.ok(existsSync(new URL(image, root)), image);
			}
		});

		it('should have a 128×128 PNG icon', () => {
			const png = readFileSync(new URL(manifest.icon, root));
			assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
			assert.equal(png.readUInt32BE(16), 128);
			assert.equal(png.readUInt32BE(20), 128);
		});
	});
});
