import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ruleInfos } from '../src/generated/rules.js';
import { categoryOf, describeCount, ruleIdOf, summarize } from '../src/verdict.js';
import type { DiagnosticLike } from '../src/verdict.js';

const source = 'navidrome-extauth';
const ruleOf = (category: string) => ruleInfos.find((rule) => rule.category === category)?.id;

describe('verdict', () => {
	describe('ruleIdOf', () => {
		it('should read a plain code and a code with a docs target', () => {
			assert.equal(ruleIdOf('nd/trust-all'), 'nd/trust-all');
			assert.equal(ruleIdOf({ value: 'nd/trust-all', target: 'https://example.com' }), 'nd/trust-all');
			assert.equal(ruleIdOf(42), undefined);
			assert.equal(ruleIdOf({ value: 42 }), undefined);
			assert.equal(ruleIdOf(null), undefined);
		});
	});

	describe('categoryOf', () => {
		it('should take the category from the generated rule table', () => {
			for (const rule of ruleInfos) assert.equal(categoryOf(rule.id), rule.category);
		});

		it('should call an unknown rule other', () => {
			assert.equal(categoryOf('caddy/not-a-rule-yet'), 'other');
			assert.equal(categoryOf('constructor'), 'other');
		});
	});

	describe('summarize', () => {
		it('should say no problems when there are none of ours', () => {
			const verdict = summarize([{ source: 'eslint', code: 'no-undef', severity: 0 }]);
			assert.equal(verdict.text, '$(pass) ExtAuth: no problems');
			assert.equal(verdict.level, 'ok');
			assert.equal(verdict.total, 0);
		});

		it('should name the most serious category and count the rest', () => {
			const exposure = ruleOf('exposure');
			const ignored = ruleOf('ignored-setting');
			assert.ok(exposure && ignored);
			const diagnostics: DiagnosticLike[] = [
				{ source, code: ignored, severity: 1 },
				{ source, code: { value: exposure, target: 'https://example.com' }, severity: 0 },
				{ source, code: exposure, severity: 1 },
			];
			const verdict = summarize(diagnostics);
			assert.equal(verdict.text, '$(error) ExtAuth: 2 exposure risks (+1 more)');
			assert.equal(verdict.level, 'error');
			assert.match(verdict.tooltip, /- 2 exposure risks\n- 1 ignored setting/);
		});

		it('should put impersonation first', () => {
			const verdict = summarize([
				{ source, code: 'caddy/unknown-rule', severity: 1 },
				{ source, code: ruleOf('exposure'), severity: 1 },
			]);
			assert.equal(verdict.text, '$(warning) ExtAuth: 1 exposure risk (+1 more)');
			assert.equal(describeCount('impersonation', 2), '2 impersonation risks');
			assert.equal(describeCount('impersonation', 1), '1 impersonation risk');
		});

		it('should count a latent risk as latent, not as a live impersonation risk', () => {
			const verdict = summarize([{ source, code: 'route/bypass-nostrip', severity: 2, data: { category: 'impersonation', latent: 'trust' } }]);
			assert.equal(verdict.text, '$(info) ExtAuth: 1 latent risk (after an upgrade or trust change)');
			assert.equal(verdict.counts.impersonation, undefined);
			// The same finding live is an impersonation risk.
			assert.equal(summarize([{ source, code: 'route/bypass-nostrip', severity: 0, data: { category: 'impersonation' } }]).text, '$(error) ExtAuth: 1 impersonation risk');
		});

		it("should take the finding's own category from the server over the rule's", () => {
			const verdict = summarize([{ source, code: 'nd/published-port', severity: 0, data: { category: 'impersonation' } }]);
			assert.equal(verdict.text, '$(error) ExtAuth: 1 impersonation risk');
			// Without data (an older server) the rule's category stands; junk data is ignored.
			assert.equal(summarize([{ source, code: 'nd/published-port', severity: 1 }]).text, '$(warning) ExtAuth: 1 exposure risk');
			assert.equal(summarize([{ source, code: 'nd/published-port', severity: 1, data: { category: 'constructor' } }]).text, '$(warning) ExtAuth: 1 exposure risk');
		});

		it('should leave out hints, as the Problems view does', () => {
			const verdict = summarize([{ source, code: ruleOf('deprecated'), severity: 3 }]);
			assert.equal(verdict.total, 0);
			assert.equal(verdict.level, 'ok');
		});

		it('should count every diagnostic of ours exactly once', () => {
			const arbitrary = fc.array(
				fc.record({
					source: fc.constantFrom(source, 'other', undefined),
					code: fc.oneof(fc.constantFrom(...ruleInfos.map((rule) => rule.id)), fc.string(), fc.anything()),
					severity: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double()),
				}),
				{ maxLength: 30 },
			);
			fc.assert(
				fc.property(arbitrary, (diagnostics) => {
					const verdict = summarize(diagnostics as DiagnosticLike[]);
					const expected = diagnostics.filter((d) => d.source === source && [0, 1, 2].includes(d.severity)).length;
					assert.equal(verdict.total, expected);
					assert.equal(Object.values(verdict.counts).reduce((sum, count) => sum + (count ?? 0), 0), expected);
				}),
				{ numRuns: 200 },
			);
		});
	});
});
