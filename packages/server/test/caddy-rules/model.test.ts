import assert from 'node:assert/strict';
import { parseCaddyfile } from '../../src/analysis/formats/caddyfile/index.js';
import { compileBlock, directiveOrder, type CompileContext, type HandlerRoute } from '../../src/analysis/proxies/caddy/chain.js';
import { goSliceStable } from '../../src/analysis/proxies/caddy/go-sort.js';
import { parseUpstream } from '../../src/analysis/proxies/caddy/link.js';
import { describePaths, indexPaths } from '../../src/analysis/proxies/caddy/site.js';
import { matchPath, witnessPaths } from '../../src/analysis/proxies/caddy/paths.js';
import { caddyAnalysis } from '../../src/analysis/proxies/caddy/index.js';
import { caddyVersionRange, copyHeadersEras, parseCaddyVersion } from '../../src/analysis/proxies/caddy/version.js';
import fc from 'fast-check';
import { analyzeDeployment, caddyFindings, caddyRoutes, summary } from './helpers.js';

/** The Caddy + Authentik example of navidrome.org's quick-start page (navidrome/website extauth-quickstart.md). */
const docsQuickstart = `example.com {
   # Remove any client-supplied user header
   request_header -Remote-User

   # Authentik output endpoint
   reverse_proxy /outpost.goauthentik.io/* http://authentik:9000

   # Protect everything except share and subsonic endpoints
   @protected not path /share/* /rest/*
   forward_auth @protected http://authentik:9000 {
      uri /outpost.goauthentik.io/auth/caddy
      copy_headers X-Authentik-Username>Remote-User
   }

   # Forward everything to Navidrome
   reverse_proxy navidrome:4533
}
`;

/** The example of navidrome.org's authentication page (brace-less site, a second forward_auth for /rest/*, a heredoc). */
const docsAuthentication = `example.com

# Remove any client-supplied user header
request_header -Remote-User

reverse_proxy /outpost.goauthentik.io/* http://authentik:9000

@protected not path /share/* /rest/*
forward_auth @protected http://authentik:9000 {
  uri /outpost.goauthentik.io/auth/caddy
  copy_headers X-Authentik-Username>Remote-User
}

@subsonic path /rest/*
forward_auth @subsonic http://authentik:9000 {
  uri /outpost.goauthentik.io/auth/caddy
  copy_headers X-Authentik-Username>Remote-User

  @error status 1xx 3xx 4xx 5xx
  handle_response @error {
    respond <<SUBSONICERR
      <subsonic-response xmlns="http://subsonic.org/restapi" status="failed"></subsonic-response>
      SUBSONICERR 200
  }
}

reverse_proxy navidrome:4533
`;

function compile(text: string, version = '2.6.2'): HandlerRoute[] {
	const { ast } = parseCaddyfile(text, { file: '/w/Caddyfile' });
	const range = parseCaddyVersion(version)!;
	const context: CompileContext = {
		order: directiveOrder(ast),
		version: range,
		namedRoutes: new Map(),
		patterns: new Set(),
		approximations: new Set(),
		nextId: 0,
		matcherCache: new Map(),
		invoking: new Set(),
		misreadBlocks: new Set(),
	};
	return compileBlock(ast.sites[0]!.block, new Map(), true, context);
}

function order(routes: HandlerRoute[]): string[] {
	return routes.map((route) => [route.directive.name, ...route.directive.args.map((arg) => arg.text)].join(' '));
}

describe('Caddy route model', () => {
	describe('acceptance: the Navidrome docs examples', () => {
		it('should report the quick-start example (site-level strip) as broken, not impersonation', () => {
			const result = analyzeDeployment({ caddyfile: docsQuickstart });
			assert.deepEqual(caddyFindings(result), ['route/strip-after-auth broken']);
			assert.deepEqual(summary(result), [
				'/share/*, /rest/* → bypass/stripped',
				'every path except /outpost.goauthentik.io/*, /share/*, /rest/* → auth/never-delivered',
			]);
		});

		it('should report the same example without the strip as impersonation on /share/* and /rest/*', () => {
			const result = analyzeDeployment({ caddyfile: docsQuickstart.replace('   request_header -Remote-User\n', '') });
			assert.deepEqual(caddyFindings(result), ['route/bypass-nostrip impersonation']);
			const finding = result.findings.find((candidate) => candidate.ruleId === 'route/bypass-nostrip')!;
			assert.match(finding.message, /Requests to \/share\/\*, \/rest\/\* reach Navidrome/);
			assert.match(finding.message, /the whole Subsonic API/);
		});

		it('should report the authentication-page example as broken on every protected path, /rest/* included', () => {
			const result = analyzeDeployment({ caddyfile: docsAuthentication });
			assert.deepEqual(caddyFindings(result), ['route/strip-after-auth broken']);
			assert.match(result.findings.find((finding) => finding.ruleId === 'route/strip-after-auth')!.message, /\/rest\/\*/);
			assert.deepEqual(summary(result), ['/rest/* → auth/never-delivered', '/share/* → bypass/stripped', 'every path except /outpost.goauthentik.io/*, /share/*, /rest/* → auth/never-delivered']);
		});
	});

	describe('truth table rows (proxies.md §2.1)', () => {
		const c1 = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/authz/forward-auth
		copy_headers Remote-User Remote-Groups
	}
	reverse_proxy navidrome:4533
}`;
		it('C1: should let /share/* and /rest/* through with the client value', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: c1, caddyImage: 'caddy:2.6.2' }));
			const bypass = routes.find((route) => !route.authenticated)!;
			assert.equal(bypass.requests, '/share/*, /rest/*');
			assert.equal(bypass.value.kind, 'client');
			const protectedRoute = routes.find((route) => route.authenticated)!;
			assert.equal(protectedRoute.fate, 'authenticated');
			// C1c: on 2.6.2 an anonymous 2xx sends the literal placeholder.
			assert.deepEqual(protectedRoute.withoutIdentity.map((entry) => [entry.era, entry.value.kind]), [['placeholder', 'placeholder']]);
		});

		it('C5: should lose the user to header_up in the only reverse_proxy', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: `x.example {\n\tforward_auth authelia:9091 {\n\t\turi /a\n\t\tcopy_headers Remote-User\n\t}\n\treverse_proxy navidrome:4533 {\n\t\theader_up -Remote-User\n\t}\n}` }));
			assert.equal(routes.length, 1);
			assert.equal(routes[0]!.fate, 'never-delivered');
			assert.equal(routes[0]!.lostAuth?.kind, 'header_up');
		});

		it('C7a: should treat header_up H "" on a bypass as a strip (empty means absent to Navidrome)', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: `x.example {\n\treverse_proxy navidrome:4533 {\n\t\theader_up Remote-User ""\n\t}\n}` }));
			assert.equal(routes[0]!.fate, 'stripped');
		});

		it('C9: should run the strip first with the global order option', () => {
			const result = analyzeDeployment({ caddyfile: `{\n\torder request_header before forward_auth\n}\n${docsQuickstart}` });
			assert.deepEqual(caddyFindings(result), []);
			assert.deepEqual(summary(result), ['/share/*, /rest/* → bypass/stripped', 'every path except /outpost.goauthentik.io/*, /share/*, /rest/* → auth/authenticated']);
		});
	});

	describe('directive order and sorting (proxies.md §2.3)', () => {
		it('should sort like caddy adapt 2.6.2: handle_path groups with handle, a multi-path matcher keeps its place', () => {
			// [E] caddy 2.6.2 adapt: [@q (multi-path), /zzzzzz/*, /zz/*] in one group; reverse_proxy @p (single path, longer) first.
			const routes = compile(`x {\n\treverse_proxy /s/* y:1\n\t@p path /restlonger/*\n\treverse_proxy @p x:1\n\t@q path /a/* /b/*\n\thandle @q {\n\t\trespond q\n\t}\n\thandle /zz/* {\n\t\trespond zz\n\t}\n\thandle_path /zzzzzz/* {\n\t\trespond z\n\t}\n}`);
			assert.deepEqual(order(routes), ['handle @q', 'handle_path /zzzzzz/*', 'handle /zz/*', 'reverse_proxy @p x:1', 'reverse_proxy /s/* y:1']);
			assert.equal(new Set(routes.filter((route) => route.name === 'handle').map((route) => route.group)).size, 1);
		});

		it('should put forward_auth before request_header, and a matched request_header before an unmatched one', () => {
			const routes = compile(`x {\n\treverse_proxy n:1\n\trequest_header -Remote-User\n\t@m path /a\n\trequest_header @m X 1\n\tforward_auth a:1 {\n\t\turi /\n\t}\n}`);
			assert.deepEqual(order(routes), ['forward_auth a:1', 'request_header @m X 1', 'request_header -Remote-User', 'reverse_proxy n:1']);
		});

		it('should apply order A before|after B, first and last', () => {
			const { ast } = parseCaddyfile(`{\n\torder request_header before forward_auth\n\torder respond first\n\torder forward_auth last\n}\nx {\n}`);
			const list = directiveOrder(ast);
			assert.equal(list[0], 'respond');
			assert.equal(list[list.length - 1], 'forward_auth');
			assert.ok(list.indexOf('request_header') < list.indexOf('basic_auth') + 2);
		});

		it("should keep written order inside route", () => {
			const routes = compile(`x {\n\troute {\n\t\treverse_proxy n:1\n\t\trequest_header -A\n\t}\n}`);
			const inner = routes[0]!.handler;
			assert.ok(inner.kind === 'subroute');
			assert.deepEqual(order(inner.routes), ['reverse_proxy n:1', 'request_header -A']);
		});
	});

	describe('goSliceStable(items, less)', () => {
		it('should equal a stable sort for a consistent comparator, beyond one insertion block', () => {
			fc.assert(
				fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 90 }), (keys) => {
					const items = keys.map((key, index) => ({ key, index }));
					const expected = [...items].sort((a, b) => a.key - b.key);
					goSliceStable(items, (a, b) => a.key < b.key);
					assert.deepEqual(items, expected);
				}),
				{ numRuns: 200 },
			);
		});
	});

	describe('paths', () => {
		it('should match like Caddy: case-insensitive, prefix, suffix, substring, exact and glob', () => {
			assert.ok(matchPath('/rest/*', '/REST/ping'));
			assert.ok(!matchPath('/rest/*', '/rest'));
			assert.ok(matchPath('*.view', '/rest/ping.view'));
			assert.ok(matchPath('*share*', '/x/share/y'));
			assert.ok(matchPath('/a', '/A'));
			assert.ok(!matchPath('/a', '/a/'));
			assert.ok(matchPath('/a/*/c', '/a/b/c'));
			assert.ok(!matchPath('/a/*/c', '/a/b/d/c'));
			assert.ok(matchPath('/a/?', '/a/b'));
		});

		it('should generate witnesses inside and just outside every pattern', () => {
			const { paths } = witnessPaths(['/share/*', '/rest*']);
			for (const path of ['/share/', '/share', '/rest', '/restx', '/rest/x']) assert.ok(paths.includes(path), path);
		});

		it('should describe request sets in Caddy words', () => {
			const all = ['/', '/app/', '/rest/ping', '/rest', '/share/x', '/share'];
			assert.equal(describePaths(new Set(['/rest/ping', '/share/x']), indexPaths(all, ['/rest/*', '/share/*'])), '/rest/*, /share/*');
			assert.equal(describePaths(new Set(['/', '/app/', '/rest', '/share']), indexPaths(all, ['/rest/*', '/share/*'])), 'every path except /rest/*, /share/*');
			assert.equal(describePaths(new Set(all), indexPaths(all, ['/rest/*'])), 'all requests');
		});
	});

	describe('Caddy versions (proxies.md §2.2)', () => {
		it('should read exact, floating and named tags', () => {
			assert.deepEqual(parseCaddyVersion('2.8.4-alpine'), { low: [2, 8, 4], high: [2, 8, 4], floating: 'none' });
			assert.deepEqual(parseCaddyVersion('2.11-alpine'), { low: [2, 11, 0], high: [2, 11, 4], floating: 'patch' });
			assert.deepEqual(parseCaddyVersion('latest')?.high, [2, 11, 4]);
			assert.deepEqual(parseCaddyVersion('2')?.low, [2, 11, 4]);
			assert.equal(parseCaddyVersion('sha256:abc'), undefined);
			assert.equal(parseCaddyVersion(42), undefined);
		});

		it('should list the copy_headers eras a range spans', () => {
			assert.deepEqual(copyHeadersEras({ low: [2, 6, 2], high: [2, 6, 2] }), ['placeholder']);
			assert.deepEqual(copyHeadersEras({ low: [2, 11, 0], high: [2, 11, 4] }), ['passthrough', 'delete']);
			assert.deepEqual(copyHeadersEras({ low: [2, 9, 0], high: [2, 9, 1] }), ['passthrough']);
		});

		it('should say when the version is assumed', () => {
			const range = caddyVersionRange(undefined, undefined);
			assert.equal(range.source, 'assumed');
			assert.match(range.description, /assumed the newest release/);
			assert.equal(caddyVersionRange(undefined, '2.8').source, 'option');
		});

		it('should take the version from the image tag before the option', () => {
			const result = analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy navidrome:4533\n}', caddyImage: 'caddy:2.10.2-alpine', options: { caddyVersion: '2.6.2' } });
			assert.deepEqual(caddyAnalysis(result.deployment)!.files[0]!.version.low, [2, 10, 2]);
		});

		it('should warn about 2.11.0–2.11.1 for a floating 2.11 tag, and nothing on 2.11.4', () => {
			const c8 = `x {\n\t@public path /share/* /rest/*\n\trequest_header @public -Remote-User\n\t@protected not path /share/* /rest/*\n\tforward_auth @protected authelia:9091 {\n\t\turi /a\n\t\tcopy_headers Remote-User\n\t}\n\treverse_proxy navidrome:4533\n}`;
			const floating = analyzeDeployment({ caddyfile: c8, caddyImage: 'caddy:2.11' });
			const finding = floating.findings.find((candidate) => candidate.ruleId === 'route/placeholder');
			assert.equal(finding?.severity, 'warning');
			assert.match(finding!.message, /2\.11\.0–2\.11\.1/);
			assert.deepEqual(caddyFindings(analyzeDeployment({ caddyfile: c8, caddyImage: 'caddy:2.11.4' })), []);
		});

		it('should drop client headers with an underscore from 2.11.4 on', () => {
			const caddyfile = 'x {\n\treverse_proxy navidrome:4533\n}';
			const navidromeEnv = { ND_EXTAUTH_USERHEADER: 'X_User' };
			assert.equal(caddyRoutes(analyzeDeployment({ caddyfile, navidromeEnv, caddyImage: 'caddy:2.11.4' }))[0]!.fate, 'stripped');
			assert.equal(caddyRoutes(analyzeDeployment({ caddyfile, navidromeEnv, caddyImage: 'caddy:2.11.3' }))[0]!.fate, 'passthrough');
		});
	});

	describe('upstreams and linking', () => {
		it('should parse upstream forms', () => {
			assert.deepEqual(parseUpstream('http://Navidrome:4533', undefined), { host: 'navidrome', port: 4533 });
			assert.deepEqual(parseUpstream('navidrome', undefined), { host: 'navidrome', port: undefined });
			assert.deepEqual(parseUpstream('[::1]:4533', undefined), { host: '::1', port: 4533 });
			assert.deepEqual(parseUpstream('{env.UP}', { UP: 'navidrome:4533' }), { host: 'navidrome', port: 4533 });
			assert.equal(parseUpstream('unix//run/nd.sock', undefined), undefined);
		});

		it('should substitute {$VAR} from the Caddy service environment', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy {$MUSIC_UPSTREAM}\n}', caddyEnv: { MUSIC_UPSTREAM: 'navidrome:4533' } }));
			assert.equal(routes.length, 1);
			assert.equal(routes[0]!.upstream, 'navidrome:4533');
		});

		it('should reach Navidrome through any of several upstreams', () => {
			assert.equal(caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy other:80 navidrome:4533\n}' })).length, 1);
		});

		it('should resolve a Caddyfile without compose link by port when one Navidrome listens there', () => {
			const toml = '[ExtAuth]\nTrustedSources = "127.0.0.1/32"\n';
			const result = analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy localhost:4533\n}', noCompose: true, extra: { '/w/navidrome.toml': toml } });
			assert.equal(caddyRoutes(result).length, 1);
			assert.equal(caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy localhost:8080\n}', noCompose: true, extra: { '/w/navidrome.toml': toml } })).length, 0);
			assert.match(caddyAnalysis(result.deployment)!.files[0]!.version.description, /assumed/);
		});

		it('should follow snippets and imported files', () => {
			const result = analyzeDeployment({
				caddyfile: '(strip) {\n\trequest_header -{args.0}\n}\nx {\n\troute {\n\t\timport strip Remote-User\n\t\timport auth.caddy\n\t\treverse_proxy navidrome:4533\n\t}\n}',
				extra: { '/w/auth.caddy': 'forward_auth authelia:9091 {\n\turi /a\n\tcopy_headers Remote-User\n}\n' },
			});
			assert.deepEqual(summary(result), ['all requests → auth/authenticated']);
		});
	});

	describe('header operations', () => {
		it('should read copy_headers in block form and canonicalise names', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\troute {\n\t\trequest_header -remote-user\n\t\tforward_auth a:1 {\n\t\t\turi /\n\t\t\tcopy_headers {\n\t\t\t\tx-authentik-username>remote-user\n\t\t\t\tX-Authentik-Groups\n\t\t\t}\n\t\t}\n\t\treverse_proxy navidrome:4533\n\t}\n}' }));
			assert.equal(routes.length, 1);
			assert.equal(routes[0]!.fate, 'authenticated');
			assert.deepEqual(routes[0]!.authSteps[0]!.copies.map((copy) => `${copy.from}>${copy.to}`), ['X-Authentik-Username>Remote-User', 'X-Authentik-Groups>X-Authentik-Groups']);
		});

		it('should not resolve a response placeholder spelled in another case (Caddy keys it canonically)', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\troute {\n\t\trequest_header -Remote-User\n\t\tforward_auth a:1 {\n\t\t\turi /\n\t\t}\n\t\trequest_header Remote-User {rp.header.remote-user}\n\t\treverse_proxy navidrome:4533\n\t}\n}' }));
			assert.equal(routes[0]!.fate, 'placeholder');
		});

		it('should apply header_up sets before deletes, like Caddy', () => {
			const routes = caddyRoutes(analyzeDeployment({ caddyfile: 'x {\n\treverse_proxy navidrome:4533 {\n\t\theader_up -Remote-User\n\t\theader_up Remote-User {header.X-User}\n\t}\n}' }));
			assert.equal(routes[0]!.fate, 'stripped');
		});

		it('should strip prefixes in handle_path before inner matchers', () => {
			const result = analyzeDeployment({ caddyfile: 'x {\n\thandle_path /music/* {\n\t\t@protected not path /rest/*\n\t\tforward_auth @protected a:1 {\n\t\t\turi /\n\t\t\tcopy_headers Remote-User\n\t\t}\n\t\treverse_proxy navidrome:4533\n\t}\n}' });
			assert.deepEqual(summary(result), ['/music/* except /music/rest/* → auth/authenticated', '/music/rest/* → bypass/passthrough']);
		});

		it('should authenticate basic_auth users through {http.auth.user.id}', () => {
			const result = analyzeDeployment({ caddyfile: 'x {\n\troute {\n\t\trequest_header -Remote-User\n\t\tbasic_auth {\n\t\t\talice $2a$14$hash\n\t\t}\n\t\trequest_header Remote-User {http.auth.user.id}\n\t\treverse_proxy navidrome:4533\n\t}\n}' });
			assert.deepEqual(summary(result), ['all requests → auth/authenticated']);
		});

		it('should explore matchers it cannot decide and say so', () => {
			const result = analyzeDeployment({ caddyfile: 'x {\n\t@protected {\n\t\tnot path /rest/*\n\t\tnot header X-Api-Key *\n\t}\n\tforward_auth @protected a:1 {\n\t\turi /\n\t\tcopy_headers Remote-User\n\t}\n\treverse_proxy navidrome:4533\n}' });
			const bypass = caddyRoutes(result).filter((route) => !route.authenticated);
			assert.ok(bypass.some((route) => route.conditional.some((text) => text.includes('X-Api-Key'))), JSON.stringify(summary(result)));
		});
	});
});
