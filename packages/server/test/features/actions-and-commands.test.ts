import assert from 'node:assert/strict';
import fc from 'fast-check';
import { codeActions, complete, effectiveSettings, hover, readSimulateArguments, ruleDocumentation, simulateRequest } from '../../src/features/index.js';
import { composePlace, dotenvPlace, tomlPlace } from '../../src/features/text-context.js';
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
		assert.deepEqual(ignored.map((a) => a.title), ["Change to '172.18.0.5/32'", 'Disable nd/trusted-source-ignored for this line', 'Show documentation for nd/trusted-source-ignored']);
		assert.equal(ignored[0]!.isPreferred, true);
		assert.equal(applyEdits(compose, ignored[0]!.edits!), compose.replace('172.18.0.5,', '172.18.0.5/32,'));
		assert.deepEqual(ignored[2]!.command?.arguments, [{ ruleId: 'nd/trusted-source-ignored' }]);
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
