import assert from 'node:assert/strict';
import { decide } from '../src/decide.js';
import { canonicalHeaderName, isValidHeaderName } from '../src/headers.js';
import { classifyPath } from '../src/paths.js';
import type { ExtAuthConfig, ExtAuthRequest } from '../src/types.js';

const proxy = '172.30.0.10:41234';
const list = '172.30.0.10/32';

function run(request: Partial<ExtAuthRequest>, config: Partial<ExtAuthConfig> = {}) {
	return decide({ remoteAddr: proxy, headers: { 'Remote-User': 'alice' }, ...request }, { trustedSources: list, ...config });
}

describe('decide(request, config)', () => {
	describe('order of checks (navidrome-extauth.md §4)', () => {
		it('should authenticate a trusted peer carrying the header', () => {
			const decision = run({});
			assert.equal(decision.outcome, 'authenticated');
			assert.equal(decision.reason, 'authenticated');
			assert.equal(decision.username, 'alice');
			assert.equal(decision.matchedEntry?.text, '172.30.0.10/32');
			assert.match(decision.explanation, /172\.30\.0\.10/);
		});
		it('should be feature-off for an empty list, even with a trusted-looking peer and header', () => {
			const decision = run({}, { trustedSources: '' });
			assert.equal(decision.reason, 'feature-off');
			assert.equal(decision.outcome, 'fallback');
			assert.equal(decision.username, undefined);
			assert.match(decision.explanation, /empty/);
		});
		it('should treat a whitespace-only list as on and trusting nothing (§8.12)', () => {
			const decision = run({}, { trustedSources: ' ' });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /only whitespace/);
		});
		it('should be feature-unsupported before Navidrome 0.44.0', () => {
			assert.equal(run({}, { navidromeVersion: '0.43.2' }).reason, 'feature-unsupported');
			assert.equal(run({}, { navidromeVersion: '0.44.0' }).reason, 'authenticated');
		});
		it('should report no-proxy-ip when no peer was recorded', () => {
			assert.equal(run({ remoteAddr: null }).reason, 'no-proxy-ip');
			assert.equal(run({ remoteAddr: undefined }).reason, 'no-proxy-ip');
			assert.match(run({ remoteAddr: null }).explanation, /no proxy IP found/);
		});
		it('should report untrusted-peer before looking at the header, naming peer and list', () => {
			const decision = run({ remoteAddr: '172.30.0.11:5000' });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /172\.30\.0\.11/);
			assert.match(decision.explanation, /172\.30\.0\.10\/32/);
			assert.equal(run({ remoteAddr: '172.30.0.11:5000', headers: {} }).reason, 'untrusted-peer');
		});
		it('should say which ignored entry would have trusted the peer', () => {
			const decision = run({ remoteAddr: '10.0.0.5:1234' }, { trustedSources: '10.0.0.5' });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /10\.0\.0\.5.*without \/32.*10\.0\.0\.5\/32 would trust/);
		});
		it('should explain family mismatches', () => {
			assert.match(run({ remoteAddr: '[2001:db8::1]:80' }, { trustedSources: '0.0.0.0/0' }).explanation, /IPv4 ranges.*never match IPv6/);
			assert.match(run({ remoteAddr: '10.0.0.1:80' }, { trustedSources: '::/0' }).explanation, /IPv6 ranges.*never match IPv4/);
		});
		it('should explain zoned peers', () => {
			const decision = run({ remoteAddr: '[fe80::1%eth0]:80' }, { trustedSources: 'fe80::/10' });
			assert.equal(decision.reason, 'untrusted-peer');
			assert.match(decision.explanation, /zone/);
		});
		it('should report header-absent and header-empty for trusted peers', () => {
			assert.equal(run({ headers: {} }).reason, 'header-absent');
			assert.equal(run({ headers: { 'Remote-User': '' } }).reason, 'header-empty');
			assert.equal(run({ headers: { 'Remote-User': ' \t ' } }).reason, 'header-empty');
		});
	});

	describe('header semantics (Go net/http)', () => {
		it('should match names case-insensitively', () => {
			assert.equal(run({ headers: { 'remote-user': 'alice' } }).username, 'alice');
			assert.equal(run({ headers: { 'REMOTE-USER': 'alice' } }).username, 'alice');
			assert.equal(run({ headers: { 'x-auth-user': 'bob' } }, { userHeader: 'X-Auth-User' }).username, 'bob');
			assert.equal(run({ headers: { 'X-Auth-User': 'bob' } }, { userHeader: 'x-auth-user' }).username, 'bob');
		});
		it('should not treat underscores as dashes', () => {
			const decision = run({ headers: { Remote_User: 'alice' } });
			assert.equal(decision.reason, 'header-absent');
			assert.match(decision.explanation, /Remote_User/);
			assert.equal(run({ headers: { Remote_User: 'alice' } }, { userHeader: 'Remote_User' }).username, 'alice');
		});
		it('should take the first value of a list and keep a comma-joined value literally', () => {
			assert.equal(run({ headers: { 'Remote-User': ['alice', 'bob'] } }).username, 'alice');
			assert.equal(run({ headers: { 'Remote-User': 'alice, bob' } }).username, 'alice, bob');
			assert.equal(run({ headers: { 'Remote-User': ['', 'bob'] } }).reason, 'header-empty');
			assert.equal(run({ headers: { 'Remote-User': [] } }).reason, 'header-absent');
		});
		it('should take the first matching key when several spellings are present', () => {
			assert.equal(run({ headers: { 'remote-user': 'first', 'Remote-User': 'second' } }).username, 'first');
		});
		it('should trim spaces and tabs but keep inner spaces, case and other characters', () => {
			assert.equal(run({ headers: { 'Remote-User': ' \talice smith\t ' } }).username, 'alice smith');
			assert.equal(run({ headers: { 'Remote-User': 'Élodie@example.org/x' } }).username, 'Élodie@example.org/x');
		});
		it('should treat an undefined header value as absent', () => {
			assert.equal(run({ headers: { 'Remote-User': undefined } }).reason, 'header-absent');
		});
		it('should never match an empty or invalid configured header name', () => {
			assert.equal(run({}, { userHeader: '' }).reason, 'header-absent');
			const spaced = run({ headers: { 'Remote User': 'alice', 'Remote-User': 'alice' } }, { userHeader: 'Remote User' });
			assert.equal(spaced.reason, 'bad-request', 'a request with a space in a header name never reaches Navidrome');
			const invalid = run({}, { userHeader: 'Remote User' });
			assert.equal(invalid.reason, 'header-absent');
			assert.match(invalid.explanation, /not a valid HTTP header name/);
		});
		it('should answer bad-request for control characters, as Go returns 400', () => {
			assert.equal(run({ headers: { 'Remote-User': 'ali\u0000ce' } }).reason, 'bad-request');
			assert.equal(run({ headers: { 'Remote-User': 'alice\nX-Evil: 1' } }).reason, 'bad-request');
			assert.equal(run({ headers: { 'Remote-User': 'alice', Other: 'x\u007f' } }).reason, 'bad-request');
			assert.equal(run({ headers: { 'Remote-User': 'ali\tce' } }).username, 'ali\tce', 'an inner tab is allowed');
		});
		it('should ignore HTTP/2 pseudo-headers', () => {
			assert.equal(run({ headers: { ':authority': 'music.example.org', 'Remote-User': 'alice' } }).username, 'alice');
		});
		it('should canonicalise names like Go', () => {
			assert.equal(canonicalHeaderName('remote-user'), 'Remote-User');
			assert.equal(canonicalHeaderName('x-AUTH-user'), 'X-Auth-User');
			assert.equal(canonicalHeaderName('Remote User'), 'Remote User');
			assert.equal(isValidHeaderName('Remote_User'), true);
			assert.equal(isValidHeaderName(''), false);
			assert.equal(isValidHeaderName('Rémote'), false);
		});
	});

	describe('paths (§5)', () => {
		const honouring = ['/app/', '/app', '/api/song', '/api/lastfm/link', '/api/events', '/rest/getAlbumList2', '/rest/ping.view', '/share/abc123', '/app/?x=1'];
		for (const path of honouring) {
			it(`should read the header on ${path}`, () => {
				assert.equal(run({ path }).reason, 'authenticated');
			});
		}
		const ignoring = ['/auth/login', '/auth/createAdmin', '/ping', '/share/img/xyz', '/share/s/xyz', '/share/d/xyz', '/share/abc123/m3u', '/rest/getOpenSubsonicExtensions', '/rest/getOpenSubsonicExtensions.view', '/jellyfin/Users', '/app/static/main.js', '/', '/metrics'];
		for (const path of ignoring) {
			it(`should ignore the header on ${path}`, () => {
				const decision = run({ path });
				assert.equal(decision.reason, 'path-ignores-header');
				assert.equal(decision.outcome, 'fallback');
			});
		}
		it('should ignore the header on /rest before 0.52.0', () => {
			assert.equal(run({ path: '/rest/ping' }, { navidromeVersion: '0.51.1' }).reason, 'path-ignores-header');
			assert.equal(run({ path: '/rest/ping' }, { navidromeVersion: '0.52.0' }).reason, 'authenticated');
			assert.equal(classifyPath('/rest/ping', [0, 51, 0]).honoursHeader, false);
		});
		it('should explain what happens next on each kind of path', () => {
			assert.match(run({ path: '/app/' }).explanation, /created.*admin/);
			assert.match(run({ path: '/share/abc' }).explanation, /created.*admin/);
			assert.match(run({ path: '/api/album' }).explanation, /JWT/);
			assert.match(run({ path: '/rest/getAlbum' }).explanation, /u, p, t and s/);
			assert.match(run({}).explanation, /JWT.*u\/p\/t\/s|u\/p\/t\/s/);
		});
		it('should follow the provisioning history on /app/ (§6)', () => {
			assert.match(run({ path: '/app/' }, { navidromeVersion: '0.48.0' }).explanation, /must already exist/);
			assert.match(run({ path: '/app/' }, { navidromeVersion: '0.55.1' }).explanation, /non-admin/);
			assert.match(run({ path: '/app/' }, { navidromeVersion: '0.55.2' }).explanation, /becomes an admin/);
		});
	});

	describe('UNIX sockets and the @ history (§7)', () => {
		const socket = { address: 'unix:/run/navidrome.sock' };
		it('should trust @ with an exact @ entry on current versions', () => {
			const decision = run({ remoteAddr: '@' }, { ...socket, trustedSources: '@' });
			assert.equal(decision.reason, 'authenticated');
			assert.equal(decision.matchedEntry?.text, '@');
			assert.match(decision.explanation, /local process/);
		});
		it('should not trust @ without an @ entry or without a unix: Address', () => {
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '10.0.0.0/8' }).reason, 'untrusted-peer');
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: ' @' }).reason, 'untrusted-peer');
			assert.equal(run({ remoteAddr: '@' }, { address: '/var/run/navidrome.sock', trustedSources: '@' }).reason, 'untrusted-peer');
		});
		it('should trust @ automatically with a unix: Address on 0.51.0 to 0.54.0', () => {
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '10.0.0.0/8', navidromeVersion: '0.53.3' }).reason, 'authenticated');
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '10.0.0.0/8', navidromeVersion: '0.51.0' }).reason, 'authenticated');
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '10.0.0.0/8', navidromeVersion: '0.54.1' }).reason, 'untrusted-peer');
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '10.0.0.0/8', navidromeVersion: '0.50.2' }).reason, 'untrusted-peer');
		});
		it('should trust @ even with an empty list on 0.51.x, and log no-proxy-ip on 0.52-0.53', () => {
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '', navidromeVersion: '0.51.1' }).reason, 'authenticated');
			const broken = run({ remoteAddr: '@' }, { ...socket, trustedSources: '', navidromeVersion: '0.52.5' });
			assert.equal(broken.reason, 'no-proxy-ip');
			assert.match(broken.explanation, /3046/);
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '', navidromeVersion: '0.54.1' }).reason, 'feature-off');
			assert.equal(run({ remoteAddr: '@' }, { ...socket, trustedSources: '' }).reason, 'feature-off');
		});
	});

	describe('explanations', () => {
		it('should name the legacy setting before 0.59.0', () => {
			assert.match(run({}, { trustedSources: '', navidromeVersion: '0.58.0' }).explanation, /ReverseProxyWhitelist/);
			assert.match(run({}, { trustedSources: '' }).explanation, /ExtAuth\.TrustedSources/);
			assert.match(run({ remoteAddr: '1.1.1.1:1' }, { navidromeVersion: '0.55.0' }).explanation, /reverse proxy login/);
		});
		it('should warn when the trusting range covers every client', () => {
			assert.match(run({}, { trustedSources: '0.0.0.0/0' }).explanation, /every IPv4 client/);
			assert.match(run({ remoteAddr: '10.0.0.1:1' }, { trustedSources: '::ffff:0:0/96' }).explanation, /every IPv4 client/);
		});
		it('should be one paragraph for every reason', () => {
			const decisions = [run({}), run({}, { trustedSources: '' }), run({ remoteAddr: null }), run({ headers: {} }), run({ path: '/ping' }), run({ remoteAddr: 'x' })];
			for (const decision of decisions) assert.ok(!decision.explanation.includes('\n') && decision.explanation.endsWith('.'), decision.explanation);
		});
	});

	describe('invalid input', () => {
		it('should fall back with invalid-input instead of throwing', () => {
			const cases: Array<[unknown, unknown]> = [
				[null, { trustedSources: list }],
				[{ remoteAddr: proxy, headers: {} }, null],
				[{ remoteAddr: 42, headers: {} }, { trustedSources: list }],
				[{ remoteAddr: proxy, headers: 'x' }, { trustedSources: list }],
				[{ remoteAddr: proxy, headers: {}, path: 5 }, { trustedSources: list }],
				[{ remoteAddr: proxy, headers: {} }, { trustedSources: 5 }],
				[{ remoteAddr: proxy, headers: {} }, { trustedSources: list, userHeader: 5 }],
				[{ remoteAddr: proxy, headers: {} }, { trustedSources: list, address: {} }],
			];
			for (const [request, config] of cases) {
				const decision = decide(request as never, config as never);
				assert.equal(decision.reason, 'invalid-input');
				assert.equal(decision.outcome, 'fallback');
			}
		});
		it('should survive throwing getters', () => {
			const request = {
				get remoteAddr(): string {
					throw new Error('boom');
				},
				headers: {},
			};
			assert.equal(decide(request, { trustedSources: list }).reason, 'invalid-input');
		});
		it('should treat non-string header values as a bad request', () => {
			assert.equal(run({ headers: { 'Remote-User': 5 as never } }).reason, 'bad-request');
		});
		it('should read missing headers as none', () => {
			assert.equal(decide({ remoteAddr: proxy } as never, { trustedSources: list }).reason, 'header-absent');
		});
	});
});
