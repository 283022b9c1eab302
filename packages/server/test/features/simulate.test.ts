import assert from 'node:assert/strict';
import { decide } from '@navidrome-extauth/core';
import { readSimulateArguments, simulate, simulateRequest, type RouteTrace, type SimulationTrace } from '../../src/features/index.js';
import { analyzeFiles } from './helpers.js';

/** A proxy pinned to 172.30.0.10 on network `proxy`, an auth service, and Navidrome trusting exactly that /32 (proxies.md §7). */
function composeFor(proxy: string, proxyLines: string, navidromeExtra = '', trust = '172.30.0.10/32', pin = true): string {
	return `services:
  ${proxy}:
${proxyLines}    networks:
      proxy:${pin ? '\n        ipv4_address: 172.30.0.10' : ' {}'}
  authelia:
    image: authelia/authelia:4.39
    networks: [proxy]
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: ${trust}
    networks: [proxy]
${navidromeExtra}networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;
}

const caddyService = `    image: caddy:2.11.4
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
`;

// The Navidrome docs' Caddy example without its strip (proxies.md §2.1, §2.3): /share/* and /rest/* skip forward_auth.
const caddyfile = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/authz/forward-auth
		copy_headers Remote-User
	}
	reverse_proxy navidrome:4533
}
`;

const forged = { 'Remote-User': 'admin' };

function only(trace: SimulationTrace, kind: RouteTrace['kind'] = 'proxy'): RouteTrace {
	const routes = trace.routes.filter((route) => route.kind === kind);
	if (routes.length !== 1) assert.fail(`expected one ${kind} route, got ${routes.map((route) => route.id).join(', ') || 'none'}; notes: ${trace.notes.join(' ')}`);
	return routes[0]!;
}

function userHeader(route: RouteTrace) {
	return route.headers.find((header) => header.name === 'Remote-User')!;
}

describe('simulate', () => {
	describe('through Caddy with @protected not path /share/* /rest/*', () => {
		const { result } = analyzeFiles({ '/w/compose.yaml': composeFor('caddy', caddyService), '/w/Caddyfile': caddyfile });

		it('should let a forged Remote-User: admin on /rest/ping log in as admin', () => {
			const route = only(simulate(result, { path: '/rest/ping', headers: forged }));
			assert.equal(route.proxy, 'caddy');
			assert.equal(route.id, 'caddy:Caddyfile:7');
			assert.deepEqual(route.location, { file: '/w/Caddyfile', line: 7 });
			assert.equal(route.matched, 'yes');
			assert.equal(route.requests, '/share/*, /rest/*');
			assert.equal(route.auth.ran, false);
			assert.equal(route.auth.result, 'skipped');
			assert.match(route.auth.detail, /forward_auth @protected authelia:9091 does not match/);
			assert.deepEqual({ ...userHeader(route), detail: undefined }, { name: 'Remote-User', sent: 'admin', arrives: 'admin', fate: 'passed', detail: undefined });
			assert.deepEqual(route.peer, { address: '172.30.0.10', basis: 'pinned', guess: false, detail: "caddy's ipv4_address on network proxy" });
			assert.equal(route.navidrome.outcome, 'authenticated');
			assert.equal(route.navidrome.user, 'admin');
			assert.equal(route.navidrome.decision?.matchedEntry?.text, '172.30.0.10/32');
		});

		it('should overwrite a forged header on /app/ with the signed-in user', () => {
			const route = only(simulate(result, { path: '/app/', headers: forged, credentials: 'signed-in as alice' }));
			assert.equal(route.requests, 'every path except /share/*, /rest/*');
			assert.equal(route.auth.result, 'accepted');
			const header = userHeader(route);
			assert.equal(header.fate, 'overwritten');
			assert.equal(header.arrives, 'alice');
			assert.match(header.detail, /copy_headers Remote-User/);
			assert.equal(route.navidrome.outcome, 'authenticated');
			assert.equal(route.navidrome.user, 'alice');
		});

		it('should stop a client that is not signed in at forward_auth on /app/', () => {
			const route = only(simulate(result, { path: '/app/', headers: forged }));
			assert.equal(route.auth.result, 'refused');
			assert.equal(userHeader(route).fate, 'not-forwarded');
			assert.equal(route.navidrome.outcome, 'rejected');
			assert.equal(route.navidrome.decision, undefined);
		});

		it('should show the strip when the Caddyfile removes the client copy first', () => {
			const safe = caddyfile.replace('music.example.com {\n', 'music.example.com {\n\troute {\n\trequest_header -Remote-User\n').replace('}\n', '}\n}\n');
			const { result: fixed } = analyzeFiles({ '/w/compose.yaml': composeFor('caddy', caddyService), '/w/Caddyfile': safe });
			const route = only(simulate(fixed, { path: '/rest/ping', headers: forged }));
			const header = userHeader(route);
			assert.equal(header.fate, 'stripped');
			assert.equal(header.arrives, undefined);
			assert.match(header.detail, /request_header -Remote-User/);
			assert.equal(route.navidrome.outcome, 'login');
			assert.equal(route.navidrome.reason, 'header-absent');
		});

		it('should say maybe for a matcher the model cannot decide, with the condition', () => {
			const lan = `music.example.com {
	@lan remote_ip 192.168.0.0/16
	handle @lan {
		reverse_proxy navidrome:4533
	}
	handle {
		request_header -Remote-User
		reverse_proxy navidrome:4533
	}
}
`;
			const { result: split } = analyzeFiles({ '/w/compose.yaml': composeFor('caddy', caddyService), '/w/Caddyfile': lan });
			const routes = simulate(split, { path: '/rest/ping', headers: forged }).routes;
			assert.equal(routes.length, 2);
			assert.ok(routes.every((route) => route.matched === 'maybe'));
			const open = routes.find((route) => route.navidrome.outcome === 'authenticated')!;
			assert.deepEqual(open.conditions, ['remote_ip 192.168.0.0/16']);
			const closed = routes.find((route) => route.navidrome.outcome === 'login')!;
			assert.deepEqual(closed.conditions, ['not remote_ip 192.168.0.0/16']);
		});

		it('should decide header matchers from the request instead of guessing', () => {
			const keyed = `music.example.com {
	@key header X-Api-Key *
	handle @key {
		reverse_proxy navidrome:4533
	}
	handle {
		request_header -Remote-User
		reverse_proxy navidrome:4533
	}
}
`;
			const { result: split } = analyzeFiles({ '/w/compose.yaml': composeFor('caddy', caddyService), '/w/Caddyfile': keyed });
			assert.equal(only(simulate(split, { path: '/rest/ping', headers: forged })).navidrome.outcome, 'login');
			const withKey = only(simulate(split, { path: '/rest/ping', headers: { ...forged, 'X-Api-Key': 'k' } }));
			assert.equal(withKey.matched, 'yes');
			assert.equal(withKey.navidrome.user, 'admin');
			assert.deepEqual(withKey.headers.find((header) => header.name === 'X-Api-Key')?.fate, 'passed');
		});

		it('should skip sites of other hosts and keep sites of the host given', () => {
			assert.equal(simulate(result, { path: '/rest/ping', headers: forged, host: 'other.example.org' }).routes.length, 0);
			assert.equal(simulate(result, { path: '/rest/ping', headers: forged, host: 'music.example.com' }).routes.length, 1);
		});
	});

	describe('peer addresses', () => {
		it('should guess an address in the network range when the proxy is not pinned, and say so', () => {
			const { result } = analyzeFiles({ '/w/compose.yaml': composeFor('caddy', caddyService, '', '172.30.0.0/24', false), '/w/Caddyfile': caddyfile });
			const route = only(simulate(result, { path: '/rest/ping', headers: forged }));
			assert.equal(route.peer.basis, 'network-range');
			assert.equal(route.peer.guess, true);
			assert.equal(route.peer.address, '172.30.0.2');
			assert.match(route.peer.detail, /172\.30\.0\.0\/24/);
			assert.match(route.navidrome.explanation, /Peer address: .*172\.30\.0\.2 is an example, not pinned/);
		});

		it("should use Docker's default pools when the network has no subnet", () => {
			const compose = composeFor('caddy', caddyService, '', '172.16.0.0/12', false).replace(/\nnetworks:\n[\s\S]*$/, '\nnetworks:\n  proxy: {}\n');
			const { result } = analyzeFiles({ '/w/compose.yaml': compose, '/w/Caddyfile': caddyfile });
			const route = only(simulate(result, { path: '/rest/ping', headers: forged }));
			assert.equal(route.peer.basis, 'default-pool');
			assert.equal(route.peer.guess, true);
			assert.equal(route.peer.address, '172.16.0.2');
		});
	});

	describe('straight to a published port', () => {
		const compose = composeFor('caddy', caddyService, '    ports:\n      - "4533:4533"\n', '172.30.0.0/24');
		const { result } = analyzeFiles({ '/w/compose.yaml': compose, '/w/Caddyfile': caddyfile });

		it('should trace the internet client and the docker-proxy gateway (proxies.md §7)', () => {
			const trace = simulate(result, { path: '/rest/ping', headers: forged, via: 'direct' });
			assert.deepEqual(trace.routes.map((route) => route.id), ['direct:navidrome', 'direct-gateway:navidrome']);
			const [client, gateway] = trace.routes;
			assert.equal(client!.peer.address, '203.0.113.7');
			assert.equal(client!.navidrome.reason, 'untrusted-peer');
			assert.equal(gateway!.peer.address, '172.30.0.1');
			assert.equal(gateway!.peer.guess, false);
			assert.equal(gateway!.navidrome.outcome, 'authenticated');
			assert.equal(gateway!.navidrome.user, 'admin');
			assert.equal(userHeader(gateway!).fate, 'passed');
		});

		it('should list every route with its peer, and pick one by id', () => {
			const trace = simulate(result, { path: '/rest/ping', headers: forged, via: 'caddy:Caddyfile:7' });
			assert.deepEqual(trace.routes.map((route) => route.id), ['caddy:Caddyfile:7']);
			assert.deepEqual(trace.available.map((route) => [route.id, route.peer.address]), [['caddy:Caddyfile:7', '172.30.0.10'], ['direct:navidrome', '203.0.113.7'], ['direct-gateway:navidrome', '172.30.0.1']]);
			const none = simulate(result, { path: '/rest/ping', headers: forged, via: 'traefik' });
			assert.equal(none.routes.length, 0);
			assert.match(none.notes.join('\n'), /No route matching 'traefik'/);
		});
	});

	describe('through nginx', () => {
		const nginx = `events {}
http {
	server {
		listen 80;
		server_name music.example.com;
		location = /internal/authz {
			internal;
			proxy_pass http://authelia:9091/api/authz/auth-request;
		}
		location / {
			auth_request /internal/authz;
			auth_request_set $user $upstream_http_remote_user;
			proxy_set_header Remote-User $user;
			proxy_pass http://navidrome:4533;
		}
		location /rest/ {
			proxy_pass http://navidrome:4533;
		}
		location /share/ {
			proxy_set_header Remote-User "";
			proxy_pass http://navidrome:4533;
		}
		location ~ ^/(?!app)pcre-only {
			return 404;
		}
	}
}
`;
		const service = '    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n';
		const { result } = analyzeFiles({ '/n/compose.yaml': composeFor('nginx', service), '/n/nginx.conf': nginx });

		it('should pass a forged header on location /rest/ (proxies.md §3.1 N1a)', () => {
			const route = only(simulate(result, { path: '/rest/ping', headers: forged }));
			assert.equal(route.id, 'nginx:nginx.conf:16');
			assert.equal(route.route, 'server music.example.com: location /rest/ → proxy_pass http://navidrome:4533');
			assert.equal(userHeader(route).fate, 'passed');
			assert.equal(route.peer.address, '172.30.0.10');
			assert.equal(route.navidrome.user, 'admin');
		});

		it('should overwrite it with the auth_request user on /app/', () => {
			const route = only(simulate(result, { path: '/app/', headers: forged, credentials: 'signed-in as alice' }));
			assert.equal(route.auth.result, 'accepted');
			assert.equal(userHeader(route).fate, 'overwritten');
			assert.equal(route.navidrome.user, 'alice');
			assert.equal(only(simulate(result, { path: '/app/', headers: forged })).navidrome.outcome, 'rejected');
		});

		it('should strip it where proxy_set_header sets it empty', () => {
			const route = only(simulate(result, { path: '/share/x', headers: forged }));
			assert.equal(userHeader(route).fate, 'stripped');
			assert.match(userHeader(route).detail, /proxy_set_header Remote-User ""/);
			assert.equal(route.navidrome.outcome, 'login');
		});

		it('should say maybe when a regex location the engine cannot read may take the request', () => {
			const trace = simulate(result, { path: '/rest/pcre-only', headers: forged });
			const route = only(trace);
			assert.equal(route.matched, 'maybe');
			assert.match(route.conditions.join(), /does not match/);
			assert.match(trace.notes.join('\n'), /pcre-only.*does not proxy it to Navidrome/);
		});
	});

	describe('through Traefik', () => {
		const service = `    image: traefik:v3.1
    command:
      - --providers.docker=true
      - --entrypoints.web.address=:80
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
`;
		const labels = `    labels:
      traefik.http.routers.navidrome.rule: Host(\`music.example.com\`)
      traefik.http.routers.navidrome.entrypoints: web
      traefik.http.routers.navidrome.middlewares: authelia@docker
      traefik.http.routers.navidrome-public.rule: Host(\`music.example.com\`) && PathPrefix(\`/rest/\`)
      traefik.http.routers.navidrome-public.entrypoints: web
      traefik.http.services.navidrome.loadbalancer.server.port: 4533
`;
		const compose = composeFor('traefik', service, labels).replace(
			'    image: authelia/authelia:4.39\n    networks: [proxy]\n',
			'    image: authelia/authelia:4.39\n    networks: [proxy]\n    labels:\n      traefik.http.middlewares.authelia.forwardauth.address: http://authelia:9091/api/authz/forward-auth\n      traefik.http.middlewares.authelia.forwardauth.authResponseHeaders: Remote-User\n',
		);
		const { result } = analyzeFiles({ '/t/compose.yaml': compose });

		it('should let the public router (longer rule, higher priority) pass a forged header on /rest/ping', () => {
			const route = only(simulate(result, { path: '/rest/ping', headers: forged, host: 'music.example.com' }));
			assert.match(route.route, /^router navidrome-public@docker on entrypoint web/);
			assert.equal(route.auth.ran, false);
			assert.equal(route.peer.address, '172.30.0.10');
			assert.equal(route.navidrome.user, 'admin');
		});

		it('should replace it through forwardAuth authResponseHeaders on /app/', () => {
			const route = only(simulate(result, { path: '/app/', headers: forged, credentials: 'signed-in as alice' }));
			assert.match(route.route, /^router navidrome@docker/);
			assert.equal(userHeader(route).fate, 'overwritten');
			assert.equal(route.navidrome.user, 'alice');
		});

		it('should take nothing for a host no router names', () => {
			assert.equal(simulate(result, { path: '/rest/ping', headers: forged, host: 'other.example.org' }).routes.length, 0);
		});
	});

	describe('the simulateRequest command', () => {
		const files = { '/w/compose.yaml': composeFor('caddy', caddyService), '/w/Caddyfile': caddyfile };
		const { result } = analyzeFiles(files);

		it('should keep the peer form and add the trace with trace: true', () => {
			assert.equal(readSimulateArguments({ path: '/app/' }), undefined);
			const args = readSimulateArguments({ trace: true, path: '/rest/ping', headers: forged })!;
			const answer = simulateRequest(result, '/w/Caddyfile', args);
			assert.equal(answer.instance?.id, 'navidrome');
			assert.equal(answer.decision.outcome, 'authenticated');
			assert.equal(answer.decision.username, 'admin');
			assert.deepEqual(answer.summary, ['caddy:Caddyfile:7: AUTHENTICATED as admin']);
			assert.match(answer.markdown ?? '', /## caddy:Caddyfile:7: AUTHENTICATED as `admin`/);
			assert.equal(answer.simulation?.routes[0]?.peer.address, '172.30.0.10');
			const signedIn = simulateRequest(result, undefined, readSimulateArguments({ credentials: 'signed-in as alice', path: '/app/', headers: forged })!);
			assert.equal(signedIn.decision.username, 'alice');
		});

		it('should hide values that came through secret-looking variables', () => {
			const compose = composeFor('caddy', caddyService, '', '${TRUST_SECRET}');
			const secretFiles = { '/s/compose.yaml': compose, '/s/.env': 'TRUST_SECRET=10.77.0.0/16\n', '/s/Caddyfile': caddyfile };
			const { result: secret } = analyzeFiles(secretFiles);
			// Unmasked, the core's explanation would quote the list.
			assert.match(decide({ remoteAddr: '172.30.0.10', headers: forged, path: '/rest/ping' }, { trustedSources: '10.77.0.0/16' }).explanation, /10\.77\.0\.0/);
			const answer = simulateRequest(secret, '/s/compose.yaml', readSimulateArguments({ trace: true, path: '/rest/ping', headers: forged })!);
			assert.equal(answer.simulation?.routes[0]?.navidrome.reason, 'untrusted-peer');
			assert.doesNotMatch(JSON.stringify(answer, (_key, value) => (typeof value === 'bigint' ? String(value) : value)), /10\.77\.0/);
		});
	});
});
