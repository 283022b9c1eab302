/**
Issue 7's acceptance: Navidrome's docs Traefik + Authelia example gets exactly three findings above `information`
(the options are unknown to the 0.52.0 image, trust-all, and the public router that is spoofable once the image
supports the options); the same deployment fixed has none. Also: every Traefik quick fix removes its finding.
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
	const expected = ['nd/option-unknown-to-version', 'nd/trust-all', 'traefik/bypass-nostrip'];

	it("should give Navidrome's docs example exactly three findings above information", () => {
		const result = findings(readFixtureFolder(join(fixtures, 'traefik', 'acceptance', 'docs-example')));
		assert.deepEqual(aboveInformation(result), expected);
		const bypass = result.find((finding) => finding.ruleId === 'traefik/bypass-nostrip')!;
		assert.match(bypass.message, /navidrome-public/);
		assert.match(bypass.message, /spoofable once the image supports the options/);
		assert.equal(bypass.category, 'impersonation');
	});

	it('should find nothing above information in the fixed docs example', () => {
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(fixtures, 'traefik', 'acceptance', 'docs-example-fixed')))), []);
	});

	it('should report the same three in examples/traefik-unsafe and nothing above information in examples/traefik-safe', () => {
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(examples, 'traefik-unsafe')))), expected);
		assert.deepEqual(aboveInformation(findings(readFixtureFolder(join(examples, 'traefik-safe')))), []);
	});

	describe('quick fixes', () => {
		const root = join(fixtures, 'rules', 'traefik');
		for (const rule of readdirSync(root)) {
			for (const name of readdirSync(join(root, rule))) {
				const folder = join(root, rule, name);
				if (!statSync(folder).isDirectory()) continue;
				const files = readFixtureFolder(folder);
				if (!files.some((file) => existsSync(`${file.path}.fixed`))) continue;
				it(`should leave no traefik/${rule} finding after the fix: ${name}`, () => {
					const fixed = files.map((file) => (existsSync(`${file.path}.fixed`) ? { path: file.path, text: readFileSync(`${file.path}.fixed`, 'utf8') } : file));
					assert.deepEqual(
						findings(fixed).filter((finding) => finding.ruleId === `traefik/${rule}`).map((finding) => finding.message),
						[],
					);
				});
			}
		}
	});
});
