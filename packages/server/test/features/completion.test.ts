import assert from 'node:assert/strict';
import { complete, type CompletionResult } from '../../src/features/index.js';
import { contextAt } from './helpers.js';

function completions(files: Record<string, string>, path: string): CompletionResult[] {
	return complete(contextAt(files, path));
}

/** The text after applying one completion to the marked file. */
function apply(files: Record<string, string>, path: string, label: string): string {
	const item = completions(files, path).find((c) => c.label === label);
	assert.ok(item, `no completion '${label}'`);
	const text = files[path]!.replace('$0', '');
	return text.slice(0, item.span.start) + item.insertText + text.slice(item.span.end);
}

const service = (body: string): string => `services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n${body}`;

describe('complete', () => {
	describe('setting names', () => {
		it('should offer catalog env names in a compose environment map and add the colon', () => {
			const files = { '/w/compose.yaml': service('    environment:\n      TZ: UTC\n      ND_EXT$0\n') };
			const labels = completions(files, '/w/compose.yaml').map((c) => c.label);
			assert.ok(labels.includes('ND_EXTAUTH_TRUSTEDSOURCES'));
			assert.ok(labels.includes('ND_PASSWORDENCRYPTIONKEY'));
			assert.equal(apply(files, '/w/compose.yaml', 'ND_EXTAUTH_USERHEADER'), service('    environment:\n      TZ: UTC\n      ND_EXTAUTH_USERHEADER: \n'));
		});

		it('should complete the list form with `=` and mark legacy names deprecated', () => {
			const files = { '/w/compose.yaml': service('    environment:\n    - ND_$0\n') };
			assert.equal(apply(files, '/w/compose.yaml', 'ND_EXTAUTH_LOGOUTURL'), service('    environment:\n    - ND_EXTAUTH_LOGOUTURL=\n'));
			const legacy = completions(files, '/w/compose.yaml').find((c) => c.label === 'ND_REVERSEPROXYWHITELIST');
			assert.equal(legacy?.deprecated, true);
		});

		it('should complete .env names and navidrome.toml keys, table-relative under [ExtAuth]', () => {
			assert.equal(apply({ '/w/.env': 'ND_EXTAUTH_T$0\n' }, '/w/.env', 'ND_EXTAUTH_TRUSTEDSOURCES'), 'ND_EXTAUTH_TRUSTEDSOURCES=\n');
			const table = completions({ '/w/navidrome.toml': 'Port = 4533\n[ExtAuth]\n$0\n' }, '/w/navidrome.toml').map((c) => c.label);
			assert.deepEqual(table, ['TrustedSources', 'UserHeader', 'LogoutURL']);
			assert.equal(apply({ '/w/navidrome.toml': 'Ext$0\n' }, '/w/navidrome.toml', 'ExtAuth.TrustedSources'), 'ExtAuth.TrustedSources = \n');
		});

		it('should not offer setting names outside environment, .env and navidrome.toml', () => {
			assert.deepEqual(completions({ '/w/compose.yaml': service('    ports:\n      - $0\n') }, '/w/compose.yaml'), []);
		});
	});

	describe('values', () => {
		// spec: proxies.md §5 (the safe user headers)
		it('should offer the safe user headers for UserHeader', () => {
			const files = { '/w/compose.yaml': service('    environment:\n      ND_EXTAUTH_USERHEADER: $0\n') };
			const labels = completions(files, '/w/compose.yaml').map((c) => c.label);
			for (const header of ['Remote-User', 'X-authentik-username', 'X-Auth-Request-User', 'X-Forwarded-User', 'Tailscale-User-Login', 'Tailscale-User', 'X-Pomerium-Claim-Email']) assert.ok(labels.includes(header), header);
			assert.ok(!labels.includes('Remote-Name'));
			assert.equal(apply({ '/w/.env': 'ND_EXTAUTH_USERHEADER=X-Au$0\n' }, '/w/.env', 'X-Auth-Request-User'), 'ND_EXTAUTH_USERHEADER=X-Auth-Request-User\n');
		});

		it('should quote TOML values unless the cursor is already inside quotes', () => {
			assert.equal(apply({ '/w/navidrome.toml': '[ExtAuth]\nUserHeader = $0\n' }, '/w/navidrome.toml', 'Remote-User'), '[ExtAuth]\nUserHeader = "Remote-User"\n');
			assert.equal(apply({ '/w/navidrome.toml': '[ExtAuth]\nUserHeader = "Re$0"\n' }, '/w/navidrome.toml', 'Remote-User'), '[ExtAuth]\nUserHeader = "Remote-User"\n');
		});

		it('should offer @ for TrustedSources only when Address is unix:', () => {
			const unix = { '/w/compose.yaml': service('    environment:\n      ND_ADDRESS: unix:/run/navidrome.sock\n      ND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.5/32,$0\n') };
			assert.equal(apply(unix, '/w/compose.yaml', '@'), unix['/w/compose.yaml'].replace('$0', '@'));
			const tcp = { '/w/compose.yaml': service('    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: $0\n') };
			assert.deepEqual(completions(tcp, '/w/compose.yaml'), []);
		});
	});

	describe('Traefik labels', () => {
		it('should offer forwardauth and headers keys for a typed middleware name', () => {
			const files = { '/w/compose.yaml': service('    labels:\n      - traefik.http.middlewares.authelia.$0\n') };
			const labels = completions(files, '/w/compose.yaml').map((c) => c.label);
			for (const key of ['forwardauth.address', 'forwardauth.authResponseHeaders', 'forwardauth.authResponseHeadersRegex', 'forwardauth.trustForwardHeader', 'headers.customrequestheaders.Remote-User']) {
				assert.ok(labels.includes(`traefik.http.middlewares.authelia.${key}`), key);
			}
			assert.equal(apply(files, '/w/compose.yaml', 'traefik.http.middlewares.authelia.forwardauth.address'), service('    labels:\n      - traefik.http.middlewares.authelia.forwardauth.address=\n'));
		});

		it("should reuse middleware names from the service's labels and its instance's user header", () => {
			const files = { '/w/compose.yaml': service('    environment:\n      ND_EXTAUTH_USERHEADER: X-authentik-username\n    labels:\n      traefik.http.middlewares.strip.headers.customrequestheaders.X-authentik-username: ""\n      tr$0\n') };
			const labels = completions(files, '/w/compose.yaml').map((c) => c.label);
			assert.ok(labels.includes('traefik.http.middlewares.strip.headers.customrequestheaders.X-authentik-username'));
			assert.ok(labels.includes('traefik.http.middlewares.strip.forwardauth.authResponseHeaders'));
		});
	});

	describe('values from the deployment', () => {
		const deployment = (trusted: string, labels = ''): string => `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    networks: [proxy]
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}
  authelia:
    image: authelia/authelia:4.38
    networks: [proxy]
  caddy:
    image: caddy:2.11.4
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  worker:
    image: busybox
    networks:
      proxy:
        ipv4_address: 172.30.0.20
${labels}networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;

		it("should offer the pinned proxy's /32 for TrustedSources, replacing only the entry under the cursor", () => {
			const files = { '/w/compose.yaml': deployment('127.0.0.1/32,$0') };
			const items = completions(files, '/w/compose.yaml');
			assert.deepEqual(items.map((item) => item.label), ['172.30.0.10/32']);
			assert.equal(items[0]!.detail, 'pinned address of caddy');
			assert.equal(apply(files, '/w/compose.yaml', '172.30.0.10/32'), deployment('127.0.0.1/32,172.30.0.10/32'));
			const broad = { '/w/compose.yaml': deployment('0.0.$00.0/0') };
			assert.equal(apply(broad, '/w/compose.yaml', '172.30.0.10/32'), deployment('172.30.0.10/32'));
		});

		it("should offer the auth service's headers for a Traefik authResponseHeaders label, the user header first", () => {
			const labels = `  traefik:
    image: traefik:v3.1
    networks: [proxy]
    labels:
      - traefik.http.middlewares.auth.forwardauth.address=http://authelia:9091/api/authz/forward-auth
      - traefik.http.middlewares.auth.forwardauth.authResponseHeaders=Remote-Groups,$0
`;
			const files = { '/w/compose.yaml': deployment('172.30.0.10/32', labels) };
			const items = completions(files, '/w/compose.yaml');
			assert.deepEqual(items.map((item) => item.label), ['Remote-User', 'Remote-Name', 'Remote-Email']);
			assert.equal(items[0]!.preselect, true);
			assert.match(apply(files, '/w/compose.yaml', 'Remote-User'), /authResponseHeaders=Remote-Groups,Remote-User\n/);
		});

		it("should offer the auth service's headers after copy_headers in a Caddyfile", () => {
			const caddy = 'example.com {\n\tforward_auth authentik-outpost:9000 {\n\t\turi /outpost.goauthentik.io/auth/caddy\n\t\tcopy_headers X-Authentik-Groups X-Auth$0\n\t}\n\treverse_proxy navidrome:4533\n}\n';
			const files = { '/w/Caddyfile': caddy, '/w/compose.yaml': deployment('172.30.0.10/32') };
			const labels = completions(files, '/w/Caddyfile').map((item) => item.label);
			assert.equal(labels[0], 'X-Authentik-Username');
			assert.ok(labels.includes('X-Authentik-Email'));
			assert.ok(!labels.includes('X-Authentik-Groups'), 'already copied');
			assert.equal(apply(files, '/w/Caddyfile', 'X-Authentik-Username'), caddy.replace('X-Auth$0', 'X-Authentik-Username'));
			assert.deepEqual(completions({ '/w/Caddyfile': caddy.replace('copy_headers', 'uri_x'), '/w/compose.yaml': deployment('172.30.0.10/32') }, '/w/Caddyfile'), []);
		});
	});
});
