import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import { clearPatternCovers, nginxModel, type NginxRoute } from '../../src/analysis/proxies/nginx/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

const composeYaml = `services:
  nginx:
    image: nginx:1.27
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
      - ./sites:/etc/nginx/conf.d:ro
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  authentik-server:
    image: ghcr.io/goauthentik/server:2025.2
    networks: [proxy]
  navidrome:
    image: deluan/navidrome:0.63.2
    container_name: music-box
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
    networks:
      proxy:
        aliases: [nd.internal]
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;

function analyse(files: Record<string, string>) {
	const list = Object.entries(files).map(([path, text]) => ({ path, text }));
	const result = new Analyzer().analyze({ files: list, workspace: fixtureWorkspace(list) });
	return { result, model: nginxModel(result.deployment) };
}

function http(body: string): string {
	return `events {}\nhttp {\n${body}\n}\n`;
}

function byLocation(routes: NginxRoute[]): Map<string, NginxRoute> {
	return new Map(routes.map((route) => [route.route.requests, route]));
}

describe('nginx location model', () => {
	describe('roots and includes', () => {
		it('should treat a conf.d file included by nginx.conf as part of it, not as a second root', () => {
			const { model, result } = analyse({
				'/p/compose.yaml': composeYaml.replace('./sites:', './conf.d:'),
				'/p/nginx.conf': http('include conf.d/*.conf;'),
				'/p/conf.d/site.conf': 'server { listen 80; location /rest/ { proxy_pass http://navidrome:4533; } }',
			});
			assert.deepEqual(model.roots.map((root) => root.file), ['/p/nginx.conf']);
			assert.equal(model.routes.length, 1);
			assert.equal(result.findings.filter((finding) => finding.ruleId === 'route/bypass-nostrip').length, 1);
		});

		it('should map an absolute include to the workspace through the compose bind mount', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http('proxy_set_header Remote-User "";\ninclude /etc/nginx/conf.d/*.conf;'),
				'/p/sites/site.conf': 'server { listen 80; location /rest/ { proxy_pass http://navidrome:4533; } }',
			});
			assert.deepEqual(model.roots.map((root) => root.file), ['/p/nginx.conf']);
			// The http-level clear applies because the site is read inside nginx.conf's http block.
			assert.equal(model.routes[0]?.header.fate, 'stripped');
		});

		it('should read a conf.d file that nothing includes as the http context', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/conf.d/site.conf': 'proxy_set_header Remote-User "";\nserver { listen 80; location / { proxy_pass http://navidrome:4533; } }',
			});
			assert.equal(model.roots[0]?.context, 'http');
			assert.equal(model.routes[0]?.header.fate, 'stripped');
		});
	});

	describe('proxy_pass targets', () => {
		it('should resolve container_name, network aliases, upstream blocks and set variables', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`upstream backend { server nd.internal:4533; }
server {
	listen 80;
	set $nd http://music-box:4533;
	location /a/ { proxy_pass http://backend; }
	location /b/ { proxy_pass $nd; }
	location /c/ { proxy_pass http://navidrome:80; }
	location /d/ { proxy_pass http://authentik-server:9000; }
}`),
			});
			const routes = byLocation(model.routes);
			assert.deepEqual([...routes.keys()].sort(), ['location /a/', 'location /b/']);
			assert.equal(routes.get('location /a/')!.target.instance.id, 'navidrome');
			assert.equal(routes.get('location /a/')!.target.assumed, false);
		});

		it('should say when an unknown address is taken to be the only Navidrome', () => {
			const { model, result } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http('server { listen 80; location /rest/ { proxy_pass http://192.168.1.20:4533; } }'),
			});
			assert.equal(model.routes[0]?.target.assumed, true);
			assert.match(result.findings.find((finding) => finding.ruleId === 'route/bypass-nostrip')!.message, /taken to be Navidrome 'navidrome', the only instance found/);
		});

		it('should reach a standalone Navidrome on loopback by its port', () => {
			const { model } = analyse({
				'/h/navidrome.toml': 'Port = 4600\n[ExtAuth]\nTrustedSources = "127.0.0.1/32"\n',
				'/h/nginx.conf': http('server { listen 80; location / { proxy_pass http://127.0.0.1:4600; } location /x/ { proxy_pass http://127.0.0.1:4533; } }'),
			});
			assert.deepEqual(model.routes.map((route) => route.route.requests), ['location /']);
			assert.equal(model.routes[0]!.target.assumed, false);
		});

		it('should skip internal locations, locations that return, and proxy_pass inside if', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`server {
	listen 80;
	location /a/ { internal; proxy_pass http://navidrome:4533; }
	location /b/ { return 403; proxy_pass http://navidrome:4533; }
	location /c/ { if ($request_method = POST) { proxy_pass http://navidrome:4533; } }
}`),
			});
			assert.deepEqual(model.routes, []);
		});
	});

	describe('user header fate', () => {
		const authLocation = 'location = /auth { internal; proxy_pass http://authentik-server:9000/outpost.goauthentik.io/auth/nginx; }';

		it('should follow inheritance per directive family', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`server {
	listen 80;
	auth_request /auth;
	auth_request_set $user $upstream_http_x_authentik_username;
	proxy_set_header Remote-User $user;
	${authLocation}
	location /inherits/ { proxy_pass http://navidrome:4533; }
	location /own-set/ { auth_request_set $email $upstream_http_x_authentik_email; proxy_pass http://navidrome:4533; }
	location /off/ { auth_request off; proxy_pass http://navidrome:4533; }
	location /lost/ { auth_request off; proxy_set_header Host $host; proxy_pass http://navidrome:4533; }
	location /outer/ {
		proxy_set_header X-Real-IP $remote_addr;
		location /outer/inner/ { proxy_pass http://navidrome:4533; }
	}
}`),
			});
			const routes = byLocation(model.routes);
			assert.equal(routes.get('location /inherits/')!.header.fate, 'authenticated');
			assert.equal(routes.get('location /inherits/')!.header.service?.kind, 'authentik');
			assert.equal(routes.get('location /own-set/')!.header.lossCause, 'not-captured');
			assert.equal(routes.get('location /off/')!.header.fate, 'stripped');
			assert.equal(routes.get('location /lost/')!.header.forgeCause, 'inherit-lost');
			const inner = routes.get('location /outer/inner/')!.header;
			assert.equal(inner.forgeCause, 'inherit-lost');
			assert.equal(inner.lost?.droppedAt.block?.args[0]?.value, '/outer/');
		});

		it('should honour headers-more clears from outer levels, in any case and with wildcards', () => {
			assert.equal(clearPatternCovers('remote-*', 'Remote-User'), true);
			assert.equal(clearPatternCovers('REMOTE-USER', 'Remote-User'), true);
			assert.equal(clearPatternCovers('Remote-Use', 'Remote-User'), false);
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`more_clear_input_headers 'Remote-*';
server {
	listen 80;
	location /a/ { proxy_pass http://navidrome:4533; }
	location /b/ { more_clear_input_headers -t text/plain X-Other; proxy_set_header Remote-User $http_remote_user; proxy_pass http://navidrome:4533; }
}`),
			});
			const routes = byLocation(model.routes);
			assert.equal(routes.get('location /a/')!.header.fate, 'stripped');
			// After the clear, $http_remote_user is empty (verified on nginx 1.22 with headers-more 0.34).
			assert.equal(routes.get('location /b/')!.header.fate, 'stripped');
		});

		it('should classify client variables, $remote_user and auth_basic', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`map $http_x_user $mapped { default $http_x_user; }
server {
	listen 80;
	location /a/ { proxy_set_header remote-user $cookie_user; proxy_pass http://navidrome:4533; }
	location /b/ { proxy_set_header Remote-User $mapped; proxy_pass http://navidrome:4533; }
	location /c/ { proxy_set_header Remote-User $remote_user; proxy_pass http://navidrome:4533; }
	location /d/ { auth_basic "x"; auth_basic_user_file htpasswd; proxy_set_header Remote-User $remote_user; proxy_pass http://navidrome:4533; }
	location /e/ { auth_basic "x"; auth_basic_user_file htpasswd; proxy_pass http://navidrome:4533; }
}`),
			});
			const routes = byLocation(model.routes);
			assert.equal(routes.get('location /a/')!.header.forgeCause, 'client-variable');
			assert.equal(routes.get('location /b/')!.header.variable, 'http_x_user');
			assert.equal(routes.get('location /c/')!.header.forgeCause, 'remote-user');
			assert.equal(routes.get('location /d/')!.header.fate, 'authenticated');
			assert.equal(routes.get('location /e/')!.header.forgeCause, 'no-handling');
			assert.equal(routes.get('location /e/')!.route.authenticated, true);
		});

		it('should know that clients cannot send a user header with "_" unless underscores are allowed', () => {
			const compose = composeYaml.replace('ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32', 'ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n      ND_EXTAUTH_USERHEADER: X_User');
			const config = (extra: string) => http(`server { listen 80; ${extra} location /rest/ { proxy_pass http://navidrome:4533; } }`);
			assert.equal(analyse({ '/p/compose.yaml': compose, '/p/nginx.conf': config('') }).model.routes[0]?.header.fate, 'stripped');
			assert.equal(analyse({ '/p/compose.yaml': compose, '/p/nginx.conf': config('underscores_in_headers on;') }).model.routes[0]?.header.fate, 'passthrough');
		});

		it('should point each route at the directives that decide it', () => {
			const text = http(`server { listen 80; ${authLocation}
	location / { auth_request /auth; auth_request_set $user $upstream_http_remote_user; proxy_set_header Remote-User $user; proxy_pass http://navidrome:4533; } }`);
			const { model } = analyse({ '/p/compose.yaml': composeYaml, '/p/nginx.conf': text });
			const route = model.routes[0]!;
			assert.equal(route.header.fate, 'never-delivered');
			assert.equal(route.header.lossCause, 'capture-mismatch');
			const shown = route.route.header.locations.map((location) => text.slice(location.span.start, location.span.end));
			assert.deepEqual(shown.sort(), ['auth_request /auth;', 'auth_request_set $user $upstream_http_remote_user;', 'proxy_set_header Remote-User $user;']);
		});
	});

	describe('lowering into neutral routes', () => {
		const authLocation = 'location = /auth { internal; proxy_pass http://authentik-server:9000/outpost.goauthentik.io/auth/nginx; }';

		it('should give each location the typical paths nginx sends it (exact, ^~, regex order, nested)', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`server {
	listen 80;
	location / { proxy_pass http://navidrome:4533; }
	location = /rest/ping.view { proxy_pass http://navidrome:4533; }
	location ^~ /share/ { proxy_pass http://navidrome:4533; }
	location ~ ^/(share|api)/ { proxy_pass http://navidrome:4533; }
	location ~* ^/REST/ { proxy_pass http://navidrome:4533; }
	location /app/ {
		proxy_pass http://navidrome:4533;
		location ~ \\.js$ { proxy_pass http://navidrome:4533; }
	}
}`),
			});
			const witnesses = new Map(model.routes.map((route) => [route.route.requests, route.route.witnesses]));
			assert.deepEqual(witnesses.get('location /'), ['/auth/login', '/ping', '/']);
			assert.deepEqual(witnesses.get('location = /rest/ping.view'), ['/rest/ping.view']);
			// ^~ stops the regexes: /share/abc stays with the prefix; the first matching regex takes /api/song.
			assert.deepEqual(witnesses.get('location ^~ /share/'), ['/share/abc', '/share/def', '/share/']);
			assert.deepEqual(witnesses.get('location ~ ^/(share|api)/'), ['/api/song', '/api/album']);
			// Case-insensitive: the rest of /rest/ lands here; the exact location keeps /rest/ping.view.
			assert.deepEqual(witnesses.get('location ~* ^/REST/'), ['/rest/stream.view', '/REST/']);
			assert.deepEqual(witnesses.get('location /app/'), ['/app/']);
			assert.deepEqual(witnesses.get('location ~ \\.js$'), []);
		});

		it('should map witnesses through BaseURL and a static proxy_pass URI, and give up on rewrite', () => {
			const compose = composeYaml.replace('ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32', 'ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n      ND_BASEURL: /music');
			const { model } = analyse({
				'/p/compose.yaml': compose,
				'/p/nginx.conf': http(`server {
	listen 80;
	location /music/ { proxy_pass http://navidrome:4533; }
	location /nd/ { proxy_pass http://navidrome:4533/music/; }
	location /old/ { rewrite ^/old/(.*)$ /music/$1 break; proxy_pass http://navidrome:4533; }
}`),
			});
			const witnesses = new Map(model.routes.map((route) => [route.route.requests, route.route.witnesses]));
			assert.ok(witnesses.get('location /music/')!.includes('/music/rest/ping.view'));
			assert.ok(witnesses.get('location /nd/')!.includes('/music/share/abc'), JSON.stringify(witnesses.get('location /nd/')));
			assert.deepEqual(witnesses.get('location /old/'), []);
		});

		it('should report nothing for a bypass that only reaches paths where Navidrome never reads the header', () => {
			const { result, model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http('server { listen 80; location /metrics/ { proxy_pass http://navidrome:4533; } location = /ping { proxy_pass http://navidrome:4533; } }'),
			});
			assert.equal(model.routes.length, 2);
			assert.equal(result.findings.filter((finding) => finding.ruleId === 'route/bypass-nostrip').length, 0);
		});

		it('should record conditions, auth steps and the peer as Navidrome sees it', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`server { listen 80; ${authLocation}
	location / {
		allow 10.0.0.0/8; deny all;
		if ($http_x_debug) { return 403; }
		auth_request /auth; auth_request_set $user $upstream_http_x_authentik_username; proxy_set_header Remote-User $user;
		proxy_pass http://navidrome:4533;
	} }`),
			});
			const route = model.routes[0]!.route;
			assert.deepEqual(route.conditions, ['if ($http_x_debug)', 'allow 10.0.0.0/8', 'deny all']);
			assert.deepEqual(route.auth.map((step) => [step.kind, step.name, step.setsUser]), [['forward-auth', 'auth_request /auth', true]]);
			assert.deepEqual(route.peer, { trusted: 'yes', address: '172.30.0.10' });
			assert.deepEqual([route.forgeries, route.losses], [[], []]);
		});

		it('should take a host nginx (no compose service mounts it) to be trusted, as an assumption', () => {
			const { model } = analyse({
				'/h/navidrome.toml': '[ExtAuth]\nTrustedSources = "127.0.0.1/32"\n',
				'/h/nginx.conf': http('server { listen 80; location / { proxy_pass http://127.0.0.1:4533; } }'),
			});
			assert.equal(model.routes[0]!.route.peer.trusted, 'assumed');
		});

		it('should judge forgeable and delivered independently', () => {
			const { model } = analyse({
				'/p/compose.yaml': composeYaml,
				'/p/nginx.conf': http(`server { listen 80; ${authLocation}
	location /none/ { auth_request /auth; proxy_pass http://navidrome:4533; }
	location /client/ { auth_request /auth; proxy_set_header Remote-User $http_x_user; proxy_pass http://navidrome:4533; }
	location /bypass/ { proxy_pass http://navidrome:4533; }
	location /rest/ { auth_request /auth; auth_request_set $user $upstream_http_x_authentik_username; proxy_set_header Remote-User $user; proxy_pass http://navidrome:4533; }
}`),
			});
			const causes = new Map(model.routes.map((route) => [route.route.requests, [...route.route.forgeries.map((f) => `${f.cause}/${f.who}`), ...route.route.losses.map((l) => l.cause)]]));
			assert.deepEqual(causes.get('location /none/'), ['auth-no-user/signed-in', 'never-mapped']);
			assert.deepEqual(causes.get('location /client/'), ['client-input/signed-in', 'never-mapped']);
			assert.deepEqual(causes.get('location /bypass/'), ['bypass-nostrip/anyone']);
			assert.deepEqual(causes.get('location /rest/'), []);
		});
	});
});
