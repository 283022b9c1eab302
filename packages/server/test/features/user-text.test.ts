/**
User-facing text cites public documentation, never the spec: rule summaries and docs, the messages the rule fixtures
produce, and hovers on those findings carry no `proxies.md §2.1`-style citations or spec case ids (C1d, N2b,
ND-TRUST-ANY). The citations live in `// spec:` comments beside each rule. Also: on an old image, the messages about
one setting say one consistent thing.
*/
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../../src/analysis/engine.js';
import { detectFileKind } from '../../src/analysis/files.js';
import type { AnalysisOptions } from '../../src/analysis/model/deployment.js';
import { rules } from '../../src/analysis/rules/index.js';
import { hover } from '../../src/features/index.js';
import { fixtureWorkspace, readFixtureFolder } from '../harness/fixtures.js';
import { analyzeFiles } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const rulesSource = join(here, '..', '..', 'src', 'analysis', 'rules');
const fixturesRoot = join(here, '..', 'fixtures', 'rules');

/** Spec citations and case ids: `proxies.md §2.1`, `§9`, `[E]`, `C1d`, `N2b`, `ND-TRUST-ANY`, `CADDY-BYPASS-NOSTRIP`. */
const specReference = /(?:navidrome-extauth|proxies)\.md|\.md §|§|\[[ES]\]|\b[CN]\d{1,2}[a-z]?\b|\b(?:ND|CADDY|NGINX|TRAEFIK)-[A-Z]+(?:-[A-Z]+)*\b/;

function assertPublic(text: string, where: string): void {
	const match = specReference.exec(text);
	assert.equal(match, null, `${where} cites the spec (${match?.[0]}): ${text.slice(Math.max(0, (match?.index ?? 0) - 80), (match?.index ?? 0) + 80)}`);
}

function sourceFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => {
		const path = join(folder, name);
		return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
	});
}

function caseFolders(): string[] {
	const folders: string[] = [];
	for (const area of readdirSync(fixturesRoot)) {
		for (const rule of readdirSync(join(fixturesRoot, area))) {
			const folder = join(fixturesRoot, area, rule);
			if (!statSync(folder).isDirectory()) continue;
			for (const name of readdirSync(folder)) if (statSync(join(folder, name)).isDirectory()) folders.push(join(folder, name));
		}
	}
	return folders;
}

describe('user-facing text', () => {
	it('should keep spec citations out of rule summaries and docs, and link public docs instead', () => {
		for (const rule of rules) {
			assertPublic(rule.summary, `${rule.id} summary`);
			assertPublic(rule.docs, `${rule.id} docs`);
			if (!rule.id.startsWith('syntax/') && !rule.id.startsWith('compose/')) assert.match(rule.docs, /\]\(https:\/\/[^)\s]+\)/, `${rule.id} links no public page`);
		}
	});

	it('should keep the spec citation of every rule in a `// spec:` comment beside it', () => {
		const files = sourceFiles(rulesSource).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
		const missing: string[] = [];
		for (const rule of rules) {
			if (rule.id.startsWith('syntax/') || rule.id.startsWith('compose/')) continue;
			const file = files.find((candidate) => candidate.text.includes(`id: '${rule.id}'`));
			assert.ok(file, `no source file for ${rule.id}`);
			if (!/^\/\/ spec: .*(?:navidrome-extauth|proxies)\.md §\d|^\/\/ spec: .*security\.md/m.test(file.text)) missing.push(rule.id);
		}
		assert.deepEqual(missing, []);
	});

	it('should keep spec citations out of every message, related message and hover the rule fixtures produce', function () {
		this.timeout(120_000);
		let findings = 0;
		for (const folder of caseFolders()) {
			const files = readFixtureFolder(folder);
			const optionsPath = join(folder, 'options.json');
			const options: AnalysisOptions = existsSync(optionsPath) ? JSON.parse(readFileSync(optionsPath, 'utf8')) : {};
			const workspace = fixtureWorkspace(files, folder);
			const result = new Analyzer().analyze({ files, workspace, options });
			for (const finding of result.findings) {
				findings++;
				const where = `${finding.ruleId} in ${folder.slice(fixturesRoot.length + 1)}`;
				assertPublic(finding.message, where);
				for (const related of finding.related ?? []) assertPublic(related.message, `${where} (related)`);
				for (const fix of finding.fixes ?? []) assertPublic(fix.title, `${where} (fix)`);
				const text = files.find((file) => file.path === finding.file)?.text;
				if (text === undefined) continue;
				const shown = hover({ path: finding.file, text, kind: detectFileKind(finding.file), offset: finding.span.start, analysis: result, readText: (path) => workspace.readFile(path) });
				if (shown) assertPublic(shown.markdown, `hover on ${where}`);
			}
		}
		assert.ok(findings > 100, `only ${findings} findings checked`);
	});
});

describe('messages on an old image', () => {
	// The contradiction of issue 18: "Header logins stay off" next to "anyone is logged in as admin".
	const compose = (environment: string): string => `services:
  navidrome:
    image: deluan/navidrome:0.58.0
    ports:
      - "4533:4533"
    environment:
${environment}
`;

	it('should say "ignored today on Navidrome 0.58.0; once it takes effect" in every finding about the ignored setting', () => {
		const { result } = analyzeFiles({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0') });
		const byRule = new Map(result.findings.map((finding) => [finding.ruleId, finding.message]));
		for (const id of ['nd/option-unknown-to-version', 'nd/trust-all', 'nd/published-port']) {
			const message = byRule.get(id);
			assert.ok(message, `${id} did not fire: ${[...byRule.keys()].join(', ')}`);
			assert.match(message, /ignored today on Navidrome 0\.58\.0/, `${id}: ${message}`);
			assert.match(message, /once it takes effect \(0\.59\.0\+\)/, `${id}: ${message}`);
			assert.doesNotMatch(message, /stay off|while external auth is on/, `${id}: ${message}`);
		}
		assert.match(byRule.get('nd/option-unknown-to-version')!, /On 0\.58\.0 the name is ND_REVERSEPROXYWHITELIST/);
	});

	it('should not recommend the legacy name when it is already set', () => {
		const { result } = analyzeFiles({ '/w/compose.yaml': compose('      ND_REVERSEPROXYWHITELIST: 172.18.0.5/32\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5/32') });
		const message = result.findings.find((finding) => finding.ruleId === 'nd/option-unknown-to-version')?.message;
		assert.ok(message);
		assert.match(message, /ND_REVERSEPROXYWHITELIST, which is also set, applies instead/);
		assert.doesNotMatch(message, /the name is ND_REVERSEPROXYWHITELIST|use ND_REVERSEPROXYWHITELIST/i);
	});

	it('should speak of live settings as live on a current image', () => {
		const { result } = analyzeFiles({ '/w/compose.yaml': compose('      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0').replace('0.58.0', '0.60.0') });
		for (const finding of result.findings) assert.doesNotMatch(finding.message, /ignored today/, finding.message);
		assert.match(result.findings.find((finding) => finding.ruleId === 'nd/trust-all')?.message ?? '', /^'0\.0\.0\.0\/0' trusts every IPv4 peer/);
	});
});
