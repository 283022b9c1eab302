import assert from 'node:assert/strict';
import { hover } from '../../src/features/index.js';
import type { AnalysisResult } from '../../src/analysis/engine.js';
import type { ProxyRoute } from '../../src/analysis/model/deployment.js';
import { contextAt } from './helpers.js';

const compose = (environment: string, image = 'deluan/navidrome:0.60.0'): string => `services:
  navidrome:
    image: ${image}
    env_file: .env
    environment:
${environment}
`;

function hoverText(files: Record<string, string>, path: string): string {
	const result = hover(contextAt(files, path));
	assert.ok(result, 'expected a hover');
	return result.markdown;
}

describe('hover', () => {
	describe('settings', () => {
		it('should render the catalog entry and the effective value for a compose map key', () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_USER$0HEADER: X-authentik-username') }, '/w/compose.yaml');
			assert.match(text, /^\*\*ExtAuth\.UserHeader\*\* \(`ND_EXTAUTH_USERHEADER`\): Name of the request header/);
			assert.match(text, /- Default `Remote-User` · since Navidrome 0\.59\.0 · `ND_EXTAUTH_USERHEADER` or `ExtAuth\.UserHeader` in navidrome\.toml/);
			assert.match(text, /\*\*Security:\*\*/);
			assert.match(text, /\[More…\]\(https:\/\/www\.navidrome\.org\/docs\/usage\/configuration\/options\/#advanced-configuration\)$/);
			assert.match(text, /`navidrome` \(Navidrome 0\.60\.0, from the image tag\): `X-authentik-username`, from `ND_EXTAUTH_USERHEADER` in this file, line 6/);
		});

		it('should hover the list form and a .env key, naming the file a value came from', () => {
			const files = { '/w/compose.yaml': compose('      - ND_PORT=4533'), '/w/.env': 'ND_EXTAUTH_USER$0HEADER=Remote-User\n' };
			const text = hoverText(files, '/w/.env');
			assert.match(text, /`navidrome` .*: `Remote-User`, from `ND_EXTAUTH_USERHEADER` in this file, line 1/);
			const list = hoverText({ '/w/compose.yaml': compose('      - ND_P$0ORT=8080') }, '/w/compose.yaml');
			assert.match(list, /^\*\*Port\*\*/);
			assert.match(list, /`8080`, from `ND_PORT`/);
		});

		it('should hover a TOML key under an [ExtAuth] table', () => {
			const text = hoverText({ '/w/navidrome.toml': '[ExtAuth]\nUser$0Header = "Remote-User"\n' }, '/w/navidrome.toml');
			assert.match(text, /^\*\*ExtAuth\.UserHeader\*\* \(`UserHeader`\)/);
			assert.match(text, /from `ExtAuth\.UserHeader` in this file, line 2/);
		});

		it('should never show a secret value', () => {
			const files = { '/w/compose.yaml': compose('      ND_PASSWORD$0ENCRYPTIONKEY: hunter2-very-secret') };
			const text = hoverText(files, '/w/compose.yaml');
			assert.match(text, /\(hidden\)/);
			assert.doesNotMatch(text, /hunter2/);
		});

		it('should mark a legacy name as deprecated', () => {
			const text = hoverText({ '/w/.env': 'ND_REVERSEPROXY$0WHITELIST=10.0.0.0/8\n' }, '/w/.env');
			assert.match(text, /deprecated, use `ExtAuth\.TrustedSources`/);
		});

		it('should say nothing outside environment sections', () => {
			assert.equal(hover(contextAt({ '/w/compose.yaml': 'services:\n  web:\n    ima$0ge: nginx\n' }, '/w/compose.yaml')), undefined);
		});
	});

	describe('TrustedSources entries', () => {
		it('should describe the range, address count and Docker pool of an entry', () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.0/1$06,10.0.0.5/32') }, '/w/compose.yaml');
			assert.match(text, /\*\*TrustedSources entry\*\* `172\.18\.0\.0\/16` of `navidrome`/);
			assert.match(text, /Range: `172\.18\.0\.0` – `172\.18\.255\.255` \(65,536 addresses, IPv4 \/16\)/);
			assert.match(text, /Docker default address pool `172\.18\.0\.0\/16`/);
		});

		it('should say why Navidrome ignores an entry, through ${VAR} interpolation from .env', () => {
			const files = { '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: ${PROXY}'), '/w/.env': 'PROXY=10.0.0.0/8, 17$02.18.0.5/32\n' };
			const text = hoverText(files, '/w/.env');
			assert.match(text, /\*\*Navidrome ignores this entry\.\*\*/);
			assert.match(text, /Write `172\.18\.0\.5\/32` instead/);
		});

		it('should flag every IPv4 address for 0.0.0.0/0 and the loopback range', () => {
			assert.match(hoverText({ '/w/navidrome.toml': 'ExtAuth.TrustedSources = "0.0.$00.0/0"\n' }, '/w/navidrome.toml'), /\*\*every IPv4 address\*\*/);
			assert.match(hoverText({ '/w/navidrome.toml': 'ExtAuth.TrustedSources = "127.0.$00.1/32"\n' }, '/w/navidrome.toml'), /loopback/);
		});
	});

	describe('findings and proxy routes', () => {
		it("should append the rule's documentation when the cursor is on a finding", () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.$00.0/0') }, '/w/compose.yaml');
			assert.match(text, /\*\*nd\/trust-all\*\*/);
			assert.match(text, /\[More…\]\(https:\/\/.*nd-trust-all\.md\)/);
			// The rule's full documentation stays on its page.
			assert.doesNotMatch(text, /\*\*Fix:\*\*/);
		});

		it('should explain what a proxy directive does to the user header on which paths', () => {
			const files = { '/w/Caddyfile': 'example.com {\n  reverse_proxy navidrome:4533 {\n    header_up Remote-User {$0http.request.header.Remote-User}\n  }\n}\n', '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5/32') };
			const context = contextAt(files, '/w/Caddyfile');
			const caddy = files['/w/Caddyfile'].replace('$0', '');
			const directive = caddy.indexOf('header_up');
			const route: ProxyRoute = {
				proxy: 'caddy',
				location: { file: '/w/Caddyfile', span: { start: 0, end: caddy.length } },
				requests: '/rest/*',
				witnesses: ['/rest/ping.view'],
				conditions: [],
				upstream: 'navidrome:4533',
				target: context.analysis!.deployment.navidromes[0],
				peer: { trusted: 'assumed', address: undefined },
				auth: [],
				authenticated: false,
				forgeries: [],
				losses: [],
				header: { fate: 'passthrough', detail: 'header_up copies the client value', locations: [{ file: '/w/Caddyfile', span: { start: directive, end: caddy.indexOf('\n', directive) } }] },
			};
			const analysis: AnalysisResult = { ...context.analysis!, deployment: { ...context.analysis!.deployment, routes: [route] } };
			const result = hover({ ...context, analysis });
			assert.ok(result);
			assert.match(result.markdown, /\*\*Caddy route\*\* `\/rest\/\*` → `navidrome:4533` \(Navidrome `navidrome`\)/);
			assert.match(result.markdown, /Auth step: \*\*no\*\*/);
			assert.match(result.markdown, /`Remote-User` header: \*\*a value sent by the client reaches Navidrome\*\*.*header_up copies the client value/);
			assert.deepEqual(result.span, route.header.locations[0]!.span);
		});
	});

	describe('size', () => {
		it('should keep the TrustedSources hover to about ten lines with a More… link (it was 43 lines, 3,700 characters)', () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTED$0SOURCES: 172.18.0.5/32') }, '/w/compose.yaml');
			assert.ok(text.split('\n').length <= 10, text);
			assert.ok(text.length < 1200, `${text.length} characters`);
			assert.match(text, /`navidrome` \(Navidrome 0\.60\.0, from the image tag\): `172\.18\.0\.5\/32`, from `ND_EXTAUTH_TRUSTEDSOURCES` in this file, line 6/);
			assert.match(text, /\[More…\]\(https:\/\/www\.navidrome\.org\/docs\/usage\/configuration\/options\/#advanced-configuration\)/);
		});

		it('should stay short on a finding: the setting, then the rule in one line', () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.$00.0/0') }, '/w/compose.yaml');
			assert.ok(text.split('\n').length <= 10, text);
			assert.match(text, /\*\*nd\/trust-all\*\*: .* \[More…\]\(https:\/\/[^)]*nd-trust-all\.md\)/);
		});
	});

	describe('old images', () => {
		const old = (env: string): Record<string, string> => ({ '/w/compose.yaml': compose(env, 'deluan/navidrome:0.58.0') });

		it('should say a TrustedSources entry is ignored today and what happens once it takes effect', () => {
			const text = hoverText(old('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.$00.0/0'), '/w/compose.yaml');
			assert.match(text, /ignored today on Navidrome 0\.58\.0; once it takes effect \(0\.59\.0\+\), peers in it can name any user/);
		});

		it('should give the value that applies today and the one that applies once the name takes effect', () => {
			const text = hoverText(old('      ND_EXTAUTH_TRUSTED$0SOURCES: 172.18.0.5/32'), '/w/compose.yaml');
			assert.match(text, /`navidrome` \(Navidrome 0\.58\.0, from the image tag\): ignored today on 0\.58\.0, so `\(empty\)` applies \(the default\); once it takes effect \(0\.59\.0\+\): `172\.18\.0\.5\/32`/);
		});

		it('should say on the image tag which names that release reads', () => {
			const text = hoverText({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5/32', 'deluan/navidrome:0.5$08.0') }, '/w/compose.yaml');
			assert.match(text, /^\*\*`deluan\/navidrome:0\.58\.0`\*\*: Navidrome 0\.58\.0/);
			assert.match(text, /Reads the legacy names `ND_REVERSEPROXYWHITELIST` and `ND_REVERSEPROXYUSERHEADER`/);
			assert.match(text, /Ignores `ND_EXTAUTH_TRUSTEDSOURCES` and `ND_EXTAUTH_USERHEADER` \(added in 0\.59\.0\)/);
			assert.match(text, /External auth here: off: this release ignores `ND_EXTAUTH_TRUSTEDSOURCES`/);
			const current = hoverText({ '/w/compose.yaml': compose('      ND_PORT: 4533', 'deluan/navidrome:0.6$01.0') }, '/w/compose.yaml');
			assert.match(current, /Reads `ND_EXTAUTH_TRUSTEDSOURCES` and `ND_EXTAUTH_USERHEADER`/);
			assert.match(current, /Reads `ND_EXTAUTH_LOGOUTURL` too/);
			assert.equal(hover(contextAt({ '/w/compose.yaml': 'services:\n  web:\n    image: ngi$0nx:1.27\n' }, '/w/compose.yaml')), undefined);
		});
	});

	describe('proxies', () => {
		const pinned = `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    networks: [proxy]
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
  authelia:
    image: authelia/authelia:4.38
    networks: [proxy]
  traefik:
    image: traefik:v3.1
    networks:
      proxy:
        ipv4_address: 172.30.0.10
    labels:
      - traefik.http.middlewares.auth.forwardauth.address=http://authelia:9091/api/authz/forward-auth
      - traefik.http.middlewares.auth.forwardauth.authResponseHeaders=Remote-Groups
      - traefik.http.middlewares.strip.headers.customrequestheaders.Remote-User=
      - traefik.http.routers.nd.middlewares=auth@docker
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;
		const at = (text: string, needle: string, delta = 1): string => {
			const index = text.indexOf(needle);
			assert.ok(index >= 0, needle);
			return `${text.slice(0, index + delta)}$0${text.slice(index + delta)}`;
		};

		it('should say which service owns a /32 entry, or that none does', () => {
			const text = hoverText({ '/w/compose.yaml': at(pinned, '172.30.0.10/32', 3) }, '/w/compose.yaml');
			assert.match(text, /Owner: `traefik` \(`ipv4_address` on network `proxy`, this file, line 14\)/);
			const unowned = hoverText({ '/w/compose.yaml': at(pinned.replace('172.30.0.10/32', '172.30.0.99/32'), '172.30.0.99/32', 3) }, '/w/compose.yaml');
			assert.match(unowned, /Owner: no compose service pins this address/);
		});

		it("should say whether a Traefik authResponseHeaders label lists Navidrome's user header, and which routers use it", () => {
			const text = hoverText({ '/w/compose.yaml': at(pinned, 'authResponseHeaders') }, '/w/compose.yaml');
			assert.match(text, /^\*\*forwardAuth `authResponseHeaders`\*\* of middleware `auth`/);
			assert.match(text, /\*\*Does not list Navidrome's user header `Remote-User`\*\*/);
			assert.match(text, /Routers using it: `nd`/);
			assert.match(text, /\[More…\]\(https:\/\/doc\.traefik\.io\/traefik\/middlewares\/http\/forwardauth\/\)$/);
			const listed = hoverText({ '/w/compose.yaml': at(pinned.replace('authResponseHeaders=Remote-Groups', 'authResponseHeaders=Remote-User,Remote-Groups'), 'authResponseHeaders') }, '/w/compose.yaml');
			assert.match(listed, /Lists Navidrome's user header `Remote-User`/);
			const strip = hoverText({ '/w/compose.yaml': at(pinned, 'customrequestheaders') }, '/w/compose.yaml');
			assert.match(strip, /An empty value: removes the client's `Remote-User`, Navidrome's user header/);
			assert.match(strip, /\[More…\]\(https:\/\/doc\.traefik\.io\/traefik\/middlewares\/http\/headers\/\)$/);
			const address = hoverText({ '/w/compose.yaml': at(pinned, 'forwardauth.address') }, '/w/compose.yaml');
			assert.match(address, /Authelia answers; on success it sends `Remote-User`/);
		});

		const caddy = `example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/verify?rd=https://auth.example.com
		copy_headers Remote-Groups
	}
	request_header @public -Remote-User
	@public path /share/* /rest/*
	reverse_proxy navidrome:4533
}
`;
		const caddyHoverText = (needle: string): string => hoverText({ '/w/Caddyfile': at(caddy, needle), '/w/compose.yaml': pinned }, '/w/Caddyfile');

		it("should say what copy_headers copies, whether it sets Navidrome's header, and what the auth service sends", () => {
			const text = caddyHoverText('copy_headers');
			assert.match(text, /^\*\*copy_headers\*\*: after a 2xx answer from the auth service, copies `Remote-Groups` onto the request\./);
			assert.match(text, /\*\*Does not copy Navidrome's user header `Remote-User`\.\*\*/);
			assert.match(text, /Authelia sends `Remote-User`, `Remote-Groups`/);
			assert.match(text, /\[More…\]\(https:\/\/caddyserver\.com\/docs\/caddyfile\/directives\/forward_auth\)/);
			assert.ok(text.split('\n').length <= 12, text);
		});

		it('should say what a request_header line does to the user header, and on which requests', () => {
			const text = caddyHoverText('request_header');
			assert.match(text, /^\*\*request_header\*\*: removes the client's `Remote-User` header on requests matching `@public`\./);
			assert.match(text, /This is Navidrome's user header/);
			assert.match(text, /Outside `route`, Caddy runs it after `forward_auth`/);
			assert.match(text, /\[More…\]\(https:\/\/caddyserver\.com\/docs\/caddyfile\/directives\/request_header\)/);
		});

		it("should say what a named matcher's definition matches and which directives use it", () => {
			const text = caddyHoverText('@protected not');
			assert.match(text, /^\*\*`@protected`\*\*: matches requests whose path is neither `\/share\/\*` nor `\/rest\/\*`\./);
			assert.match(text, /Used by `forward_auth @protected authelia:9091` \(line 3\)/);
			const other = caddyHoverText('@public path');
			assert.match(other, /matches requests whose path is `\/share\/\*` or `\/rest\/\*`/);
			assert.match(other, /Used by `request_header @public -Remote-User` \(line 7\)/);
			assert.match(other, /\[More…\]\(https:\/\/caddyserver\.com\/docs\/caddyfile\/matchers#named-matchers\)/);
		});
	});
});
