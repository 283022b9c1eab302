import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffFileKind } from '../../src/analysis/detect.js';
import { parseHaproxy, splitWords, type HaproxyCondition } from '../../src/analysis/formats/haproxy/index.js';
import { findHaproxy } from '../haproxy-rules/harness/haproxy.js';

const words = (line: string): string[] => splitWords(line, 0, line.length).map((word) => word.value);

const base = `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
`;

describe('HAProxy parser', () => {
	describe('splitWords (configuration manual §2.2)', () => {
		it('should cut at unprotected spaces and tabs and stop at an unprotected #', () => {
			assert.deepEqual(words('  http-request\tset-header  X-A  b # comment'), ['http-request', 'set-header', 'X-A', 'b']);
			assert.deepEqual(words('global#this is the global section'), ['global']);
		});

		it('should decode backslash escapes outside quotes and keep unknown ones', () => {
			assert.deepEqual(words('a\\ b c\\#d e\\\\f \\x41 \\"q\\\''), ['a b', 'c#d', 'e\\f', 'A', '"q\'']);
			assert.deepEqual(words('path_reg ^/rest/.*\\.view$'), ['path_reg', '^/rest/.*\\.view$']);
		});

		it('should treat double quotes as weak and single quotes as strong', () => {
			assert.deepEqual(words(`"a b#c" 'x\\ny' "p\\"q" 'a'"b"c`), ['a b#c', 'x\\ny', 'p"q', 'abc']);
			const [word] = splitWords('"${BACKEND}"', 0, 12);
			assert.equal(word!.env, true);
			assert.equal(word!.value, '${BACKEND}');
		});

		it('should keep exact spans, quotes included', () => {
			const line = "  set-header 'X Y'  z";
			const [, quoted] = splitWords(line, 0, line.length);
			assert.equal(line.slice(quoted!.span.start, quoted!.span.end), "'X Y'");
			assert.equal(quoted!.raw, "'X Y'");
		});
	});

	describe('parseHaproxy', () => {
		const text = `${base}
defaults shared
    mode http
    http-request del-header Remote-User

frontend web from shared
    bind :80
    acl is_rest path_beg -i /rest/ /share/
    acl host_music hdr(host) -i music.example.com
    http-request lua.auth-request be_auth /auth unless is_rest || { path /ping }
    http-request deny if !is_rest !{ var(txn.auth_response_successful) -m bool }
    use_backend be_rest if is_rest host_music
    default_backend be_navidrome

backend be_navidrome
    server nd navidrome:4533 check
    server v6 [::1]:4534
    server sock unix@/run/nd.sock
`;
		const { config, errors } = parseHaproxy(text, '/x/haproxy.cfg');

		it('should read sections, named defaults and from', () => {
			assert.deepEqual(errors, []);
			assert.deepEqual(
				config.sections.map((section) => [section.kind, section.name, section.from]),
				[
					['defaults', undefined, undefined],
					['defaults', 'shared', undefined],
					['frontend', 'web', 'shared'],
					['backend', 'be_navidrome', undefined],
				],
			);
			assert.equal(config.sections[2]!.binds.length, 1);
			assert.equal(config.sections[1]!.mode, 'http');
		});

		it('should read acl lines with flags and patterns', () => {
			const [rest, host] = config.sections[2]!.acls;
			assert.equal(rest!.name, 'is_rest');
			assert.equal(rest!.fetch, 'path_beg');
			assert.deepEqual(rest!.flags, [{ flag: '-i' }]);
			assert.deepEqual(rest!.patterns.map((word) => word.value), ['/rest/', '/share/']);
			assert.equal(host!.fetch, 'hdr(host)');
		});

		it('should read http-request rules with if/unless conditions, negation, anonymous ACLs and ||', () => {
			const [auth, deny] = config.sections[2]!.httpRequest;
			assert.equal(auth!.action, 'lua.auth-request');
			assert.deepEqual(auth!.args.map((word) => word.value), ['be_auth', '/auth']);
			const condition = auth!.condition as HaproxyCondition;
			assert.equal(condition.polarity, 'unless');
			assert.equal(condition.groups.length, 2);
			assert.equal(condition.groups[1]![0]!.kind, 'anonymous');
			const [first, second] = deny!.condition!.groups[0]!;
			assert.deepEqual([first!.negated, first!.kind], [true, 'named']);
			assert.equal(second!.kind === 'anonymous' && second!.test.fetch, 'var(txn.auth_response_successful)');
			assert.deepEqual(second!.kind === 'anonymous' && second!.test.flags, [{ flag: '-m', arg: 'bool' }]);
			assert.equal(second!.negated, true);
		});

		it('should read use_backend, default_backend and server addresses', () => {
			const web = config.sections[2]!;
			assert.equal(web.useBackend[0]!.backend!.value, 'be_rest');
			assert.equal(web.useBackend[0]!.condition!.groups[0]!.length, 2);
			assert.equal(web.defaultBackend!.backend!.value, 'be_navidrome');
			assert.deepEqual(
				config.sections[3]!.servers.map((server) => [server.name, server.host, server.port]),
				[
					['nd', 'navidrome', 4533],
					['v6', '::1', 4534],
					['sock', undefined, undefined],
				],
			);
		});

		it('should report what HAProxy refuses, with ranges, and never throw', () => {
			const bad = 'bind :80\nfrontend f\n    http-request set-header Remote-User ""\n    acl x path_beg "/unterminated\n';
			const result = parseHaproxy(bad, 'f');
			assert.deepEqual(
				result.errors.map((error) => bad.slice(error.span.start, error.span.end)),
				['bind', '"/unterminated', '""'].sort((a, b) => bad.indexOf(a) - bad.indexOf(b)),
			);
			for (const junk of ['{{{', '"', "'", '\\', 'frontend', 'http-request', 'acl', 'use_backend if', '\u0000\r\n\t#', 'x '.repeat(5000)]) {
				assert.doesNotThrow(() => parseHaproxy(`frontend a\n ${junk}\n`));
			}
		});
	});

	describe('content sniffing', () => {
		it('should take frontend/backend sections with bind or server lines for HAProxy', () => {
			assert.deepEqual(sniffFileKind('/x/lb.cfg', 'frontend web\n    bind :80\n    default_backend nd\n'), { kind: 'haproxy', by: 'content' });
			assert.equal(sniffFileKind('/x/notes.cfg', 'frontend developers wanted\n'), undefined);
		});
	});

	describe('against the real HAProxy (haproxy -c)', function () {
		this.timeout(30_000);
		const cases: Array<{ name: string; lines: string }> = [
			{ name: 'an empty quoted value', lines: '    http-request set-header Remote-User ""' },
			{ name: 'an unmatched quote', lines: '    http-request set-header X-A "b' },
			{ name: 'escaped spaces and hashes', lines: '    http-request set-header X-A a\\ b\\#c' },
			{ name: 'a quoted regex', lines: "    acl r path_reg '^/rest/.*\\.view$'" },
			{ name: 'an anonymous ACL with !', lines: '    http-request del-header Remote-User if !{ path_beg /app/ }' },
		];
		for (const { name, lines } of cases) {
			it(`should refuse exactly what HAProxy refuses: ${name}`, function () {
				const haproxy = findHaproxy();
				if (!haproxy) {
					if (process.env.CI === 'true') assert.fail('haproxy is not installed; CI must install it');
					console.log('    notice: haproxy is not installed, skipping');
					this.skip();
				}
				const text = `${base}\nfrontend web\n    bind 127.0.0.1:1\n${lines}\n    default_backend be\n\nbackend be\n    server s 127.0.0.1:2\n`;
				const dir = mkdtempSync(join(tmpdir(), 'haproxy-parse-'));
				try {
					writeFileSync(join(dir, 'haproxy.cfg'), text);
					const check = spawnSync(haproxy!, ['-c', '-q', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8', timeout: 10_000 });
					const ours = parseHaproxy(text).errors;
					assert.equal(ours.length > 0, check.status !== 0, `ours: ${ours.map((error) => error.message).join('; ') || 'accepted'}; haproxy: ${check.status === 0 ? 'accepted' : check.stderr}`);
				} finally {
					rmSync(dir, { recursive: true, force: true });
				}
			});
		}
	});
});
