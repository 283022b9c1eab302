import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defaultSettings, isOwnSection, normalizeRules, normalizeVersion, section, toServerSettings } from '../src/config.js';

describe('config', () => {
	describe('toServerSettings', () => {
		it('should map the section VS Code returns to the server settings', () => {
			const raw = {
				enable: false,
				rules: { 'nd/trust-broad': 'off', 'nd/published-port': 'error' },
				navidromeVersion: '0.63.2',
				caddyVersion: 'v2.11.2',
				trace: { server: 'verbose' },
			};
			assert.deepEqual(toServerSettings(raw), {
				enable: false,
				rules: { 'nd/trust-broad': 'off', 'nd/published-port': 'error' },
				navidromeVersion: '0.63.2',
				caddyVersion: '2.11.2',
				trace: { server: 'verbose' },
			});
		});

		it('should pass only absolute allowRead folders, and leave the key out when none is left', () => {
			assert.deepEqual(toServerSettings({ allowRead: ['/etc/nginx', 'relative', 7, '/srv/caddy'] }).allowRead, ['/etc/nginx', '/srv/caddy']);
			assert.equal('allowRead' in toServerSettings({ allowRead: ['relative'] }), false);
			assert.equal('allowRead' in toServerSettings({ allowRead: '/etc' }), false);
		});

		it('should leave out empty versions so the server assumes its own', () => {
			const settings = toServerSettings({ enable: true, rules: {}, navidromeVersion: '', caddyVersion: '  ', trace: { server: 'off' } });
			assert.equal('navidromeVersion' in settings, false);
			assert.equal('caddyVersion' in settings, false);
		});

		it('should fall back to the defaults for values of the wrong type', () => {
			assert.deepEqual(toServerSettings({ enable: 'yes', rules: ['nd/trust-all'], trace: 'verbose' }), defaultSettings);
			assert.deepEqual(toServerSettings(undefined), defaultSettings);
			assert.deepEqual(toServerSettings(null), defaultSettings);
			assert.deepEqual(toServerSettings('navidrome'), defaultSettings);
		});

		it('should not share the defaults object between calls', () => {
			const settings = toServerSettings(undefined);
			settings.rules['nd/trust-all'] = 'off';
			assert.deepEqual(toServerSettings(undefined).rules, {});
		});

		it('should never throw and always return the server shape', () => {
			fc.assert(
				fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true }), (raw) => {
					const settings = toServerSettings(raw);
					assert.equal(typeof settings.enable, 'boolean');
					assert.ok(['off', 'messages', 'verbose'].includes(settings.trace.server));
					for (const level of Object.values(settings.rules)) assert.ok(['off', 'error', 'warning', 'info'].includes(level));
				}),
				{ numRuns: 300 },
			);
		});
	});

	describe('normalizeRules', () => {
		it('should accept the aliases the CLI accepts and drop unknown levels', () => {
			assert.deepEqual(normalizeRules({ a: 'warn', b: 'information', c: ' Error ', d: 'fatal', e: 3, '': 'off' }), { a: 'warning', b: 'info', c: 'error' });
		});

		it('should not treat inherited property names as levels', () => {
			assert.deepEqual(normalizeRules({ a: 'constructor', b: 'toString', c: '__proto__' }), {});
		});

		it('should cap the number of entries', () => {
			const many = Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`rule/${index}`, 'off']));
			assert.equal(Object.keys(normalizeRules(many)).length, 500);
		});
	});

	describe('normalizeVersion', () => {
		it('should accept major, minor and patch forms with an optional v', () => {
			assert.equal(normalizeVersion('0.63.2'), '0.63.2');
			assert.equal(normalizeVersion('V2.11'), '2.11');
			assert.equal(normalizeVersion(' 2 '), '2');
		});

		it('should reject everything else', () => {
			for (const value of ['latest', '1.2.3.4', '1..2', '', '0.63.2-beta', '9'.repeat(60), 1.2, null, {}]) {
				assert.equal(normalizeVersion(value), undefined, String(value));
			}
		});
	});

	describe('isOwnSection', () => {
		it('should match only the whole navidrome-extauth section', () => {
			assert.equal(isOwnSection({ section }), true);
			assert.equal(isOwnSection({ section: 'navidrome-extauth.rules' }), false);
			assert.equal(isOwnSection({ section: 'editor' }), false);
			assert.equal(isOwnSection({}), false);
		});
	});
});
