import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
	asRuleDocumentation,
	asSimulationResult,
	effectiveSettingsMarkdown,
	inlineCode,
	ruleDocumentationMarkdown,
	simulationMarkdown,
	simulationMessage,
	userHeaderFrom,
} from '../src/render.js';

describe('render', () => {
	describe('asSimulationResult', () => {
		it('should accept the server result and reject other shapes', () => {
			assert.deepEqual(asSimulationResult({ outcome: 'authenticated', username: 'alice', reason: 'authenticated', explanation: 'x' }), {
				outcome: 'authenticated',
				username: 'alice',
				reason: 'authenticated',
				explanation: 'x',
			});
			assert.deepEqual(asSimulationResult({ outcome: 'fallback', reason: 'untrusted-peer' }), { outcome: 'fallback', reason: 'untrusted-peer', explanation: '' });
			assert.equal(asSimulationResult({ outcome: 'maybe', reason: 'x' }), undefined);
			const wrapped = { instance: { id: 'navidrome' }, config: { userHeader: 'Remote-User' }, decision: { outcome: 'fallback', reason: 'header-absent', explanation: 'y' } };
			assert.deepEqual(asSimulationResult(wrapped), { outcome: 'fallback', reason: 'header-absent', explanation: 'y' });
			assert.equal(asSimulationResult(null), undefined);
			assert.equal(asSimulationResult([]), undefined);
		});
	});

	describe('simulationMessage', () => {
		it('should name the user on success and the reason on fallback', () => {
			assert.equal(simulationMessage({ outcome: 'authenticated', username: 'admin', reason: 'authenticated', explanation: '' }), "Navidrome would log this request in as 'admin' (authenticated).");
			assert.match(simulationMessage({ outcome: 'fallback', reason: 'untrusted-peer', explanation: '' }), /\(untrusted-peer\); it falls back to its own login/);
		});
	});

	describe('simulationMarkdown', () => {
		it('should show the inputs, the decision and the explanation', () => {
			const markdown = simulationMarkdown(
				{ peer: '203.0.113.9:4000', path: '/rest/ping', headerName: 'Remote-User', headerValue: 'admin' },
				{ outcome: 'fallback', reason: 'untrusted-peer', explanation: '203.0.113.9 is not in TrustedSources.' },
			);
			assert.match(markdown, /\| peer address \| `203\.0\.113\.9:4000` \|/);
			assert.match(markdown, /\| user header \| `Remote-User`: `admin` \|/);
			assert.match(markdown, /\*\*Not logged in by the header\*\* \(`untrusted-peer`\)/);
			assert.match(markdown, /203\.0\.113\.9 is not in TrustedSources\./);
		});

		it('should say when no header was sent', () => {
			const markdown = simulationMarkdown({ peer: '@', path: '/app/', headerName: 'Remote-User', headerValue: undefined }, { outcome: 'fallback', reason: 'header-absent', explanation: '' });
			assert.match(markdown, /\| user header \| \(not sent\) \|/);
		});
	});

	describe('inlineCode', () => {
		it('should fence backticks with a longer run', () => {
			assert.equal(inlineCode('a`b'), '``a`b``');
			assert.equal(inlineCode('`x'), '`` `x ``');
			assert.equal(inlineCode(''), '(empty)');
			assert.equal(inlineCode('a\nb'), '`a b`');
		});

		it('should never let the value end the code span or a table row', () => {
			fc.assert(
				fc.property(fc.string({ maxLength: 80 }), (text) => {
					const code = inlineCode(text);
					assert.equal(code.includes('\n'), false);
					const fence = /^`+/.exec(code)?.[0];
					if (fence) assert.equal(code.slice(fence.length, -fence.length).includes(fence), false);
				}),
				{ numRuns: 300 },
			);
		});
	});

	describe('effectiveSettingsMarkdown', () => {
		it('should pass markdown through and render other values as JSON', () => {
			assert.equal(effectiveSettingsMarkdown('# Settings'), '# Settings');
			assert.equal(effectiveSettingsMarkdown({ markdown: '# M' }), '# M');
			assert.match(effectiveSettingsMarkdown({ trustedSources: '10.0.0.1/32' }), /```json\n\{\n {2}"trustedSources": "10\.0\.0\.1\/32"\n\}\n```/);
			assert.match(effectiveSettingsMarkdown(undefined), /```json\nnull\n```/);
		});

		it('should render one table per Navidrome instance, with sources linked and secrets hidden', () => {
			const markdown = effectiveSettingsMarkdown({
				instances: [{
					id: 'navidrome',
					version: '0.63.2',
					versionSource: 'image',
					extAuthEnabled: true,
					settings: [
						{ key: 'ExtAuth.TrustedSources', value: '172.30.0.2/32', hidden: false, source: { kind: 'env', name: 'ND_EXTAUTH_TRUSTEDSOURCES', uri: 'file:///srv/music/compose.yaml', range: { start: { line: 11, character: 4 }, end: { line: 11, character: 9 } } } },
						{ key: 'ExtAuth.UserHeader', value: 'Remote-User', hidden: false, source: { kind: 'default' } },
						{ key: 'PasswordEncryptionKey', value: 'leaked?', hidden: true, source: { kind: 'toml', name: 'PasswordEncryptionKey', uri: 'file:///srv/music/navidrome.toml' } },
					],
				}],
			});
			assert.match(markdown, /^## `navidrome`: Navidrome 0\.63\.2 \(image\)$/m);
			assert.match(markdown, /External auth is \*\*on\*\*\./);
			assert.match(markdown, /\| `ExtAuth\.TrustedSources` \| `172\.30\.0\.2\/32` \| env `ND_EXTAUTH_TRUSTEDSOURCES`, \[compose\.yaml:12\]\(file:\/\/\/srv\/music\/compose\.yaml#L12\) \|/);
			assert.match(markdown, /\| `ExtAuth\.UserHeader` \| `Remote-User` \| default \|/);
			assert.match(markdown, /\| `PasswordEncryptionKey` \| `\(hidden\)` \|/);
			assert.equal(markdown.includes('leaked?'), false);
		});

		it('should say so when no instance belongs to the document', () => {
			assert.match(effectiveSettingsMarkdown({ instances: [] }), /No Navidrome service was found/);
		});
	});

	describe('rule documentation', () => {
		it('should add a heading and the web link', () => {
			const docs = asRuleDocumentation({ ruleId: 'nd/trust-all', markdown: 'Trusts everyone.', url: 'https://example.com/nd-trust-all.md' });
			assert.ok(docs);
			assert.equal(ruleDocumentationMarkdown(docs), '# nd/trust-all\n\nTrusts everyone.\n\n[Open this page on the web](https://example.com/nd-trust-all.md)\n');
		});

		it('should keep an existing heading and drop links that are not https', () => {
			assert.equal(ruleDocumentationMarkdown({ ruleId: 'x', markdown: '# X\n\nBody\n', url: 'javascript:alert(1)' }), '# X\n\nBody\n');
			assert.equal(asRuleDocumentation({ ruleId: 'x' }), undefined);
		});

		it('should not link the page twice', () => {
			const url = 'https://example.com/x.md';
			assert.equal(ruleDocumentationMarkdown({ ruleId: 'x', markdown: `# X\n\n[Rule documentation](${url})`, url }), `# X\n\n[Rule documentation](${url})\n`);
		});
	});

	describe('userHeaderFrom', () => {
		it('should find the user header in the shapes a settings result may take', () => {
			assert.equal(userHeaderFrom({ userHeader: 'X-Auth-User' }), 'X-Auth-User');
			assert.equal(userHeaderFrom({ settings: { UserHeader: { value: 'Remote-Name', source: 'env' } } }), 'Remote-Name');
			assert.equal(userHeaderFrom({ instances: { a: { 'ExtAuth.UserHeader': 'X-User' } } }), 'X-User');
			const instances = { instances: [{ id: 'navidrome', settings: [{ key: 'ExtAuth.TrustedSources', value: '10.0.0.1/32' }, { key: 'ExtAuth.UserHeader', value: 'X-Forwarded-User' }] }] };
			assert.equal(userHeaderFrom(instances), 'X-Forwarded-User');
		});

		it('should ignore values that are not header names', () => {
			assert.equal(userHeaderFrom({ userHeader: 'Remote User' }), undefined);
			assert.equal(userHeaderFrom({ userHeader: '' }), undefined);
			assert.equal(userHeaderFrom('Remote-User'), undefined);
			assert.equal(userHeaderFrom({ a: { b: { c: { d: { e: { userHeader: 'Deep' } } } } } }), undefined);
		});
	});
});
