import assert from 'node:assert/strict';
import { findSetting, settingDefault, settingDoc, settingsCatalog } from '../src/settings/catalog.js';
import type { SettingKey } from '../src/types.js';

const required: SettingKey[] = [
	'ExtAuth.TrustedSources',
	'ExtAuth.UserHeader',
	'ExtAuth.LogoutURL',
	'ReverseProxyWhitelist',
	'ReverseProxyUserHeader',
	'Address',
	'Port',
	'UnixSocketPerm',
	'EnableUserEditing',
	'BaseUrl',
	'PasswordEncryptionKey',
	'EnableSharing',
	'DevAutoLoginUsername',
];

describe('settingsCatalog', () => {
	it('should hold exactly one entry per setting key', () => {
		assert.deepEqual(settingsCatalog.map((doc) => doc.key).sort(), [...required].sort());
	});

	it('should derive every env name from the TOML key the way viper does', () => {
		for (const doc of settingsCatalog) assert.equal(doc.envName, `ND_${doc.tomlKey.replaceAll('.', '_').toUpperCase()}`, doc.key);
	});

	it('should carry the first versions from the spec', () => {
		const since = Object.fromEntries(settingsCatalog.map((doc) => [doc.key, doc.since.join('.')]));
		assert.equal(since['ExtAuth.TrustedSources'], '0.59.0');
		assert.equal(since['ExtAuth.UserHeader'], '0.59.0');
		assert.equal(since['ExtAuth.LogoutURL'], '0.61.0');
		assert.equal(since.ReverseProxyWhitelist, '0.44.0');
		assert.equal(since.ReverseProxyUserHeader, '0.44.0');
		assert.equal(since.UnixSocketPerm, '0.51.0');
	});

	it('should mark the legacy names as deprecated by their replacements', () => {
		assert.equal(settingDoc('ReverseProxyWhitelist').deprecatedBy, 'ExtAuth.TrustedSources');
		assert.equal(settingDoc('ReverseProxyUserHeader').deprecatedBy, 'ExtAuth.UserHeader');
		assert.equal(settingsCatalog.filter((doc) => doc.deprecatedBy).length, 2);
	});

	it('should mark only PasswordEncryptionKey as secret', () => {
		assert.deepEqual(
			settingsCatalog.filter((doc) => doc.secret).map((doc) => doc.key),
			['PasswordEncryptionKey'],
		);
	});

	it('should document every entry: summary on one line, description, examples and docs link', () => {
		for (const doc of settingsCatalog) {
			assert.ok(doc.summary.length > 20 && !doc.summary.includes('\n'), doc.key);
			assert.ok(doc.description.length > doc.summary.length, doc.key);
			assert.ok(doc.examples.length > 0, doc.key);
			assert.match(doc.docsUrl, /^https:\/\/www\.navidrome\.org\/docs\//, doc.key);
		}
	});

	it('should explain the TrustedSources footguns', () => {
		const text = settingDoc('ExtAuth.TrustedSources').description;
		for (const fact of ['comma', 'space', '/32', '`@`', 'immediate peer', 'X-Forwarded-For', 'administrator', 'create']) {
			assert.ok(text.includes(fact), fact);
		}
		assert.ok(settingDoc('ExtAuth.TrustedSources').securityNotes.length > 0);
	});

	it('should show examples in forms the resolver reads', () => {
		for (const doc of settingsCatalog) {
			for (const example of doc.examples) {
				const name = example.split(/[=\s]/, 1)[0]!;
				if (name.startsWith('[')) continue;
				assert.equal(findSetting(name)?.key, doc.key, example);
			}
		}
	});
});

describe('findSetting(nameOrEnvOrTomlKey)', () => {
	it('should accept keys, env names and TOML keys in any case', () => {
		for (const name of ['ND_EXTAUTH_TRUSTEDSOURCES', 'ExtAuth.TrustedSources', 'extauth.trustedsources', 'nd_extauth_trustedsources']) {
			assert.equal(findSetting(name)?.key, 'ExtAuth.TrustedSources', name);
		}
		assert.equal(findSetting('PORT')?.key, 'Port');
		assert.equal(findSetting('baseurl')?.key, 'BaseUrl');
	});

	it('should not accept a bare key without its table, or junk', () => {
		for (const name of ['TrustedSources', '', ' ND_PORT', 'ND_EXTAUTH', 42, null]) {
			assert.equal(findSetting(name as string), undefined, String(name));
		}
	});
});

describe('settingDefault(key, version)', () => {
	it('should follow default changes between releases', () => {
		assert.equal(settingDefault('EnableSharing', [0, 62, 0]), 'false');
		assert.equal(settingDefault('EnableSharing', [0, 63, 0]), 'true');
		assert.equal(settingDefault('EnableSharing'), 'true');
		assert.equal(settingDefault('ExtAuth.UserHeader', [0, 40, 0]), 'Remote-User');
	});
});
