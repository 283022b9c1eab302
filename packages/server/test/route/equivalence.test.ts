/**
Cross-proxy equivalence (issue: one verdict for every proxy). Each deployment is one set of facts (Navidrome image,
trust list, published ports; which paths bypass auth, whether the bypass strips the user header, what the auth step
does with the user), rendered once for each proxy: Caddy, nginx, Traefik, Apache httpd and HAProxy. All of them must
get the same categories and severities (and the same latent tags): the proxies differ in syntax, not in consequence.
(Apache's auth step is Basic auth with `RequestHeader set … expr=%{REMOTE_USER}`; HAProxy's the auth-request Lua
pattern. Caddy, nginx and Traefik ask an Authelia forward-auth endpoint.)
*/
import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import type { Finding } from '../../src/analysis/findings.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

type Public = 'none' | 'nostrip' | 'strip' | 'partial-strip';
type Auth = 'sets' | 'never-sets' | 'stripped-after';
type Facts = { image: string; trusted: string; ports?: string[]; public: Public; auth: Auth };
type Proxy = 'caddy' | 'nginx' | 'traefik' | 'apache' | 'haproxy';

const proxies: readonly Proxy[] = ['caddy', 'nginx', 'traefik', 'apache', 'haproxy'];

const proxyAddress = '172.30.0.5';

/** The deployments of the acceptance list, with the consequence verdicts they must get on every proxy. */
const deployments: Array<{ name: string; facts: Facts; verdicts: string[] }> = [
	{ name: 'no strip on a bypass', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'nostrip', auth: 'sets' }, verdicts: ['impersonation/error'] },
	{ name: 'a strip gap (only /share/ stripped)', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'partial-strip', auth: 'sets' }, verdicts: ['impersonation/error'] },
	{ name: 'auth that never sets the header', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'none', auth: 'never-sets' }, verdicts: ['broken/warning', 'impersonation/error'] },
	{ name: 'stripped after auth', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'none', auth: 'stripped-after' }, verdicts: ['broken/warning'] },
	{ name: 'an untrusted proxy', facts: { image: 'deluan/navidrome:0.63.2', trusted: '172.30.0.64/28', public: 'nostrip', auth: 'sets' }, verdicts: ['broken/warning', 'impersonation/information/latent-trust'] },
	{ name: 'an image too old for the options', facts: { image: 'deluan/navidrome:0.50.0', trusted: `${proxyAddress}/32`, public: 'nostrip', auth: 'sets' }, verdicts: ['broken/error', 'impersonation/information/latent-version'] },
	{ name: 'a published port with trust-all', facts: { image: 'deluan/navidrome:0.63.2', trusted: '0.0.0.0/0', ports: ['4533:4533'], public: 'strip', auth: 'sets' }, verdicts: ['exposure/error', 'impersonation/error'] },
	{ name: 'everything safe', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'strip', auth: 'sets' }, verdicts: [] },
	{ name: 'everything safe behind auth on every path', facts: { image: 'deluan/navidrome:0.63.2', trusted: `${proxyAddress}/32`, public: 'none', auth: 'sets' }, verdicts: [] },
];

const consequences = new Set(['impersonation', 'broken', 'exposure']);

function key(finding: Finding): string {
	return `${finding.category}/${finding.severity}${finding.latent ? `/latent-${finding.latent}` : ''}`;
}

function analyse(proxy: Proxy, facts: Facts): Finding[] {
	const root = `/eq/${proxy}`;
	const files = render(proxy, facts).map(([path, text]) => ({ path: `${root}/${path}`, text }));
	return new Analyzer().analyze({ workspace: fixtureWorkspace(files), files }).findings;
}

function describe_(findings: Finding[]): string {
	return findings.map((finding) => `  ${key(finding)} ${finding.ruleId}: ${finding.message}`).join('\n') || '  (none)';
}

describe('cross-proxy equivalence', () => {
	for (const { name, facts, verdicts } of deployments) {
		it(`should give one verdict on Caddy, nginx, Traefik, Apache and HAProxy: ${name}`, () => {
			const results = proxies.map((proxy) => ({ proxy, findings: analyse(proxy, facts) }));
			for (const { proxy, findings } of results) {
				const shown = [...new Set(findings.filter((finding) => consequences.has(finding.category)).map(key))].sort();
				assert.deepEqual(shown, [...verdicts].sort(), `${proxy}: consequence verdicts\n${describe_(findings)}`);
			}
			const [first, ...others] = results;
			const all = (findings: Finding[]): string[] => [...new Set(findings.map(key))].sort();
			for (const other of others) assert.deepEqual(all(other.findings), all(first!.findings), `${other.proxy} vs ${first!.proxy}: every category and severity\n${other.proxy}:\n${describe_(other.findings)}\n${first!.proxy}:\n${describe_(first!.findings)}`);
		});
	}

	it('should render different configs per proxy (the test compares five real layouts)', () => {
		const facts = deployments[0]!.facts;
		const names = proxies.map((proxy) => render(proxy, facts).map(([path]) => path).join(','));
		assert.equal(new Set(names).size, proxies.length);
	});
});

/** compose.yaml plus the proxy's own config file, for one proxy. */
function render(proxy: Proxy, facts: Facts): Array<[string, string]> {
	const navidrome = [
		'  navidrome:',
		`    image: ${facts.image}`,
		...(facts.ports ? ['    ports:', ...facts.ports.map((port) => `      - "${port}"`)] : []),
		'    networks: [proxy]',
		'    environment:',
		`      ND_EXTAUTH_TRUSTEDSOURCES: ${facts.trusted}`,
		...(proxy === 'traefik' ? traefikLabels(facts) : []),
	];
	const proxyService = {
		caddy: ['  caddy:', '    image: caddy:2.11.4', '    ports: ["443:443"]', '    volumes:', '      - ./Caddyfile:/etc/caddy/Caddyfile:ro'],
		nginx: ['  nginx:', '    image: nginx:1.27', '    ports: ["443:443"]', '    volumes:', '      - ./nginx/navidrome.conf:/etc/nginx/conf.d/navidrome.conf:ro'],
		traefik: ['  traefik:', '    image: traefik:v3.7.9', '    ports: ["443:443"]', '    command:', '      - --entrypoints.websecure.address=:443', '      - --providers.docker=true'],
		apache: ['  apache:', '    image: httpd:2.4', '    ports: ["80:80"]', '    volumes:', '      - ./httpd/httpd.conf:/usr/local/apache2/conf/httpd.conf:ro', '      - ./httpd/htpasswd:/usr/local/apache2/conf/htpasswd:ro'],
		haproxy: ['  haproxy:', '    image: haproxy:2.6', '    ports: ["80:80"]', '    volumes:', '      - ./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro', '      - ./haproxy/auth-request.lua:/usr/local/etc/haproxy/auth-request.lua:ro'],
	}[proxy];
	const compose = [
		'services:',
		...proxyService,
		'    networks:',
		'      proxy:',
		`        ipv4_address: ${proxyAddress}`,
		...navidrome,
		'  authelia:',
		'    image: authelia/authelia:4.38',
		'    networks: [proxy]',
		'networks:',
		'  proxy:',
		'    ipam:',
		'      config:',
		'        - subnet: 172.30.0.0/24',
		'',
	].join('\n');
	if (proxy === 'caddy') return [['compose.yaml', compose], ['Caddyfile', caddyfile(facts)]];
	if (proxy === 'nginx') return [['compose.yaml', compose], ['nginx/navidrome.conf', nginxConf(facts)]];
	if (proxy === 'apache') return [['compose.yaml', compose], ['httpd/httpd.conf', apacheConf(facts)]];
	if (proxy === 'haproxy') return [['compose.yaml', compose], ['haproxy/haproxy.cfg', haproxyCfg(facts)]];
	return [['compose.yaml', compose]];
}

function caddyfile(facts: Facts): string {
	const lines = ['music.example.com {'];
	const bypass = facts.public !== 'none';
	if (facts.public === 'strip') lines.push('\t@public path /share/* /rest/*', '\trequest_header @public -Remote-User');
	if (facts.public === 'partial-strip') lines.push('\t@public path /share/*', '\trequest_header @public -Remote-User');
	if (bypass) lines.push('\t@protected not path /share/* /rest/*');
	lines.push(`\tforward_auth ${bypass ? '@protected ' : ''}authelia:9091 {`, '\t\turi /api/authz/forward-auth');
	if (facts.auth !== 'never-sets') lines.push('\t\tcopy_headers Remote-User');
	lines.push('\t}');
	if (facts.auth === 'stripped-after') lines.push('\trequest_header -Remote-User');
	lines.push('\treverse_proxy navidrome:4533', '}', '');
	return lines.join('\n');
}

function nginxConf(facts: Facts): string {
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
		'        proxy_set_header X-Original-Method $request_method;',
		'        proxy_set_header X-Original-URL $scheme://$http_host$request_uri;',
		'    }',
		'',
		'    location / {',
		'        auth_request /internal/authelia;',
	];
	if (facts.auth === 'sets') lines.push('        auth_request_set $user $upstream_http_remote_user;', '        proxy_set_header Remote-User $user;');
	if (facts.auth === 'stripped-after') lines.push('        auth_request_set $user $upstream_http_remote_user;', '        proxy_set_header Remote-User "";');
	lines.push('        proxy_pass http://navidrome:4533;', '    }');
	for (const path of facts.public === 'none' ? [] : ['/rest/', '/share/']) {
		const strip = facts.public === 'strip' || (facts.public === 'partial-strip' && path === '/share/');
		lines.push('', `    location ${path} {`, ...(strip ? ['        proxy_set_header Remote-User "";'] : []), '        proxy_pass http://navidrome:4533;', '    }');
	}
	lines.push('}', '');
	return lines.join('\n');
}

function traefikLabels(facts: Facts): string[] {
	const labels: Array<[string, string]> = [
		['traefik.http.services.navidrome.loadbalancer.server.port', '4533'],
		['traefik.http.middlewares.authelia.forwardauth.address', 'http://authelia:9091/api/authz/forward-auth'],
		['traefik.http.middlewares.strip-user.headers.customrequestheaders.Remote-User', ''],
		['traefik.http.routers.navidrome.rule', 'Host(`music.example.com`)'],
		['traefik.http.routers.navidrome.entrypoints', 'websecure'],
		['traefik.http.routers.navidrome.service', 'navidrome'],
		['traefik.http.routers.navidrome.middlewares', facts.auth === 'stripped-after' ? 'authelia@docker,strip-user@docker' : 'authelia@docker'],
	];
	if (facts.auth !== 'never-sets') labels.push(['traefik.http.middlewares.authelia.forwardauth.authResponseHeaders', 'Remote-User']);
	const publicRouter = (name: string, rule: string, strip: boolean): void => {
		labels.push([`traefik.http.routers.${name}.rule`, rule], [`traefik.http.routers.${name}.entrypoints`, 'websecure'], [`traefik.http.routers.${name}.service`, 'navidrome']);
		if (strip) labels.push([`traefik.http.routers.${name}.middlewares`, 'strip-user@docker']);
	};
	if (facts.public === 'nostrip' || facts.public === 'strip') publicRouter('navidrome-public', 'Host(`music.example.com`) && (PathPrefix(`/rest/`) || PathPrefix(`/share/`))', facts.public === 'strip');
	if (facts.public === 'partial-strip') {
		publicRouter('navidrome-share', 'Host(`music.example.com`) && PathPrefix(`/share/`)', true);
		publicRouter('navidrome-rest', 'Host(`music.example.com`) && PathPrefix(`/rest/`)', false);
	}
	return ['    labels:', ...labels.map(([name, value]) => `      ${name}: "${value}"`)];
}

function apacheConf(facts: Facts): string {
	const lines = [
		'ServerRoot "/usr/local/apache2"',
		'Listen 80',
		...['mpm_event', 'authn_file', 'authn_core', 'authz_user', 'authz_core', 'auth_basic', 'headers', 'proxy', 'proxy_http', 'unixd'].map((name) => `LoadModule ${name}_module modules/mod_${name}.so`),
		'ServerName music.example.com',
		'',
		'<VirtualHost *:80>',
		'    ServerName music.example.com',
		'    ProxyPass / http://navidrome:4533/',
		'    ProxyPassReverse / http://navidrome:4533/',
	];
	// Basic auth on the web UI and the API (and on every Navidrome path when nothing bypasses it).
	for (const path of ['/app/', '/api/', ...(facts.public === 'none' ? ['/rest/', '/share/'] : [])]) {
		lines.push('', `    <Location ${path}>`, '        AuthType Basic', '        AuthName "Navidrome"', '        AuthUserFile /usr/local/apache2/conf/htpasswd', '        Require valid-user');
		if (facts.auth !== 'never-sets') lines.push('        RequestHeader set Remote-User "expr=%{REMOTE_USER}"');
		if (facts.auth === 'stripped-after') lines.push('        RequestHeader unset Remote-User');
		lines.push('    </Location>');
	}
	for (const path of facts.public === 'none' ? [] : ['/rest/', '/share/']) {
		const strip = facts.public === 'strip' || (facts.public === 'partial-strip' && path === '/share/');
		if (strip) lines.push('', `    <Location ${path}>`, '        RequestHeader unset Remote-User', '    </Location>');
	}
	lines.push('</VirtualHost>', '');
	return lines.join('\n');
}

function haproxyCfg(facts: Facts): string {
	const bypass = facts.public !== 'none';
	const guard = bypass ? ' unless public' : '';
	const lines = [
		'global',
		'    lua-load /usr/local/etc/haproxy/auth-request.lua',
		'',
		'defaults',
		'    mode http',
		'    timeout connect 5s',
		'    timeout client 30s',
		'    timeout server 30s',
		'',
		'frontend web',
		'    bind :80',
	];
	if (bypass) lines.push('    acl public path_beg /rest/ /share/');
	if (facts.public === 'strip') lines.push('    http-request del-header Remote-User if public');
	if (facts.public === 'partial-strip') lines.push('    acl shares path_beg /share/', '    http-request del-header Remote-User if shares');
	lines.push(`    http-request lua.auth-request be_authelia /api/authz/auth-request${guard}`, `    http-request deny if${bypass ? ' !public' : ''} !{ var(txn.auth_response_successful) -m bool }`);
	if (facts.auth !== 'never-sets') lines.push(`    http-request set-header Remote-User %[var(req.auth_response_header.remote_user)]${guard}`);
	if (facts.auth === 'stripped-after') lines.push(`    http-request del-header Remote-User${guard}`);
	lines.push('    default_backend be_navidrome', '', 'backend be_authelia', '    server authelia authelia:9091', '', 'backend be_navidrome', '    server navidrome navidrome:4533', '');
	return lines.join('\n');
}
