import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveSettings } from '../src/settings/resolve.js';
import type { EffectiveSettings, SettingKey } from '../src/types.js';

type ConfigCase = {
	name: string;
	configFile: string;
	input: Record<string, string>;
	expect: Record<string, string>;
};

/** Navidrome's own deprecated-option tests (navidrome-extauth.md §1.2, §9); a repo copy wins over the shared one. */
function loadConfigCases(): ConfigCase[] {
	const candidates = [
		fileURLToPath(new URL('fixtures/navidrome-tests.json', import.meta.url)),
		fileURLToPath(new URL('../../../../shared/vectors/navidrome-tests.json', import.meta.url)),
		'/work/shared/vectors/navidrome-tests.json',
	];
	const file = candidates.find((candidate) => existsSync(candidate));
	if (file === undefined) throw new Error(`navidrome-tests.json not found in ${candidates.join(', ')}`);
	return (JSON.parse(readFileSync(file, 'utf8')) as { config: ConfigCase[] }).config;
}

const fields: Partial<Record<SettingKey, keyof EffectiveSettings>> = {
	'ExtAuth.TrustedSources': 'trustedSources',
	'ExtAuth.UserHeader': 'userHeader',
	'ExtAuth.LogoutURL': 'logoutURL',
};

/** `"ReverseProxyUserHeader (under [default])"` → `ReverseProxyUserHeader`: the option name the test file sets. */
function optionName(inputKey: string): string {
	return inputKey.split(' ', 1)[0]!;
}

function effective(settings: EffectiveSettings, key: string): unknown {
	const field = fields[key as SettingKey];
	assert.ok(field, `no EffectiveSettings field for ${key}`);
	return (settings[field] as { value: unknown }).value;
}

const cases = loadConfigCases();

// The vectors come from Navidrome master (newer than 0.63.2); the mapping they test holds from 0.59.0 on.
// YAML, INI and JSON config files are out of scope for resolveSettings: each case is replayed as TOML and as env.
describe('Navidrome config vectors', () => {
	it('should have the deprecated-option cases', () => {
		assert.equal(cases.length, 4);
	});

	for (const testCase of cases) {
		describe(testCase.name, () => {
			for (const version of [undefined, '0.59.0', '0.63.2', '0.64.0']) {
				it(`should give the same result from TOML on ${version ?? 'an unknown version'}`, () => {
					const toml = Object.entries(testCase.input)
						.map(([key, value]) => `${optionName(key)} = ${JSON.stringify(value)}`)
						.join('\n');
					const { settings, problems } = resolveSettings({ toml, navidromeVersion: version });
					for (const [key, value] of Object.entries(testCase.expect)) assert.equal(effective(settings, key), value, key);
					assert.deepEqual(problems.map((problem) => problem.code), ['legacy-name']);
				});

				it(`should give the same result from the environment on ${version ?? 'an unknown version'}`, () => {
					const env = Object.fromEntries(Object.entries(testCase.input).map(([key, value]) => [`ND_${optionName(key).toUpperCase()}`, value]));
					const { settings, problems } = resolveSettings({ env, navidromeVersion: version });
					for (const [key, value] of Object.entries(testCase.expect)) assert.equal(effective(settings, key), value, key);
					assert.deepEqual(problems.map((problem) => problem.code), ['legacy-name']);
				});
			}
		});
	}
});
