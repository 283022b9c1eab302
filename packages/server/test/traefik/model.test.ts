import assert from 'node:assert/strict';
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import { traefikModels } from '../../src/analysis/proxies/traefik/adapter.js';
import type { NavidromeRoute, TraefikModel } from '../../src/analysis/proxies/traefik/model.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

function analyse(files: Record<string, string>): AnalysisResult {
	const list = Object.entries(files).map(([path, text]) => ({ path, text }));
	return new Analyzer().analyze({ files: list, workspace: fixtureWorkspace(list) });
}

function model(files: Record<string, string>): TraefikModel {
	const models = traefikModels(analyse(files).deployment);
	assert.equal(models.length, 1);
	return models[0]!;
}

function route(built: TraefikModel, router: string): NavidromeRoute {
	const found = built.routes.find((candidate) => candidate.router.name === router);
	assert.ok(found, `a route for ${router}; routers: ${built.routers.map((r) => `${r.qualifiedName}${r.disabled ? ` (${r.disabled})` : ''}`).join(', ')}`);
	return found;
}

/** A compose file: a pinned Traefik (with `traefik` lines) and Navidrome with `labels` lines. */
function compose({ traefik = '', labels = '', navidrome = '', trusted = '172.30.0.10/32', extra = '' }: { traefik?: string; labels?: string; navidrome?: string; trusted?: string; extra?: string }): string {
	return [
		'services:',
		'  traefik:',
		'    image: traefik:v3.7',
		traefik,
		'    networks:',
		'      proxy:',
		'        ipv4_address: 172.30.0.10',
		extra,
		'  navidrome:',
		'    image: deluan/navidrome:0.63.2',
		navidrome,
		'    networks: [proxy]',
		'    environment:',
		`      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}`,
		labels ? '    labels:' : '',
		labels,
		'networks:',
		'  proxy:',
		'    ipam:',
		'      config:',
		'        - subnet: 172.30.0.0/24',
		'',
	]
		.filter((line) => line !== '')
		.join('\n');
}

const routersYaml = (routers: string): string =>
	[
		'http:',
		'  routers:',
		routers,
		'  middlewares:',
		'    auth:',
		'      forwardAuth:',
		'        address: http://authelia:9091/api/authz/forward-auth',
		'        authResponseHeaders: [Remote-User]',
		'    strip:',
		'      headers:',
		'        customRequestHeaders:',
		'          remote-user: ""',
		'  services:',
		'    nd:',
		'      loadBalancer:',
		'        servers:',
		'          - url: http://navidrome:4533',
		'',
	].join('\n');

describe('traefik model', () => {
	describe('middleware chains', () => {
		it('should put entrypoint middlewares first, resolving unsuffixed names in the router provider', () => {
			const built = model({
				'/w/compose.yaml': compose({
					traefik: ['    command:', '      - --entrypoints.websecure.address=:443', '      - --entrypoints.websecure.http.middlewares=strip', '      - --providers.docker'].join('\n'),
					labels: [
						'      traefik.http.routers.nd.rule: Host(`music.example.com`)',
						'      traefik.http.routers.nd.middlewares: auth',
						'      traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User:',
						'      traefik.http.middlewares.auth.forwardauth.address: http://authelia:9091',
						'      traefik.http.middlewares.auth.forwardauth.authresponseheaders: Remote-User',
					].join('\n'),
				}),
			});
			assert.equal(built.static.kind, 'flags');
			const view = route(built, 'nd').views[0]!;
			assert.equal(view.entryPoint, 'websecure');
			assert.deepEqual(view.chain.map((step) => [step.ref.qualified, step.ref.via]), [['strip@docker', 'entrypoint'], ['auth@docker', 'router']]);
			assert.equal(view.header.fate, 'authenticated');
		});

		it('should expand chain middlewares in place and follow the header through them', () => {
			const built = model({
				'/w/compose.yaml': compose({}),
				'/w/dynamic/a.yml': routersYaml(['    nd:', '      rule: Host(`m`)', '      middlewares: [secured]', '      service: nd'].join('\n')).replace('  middlewares:\n', '  middlewares:\n    secured:\n      chain:\n        middlewares: [auth, strip]\n'),
			});
			const view = route(built, 'nd').views[0]!;
			assert.deepEqual(view.chain.map((step) => step.ref.qualified), ['auth@file', 'strip@file']);
			assert.equal(view.header.fate, 'never-delivered');
			assert.equal(view.header.stripAfterAuth?.strip.via[0]?.qualified, 'secured@file');
		});

		it('should tell the fates apart: stripped, passthrough, fixed value, and removed without being set', () => {
			const built = model({
				'/w/compose.yaml': compose({}),
				'/w/dynamic/a.yml': routersYaml(
					[
						['stripped', '[strip]'],
						['open', '[]'],
						['both-removed', '[strip, noheader]'],
						['fixed', '[admin]'],
					]
						.map(([name, middlewares]) => `    ${name}:\n      rule: Host(\`${name}\`)\n      middlewares: ${middlewares}\n      service: nd`)
						.join('\n'),
				).replace('  middlewares:\n', '  middlewares:\n    noheader:\n      forwardAuth:\n        address: http://x\n    admin:\n      headers:\n        customRequestHeaders:\n          Remote-User: admin\n'),
			});
			const fate = (name: string): string => route(built, name).views[0]!.header.fate;
			assert.equal(fate('stripped'), 'stripped');
			assert.equal(fate('open'), 'passthrough');
			assert.equal(fate('both-removed'), 'never-delivered');
			assert.equal(fate('fixed'), 'stripped');
			assert.match(route(built, 'fixed').views[0]!.header.detail, /fixed value/);
		});

		it('should drop a router whose middleware does not exist, and keep one whose provider is not in the workspace', () => {
			const built = model({
				'/w/compose.yaml': compose({}),
				'/w/dynamic/a.yml': routersYaml(['    missing:', '      rule: Host(`a`)', '      middlewares: [nope]', '      service: nd', '    elsewhere:', '      rule: Host(`b`)', '      middlewares: [auth@kubernetescrd]', '      service: nd'].join('\n')),
			});
			assert.match(built.routers.find((router) => router.name === 'missing')!.disabled!, /middleware "nope@file" does not exist/);
			assert.equal(built.routes.some((candidate) => candidate.router.name === 'missing'), false);
			assert.equal(route(built, 'elsewhere').views[0]!.header.unknown.length, 1);
		});
	});

	describe('priorities and reach', () => {
		it('should give the docs routers their rule lengths and send /rest/ and /share/ to the public one', () => {
			const built = model({
				'/w/compose.yaml': compose({}),
				'/w/dynamic/a.yml': routersYaml(
					[
						'    navidrome:',
						'      rule: Host(`music.example.com`)',
						'      middlewares: [strip, auth]',
						'      service: nd',
						'    navidrome-public:',
						'      rule: Host(`music.example.com`) && (PathPrefix(`/share/`) || PathPrefix(`/rest/`))',
						'      middlewares: [strip]',
						'      service: nd',
					].join('\n'),
				),
			});
			const publicRoute = route(built, 'navidrome-public');
			const protectedRoute = route(built, 'navidrome');
			assert.equal(publicRoute.router.priority, 76);
			assert.equal(protectedRoute.router.priority, 25);
			const publicPaths = new Set(publicRoute.views[0]!.reach.wins.map((probe) => probe.path));
			const protectedPaths = new Set(protectedRoute.views[0]!.reach.wins.map((probe) => probe.path));
			assert.ok(publicPaths.has('/rest/ping.view') && publicPaths.has('/share/abc'));
			assert.ok(!publicPaths.has('/app/') && !publicPaths.has('/rest'));
			assert.ok(protectedPaths.has('/app/') && protectedPaths.has('/rest') && !protectedPaths.has('/rest/ping.view'));
		});

		it('should honour explicit priorities, with 0 meaning the rule length', () => {
			const built = model({
				'/w/compose.yaml': compose({}),
				'/w/dynamic/a.yml': routersYaml(
					[
						'    navidrome:',
						'      rule: Host(`music.example.com`)',
						'      priority: 1000',
						'      middlewares: [strip, auth]',
						'      service: nd',
						'    navidrome-public:',
						'      rule: Host(`music.example.com`) && PathPrefix(`/rest/`)',
						'      priority: 0',
						'      middlewares: [strip]',
						'      service: nd',
						'    bad:',
						'      rule: Host(`x`)',
						'      priority: high',
						'      service: nd',
					].join('\n'),
				),
			});
			const publicRoute = route(built, 'navidrome-public');
			assert.equal(publicRoute.router.priority, 49);
			assert.equal(publicRoute.router.priorityExplicit, false);
			assert.equal(publicRoute.views[0]!.reach.receives, false);
			assert.ok(publicRoute.views[0]!.reach.lost.every((lost) => lost.to.name === 'navidrome'));
			assert.match(built.routers.find((router) => router.name === 'bad')!.disabled!, /not an integer/);
		});
	});

	describe('services and targets', () => {
		it('should reach Navidrome through a network alias or container_name, and not through the wrong port', () => {
			const files = (url: string): Record<string, string> => ({
				'/w/compose.yaml': compose({ navidrome: '    container_name: nd-box' }).replace('    networks: [proxy]\n    environment', '    networks:\n      proxy:\n        aliases: [music-backend]\n    environment'),
				'/w/dynamic/a.yml': routersYaml('    nd:\n      rule: Host(`m`)\n      service: nd').replace('http://navidrome:4533', url),
			});
			assert.equal(model(files('http://music-backend:4533')).routes.length, 1);
			assert.equal(model(files('http://nd-box:4533')).routes.length, 1);
			assert.equal(model(files('http://navidrome:8080')).routes.length, 0);
			assert.equal(model(files('http://navidrome')).routes.length, 0);
		});

		it('should use the labelled container, and its loadbalancer.server.port', () => {
			const labels = (port: string): string => ['      traefik.http.routers.nd.rule: Host(`m`)', `      traefik.http.services.nd.loadbalancer.server.port: "${port}"`].join('\n');
			assert.equal(model({ '/w/compose.yaml': compose({ labels: labels('4533') }) }).routes.length, 1);
			assert.equal(model({ '/w/compose.yaml': compose({ labels: labels('9000') }) }).routes.length, 0);
		});

		it('should judge trust by the pinned Traefik address, and assume trust when it is not pinned', () => {
			const labels = '      traefik.http.routers.nd.rule: Host(`m`)';
			assert.deepEqual(route(model({ '/w/compose.yaml': compose({ labels }) }), 'nd').peer, { trusted: 'yes', address: '172.30.0.10' });
			assert.deepEqual(route(model({ '/w/compose.yaml': compose({ labels, trusted: '172.30.0.11/32' }) }), 'nd').peer, { trusted: 'no', address: '172.30.0.10' });
			const unpinned = compose({ labels, trusted: '172.30.0.0/24' }).replace('    networks:\n      proxy:\n        ipv4_address: 172.30.0.10\n', '');
			assert.deepEqual(route(model({ '/w/compose.yaml': unpinned }), 'nd').peer, { trusted: 'assumed', address: undefined });
		});
	});

	describe('the Docker provider', () => {
		const staticFlags = (exposed: string): string => ['    command:', '      - --entrypoints.web.address=:80', '      - --providers.docker=true', `      - --providers.docker.exposedbydefault=${exposed}`].join('\n');

		it('should make a default router for an exposed container without router labels, only when the provider is known', () => {
			const withStatic = model({ '/w/compose.yaml': compose({ traefik: staticFlags('true') }) });
			const defaultRoute = route(withStatic, 'navidrome-w');
			assert.equal(defaultRoute.router.origin.kind, 'default');
			assert.equal(defaultRoute.router.rule, 'Host(`navidrome-w`)');
			assert.equal(defaultRoute.views[0]!.header.fate, 'passthrough');
			assert.equal(traefikModels(analyse({ '/w/compose.yaml': compose({}) }).deployment)[0]!.routes.length, 0);
		});

		it('should skip containers when exposedByDefault is false unless traefik.enable is true', () => {
			const labels = '      traefik.http.routers.nd.rule: Host(`m`)';
			assert.equal(model({ '/w/compose.yaml': compose({ traefik: staticFlags('false'), labels }) }).routes.length, 0);
			assert.equal(model({ '/w/compose.yaml': compose({ traefik: staticFlags('false'), labels: `      traefik.enable: "true"\n${labels}` }) }).routes.length, 1);
		});

		it('should drop a router two containers define differently', () => {
			const built = model({
				'/w/compose.yaml': compose({
					labels: '      traefik.http.routers.nd.rule: Host(`a`)',
					extra: '  other:\n    image: whoami\n    labels:\n      traefik.http.routers.nd.rule: Host(`b`)',
				}),
			});
			assert.equal(built.routers.some((router) => router.name === 'nd'), false);
		});

		it('should ignore the flags when a static file is mounted, as Traefik does', () => {
			const built = model({
				'/w/compose.yaml': compose({ traefik: ['    command: --entrypoints.web.address=:80', '    volumes:', '      - ./traefik.yml:/etc/traefik/traefik.yml:ro'].join('\n'), labels: '      traefik.http.routers.nd.rule: Host(`m`)' }),
				'/w/traefik.yml': 'entryPoints:\n  websecure:\n    address: ":443"\nproviders:\n  docker: {}\n',
			});
			assert.equal(built.static.kind, 'file');
			assert.ok(built.static.ignoredFlags);
			assert.deepEqual(route(built, 'nd').router.entryPoints, ['websecure']);
		});
	});

	describe('deployments side by side', () => {
		it('should keep one model per compose folder, so equal router names do not collide', () => {
			const labels = '      traefik.http.routers.nd.rule: Host(`m`)';
			const result = analyse({ '/w/a/compose.yaml': compose({ labels }), '/w/b/compose.yaml': compose({ labels }) });
			const models = traefikModels(result.deployment);
			assert.equal(models.length, 2);
			assert.ok(models.every((built) => built.routes.length === 1));
			assert.equal(result.deployment.routes.filter((candidate) => candidate.proxy === 'traefik').length, 2);
		});
	});

	describe('lowering into neutral routes', () => {
		const lowered = (labels: string[], extra: Partial<Parameters<typeof compose>[0]> = {}) => {
			const result = analyse({ '/w/compose.yaml': compose({ labels: labels.map((line) => `      ${line}`).join('\n'), ...extra }) });
			const routes = result.deployment.routes.filter((candidate) => candidate.proxy === 'traefik');
			assert.equal(routes.length, 1);
			return routes[0]!;
		};

		it('should name the paths the router wins, its undecided conditions, its peer and its auth steps', () => {
			const route = lowered([
				'traefik.http.routers.nd.rule: Host(`m`) && PathPrefix(`/rest/`) && Header(`X-Client`, `app`)',
				'traefik.http.routers.nd.middlewares: auth',
				'traefik.http.middlewares.auth.forwardauth.address: http://authelia:9091/api/authz/forward-auth',
				'traefik.http.middlewares.auth.forwardauth.authResponseHeaders: Remote-User',
			]);
			assert.ok(route.witnesses.includes('/rest/ping.view'), route.witnesses.join(', '));
			assert.ok(!route.witnesses.includes('/app/'));
			assert.deepEqual(route.conditions, ['Header(`X-Client`, `app`)']);
			assert.deepEqual(route.peer, { trusted: 'yes', address: '172.30.0.10' });
			assert.deepEqual(route.auth.map((run) => [run.kind, run.name, run.setsUser]), [['forward-auth', 'auth@docker', true]]);
			assert.equal(route.authenticated, true);
			assert.deepEqual([route.forgeries, route.losses], [[], []]);
			assert.equal(route.header.fate, 'authenticated');
		});

		it('should give a router without auth or strip one forgery, bypass-nostrip by anyone, with the strip fix', () => {
			const route = lowered(['traefik.http.routers.nd.rule: Host(`m`)']);
			assert.deepEqual(route.forgeries.map((forgery) => [forgery.cause, forgery.who, forgery.fixes?.length]), [['bypass-nostrip', 'anyone', 1]]);
			assert.deepEqual(route.losses, []);
			assert.equal(route.auth.length, 0);
		});

		it('should keep the two outcomes of a forwardAuth that does not list the header independent of each other', () => {
			const auth = ['traefik.http.middlewares.auth.forwardauth.address: http://authelia:9091/api/authz/forward-auth', 'traefik.http.middlewares.auth.forwardauth.authResponseHeaders: Remote-Groups'];
			const open = lowered(['traefik.http.routers.nd.rule: Host(`m`)', 'traefik.http.routers.nd.middlewares: auth', ...auth]);
			assert.deepEqual(open.forgeries.map((forgery) => [forgery.cause, forgery.who]), [['auth-no-user', 'signed-in']]);
			assert.deepEqual(open.losses.map((loss) => loss.cause), ['never-mapped']);
			const stripped = lowered(['traefik.http.routers.nd.rule: Host(`m`)', 'traefik.http.routers.nd.middlewares: strip, auth', 'traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User: ""', ...auth]);
			assert.deepEqual(stripped.forgeries, []);
			assert.deepEqual(stripped.losses.map((loss) => loss.cause), ['never-mapped']);
			assert.equal(stripped.auth[0]!.setsUser, false);
		});

		it('should lower a strip after forwardAuth to a strip-after-auth loss with the reorder fix', () => {
			const route = lowered([
				'traefik.http.routers.nd.rule: Host(`m`)',
				'traefik.http.routers.nd.middlewares: auth, strip',
				'traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User: ""',
				'traefik.http.middlewares.auth.forwardauth.address: http://authelia:9091/api/authz/forward-auth',
				'traefik.http.middlewares.auth.forwardauth.authResponseHeaders: Remote-User',
			]);
			assert.deepEqual(route.forgeries, []);
			assert.deepEqual(route.losses.map((loss) => [loss.cause, loss.fixes?.[0]?.title]), [['strip-after-auth', 'Move strip before auth']]);
		});

		it('should take the peer from the shared model: no honoured TCP entry is "no", not "trusted"', () => {
			const route = lowered(['traefik.http.routers.nd.rule: Host(`m`)'], { trusted: '172.30.0.10' });
			assert.equal(route.peer.trusted, 'no');
		});
	});
});
