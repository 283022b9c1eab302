import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codeActions, complete, effectiveSettings, fixAll, hover, readSimulateArguments, ruleDocumentation, simulateRequest } from '../../src/features/index.js';
import { composePlace, dotenvPlace, tomlPlace } from '../../src/features/text-context.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFixtureFolder } from '../harness/fixtures.js';
import { analyzeFiles } from './helpers.js';

const compose = `services:
  navidrome:
    image: deluan/navidrome:0.60.0
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.18.0.5,172.18.0.6/32
      ND_PASSWORDENCRYPTIONKEY: do-not-print-me
`;

function applyEdits(text: string, edits: Array<{ span: { start: number; end: number }; newText: string }>): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
	return result;
}

describe('codeActions', () => {
	const path = '/w/compose.yaml';
	const findingsOf = (text: string) => analyzeFiles({ [path]: text }).result.findings;

	it('should offer the rule fix (preferred), a suppression and the documentation, in that order', () => {
		const start = compose.indexOf('172.18.0.5');
		const actions = codeActions(path, compose, { start, end: start }, findingsOf(compose));
		const ignored = actions.filter((a) => a.finding.ruleId === 'nd/trusted-source-ignored');
		assert.deepEqual(ignored.map((a) => a.title), ["Change to '172.18.0.5/32'", 'Disable nd/trusted-source-ignored for this line', 'Disable nd/trusted-source-ignored for the entire file', 'Show documentation for nd/trusted-source-ignored']);
		assert.equal(ignored[0]!.isPreferred, true);
		assert.equal(applyEdits(compose, ignored[0]!.edits!), compose.replace('172.18.0.5,', '172.18.0.5/32,'));
		assert.deepEqual(ignored[3]!.command?.arguments, [{ ruleId: 'nd/trusted-source-ignored' }]);
	});

	it('should insert a disable comment with the line indentation that silences the rule', () => {
		const start = compose.indexOf('172.18.0.5');
		const disable = codeActions(path, compose, { start, end: start }, findingsOf(compose)).find((a) => a.title === 'Disable nd/trusted-source-ignored for this line')!;
		const edited = applyEdits(compose, disable.edits!);
		assert.match(edited, /\n {6}# navidrome-extauth-disable-next-line nd\/trusted-source-ignored\n {6}ND_EXTAUTH_TRUSTEDSOURCES/);
		assert.equal(findingsOf(edited).filter((f) => f.ruleId === 'nd/trusted-source-ignored').length, 0);
		// A second rule on the same line joins the existing comment.
		const again = codeActions(path, edited, { start: 0, end: edited.length }, findingsOf(edited)).find((a) => a.title.startsWith('Disable '));
		assert.ok(again);
		const twice = applyEdits(edited, again.edits!);
		assert.match(twice, new RegExp(`# navidrome-extauth-disable-next-line nd/trusted-source-ignored ${again.finding.ruleId.replace('/', '\\/')}\\n`));
	});

	it('should disable a rule for the entire file with a comment on the first line, then add rules to that comment', () => {
		const start = compose.indexOf('172.18.0.5');
		const disable = codeActions(path, compose, { start, end: start }, findingsOf(compose)).find((a) => a.title === 'Disable nd/trusted-source-ignored for the entire file')!;
		const edited = applyEdits(compose, disable.edits!);
		assert.equal(edited, `# navidrome-extauth-disable-file nd/trusted-source-ignored\n${compose}`);
		assert.equal(findingsOf(edited).filter((f) => f.ruleId === 'nd/trusted-source-ignored').length, 0);
		const other = codeActions(path, edited, { start: 0, end: edited.length }, findingsOf(edited)).find((a) => a.title.endsWith('for the entire file'));
		assert.ok(other, 'another rule still fires');
		const twice = applyEdits(edited, other.edits!);
		assert.ok(twice.startsWith(`# navidrome-extauth-disable-file nd/trusted-source-ignored ${other.finding.ruleId}\n`), twice);
		assert.equal(findingsOf(twice).filter((f) => f.ruleId === other.finding.ruleId).length, 0);
		// The same comment in TOML, .env, nginx and Caddy files, which all use `#`.
		const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules');
		const folders = ['nd/trusted-source-ignored/fire-semicolons-toml', 'nd/trust-all/fire-via-dotenv', 'nginx/underscores/fire-underscores-on', 'route/placeholder/fire-caddy-2.10-no-strip-before-auth'];
		const kinds = new Set<string>();
		for (const folder of folders) {
			const files = Object.fromEntries(readFixtureFolder(join(fixtures, folder)).map((file) => [file.path, file.text]));
			const findings = analyzeFiles(files).result.findings;
			for (const finding of findings.filter((f) => !f.file.endsWith('.yaml'))) {
				const text = files[finding.file]!;
				const action = codeActions(finding.file, text, finding.span, findings).find((a) => a.title === `Disable ${finding.ruleId} for the entire file`)!;
				const after = applyEdits(text, action.edits!);
				assert.ok(after.startsWith(`# navidrome-extauth-disable-file ${finding.ruleId}\n`), after);
				assert.equal(analyzeFiles({ ...files, [finding.file]: after }).result.findings.filter((f) => f.ruleId === finding.ruleId && f.file === finding.file).length, 0, `${folder} ${finding.ruleId}`);
				kinds.add(finding.file.split('/').pop()!);
			}
		}
		assert.deepEqual([...kinds].sort(), ['.env', 'Caddyfile', 'navidrome.toml', 'nginx.conf']);
	});

	it('should not offer a file-wide disable when a bare disable-file comment already silences every rule', () => {
		const text = `# navidrome-extauth-disable-file\n${compose}`;
		const findings = findingsOf(compose).map((f) => ({ ...f, span: { start: f.span.start + 33, end: f.span.end + 33 } }));
		assert.ok(!codeActions(path, text, { start: 0, end: text.length }, findings).some((a) => a.title.endsWith('for the entire file')));
	});

	it('should gather the preferred fixes of the document into one fix-all edit, without overlaps or duplicates', () => {
		const text = `services:
  caddy:
    image: caddy:2.11.4
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  navidrome:
    image: deluan/navidrome:0.60.0
    ports:
      - "4533:4533"
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
      ND_REVERSEPROXYWHITELIST: 0.0.0.0/0,172.16.0.0/12,10.0.0.9
    networks: [proxy]
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;
		const findings = findingsOf(text);
		const all = fixAll(path, text, findings)!;
		assert.equal(all.kind, 'source.fixAll.navidrome-extauth');
		const fixed = applyEdits(text, all.edits);
		assert.match(fixed, /- "127\.0\.0\.1:4533:4533"/);
		assert.match(fixed, /ND_REVERSEPROXYWHITELIST: 172\.30\.0\.10\/32,10\.0\.0\.9\/32\n/);
		for (let i = 1; i < all.edits.length; i++) assert.ok(all.edits[i - 1]!.span.end <= all.edits[i]!.span.start, 'sorted, no overlap');
		const left = findingsOf(fixed).filter((f) => ['nd/published-port', 'nd/trust-all', 'nd/trust-broad', 'nd/trusted-source-ignored'].includes(f.ruleId));
		assert.deepEqual(left.map((f) => f.ruleId), []);
		// Nothing preferred left: no action.
		assert.equal(fixAll(path, compose.replace('172.18.0.5,', ''), findingsOf(compose.replace('172.18.0.5,', ''))), undefined);
	});

	it('should return nothing for a range without findings', () => {
		assert.deepEqual(codeActions(path, compose, { start: 0, end: 3 }, findingsOf(compose)), []);
	});
});

describe('commands', () => {
	const files = { '/w/compose.yaml': compose.replace('172.18.0.5,', '') };
	const { result, workspace } = analyzeFiles(files);

	it('should return rule documentation, and nothing for an unknown rule', () => {
		const docs = ruleDocumentation('nd/trust-all');
		assert.equal(docs?.ruleId, 'nd/trust-all');
		assert.match(docs?.url ?? '', /nd-trust-all\.md$/);
		assert.match(docs?.markdown ?? '', /\*\*nd\/trust-all\*\*/);
		assert.equal(ruleDocumentation('no/such-rule'), undefined);
		assert.equal(ruleDocumentation(42), undefined);
	});

	it("should simulate a request with the instance's settings and version", () => {
		const trusted = simulateRequest(result, '/w/compose.yaml', readSimulateArguments({ peer: '172.18.0.6:50000', path: '/app/', headers: { 'Remote-User': 'alice' } })!);
		assert.equal(trusted.instance?.id, 'navidrome');
		assert.equal(trusted.instance?.version, '0.60.0');
		assert.equal(trusted.decision.outcome, 'authenticated');
		assert.equal(trusted.decision.username, 'alice');
		const untrusted = simulateRequest(result, undefined, readSimulateArguments({ peer: '203.0.113.9:1234', headers: { 'Remote-User': 'admin' } })!);
		assert.equal(untrusted.decision.outcome, 'fallback');
		assert.equal(untrusted.decision.reason, 'untrusted-peer');
		assert.ok(untrusted.decision.explanation.length > 20);
	});

	it('should refuse arguments without a peer', () => {
		assert.equal(readSimulateArguments(undefined), undefined);
		assert.equal(readSimulateArguments({ path: '/app/' }), undefined);
		assert.deepEqual(readSimulateArguments({ peer: '@', headers: { a: 1, b: ['x'] } })?.headers, { b: ['x'] });
	});

	it('should list effective settings with sources and hide secrets', () => {
		const [instance] = effectiveSettings(result, '/w/compose.yaml', (p) => workspace.readFile(p));
		assert.equal(instance?.id, 'navidrome');
		const trusted = instance!.settings.find((s) => s.key === 'ExtAuth.TrustedSources')!;
		assert.equal(trusted.value, '172.18.0.6/32');
		assert.equal(trusted.source.kind, 'env');
		assert.deepEqual(trusted.source.range?.start, { line: 4, character: 33 });
		const key = instance!.settings.find((s) => s.key === 'PasswordEncryptionKey')!;
		assert.equal(key.value, '(hidden)');
		assert.equal(key.hidden, true);
		assert.doesNotMatch(JSON.stringify(instance, (_, v) => (typeof v === 'bigint' ? String(v) : v)), /do-not-print-me/);
	});
});

describe('features on arbitrary text', () => {
	it('should never throw for any text, kind and cursor', () => {
		const kinds = ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', undefined] as const;
		const paths: Record<string, string> = { compose: '/w/compose.yaml', dotenv: '/w/.env', 'navidrome-toml': '/w/navidrome.toml', caddyfile: '/w/Caddyfile', none: '/w/x.txt' };
		const pieces = fc.constantFrom('services:\n', '  navidrome:\n', '    environment:\n', '      - ', 'ND_EXTAUTH_TRUSTEDSOURCES', ': ', '=', '"', "'", '[ExtAuth]\n', 'UserHeader = ', '#', '\n', '\r\n', '\t', '0.0.0.0/0', ',', '@', '\u0000', 'é', 'traefik.http.middlewares.x.', '{', '}', '[', ']', '- ');
		fc.assert(
			fc.property(fc.array(pieces, { maxLength: 40 }), fc.constantFrom(...kinds), fc.integer({ min: -5, max: 400 }), (parts, kind, offset) => {
				const text = parts.join('');
				const path = paths[kind ?? 'none']!;
				// The line readers have no safety net of their own, so they are called directly.
				composePlace(text, offset);
				dotenvPlace(text, offset);
				tomlPlace(text, offset);
				const context = { path, text, kind, offset, analysis: undefined, readText: () => undefined };
				const result = hover(context);
				if (result !== undefined && (typeof result.markdown !== 'string' || result.span.start > result.span.end)) throw new Error('bad hover');
				for (const item of complete(context)) if (item.span.start > item.span.end || item.span.end > text.length) throw new Error(`bad completion span ${JSON.stringify(item.span)}`);
			}),
			{ numRuns: 300 },
		);
	});
});
