import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveSettings } from '../src/settings/resolve.js';
import { scanToml, type TomlScan } from '../src/settings/toml.js';
import type { ResolvedSettings, SettingSource, SettingsInput } from '../src/types.js';

const validToml = `# navidrome.toml
Address = "unix:/run/navidrome/navidrome.sock"
UnixSocketPerm = '0660'
Port = 4_533
BaseUrl = """
/music"""
EnableSharing = true
ReverseProxyWhitelist = "10.0.0.0/8"
ND_EXTAUTH_LOGOUTURL = "https://auth.example.com/logout"

[ExtAuth]
TrustedSources = "172.18.0.5/32,@" # proxy
UserHeader = 'Remote-User'
"quoted".key = "\\u00e9\\t"

[[Jukebox.Devices]]
name = ["a", "b"]
inline = { a = 1, b = { c = "d" } }
date = 1979-05-27T07:32:00Z
`;

/** Characters that matter to the scanner, so mutations hit its branches. */
const tomlChar = fc.constantFrom(...'"\'[]{}=.,#\\\n\r\t _-0aZ:/@\u0000\u00e9😀'.split(''), '\r\n', '"""', "'''", '\\u', '\\U0001F600');

/** Any UTF-16 code units (lone surrogates and NUL included), mixed with the characters TOML cares about. */
const anyText = fc
	.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), tomlChar), { maxLength: 120 })
	.map((parts) => parts.join(''));

const mutation = fc.record({
	at: fc.nat(),
	remove: fc.nat({ max: 4 }),
	insert: fc.array(tomlChar, { maxLength: 4 }).map((parts) => parts.join('')),
});

function mutate(text: string, mutations: Array<{ at: number; remove: number; insert: string }>): string {
	let result = text;
	for (const { at, remove, insert } of mutations) {
		const position = at % (result.length + 1);
		result = result.slice(0, position) + insert + result.slice(position + remove);
	}
	return result;
}

function assertScanInBounds(text: string, scan: TomlScan): void {
	const within = (start: number, end: number) => Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text.length;
	for (const entry of scan.entries) {
		assert.ok(within(entry.keyStart, entry.keyEnd), 'key span');
		assert.ok(within(entry.valueStart, entry.valueEnd), 'value span');
		assert.ok(within(entry.contentStart, entry.contentEnd), 'content span');
		assert.ok(entry.keyEnd <= entry.valueStart, 'key before value');
		assert.ok(entry.valueStart <= entry.contentStart && entry.contentEnd <= entry.valueEnd, 'content inside value');
		assert.equal(entry.raw, text.slice(entry.valueStart, entry.valueEnd));
		for (const segment of entry.segments) assert.ok(within(segment.start, segment.end), 'segment span');
	}
	for (const error of scan.errors) assert.ok(within(error.start, error.end), 'error span');
	for (const table of scan.tables) assert.ok(within(table.start, table.end), 'table span');
}

function assertResolvedInBounds(toml: string, result: ResolvedSettings): void {
	const check = (source: SettingSource | undefined) => {
		if (source?.kind !== 'toml') return;
		for (const offset of [source.keyStart, source.keyEnd, source.valueStart, source.valueEnd, source.quotedStart ?? 0, source.quotedEnd ?? 0]) {
			assert.ok(Number.isInteger(offset) && offset >= 0 && offset <= toml.length, 'source offset');
		}
	};
	for (const setting of Object.values(result.settings)) {
		if (typeof setting === 'object' && setting !== null && 'source' in setting) check(setting.source);
	}
	for (const problem of result.problems) {
		check(problem.source);
		problem.related.forEach(check);
		if (problem.range) assert.ok(problem.range.start >= 0 && problem.range.start <= problem.range.end && problem.range.end <= toml.length, 'range');
		assert.equal(typeof problem.message, 'string');
	}
}

describe('settings robustness', () => {
	describe('scanToml(text)', () => {
		it('should never throw on random strings, and keep every offset inside the text', () => {
			fc.assert(
				fc.property(anyText, (text) => assertScanInBounds(text, scanToml(text))),
				{ numRuns: 400 },
			);
		});

		it('should never throw on mutations of valid TOML, and keep every offset inside the text', () => {
			assert.deepEqual(scanToml(validToml).errors, []);
			fc.assert(
				fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
					const text = mutate(validToml, mutations);
					assertScanInBounds(text, scanToml(text));
				}),
				{ numRuns: 400 },
			);
		});

		it('should decode what it reads back from generated basic strings', () => {
			fc.assert(
				fc.property(fc.string({ maxLength: 40 }), (value) => {
					const text = `k = ${JSON.stringify(value).replace(/[\u007f]/g, '\\u007f')}`;
					const scan = scanToml(text);
					if (/[\u0000-\u001f\u007f]/.test(value)) return;
					assert.equal(scan.entries[0]?.value, value);
				}),
				{ numRuns: 300 },
			);
		});
	});

	describe('resolveSettings(input)', () => {
		it('should never throw on random TOML, environments and versions, and keep offsets inside the text', () => {
			const env = fc.dictionary(
				fc.constantFrom('ND_EXTAUTH_TRUSTEDSOURCES', 'ND_REVERSEPROXYWHITELIST', 'ND_EXTAUTH_USERHEADER', 'ND_ADDRESS', 'ND_PORT', 'PORT', 'ND_ENABLESHARING', 'ND_UNIXSOCKETPERM', 'ND_EXTAUTH_LOGOUTURL', 'ND_BASEURL', 'OTHER'),
				fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(undefined), fc.constant(null)),
			);
			const version = fc.oneof(fc.constant(undefined), fc.constantFrom('0.43.0', '0.50.0', '0.58.5', '0.59.0', '0.61.0', '0.63.2', '0.64.0', 'latest'), fc.string({ maxLength: 8 }));
			fc.assert(
				fc.property(fc.array(mutation, { maxLength: 6 }), env, version, (mutations, environment, navidromeVersion) => {
					const toml = mutate(validToml, mutations);
					const result = resolveSettings({ toml, env: environment as SettingsInput['env'], navidromeVersion });
					assertResolvedInBounds(toml, result);
					assert.equal(result.settings.extAuthEnabled, result.settings.trustedSources.value !== '');
				}),
				{ numRuns: 300 },
			);
		});

		it('should survive inputs of the wrong shape', () => {
			const throwing = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => { throw new Error('boom'); } });
			const inputs: unknown[] = [undefined, null, 42, 'toml', [], { env: 'x' }, { env: null }, { toml: 42 }, { navidromeVersion: {} }, { env: { ND_PORT: {} } }, throwing, { env: throwing }];
			for (const input of inputs) {
				const result = resolveSettings(input as SettingsInput);
				assert.equal(result.settings.userHeader.value, 'Remote-User');
			}
		});

		it('should handle huge input, NUL bytes and deep nesting quickly', () => {
			const toml = [
				`a = "${'x'.repeat(2_000_000)}"`,
				'[ExtAuth]\nTrustedSources = "10.0.0.0/8\u0000"',
				`b = ${'['.repeat(50_000)}`,
				`c = ${'{ d = '.repeat(50_000)}`,
				'\u0000'.repeat(10_000),
			].join('\n');
			const started = performance.now();
			const result = resolveSettings({ toml });
			assert.ok(performance.now() - started < 2000);
			assert.equal(result.settings.trustedSources.value, '10.0.0.0/8\u0000');
			assert.ok(result.problems.some((problem) => problem.code === 'toml-syntax'));
		});

		it('should resolve a 1,000-line file in about a millisecond', () => {
			const lines: string[] = [];
			for (let i = 0; i < 249; i++) lines.push(`Option${i} = "value ${i} with \\"escapes\\""`, `Number${i} = ${i}`, `# comment ${i}`, `[Table${i}]`);
			lines.push('[ExtAuth]', 'TrustedSources = "10.0.0.0/8"', 'UserHeader = "Remote-User"', 'LogoutURL = "https://auth.example.com/logout"');
			const toml = lines.join('\n');
			for (let i = 0; i < 50; i++) resolveSettings({ toml });
			const runs = 200;
			const started = performance.now();
			for (let i = 0; i < runs; i++) resolveSettings({ toml, env: { ND_PORT: '4533' } });
			const perRun = (performance.now() - started) / runs;
			// Generous bound so a busy CI machine does not flake; typical is well under 1 ms.
			assert.ok(perRun < 10, `${perRun.toFixed(3)} ms per run`);
		});
	});
});
