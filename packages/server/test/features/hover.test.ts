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
			assert.match(text, /^\*\*ExtAuth\.UserHeader\*\* \(`ND_EXTAUTH_USERHEADER`\)/);
			assert.match(text, /\| Default \| `Remote-User` \|/);
			assert.match(text, /\| Since \| Navidrome 0\.59\.0 \|/);
			assert.match(text, /\| navidrome\.toml \| `ExtAuth\.UserHeader` \(or `UserHeader` under `\[ExtAuth\]`\) \|/);
			assert.match(text, /\*\*Security\*\*/);
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
			assert.match(text, /\[Rule documentation\]\(https:\/\/.*nd-trust-all\.md\)/);
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
				upstream: 'navidrome:4533',
				target: context.analysis!.deployment.navidromes[0],
				authenticated: false,
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
});
