/**
Layout invariance (issue 13, metamorphic). Each deployment is one set of facts (proxy, Navidrome version, which paths
bypass auth, whether the bypass strips the user header, what the auth step does with the user), written by code in
several layouts: all in one compose file; a host proxy beside a native navidrome.toml, or a lone `.env`; a systemd
unit; the proxy config mounted under another name; compose split with `include:`/`extends:`/an override file; SWAG's
paths (nginx) and a lone proxy file. Every layout of a deployment must get the same set of (category, rule id) as the
compose layout, apart from findings about the layout itself (`layoutRules`). In every layout Navidrome trusts exactly
its proxy: the proxy's pinned address in compose, loopback for a proxy on the host.
*/
import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import type { Finding } from '../../src/analysis/findings.js';
import type { AnalysisOptions } from '../../src/analysis/options.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

type Proxy = 'caddy' | 'nginx' | 'traefik';
type Public = 'none' | 'nostrip' | 'strip' | 'partial-strip';
type Auth = 'sets' | 'never-sets' | 'stripped-after';
/** `header`: Navidrome reads this user header instead of Remote-User (the proxy still sets Remote-User). */
type Facts = { proxy: Proxy; version: string; public: Public; auth: Auth; header?: string };
type Layout = 'compose' | 'host-toml' | 'host-env' | 'systemd' | 'renamed-mount' | 'split' | 'swag' | 'lone';
type Rendered = { files: Array<[string, string]>; options?: AnalysisOptions };

/**
Findings about the layout rather than the deployment: unreadable files, syntax and templating, compose interpolation.
Assumptions (an assumed Navidrome, an unpinned version) are stated inside messages, which the comparison ignores.
*/
const layoutRules = new Set(['io/read-refused', 'syntax/parse-error', 'syntax/templated', 'compose/variable']);

const current = '0.63.2';
const proxyAddress = '172.30.0.5';

/** The consequence verdicts each kind of deployment must get in the compose layout (so the test can fail). */
const kinds: Array<{ name: string; facts: Omit<Facts, 'proxy'>; verdicts: string[] }> = [
	{ name: 'no strip on a bypass', facts: { version: current, public: 'nostrip', auth: 'sets' }, verdicts: ['impersonation/error'] },
	{ name: 'a strip gap', facts: { version: current, public: 'partial-strip', auth: 'sets' }, verdicts: ['impersonation/error'] },
	{ name: 'auth that never sets the header', facts: { version: current, public: 'none', auth: 'never-sets' }, verdicts: ['broken/warning', 'impersonation/error'] },
	{ name: 'stripped after auth', facts: { version: current, public: 'none', auth: 'stripped-after' }, verdicts: ['broken/warning'] },
	{ name: 'an image too old for the options', facts: { version: '0.50.0', public: 'nostrip', auth: 'sets' }, verdicts: ['broken/error', 'impersonation/information'] },
	{ name: 'a user header the proxy never sets', facts: { version: current, public: 'strip', auth: 'sets', header: 'X-Remote-User' }, verdicts: ['broken/warning', 'impersonation/error'] },
	{ name: 'safe, strips on the bypass', facts: { version: current, public: 'strip', auth: 'sets' }, verdicts: [] },
	{ name: 'safe, auth on every path', facts: { version: current, public: 'none', auth: 'sets' }, verdicts: [] },
];

const deployments = (['caddy', 'nginx', 'traefik'] as const).flatMap((proxy) => kinds.map((kind) => ({ ...kind, name: `${proxy}: ${kind.name}`, facts: { ...kind.facts, proxy } })));

/** The layouts a deployment is written in: SWAG for nginx; the lone file only where its assumptions are the facts. */
function layoutsOf(facts: Facts): Layout[] {
	const layouts: Layout[] = ['compose', 'host-toml', 'host-env', 'systemd', 'renamed-mount', 'split'];
	if (facts.proxy === 'nginx') layouts.push('swag');
	if (facts.version === current && !facts.header) layouts.push('lone');
	return layouts;
}

const consequences = new Set(['impersonation', 'broken', 'exposure']);

function analyse(facts: Facts, layout: Layout): AnalysisResult {
	const root = `/layouts/${facts.proxy}/${layout}`;
	const rendered = render(facts, layout);
	const files = rendered.files.map(([path, text]) => ({ path: `${root}/${path}`, text }));
	return new Analyzer().analyze({ workspace: fixtureWorkspace(files), files, options: rendered.options ?? {} });
}

/**
The (category, rule id) set, plus whether a route reached the deployment's Navidrome: a layout whose Navidrome was not
read is judged against the assumed one, which only the lone layout may be.
*/
function judged(result: AnalysisResult, layout: Layout): string[] {
	const keys = result.findings.filter((finding) => !layoutRules.has(finding.ruleId)).map((finding) => `${finding.category} ${finding.ruleId}`);
	const targets = result.deployment.routes.flatMap((route) => (route.target ? [route.target] : []));
	if (targets.length > 0) keys.push(targets.some((target) => !target.assumed) || layout === 'lone' ? '(a route reaches Navidrome)' : '(a route reaches only an assumed Navidrome)');
	return [...new Set(keys)].sort();
}

function show(findings: Finding[]): string {
	return findings.map((finding) => `  ${finding.category}/${finding.severity} ${finding.ruleId} ${finding.file}: ${finding.message}`).join('\n') || '  (none)';
}

describe('layout invariance', () => {
	for (const { name, facts, verdicts } of deployments) {
		describe(name, () => {
			const baseline = (): AnalysisResult => analyse(facts, 'compose');
			it('should get its verdicts in the compose layout', () => {
				const { findings } = baseline();
				const shown = [...new Set(findings.filter((finding) => consequences.has(finding.category)).map((finding) => `${finding.category}/${finding.severity}`))].sort();
				assert.deepEqual(shown, [...verdicts].sort(), show(findings));
			});
			for (const layout of layoutsOf(facts).filter((candidate) => candidate !== 'compose')) {
				it(`should get the same (category, rule) set in the ${layout} layout`, () => {
					const expected = baseline();
					const result = analyse(facts, layout);
					assert.deepEqual(judged(result, layout), judged(expected, 'compose'), `${layout}:\n${show(result.findings)}\ncompose:\n${show(expected.findings)}`);
				});
			}
		});
	}

	it('should write every layout of a deployment as different files', () => {
		const facts = deployments[0]!.facts;
		const written = layoutsOf(facts).map((layout) => JSON.stringify(render(facts, layout).files));
		assert.equal(new Set(written).size, written.length);
	});

	it("should report the docs' Caddy example as a lone Caddyfile as impersonation on /rest/ and /share/, stating its assumption", () => {
		const text = [
			'example.com {',
			'\treverse_proxy /outpost.goauthentik.io/* http://authentik:9000',
			'\t@protected not path /share/* /rest/*',
			'\tforward_auth @protected http://authentik:9000 {',
			'\t\turi /outpost.goauthentik.io/auth/caddy',
			'\t\tcopy_headers X-Authentik-Username>Remote-User',
			'\t}',
			'\treverse_proxy navidrome:4533',
			'}',
			'',
		].join('\n');
		const files = [{ path: '/lone/Caddyfile', text }];
		const findings = new Analyzer().analyze({ workspace: fixtureWorkspace(files), files }).findings;
		const bypass = findings.filter((finding) => finding.category === 'impersonation' && finding.severity === 'error');
		assert.equal(bypass.length > 0, true, show(findings));
		assert.ok(bypass.some((finding) => /\/rest\//.test(finding.message) && /\/share\//.test(finding.message)), show(findings));
		for (const finding of bypass) assert.match(finding.message, /No Navidrome configuration is in view, so this assumes external auth is on, Navidrome trusts this proxy, and the user header is Remote-User/);
	});
});

// ---- facts → files -------------------------------------------------------------------------------------------

/** Where each proxy keeps its config on a host, and inside its container. */
const hostConfig: Record<Proxy, string> = { caddy: 'etc/caddy/Caddyfile', nginx: 'etc/nginx/conf.d/navidrome.conf', traefik: 'etc/traefik/dynamic/navidrome.yml' };
const containerConfig: Record<Proxy, string> = { caddy: '/etc/caddy/Caddyfile', nginx: '/etc/nginx/conf.d/navidrome.conf', traefik: '/etc/traefik/dynamic/navidrome.yml' };
/** The config's name beside a compose file, and the other name it gets in the renamed-mount layout. */
const composeConfig: Record<Proxy, string> = { caddy: 'Caddyfile', nginx: 'nginx/navidrome.conf', traefik: 'dynamic/navidrome.yml' };
const renamedConfig: Record<Proxy, string> = { caddy: 'site.conf', nginx: 'music.conf', traefik: 'routes.yml' };

function render(facts: Facts, layout: Layout): Rendered {
	const hostOptions: AnalysisOptions = { navidromeVersion: facts.version };
	const loopback = '127.0.0.1:4533';
	switch (layout) {
		case 'compose':
			return { files: [['compose.yaml', compose(facts, composeConfig[facts.proxy])], [composeConfig[facts.proxy], proxyConfig(facts, 'navidrome:4533')]] };
		case 'renamed-mount':
			return { files: [['compose.yaml', compose(facts, renamedConfig[facts.proxy])], [renamedConfig[facts.proxy], proxyConfig(facts, 'navidrome:4533')]] };
		case 'host-toml':
			return { files: [[hostConfig[facts.proxy], proxyConfig(facts, loopback)], ['etc/navidrome/navidrome.toml', ['[ExtAuth]', ...settings(facts, hostTrust).map(([name, value]) => `${name.slice('ND_EXTAUTH_'.length) === 'TRUSTEDSOURCES' ? 'TrustedSources' : 'UserHeader'} = "${value}"`), ''].join('\n')]], options: hostOptions };
		case 'host-env':
			return { files: [[hostConfig[facts.proxy], proxyConfig(facts, loopback)], ['etc/navidrome/.env', settings(facts, hostTrust).map(([name, value]) => `${name}=${value}\n`).join('')]], options: hostOptions };
		case 'systemd':
			return {
				files: [
					[hostConfig[facts.proxy], proxyConfig(facts, loopback)],
					['etc/systemd/system/navidrome.service', ['[Unit]', 'Description=Navidrome Music Server', '', '[Service]', 'ExecStart=/usr/bin/navidrome --datafolder /var/lib/navidrome',  ...settings(facts, hostTrust).map(([name, value]) => `Environment=${name}=${value}`), '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n')],
				],
				options: hostOptions,
			};
		case 'split':
			return { files: [...split(facts), [composeConfig[facts.proxy], proxyConfig(facts, 'navidrome:4533')]] };
		case 'swag':
			return { files: [['compose.yaml', compose(facts, 'config', 'swag')], ['config/nginx/proxy-confs/navidrome.subdomain.conf', proxyConfig(facts, 'navidrome:4533')]] };
		case 'lone':
			return { files: [facts.proxy === 'nginx' ? ['nginx.conf', `events {}\nhttp {\n${proxyConfig(facts, 'navidrome:4533')}}\n`] : [composeConfig[facts.proxy], proxyConfig(facts, 'navidrome:4533')]] };
	}
}

/** The proxy service's lines (mounting `config` from beside the compose file); `swag` mounts SWAG's /config folder. */
function proxyService(proxy: Proxy, config: string, flavour?: 'swag'): string[] {
	if (flavour === 'swag') return ['  swag:', '    image: lscr.io/linuxserver/swag:3.3.0', '    ports: ["443:443"]', '    volumes:', `      - ./${config}:/config`];
	const mount = `      - ./${config}:${containerConfig[proxy]}:ro`;
	if (proxy === 'caddy') return ['  caddy:', '    image: caddy:2.11.4', '    ports: ["443:443"]', '    volumes:', mount];
	if (proxy === 'nginx') return ['  nginx:', '    image: nginx:1.27', '    ports: ["443:443"]', '    volumes:', mount];
	return ['  traefik:', '    image: traefik:v3.7.9', '    ports: ["443:443"]', '    command:', '      - --entrypoints.websecure.address=:443', '      - --providers.file.directory=/etc/traefik/dynamic', '    volumes:', mount];
}

const proxyNetwork = ['    networks:', '      proxy:', `        ipv4_address: ${proxyAddress}`];
const networks = ['networks:', '  proxy:', '    ipam:', '      config:', '        - subnet: 172.30.0.0/24'];

function navidromeService(facts: Facts): string[] {
	return ['  navidrome:', `    image: deluan/navidrome:${facts.version}`, '    networks: [proxy]', '    environment:', ...environment(facts)];
}

/** Navidrome's settings: it trusts exactly its proxy (`trusted`) and reads the deployment's user header. */
function settings(facts: Facts, trusted: string): Array<[string, string]> {
	return [['ND_EXTAUTH_TRUSTEDSOURCES', trusted], ...(facts.header ? [['ND_EXTAUTH_USERHEADER', facts.header] as [string, string]] : [])];
}

/** A proxy on the host reaches Navidrome from loopback. */
const hostTrust = '127.0.0.1/32';

function environment(facts: Facts): string[] {
	return settings(facts, `${proxyAddress}/32`).map(([name, value]) => `      ${name}: ${value}`);
}

const authelia = ['  authelia:', '    image: authelia/authelia:4.38', '    networks: [proxy]'];

function compose(facts: Facts, config: string, flavour?: 'swag'): string {
	return ['services:', ...proxyService(facts.proxy, config, flavour), ...proxyNetwork, ...navidromeService(facts), ...authelia, ...networks, ''].join('\n');
}

/** The compose layout split three ways (by proxy): an override file, `include:`, `extends:`. */
function split(facts: Facts): Array<[string, string]> {
	const config = composeConfig[facts.proxy];
	const proxyPart = [...proxyService(facts.proxy, config), ...proxyNetwork];
	if (facts.proxy === 'caddy') {
		// The override adds Navidrome's external-auth setting to a base without it.
		const base = ['services:', ...proxyPart, ...navidromeService(facts).slice(0, 3), ...authelia, ...networks, ''].join('\n');
		const override = ['services:', '  navidrome:', '    environment:', ...environment(facts), ''].join('\n');
		return [['compose.yaml', base], ['compose.override.yaml', override]];
	}
	if (facts.proxy === 'nginx') {
		const main = ['include:', '  - navidrome/compose.yaml', 'services:', ...proxyPart, ...authelia, ...networks, ''].join('\n');
		const included = ['services:', ...navidromeService(facts), 'networks:', '  proxy: {}', ''].join('\n');
		return [['compose.yaml', main], ['navidrome/compose.yaml', included]];
	}
	const common = ['services:', '  navidrome-base:', `    image: deluan/navidrome:${facts.version}`, '    environment:', ...environment(facts), ''].join('\n');
	const main = ['services:', ...proxyPart, '  navidrome:', '    extends:', '      file: common.yaml', '      service: navidrome-base', '    networks: [proxy]', ...authelia, ...networks, ''].join('\n');
	return [['compose.yaml', main], ['common.yaml', common]];
}

function proxyConfig(facts: Facts, upstream: string): string {
	if (facts.proxy === 'caddy') return caddyfile(facts, upstream);
	if (facts.proxy === 'nginx') return nginxServer(facts, upstream);
	return traefikDynamic(facts, upstream);
}

function caddyfile(facts: Facts, upstream: string): string {
	const lines = ['music.example.com {'];
	const bypass = facts.public !== 'none';
	if (facts.public === 'strip') lines.push('\t@public path /share/* /rest/*', '\trequest_header @public -Remote-User');
	if (facts.public === 'partial-strip') lines.push('\t@public path /share/*', '\trequest_header @public -Remote-User');
	if (bypass) lines.push('\t@protected not path /share/* /rest/*');
	lines.push(`\tforward_auth ${bypass ? '@protected ' : ''}authelia:9091 {`, '\t\turi /api/authz/forward-auth');
	if (facts.auth !== 'never-sets') lines.push('\t\tcopy_headers Remote-User');
	lines.push('\t}');
	if (facts.auth === 'stripped-after') lines.push('\trequest_header -Remote-User');
	lines.push(`\treverse_proxy ${upstream}`, '}', '');
	return lines.join('\n');
}

function nginxServer(facts: Facts, upstream: string): string {
	const pass = `        proxy_pass http://${upstream};`;
	const lines = [
		'server {',
		'    listen 443 ssl;',
		'    server_name music.example.com;',
		'',
		'    location = /internal/authelia {',
		'        internal;',
		'        proxy_pass http://authelia:9091/api/authz/auth-request;',
		'        proxy_pass_request_body off;',
		'        proxy_set_header Content-Length "";',
		'        proxy_set_header X-Original-URL $scheme://$http_host$request_uri;',
		'    }',
		'',
		'    location / {',
		'        auth_request /internal/authelia;',
	];
	if (facts.auth === 'sets') lines.push('        auth_request_set $user $upstream_http_remote_user;', '        proxy_set_header Remote-User $user;');
	if (facts.auth === 'stripped-after') lines.push('        auth_request_set $user $upstream_http_remote_user;', '        proxy_set_header Remote-User "";');
	lines.push(pass, '    }');
	for (const path of facts.public === 'none' ? [] : ['/rest/', '/share/']) {
		const strip = facts.public === 'strip' || (facts.public === 'partial-strip' && path === '/share/');
		lines.push('', `    location ${path} {`, ...(strip ? ['        proxy_set_header Remote-User "";'] : []), pass, '    }');
	}
	lines.push('}', '');
	return lines.join('\n');
}

function traefikDynamic(facts: Facts, upstream: string): string {
	const router = (name: string, rule: string, middlewares: string[]): string[] => [
		`    ${name}:`,
		`      rule: "${rule}"`,
		'      entryPoints: ["websecure"]',
		...(middlewares.length > 0 ? [`      middlewares: [${middlewares.map((m) => `"${m}"`).join(', ')}]`] : []),
		'      service: navidrome',
	];
	const host = 'Host(`music.example.com`)';
	const lines = ['http:', '  routers:', ...router('navidrome', host, facts.auth === 'stripped-after' ? ['authelia', 'strip-user'] : ['authelia'])];
	if (facts.public === 'nostrip' || facts.public === 'strip') lines.push(...router('navidrome-public', `${host} && (PathPrefix(\`/rest/\`) || PathPrefix(\`/share/\`))`, facts.public === 'strip' ? ['strip-user'] : []));
	if (facts.public === 'partial-strip') lines.push(...router('navidrome-share', `${host} && PathPrefix(\`/share/\`)`, ['strip-user']), ...router('navidrome-rest', `${host} && PathPrefix(\`/rest/\`)`, []));
	lines.push('  middlewares:', '    authelia:', '      forwardAuth:', '        address: "http://authelia:9091/api/authz/forward-auth"');
	if (facts.auth !== 'never-sets') lines.push('        authResponseHeaders: ["Remote-User"]');
	lines.push('    strip-user:', '      headers:', '        customRequestHeaders:', '          Remote-User: ""');
	lines.push('  services:', '    navidrome:', '      loadBalancer:', '        servers:', `          - url: "http://${upstream}"`, '');
	return lines.join('\n');
}
