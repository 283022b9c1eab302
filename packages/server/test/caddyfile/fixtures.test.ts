/**
Parser fixtures, checked against our parser and against the real Caddy 2.6.2 (`caddy adapt`).
File names: `*.Caddyfile` is valid in 2.6.2, `*.invalid.Caddyfile` is rejected by 2.6.2, `*.min-X.Y.Caddyfile` uses
syntax from Caddy X.Y that 2.6.2 rejects or misreads. Comment lines in a fixture set expectations:
`# expect-error: <message part>`, `# expect-feature: <kind>`, `# env: NAME=value`,
`# caddy-2.6.2: rejects` or `# caddy-2.6.2: output-contains <text>`.
*/
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCaddyfile, type CaddyfileParseResult } from '../../src/analysis/formats/caddyfile/index.js';

const fixtureDir = fileURLToPath(new URL('../fixtures/caddyfile/parser/', import.meta.url));

type Fixture = {
	name: string;
	path: string;
	text: string;
	kind: 'valid' | 'invalid' | 'newer';
	/** For `newer` fixtures: the version in the file name, e.g. `2.7.0`. */
	minVersion?: string;
	expectErrors: string[];
	expectFeatures: string[];
	env: Record<string, string>;
	caddy?: { rejects: true } | { contains: string };
};

function loadFixtures(): Fixture[] {
	return readdirSync(fixtureDir)
		.filter(name => name.endsWith('.Caddyfile'))
		.sort()
		.map(name => {
			const path = join(fixtureDir, name);
			const text = readFileSync(path, 'utf8');
			const newer = /\.min-(\d+)\.(\d+)\.Caddyfile$/.exec(name);
			const fixture: Fixture = {
				name,
				path,
				text,
				kind: name.endsWith('.invalid.Caddyfile') ? 'invalid' : newer ? 'newer' : 'valid',
				expectErrors: [],
				expectFeatures: [],
				env: {},
			};
			if (newer) fixture.minVersion = `${newer[1]}.${newer[2]}.0`;
			for (const line of text.split(/\r?\n/)) {
				const match = /^# (expect-error|expect-feature|env|caddy-2\.6\.2): (.*)$/.exec(line);
				if (!match) continue;
				const [, key, value] = match as unknown as [string, string, string];
				if (key === 'expect-error') fixture.expectErrors.push(value);
				else if (key === 'expect-feature') fixture.expectFeatures.push(value);
				else if (key === 'env') fixture.env[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
				else fixture.caddy = value === 'rejects' ? { rejects: true } : { contains: value.replace(/^output-contains /, '') };
			}
			return fixture;
		});
}

/** Read-only view of the fixture folder for imports (globs only in the last segment, as in the fixtures). */
function parseFixture(fixture: Fixture): CaddyfileParseResult {
	return parseCaddyfile(fixture.text, {
		file: fixture.path,
		env: fixture.env,
		readFile: path => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined),
		listFiles: glob => {
			const slash = glob.lastIndexOf('/');
			const directory = glob.slice(0, slash);
			const pattern = new RegExp(`^${glob.slice(slash + 1).replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`);
			return existsSync(directory) ? readdirSync(directory).filter(name => pattern.test(name)).map(name => `${directory}/${name}`) : [];
		},
	});
}

const fixtures = loadFixtures();

describe('Caddyfile parser fixtures', () => {
	it('should have valid, invalid and newer-syntax fixtures', () => {
		const kinds = new Set(fixtures.map(fixture => fixture.kind));
		assert.deepEqual([...kinds].sort(), ['invalid', 'newer', 'valid']);
		for (const fixture of fixtures.filter(fixture => fixture.kind === 'invalid')) assert.ok(fixture.expectErrors.length > 0, `${fixture.name} needs # expect-error`);
		for (const fixture of fixtures.filter(fixture => fixture.kind === 'newer')) assert.ok(fixture.caddy, `${fixture.name} needs # caddy-2.6.2`);
	});

	for (const fixture of fixtures) {
		it(`should parse ${fixture.name} as ${fixture.kind}`, () => {
			const { errors, features } = parseFixture(fixture);
			const kinds = features.map(feature => feature.kind);
			if (fixture.kind === 'invalid') {
				assert.ok(errors.length > 0, 'expected errors');
				for (const expected of fixture.expectErrors) assert.ok(errors.some(error => error.message.includes(expected)), `no error containing "${expected}" in ${JSON.stringify(errors)}`);
				return;
			}
			assert.deepEqual(errors, []);
			for (const expected of fixture.expectFeatures) assert.ok(kinds.includes(expected as never), `feature ${expected} not recorded`);
			for (const kind of kinds) assert.ok(fixture.expectFeatures.includes(kind), `unexpected feature ${kind}`);
			if (fixture.kind === 'newer') assert.ok(features.some(feature => feature.minVersion === fixture.minVersion), `no feature with minVersion ${fixture.minVersion}`);
		});
	}
});

type AdaptResult = { ok: boolean; output: string };

/** Caddy 2.6.x on PATH, or undefined. */
function findCaddy(): string | undefined {
	try {
		const version = execFileSync('caddy', ['version'], { encoding: 'utf8', timeout: 10_000 });
		return /^v?2\.6\./.test(version.trim()) ? version.trim() : undefined;
	} catch {
		return undefined;
	}
}

describe('Caddyfile parser agreement with caddy 2.6.2 adapt', function () {
	const caddyVersion = findCaddy();
	let home: string | undefined;
	const results = new Map<string, AdaptResult>();

	before(async function () {
		if (!caddyVersion) return;
		this.timeout(60_000);
		home = mkdtempSync(join(tmpdir(), 'caddy-adapt-'));
		const environment: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') };
		await Promise.all(
			fixtures.map(
				fixture =>
					new Promise<void>(resolve => {
						execFile('caddy', ['adapt', '--config', fixture.path, '--adapter', 'caddyfile'], { env: { ...environment, ...fixture.env }, timeout: 30_000 }, (error, stdout, stderr) => {
							results.set(fixture.name, { ok: !error, output: `${stdout}\n${stderr}` });
							resolve();
						});
					}),
			),
		);
	});

	after(() => {
		if (home) rmSync(home, { recursive: true, force: true });
	});

	for (const fixture of fixtures) {
		it(`should agree on ${fixture.name}`, function () {
			if (!caddyVersion) {
				if (process.env.CI === 'true') assert.fail('caddy 2.6.x is not on PATH (apt-get install -y caddy); the agreement test cannot run in CI without it');
				console.log(`      (notice: caddy 2.6.x not on PATH; skipping the caddy adapt agreement for ${fixture.name})`);
				this.skip();
			}
			const result = results.get(fixture.name);
			assert.ok(result, 'caddy adapt did not run');
			if (fixture.kind === 'valid') assert.ok(result.ok, `caddy adapt failed:\n${result.output}`);
			if (fixture.kind === 'invalid') assert.ok(!result.ok, `caddy adapt accepted an invalid fixture:\n${result.output}`);
			if (fixture.caddy && 'rejects' in fixture.caddy) assert.ok(!result.ok, `caddy 2.6.2 should reject it:\n${result.output}`);
			if (fixture.caddy && 'contains' in fixture.caddy) {
				assert.ok(result.ok, `caddy adapt failed:\n${result.output}`);
				assert.ok(result.output.includes(fixture.caddy.contains), `output lacks ${fixture.caddy.contains}:\n${result.output}`);
			}
		});
	}
});
