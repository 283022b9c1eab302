import assert from 'node:assert/strict';
import { resolveSettings } from '../src/settings/resolve.js';
import type { ResolvedSettings, SettingSource, SettingsInput, SettingsProblem, SettingsProblemCode } from '../src/types.js';

function problems(result: ResolvedSettings, code: SettingsProblemCode): SettingsProblem[] {
	return result.problems.filter((problem) => problem.code === code);
}

function only(result: ResolvedSettings, code: SettingsProblemCode): SettingsProblem {
	const found = problems(result, code);
	assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(result.problems, undefined, 1)}`);
	return found[0]!;
}

function codes(result: ResolvedSettings): SettingsProblemCode[] {
	return result.problems.map((problem) => problem.code);
}

function env(name: string): SettingSource {
	return { kind: 'env', name };
}

/** The text a TOML source's value span covers. */
function valueText(toml: string, source: SettingSource): string {
	assert.equal(source.kind, 'toml');
	return source.kind === 'toml' ? toml.slice(source.valueStart, source.valueEnd) : '';
}

function keyText(toml: string, source: SettingSource | undefined): string {
	assert.equal(source?.kind, 'toml');
	return source?.kind === 'toml' ? toml.slice(source.keyStart, source.keyEnd) : '';
}

const both = { ND_EXTAUTH_TRUSTEDSOURCES: '10.0.0.0/8', ND_REVERSEPROXYWHITELIST: '172.16.0.0/12' };

describe('resolveSettings(input)', () => {
	describe('defaults', () => {
		it('should give Navidrome defaults and no problems for an empty input', () => {
			const { settings, problems: found } = resolveSettings({});
			assert.deepEqual(found, []);
			assert.equal(settings.trustedSources.value, '');
			assert.equal(settings.userHeader.value, 'Remote-User');
			assert.equal(settings.logoutURL.value, '');
			assert.equal(settings.address.value, '0.0.0.0');
			assert.equal(settings.port.value, 4533);
			assert.equal(settings.unixSocketPerm.value, '0660');
			assert.equal(settings.enableUserEditing.value, true);
			assert.equal(settings.baseUrl.value, '');
			assert.equal(settings.enableSharing.value, true);
			assert.equal(settings.devAutoLoginUsername.value, '');
			assert.equal(settings.passwordEncryptionKeySet.value, false);
			assert.equal(settings.extAuthEnabled, false);
			assert.equal(settings.version, undefined);
			assert.deepEqual(settings.trustedSources.source, { kind: 'default' });
			assert.equal(settings.trustedSources.fromKey, 'ExtAuth.TrustedSources');
		});

		it('should use the EnableSharing default of the given version (false before 0.63.0)', () => {
			assert.equal(resolveSettings({ navidromeVersion: '0.62.1' }).settings.enableSharing.value, false);
			assert.equal(resolveSettings({ navidromeVersion: '0.63.0' }).settings.enableSharing.value, true);
		});

		it('should name the legacy key as the default source before 0.59.0', () => {
			const { settings } = resolveSettings({ navidromeVersion: '0.52.0' });
			assert.equal(settings.trustedSources.fromKey, 'ReverseProxyWhitelist');
			assert.equal(settings.userHeader.fromKey, 'ReverseProxyUserHeader');
			assert.deepEqual(settings.version, [0, 52, 0]);
		});
	});

	describe('sources and precedence', () => {
		it('should read every TOML form, case-insensitively', () => {
			const forms = [
				'[ExtAuth]\nTrustedSources = "10.0.0.0/8"',
				'ExtAuth.TrustedSources = "10.0.0.0/8"',
				'"ExtAuth".TrustedSources = "10.0.0.0/8"',
				'[extauth]\ntrustedsources = "10.0.0.0/8"',
				'EXTAUTH.TRUSTEDSOURCES = \'10.0.0.0/8\'',
				'ExtAuth = { TrustedSources = "10.0.0.0/8" }',
			];
			for (const toml of forms) {
				const result = resolveSettings({ toml });
				assert.equal(result.settings.trustedSources.value, '10.0.0.0/8', toml);
				assert.equal(result.settings.extAuthEnabled, true, toml);
				assert.deepEqual(result.problems, [], toml);
			}
		});

		it('should let the environment beat the config file and report the overridden key', () => {
			const toml = 'ExtAuth.TrustedSources = "1.1.1.1/32"';
			const result = resolveSettings({ env: { ND_EXTAUTH_TRUSTEDSOURCES: '10.0.0.0/8' }, toml });
			assert.equal(result.settings.trustedSources.value, '10.0.0.0/8');
			assert.deepEqual(result.settings.trustedSources.source, env('ND_EXTAUTH_TRUSTEDSOURCES'));
			const shadowed = only(result, 'shadowed');
			assert.equal(keyText(toml, shadowed.source), 'ExtAuth.TrustedSources');
			assert.deepEqual(shadowed.related, [env('ND_EXTAUTH_TRUSTEDSOURCES')]);
		});

		it('should treat an empty environment variable as unset', () => {
			const result = resolveSettings({ env: { ND_EXTAUTH_TRUSTEDSOURCES: '', ND_EXTAUTH_USERHEADER: '' }, toml: 'ExtAuth.TrustedSources = "1.1.1.1/32"' });
			assert.equal(result.settings.trustedSources.value, '1.1.1.1/32');
			assert.equal(result.settings.userHeader.value, 'Remote-User');
			assert.deepEqual(result.problems, []);
		});

		it('should read PORT after ND_PORT', () => {
			assert.equal(resolveSettings({ env: { PORT: '8080' } }).settings.port.value, 8080);
			const result = resolveSettings({ env: { PORT: '8080', ND_PORT: '4534' } });
			assert.equal(result.settings.port.value, 4534);
			assert.deepEqual(only(result, 'shadowed').source, env('PORT'));
		});

		it('should ignore entries inside arrays of tables', () => {
			const result = resolveSettings({ toml: '[[ExtAuth]]\nTrustedSources = "10.0.0.0/8"' });
			assert.equal(result.settings.trustedSources.value, '');
		});

		it('should accept JavaScript numbers and booleans as environment values', () => {
			const input = { env: { ND_PORT: 8080, ND_ENABLESHARING: false } } as unknown as SettingsInput;
			const { settings } = resolveSettings(input);
			assert.equal(settings.port.value, 8080);
			assert.equal(settings.enableSharing.value, false);
		});
	});

	describe('ND_-spelled keys in the config file', () => {
		const toml = 'ND_EXTAUTH_TRUSTEDSOURCES = "10.0.0.0/8"';

		it('should remap them since 0.61.0, above the environment, with a hint', () => {
			const result = resolveSettings({ toml, env: { ND_EXTAUTH_TRUSTEDSOURCES: '1.1.1.1/32' }, navidromeVersion: '0.61.0' });
			assert.equal(result.settings.trustedSources.value, '10.0.0.0/8');
			assert.equal(result.settings.trustedSources.fromKey, 'ExtAuth.TrustedSources');
			const source = result.settings.trustedSources.source;
			assert.equal(source.kind === 'toml' && source.key, 'ND_EXTAUTH_TRUSTEDSOURCES');
			const hint = only(result, 'env-name-in-file');
			assert.match(hint.message, /ExtAuth\.TrustedSources/);
			assert.deepEqual(hint.range, { start: 0, end: 'ND_EXTAUTH_TRUSTEDSOURCES'.length });
			assert.deepEqual(only(result, 'shadowed').source, env('ND_EXTAUTH_TRUSTEDSOURCES'));
		});

		it('should report them as unknown before 0.61.0 and ignore them', () => {
			const result = resolveSettings({ toml, navidromeVersion: '0.60.0' });
			assert.equal(result.settings.trustedSources.value, '');
			assert.match(only(result, 'unknown-to-version').message, /0\.61\.0/);
		});

		it('should report both spellings in the file as fatal', () => {
			const result = resolveSettings({ toml: `${toml}\n[ExtAuth]\nTrustedSources = "1.1.1.1/32"` });
			const problem = only(result, 'both-names-set');
			assert.equal(problem.preventsStartup, true);
			assert.equal(problem.related.length, 1);
		});

		it('should map legacy names spelled as environment variables too', () => {
			const result = resolveSettings({ toml: 'ND_REVERSEPROXYUSERHEADER = "X-Auth-User"', navidromeVersion: '0.62.0' });
			assert.equal(result.settings.userHeader.value, 'X-Auth-User');
			assert.equal(result.settings.userHeader.fromKey, 'ReverseProxyUserHeader');
			assert.deepEqual(codes(result).sort(), ['env-name-in-file', 'legacy-name']);
		});
	});

	describe('legacy names by version', () => {
		it('should know neither name before 0.44.0', () => {
			const result = resolveSettings({ env: both, navidromeVersion: '0.43.0' });
			assert.equal(result.settings.trustedSources.value, '');
			assert.equal(result.settings.extAuthEnabled, false);
			assert.deepEqual(codes(result), ['unknown-to-version', 'unknown-to-version']);
			for (const problem of result.problems) assert.match(problem.message, /does not exist before 0\.44\.0/);
		});

		it('should use only the legacy name from 0.44.0 to 0.58.x, without calling it deprecated', () => {
			const result = resolveSettings({ env: both, navidromeVersion: '0.58.5' });
			assert.equal(result.settings.trustedSources.value, '172.16.0.0/12');
			assert.equal(result.settings.trustedSources.fromKey, 'ReverseProxyWhitelist');
			const unknown = only(result, 'unknown-to-version');
			assert.deepEqual(unknown.source, env('ND_EXTAUTH_TRUSTEDSOURCES'));
			assert.doesNotMatch(unknown.message, /stay off/);
			assert.deepEqual(problems(result, 'legacy-name'), []);
			assert.deepEqual(problems(result, 'both-names-set'), []);
		});

		it('should say header logins stay off when only ExtAuth.* is set on an old image', () => {
			const result = resolveSettings({ env: { ND_EXTAUTH_TRUSTEDSOURCES: '0.0.0.0/0' }, navidromeVersion: '0.52.0' });
			assert.equal(result.settings.extAuthEnabled, false);
			const unknown = only(result, 'unknown-to-version');
			assert.match(unknown.message, /stay off/);
			assert.match(unknown.message, /ND_REVERSEPROXYWHITELIST/);
		});

		for (const version of ['0.59.0', '0.61.3', '0.63.2']) {
			it(`should let a set legacy name win over an explicit new one on ${version}`, () => {
				const result = resolveSettings({ env: both, navidromeVersion: version });
				assert.equal(result.settings.trustedSources.value, '172.16.0.0/12');
				assert.equal(result.settings.trustedSources.fromKey, 'ReverseProxyWhitelist');
				const conflict = only(result, 'both-names-set');
				assert.deepEqual(conflict.source, env('ND_REVERSEPROXYWHITELIST'));
				assert.deepEqual(conflict.related, [env('ND_EXTAUTH_TRUSTEDSOURCES')]);
				assert.match(conflict.message, new RegExp(`Navidrome ${version.replaceAll('.', '\\.')} uses the deprecated`));
				assert.equal(only(result, 'legacy-name').setting, 'ReverseProxyWhitelist');
			});
		}

		it('should assume the newest release (legacy wins) when the version is unknown, and say so', () => {
			for (const navidromeVersion of [undefined, 'latest', 'develop']) {
				const result = resolveSettings({ env: both, navidromeVersion });
				assert.equal(result.settings.trustedSources.value, '172.16.0.0/12');
				assert.match(only(result, 'both-names-set').message, /version is unknown.*0\.63\.2/);
			}
		});

		for (const version of ['0.63.3', '0.64.0']) {
			it(`should let an explicit new name win on ${version}`, () => {
				const result = resolveSettings({ env: both, navidromeVersion: version });
				assert.equal(result.settings.trustedSources.value, '10.0.0.0/8');
				assert.equal(result.settings.trustedSources.fromKey, 'ExtAuth.TrustedSources');
				const conflict = only(result, 'both-names-set');
				assert.deepEqual(conflict.source, env('ND_EXTAUTH_TRUSTEDSOURCES'));
				assert.deepEqual(conflict.related, [env('ND_REVERSEPROXYWHITELIST')]);
				assert.match(conflict.message, /up to 0\.63\.2 do the opposite/);
			});
		}

		it('should still map a lone legacy name on newer builds', () => {
			const result = resolveSettings({ env: { ND_REVERSEPROXYWHITELIST: '172.16.0.0/12' }, navidromeVersion: '0.64.0' });
			assert.equal(result.settings.trustedSources.value, '172.16.0.0/12');
			assert.deepEqual(codes(result), ['legacy-name']);
		});

		it('should name the replacement in the spelling of the input', () => {
			const fromEnv = only(resolveSettings({ env: { ND_REVERSEPROXYWHITELIST: '10.0.0.0/8' } }), 'legacy-name');
			assert.match(fromEnv.message, /^ND_REVERSEPROXYWHITELIST .*use ND_EXTAUTH_TRUSTEDSOURCES/);
			const toml = 'ReverseProxyUserHeader = "X-Auth-User"';
			const fromFile = only(resolveSettings({ toml }), 'legacy-name');
			assert.match(fromFile.message, /use ExtAuth\.UserHeader/);
			assert.deepEqual(fromFile.range, { start: 0, end: 'ReverseProxyUserHeader'.length });
		});

		it('should neither map nor warn about an empty legacy environment variable', () => {
			const result = resolveSettings({ env: { ND_REVERSEPROXYWHITELIST: '', ND_EXTAUTH_TRUSTEDSOURCES: '10.0.0.0/8' }, navidromeVersion: '0.60.0' });
			assert.equal(result.settings.trustedSources.value, '10.0.0.0/8');
			assert.deepEqual(result.problems, []);
		});

		it('should count a legacy key in the file even when it is empty', () => {
			const toml = 'ReverseProxyWhitelist = ""\n[ExtAuth]\nTrustedSources = "10.0.0.0/8"';
			const result = resolveSettings({ toml, navidromeVersion: '0.62.0' });
			assert.equal(result.settings.trustedSources.value, '');
			assert.equal(result.settings.extAuthEnabled, false);
			const conflict = only(result, 'both-names-set');
			assert.equal(keyText(toml, conflict.source), 'ReverseProxyWhitelist');
			assert.equal(keyText(toml, conflict.related[0]), 'TrustedSources');
		});

		it('should apply the same rules to the user header pair', () => {
			const input = { env: { ND_EXTAUTH_USERHEADER: 'X-New', ND_REVERSEPROXYUSERHEADER: 'X-Old' } };
			assert.equal(resolveSettings({ ...input, navidromeVersion: '0.60.0' }).settings.userHeader.value, 'X-Old');
			assert.equal(resolveSettings({ ...input, navidromeVersion: '0.64.0' }).settings.userHeader.value, 'X-New');
			assert.equal(resolveSettings({ ...input, navidromeVersion: '0.50.0' }).settings.userHeader.value, 'X-Old');
		});
	});

	describe('unknown-to-version', () => {
		it('should ignore LogoutURL before 0.61.0', () => {
			const result = resolveSettings({ env: { ND_EXTAUTH_LOGOUTURL: '/logout' }, navidromeVersion: '0.60.1' });
			assert.equal(result.settings.logoutURL.value, '');
			assert.deepEqual(codes(result), ['unknown-to-version']);
		});

		it('should ignore UnixSocketPerm before 0.51.0', () => {
			const result = resolveSettings({ toml: 'UnixSocketPerm = "0600"', navidromeVersion: '0.50.2' });
			assert.equal(result.settings.unixSocketPerm.value, '0660');
			assert.match(only(result, 'unknown-to-version').message, /added in 0\.51\.0/);
		});

		it('should report a unix: Address before 0.50.0 as fatal', () => {
			const result = resolveSettings({ env: { ND_ADDRESS: 'unix:/run/nd.sock' }, navidromeVersion: '0.49.3' });
			const problem = only(result, 'unknown-to-version');
			assert.equal(problem.preventsStartup, true);
			assert.equal(problem.setting, 'Address');
		});

		it('should not warn for settings whose first version is only estimated', () => {
			assert.deepEqual(resolveSettings({ env: { ND_ENABLESHARING: 'true' }, navidromeVersion: '0.45.0' }).problems, []);
		});
	});

	describe('value problems', () => {
		it('should reject a LogoutURL that is not an absolute http(s) URL', () => {
			for (const url of ['/logout', 'auth.example.com/logout', 'ftp://auth.example.com/', 'https://', 'https:auth.example.com', 'http://host:abc/', 'https://a b/']) {
				const problem = only(resolveSettings({ env: { ND_EXTAUTH_LOGOUTURL: url } }), 'logout-url-not-absolute');
				assert.equal(problem.preventsStartup, true, url);
				assert.deepEqual(problem.source, env('ND_EXTAUTH_LOGOUTURL'));
			}
		});

		it('should accept absolute http(s) logout URLs', () => {
			for (const url of ['https://auth.example.com/logout', 'HTTP://auth.example.com', 'https://user@[::1]:9091/logout?rd=x#y']) {
				assert.deepEqual(resolveSettings({ env: { ND_EXTAUTH_LOGOUTURL: url } }).problems, [], url);
			}
		});

		it('should flag socket paths without the unix: prefix', () => {
			const cases: Array<[string, string]> = [
				['/var/run/navidrome.sock', 'unix:/var/run/navidrome.sock'],
				['./nd.sock', 'unix:./nd.sock'],
				['navidrome.sock', 'unix:navidrome.sock'],
				['UNIX:/run/nd.sock', 'unix:/run/nd.sock'],
			];
			for (const [address, fix] of cases) {
				const problem = only(resolveSettings({ env: { ND_ADDRESS: address } }), 'address-socket-without-unix');
				assert.equal(problem.preventsStartup, true);
				assert.ok(problem.message.includes(`"${fix}"`), problem.message);
			}
			for (const address of ['0.0.0.0', '::', '127.0.0.1', 'unix:/run/nd.sock', 'localhost']) {
				assert.deepEqual(resolveSettings({ env: { ND_ADDRESS: address } }).problems, [], address);
			}
		});

		it('should flag user header names that can never match', () => {
			const toml = '[ExtAuth]\nUserHeader = ""';
			const empty = only(resolveSettings({ toml }), 'user-header-invalid');
			assert.match(empty.message, /empty/);
			assert.deepEqual(empty.range, { start: toml.length - 1, end: toml.length - 1 });
			assert.match(only(resolveSettings({ env: { ND_EXTAUTH_USERHEADER: 'X User' } }), 'user-header-invalid').message, /cannot have/);
			assert.match(only(resolveSettings({ env: { ND_EXTAUTH_USERHEADER: ' Remote-User' } }), 'user-header-invalid').message, /write "Remote-User"/);
			for (const header of ['Remote-User', 'X_Remote_User', 'x-authentik-username']) {
				assert.deepEqual(resolveSettings({ env: { ND_EXTAUTH_USERHEADER: header } }).problems, [], header);
			}
		});

		it('should reject non-string TOML values for string settings, converting scalars as Go does', () => {
			const array = resolveSettings({ toml: 'ExtAuth.TrustedSources = ["10.0.0.0/8"]' });
			assert.equal(array.settings.trustedSources.value, '');
			const problem = only(array, 'not-a-string');
			assert.equal(problem.preventsStartup, true);
			assert.match(problem.message, /comma-separated string/);

			const perm = resolveSettings({ toml: 'UnixSocketPerm = 660' });
			assert.equal(perm.settings.unixSocketPerm.value, '660');
			assert.equal(only(perm, 'not-a-string').preventsStartup, false);

			assert.equal(resolveSettings({ toml: 'ExtAuth.TrustedSources = true' }).settings.trustedSources.value, '1');
			assert.equal(resolveSettings({ toml: 'BaseUrl = 1.5' }).settings.baseUrl.value, '1.5');
		});

		it('should convert booleans and integers the way Go does, and reject what Go rejects', () => {
			const ok = resolveSettings({ env: { ND_ENABLESHARING: 'F', ND_PORT: '0x1F90' }, toml: 'EnableUserEditing = 0' });
			assert.equal(ok.settings.enableSharing.value, false);
			assert.equal(ok.settings.port.value, 8080);
			assert.equal(ok.settings.enableUserEditing.value, false);
			assert.deepEqual(ok.problems, []);

			const bad = resolveSettings({ env: { ND_ENABLESHARING: 'yes', ND_PORT: 'http' } });
			assert.deepEqual(codes(bad), ['invalid-value', 'invalid-value']);
			assert.ok(bad.problems.every((problem) => problem.preventsStartup));
			assert.equal(bad.settings.port.value, 4533);
		});

		it('should fall back to a lower-precedence input when the winning one cannot be converted', () => {
			const result = resolveSettings({ env: { ND_PORT: 'abc' }, toml: 'Port = 4600' });
			assert.equal(result.settings.port.value, 4600);
			assert.deepEqual(codes(result), ['invalid-value']);
		});

		it('should check the socket mode only for unix: addresses, and the port only for TCP', () => {
			assert.deepEqual(resolveSettings({ env: { ND_UNIXSOCKETPERM: 'rw-rw----' } }).problems, []);
			const socket = resolveSettings({ env: { ND_UNIXSOCKETPERM: 'rw-rw----', ND_ADDRESS: 'unix:/run/nd.sock', ND_PORT: '99999' } });
			assert.deepEqual(codes(socket), ['invalid-value']);
			assert.equal(socket.problems[0]!.setting, 'UnixSocketPerm');
			assert.deepEqual(codes(resolveSettings({ env: { ND_PORT: '99999' } })), ['invalid-value']);
		});

		it('should reject a BaseUrl Go cannot parse', () => {
			assert.deepEqual(codes(resolveSettings({ env: { ND_BASEURL: 'http://exa mple.com/music' } })), ['invalid-value']);
			assert.deepEqual(resolveSettings({ env: { ND_BASEURL: '/music' } }).problems, []);
		});

		it('should report TOML syntax errors with their span', () => {
			const toml = 'Port = 4533\nExtAuth.TrustedSources = "10.0.0.0/8\n';
			const result = resolveSettings({ toml });
			const problem = only(result, 'toml-syntax');
			assert.equal(problem.preventsStartup, true);
			assert.equal(problem.source, undefined);
			assert.equal(toml.slice(problem.range!.start, problem.range!.end), '"10.0.0.0/8');
		});

		it('should report differently cased duplicates and keep the last one', () => {
			const toml = '[ExtAuth]\nTrustedSources = "a/32"\n[extauth]\ntrustedsources = "b/32"';
			const result = resolveSettings({ toml });
			assert.equal(result.settings.trustedSources.value, 'b/32');
			const problem = only(result, 'duplicate-key');
			assert.equal(keyText(toml, problem.source), 'TrustedSources');
			assert.equal(keyText(toml, problem.related[0]), 'trustedsources');
		});

		it('should report keys under the wrong table', () => {
			const misplaced = [
				['[Scanner]\nExtAuth.TrustedSources = "10.0.0.0/8"', 'ExtAuth.TrustedSources'],
				['TrustedSources = "10.0.0.0/8"', 'ExtAuth.TrustedSources'],
				['[ExtAuth]\nReverseProxyWhitelist = "10.0.0.0/8"', 'ReverseProxyWhitelist'],
				['[Server]\nUnixSocketPerm = "0660"', 'UnixSocketPerm'],
			] as const;
			for (const [toml, setting] of misplaced) {
				const result = resolveSettings({ toml });
				assert.equal(only(result, 'misplaced-key').setting, setting, toml);
				assert.equal(result.settings.trustedSources.value, '', toml);
			}
			assert.deepEqual(resolveSettings({ toml: '[ListenBrainz]\nBaseURL = "https://example.com"' }).problems, []);
		});
	});

	describe('offsets', () => {
		it('should give the string content without quotes as the value span, and keep the quoted span', () => {
			const toml = '# header\n[ExtAuth]\nTrustedSources = "10.0.0.0/8,@"   # trusted\n';
			const source = resolveSettings({ toml }).settings.trustedSources.source;
			assert.equal(valueText(toml, source), '10.0.0.0/8,@');
			assert.equal(source.kind === 'toml' && toml.slice(source.quotedStart, source.quotedEnd), '"10.0.0.0/8,@"');
			assert.equal(keyText(toml, source), 'TrustedSources');
			assert.equal(source.kind === 'toml' && source.key, 'ExtAuth.TrustedSources');
		});

		it('should give exact spans for literal, multi-line and escaped strings and for numbers', () => {
			const toml = "Address = 'unix:/run/nd.sock'\nBaseUrl = \"\"\"\n/music\"\"\"\nDevAutoLoginUsername = \"\\u0061dmin\"\nPort = 4_600\r\n";
			const { settings } = resolveSettings({ toml });
			assert.equal(valueText(toml, settings.address.source), 'unix:/run/nd.sock');
			assert.equal(valueText(toml, settings.baseUrl.source), '/music');
			assert.equal(valueText(toml, settings.devAutoLoginUsername.source), '\\u0061dmin');
			assert.equal(settings.devAutoLoginUsername.value, 'admin');
			assert.equal(valueText(toml, settings.port.source), '4_600');
			assert.equal(settings.port.value, 4600);
		});

		it('should let a fix replace the value span', () => {
			const toml = '[ExtAuth]\nTrustedSources = "10.0.0.5"\n';
			const source = resolveSettings({ toml }).settings.trustedSources.source;
			assert.equal(source.kind, 'toml');
			if (source.kind !== 'toml') return;
			const fixed = `${toml.slice(0, source.valueStart)}10.0.0.5/32${toml.slice(source.valueEnd)}`;
			assert.equal(resolveSettings({ toml: fixed }).settings.trustedSources.value, '10.0.0.5/32');
		});

		it('should point value problems at the value and key problems at the key', () => {
			const toml = '[ExtAuth]\nLogoutURL = "/logout"\n';
			const problem = only(resolveSettings({ toml }), 'logout-url-not-absolute');
			assert.equal(toml.slice(problem.range!.start, problem.range!.end), '/logout');
			const legacy = only(resolveSettings({ toml: 'ReverseProxyWhitelist = "x"' }), 'legacy-name');
			assert.deepEqual(legacy.range, { start: 0, end: 21 });
		});
	});

	describe('extAuthEnabled', () => {
		it('should count a whitespace-only list as on', () => {
			assert.equal(resolveSettings({ env: { ND_EXTAUTH_TRUSTEDSOURCES: ' ' } }).settings.extAuthEnabled, true);
		});

		it('should be off for an empty list in the file', () => {
			assert.equal(resolveSettings({ toml: 'ExtAuth.TrustedSources = ""' }).settings.extAuthEnabled, false);
		});
	});

	describe('secrets', () => {
		it('should never carry or echo PasswordEncryptionKey', () => {
			const secret = 'hunter2-very-secret';
			const fromEnv = resolveSettings({ env: { ND_PASSWORDENCRYPTIONKEY: secret } });
			assert.equal(fromEnv.settings.passwordEncryptionKeySet.value, true);
			assert.doesNotMatch(JSON.stringify(fromEnv), /hunter2/);
			const numeric = resolveSettings({ toml: 'PasswordEncryptionKey = 987654321\nPasswordEncryptionKey = [1]' });
			assert.ok(numeric.problems.length > 0);
			assert.doesNotMatch(JSON.stringify(numeric.problems.map((problem) => problem.message)), /987654321/);
		});
	});
});
