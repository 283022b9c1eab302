/**
Issue 7's acceptance, as judged by the one gate (issue 12): Navidrome's docs Traefik + Authelia example gets exactly
one finding above `information` (the options are unknown to the 0.52.0 image); the public router that becomes
spoofable on an upgrade, and trust-all, are latent (information, `latent: 'version'`), never live errors. The same
deployment fixed has nothing above information. Also: every Traefik quick fix removes its finding, and the latent
fixtures (untrusted proxy, image too old) say so.
*/
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../../src/analysis/engine.js';
import type { Finding } from '../../src/analysis/findings.js';
import { fixtureWorkspace, readFixtureFolder, type FixtureFile } from '../harness/fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures');
const examples = join(here, '..', '..', '..', '..', 'examples');

function findings(files: FixtureFile[]): Finding[] {
	return new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) }).findings;
}

function aboveInformation(list: Finding[]): string[] {
	return list.filter((finding) => finding.severity === 'error' || finding.severity === 'warning').map((finding) => finding.ruleId).sort();
}

describe('traefik acceptance', () => {
	const expected = ['nd/option-unknown-to-version'];

	it("should give Navidrome's docs example exactly one finding above information, and the public router as latent", () => {
		const result = findings(readFixtureFolder(join(fixtures, 'traefik', 'acceptance', 'docs-example')));
		assert.deepEqual(aboveInformation(result), expected);
		const bypass = result.find((finding) => finding.ruleId === 'route/bypass-nostrip')!;
		assert.match(bypass.message, /^Latent: Router navidrome-public /);
		assert.match(bypass.message, /Navidrome 0\.52\.0 ignores the external-auth options today\. After an upgrade, anyone could send/);
		assert.equal(bypass.severity, 'information');
		assert.equal(bypass.latent, 'version');
		assert.equal(bypass.category, 'impersonation');
	});

	it('should report an untrusted proxy and an image too old for the path as latent, never as a live error', () => {
		const cases: Array<[string, 'trust' | 'version']> = [
			['fire-traefik-file-toml-untrusted-proxy', 'trust'],
			['fire-traefik-labels-map-old-rest', 'version'],
			['fire-traefik-docs-example-map', 'version'],
		];
		for (const [name, why] of cases) {
			const result = findings(readFixtureFolder(join(fixtures, 'rules', 'route', 'bypass-nostrip', name)));
			const route = result.filter((finding) => finding.ruleId.startsWith('route/'));
			assert.equal(route.length, 1, name);
			assert.equal(route[0]!.severity, 'information', name);
			assert.equal(route[0]!.latent, why, name);
			assert.match(route[0]!.message, /^Latent: /, name);
		}
	});

	it('should report a forwardAuth without authResponseHeaders both as forgeable (error) and as never delivering the user (warning)', () => {
		const result = findings(readFixtureFolder(join(fixtures, 'rules', 'route', 'auth-no-user', 'fire-traefik-file-toml')));
		const route = result.filter((finding) => finding.ruleId.startsWith('route/')).map((finding) => `${finding.severity}[${finding.ruleId}]`);
		assert.deepEqual(route.sort(), ['error[route/auth-no-user]', 'warning[route/never-mapped]']);
	});

	it('should find nothing above information in the fixed docs example', () => {
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(fixtures, 'traefik', 'acceptance', 'docs-example-fixed')))), []);
	});

	it('should report the same in examples/traefik-unsafe and nothing above information in examples/traefik-safe', () => {
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(examples, 'traefik-unsafe')))), expected);
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(examples, 'traefik-safe')))), []);
	});

	describe('quick fixes', () => {
		const cases: Array<{ rule: string; folder: string; name: string }> = [];
		for (const area of ['traefik', 'route']) {
			const root = join(fixtures, 'rules', area);
			if (!existsSync(root)) continue;
			for (const rule of readdirSync(root)) {
				for (const name of readdirSync(join(root, rule))) {
					if (area === 'route' && !/^(fire|ok)-traefik-/.test(name)) continue;
					const folder = join(root, rule, name);
					if (statSync(folder).isDirectory()) cases.push({ rule: `${area}/${rule}`, folder, name });
				}
			}
		}
		it('should find the Traefik fixtures of the route rules', () => {
			assert.ok(cases.filter((entry) => entry.rule.startsWith('route/')).length >= 20);
		});
		for (const { rule, folder, name } of cases) {
			const files = readFixtureFolder(folder);
			if (!files.some((file) => existsSync(`${file.path}.fixed`))) continue;
			it(`should leave no ${rule} finding after the fix: ${name}`, () => {
				const fixed = files.map((file) => (existsSync(`${file.path}.fixed`) ? { path: file.path, text: readFileSync(`${file.path}.fixed`, 'utf8') } : file));
				assert.deepEqual(
					findings(fixed).filter((finding) => finding.ruleId === rule).map((finding) => finding.message),
					[],
				);
			});
		}
	});
});
