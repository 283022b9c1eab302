/**
The extension and the server share one definition of command ids and settings (`@navidrome-extauth/server/shared`):
the manifest contributes exactly those commands and settings, and the client sends exactly that section.
*/
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { clientSettingKeys, paletteCommands, ruleLevels, serverSettingKeys, settingKeys, settingsSection, traceLevels } from '@navidrome-extauth/server/shared';
import { defaultSettings, toServerSettings } from '../src/config.js';

type Manifest = {
	contributes: {
		commands: Array<{ command: string }>;
		configuration: Array<{ properties: Record<string, { enum?: string[]; additionalProperties?: { enum?: string[] }; properties?: Record<string, { enum?: string[] }> }> }>;
	};
};

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Manifest;
const properties = Object.assign({}, ...manifest.contributes.configuration.map((group) => group.properties)) as Manifest['contributes']['configuration'][number]['properties'];

describe('shared with the server', () => {
	it('should contribute every shared palette command, and no other', () => {
		const contributed = manifest.contributes.commands.map((command) => command.command);
		assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
		assert.deepEqual([...contributed].sort(), Object.values(paletteCommands).sort());
	});

	it('should contribute exactly the shared settings keys', () => {
		const keys = Object.keys(properties);
		assert.deepEqual([...keys].sort(), settingKeys.map((key) => `${settingsSection}.${key}`).sort());
		assert.deepEqual([...settingKeys].sort(), [...serverSettingKeys, ...clientSettingKeys].sort());
	});

	it('should offer the shared rule levels and trace levels', () => {
		const rules = properties[`${settingsSection}.rules`];
		assert.deepEqual(rules?.additionalProperties?.enum, [...ruleLevels]);
		for (const [id, rule] of Object.entries(rules?.properties ?? {})) assert.deepEqual(rule.enum, [...ruleLevels], id);
		assert.deepEqual(properties[`${settingsSection}.trace.server`]?.enum, [...traceLevels]);
	});

	it('should send the server every setting it reads, and the trace level nested as the key says', () => {
		const sent = toServerSettings({ enable: false, rules: { 'nd/trust-all': 'off' }, navidromeVersion: '0.58.0', caddyVersion: '2.8.4', allowRead: ['/etc/nginx'], trace: { server: 'verbose' } });
		const flat = Object.entries(sent).flatMap(([key, value]) => (key === 'trace' ? Object.keys(value as object).map((inner) => `trace.${inner}`) : [key]));
		assert.deepEqual(flat.sort(), [...settingKeys].sort());
		assert.equal(sent.trace.server, 'verbose');
		assert.ok(Object.keys(defaultSettings).every((key) => flat.some((sentKey) => sentKey === key || sentKey.startsWith(`${key}.`))), Object.keys(defaultSettings).join(', '));
	});
});
