import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ruleInfos } from '../src/generated/rules.js';
import type { CoverageParams, FolderCoverage } from '@navidrome-extauth/server/shared';
import { categoryOf, describeCount, ruleIdOf, summarize, summarizeCoverage } from '../src/verdict.js';
import type { DiagnosticLike } from '../src/verdict.js';

const source = 'navidrome-extauth';
const ruleOf = (category: string) => ruleInfos.find((rule) => rule.category === category)?.id;

/** One folder's coverage: a compose file with one Navidrome and one route, unless `change` says otherwise. */
function coverage(change: Partial<FolderCoverage>): CoverageParams {
	return { folders: [{ uri: 'file:///srv/music', judged: { compose: 1 }, navidromes: 1, routes: 1, navidromeAssumed: false, assumed: [], skipped: [], unseen: [], notes: ['Judged: 1 compose file (1 Navidrome instance, 1 proxy route).'], ...change }] };
}

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
		it('should say no problems when there are none of ours and a deployment was judged whole', () => {
			const verdict = summarize([{ source: 'eslint', code: 'no-undef', severity: 0 }], coverage({}));
			assert.equal(verdict.text, '$(pass) ExtAuth: no problems');
			assert.equal(verdict.level, 'ok');
			assert.equal(verdict.total, 0);
			assert.match(verdict.tooltip, /- Judged: 1 compose file/);
		});

		it('should never say no problems before the server said what it judged', () => {
			const verdict = summarize([]);
			assert.equal(verdict.text, '$(circle-large-outline) ExtAuth: not checked yet');
			assert.equal(verdict.level, 'unjudged');
		});

		it('should say nothing was judged when no file or nothing about external auth was', () => {
			const none = summarize([], { folders: [] });
			assert.equal(none.text, '$(circle-slash) ExtAuth: nothing judged — no Navidrome or proxy config found');
			assert.equal(none.level, 'unjudged');
			const empty = summarize([], coverage({ judged: {}, navidromes: 0, routes: 0, notes: ['Nothing judged: no compose file was found.'] }));
			assert.equal(empty.text, '$(circle-slash) ExtAuth: nothing judged — no Navidrome or proxy config found');
			assert.match(empty.tooltip, /- Nothing judged: no compose file was found\./);
			const unrelated = summarize([], coverage({ navidromes: 0, routes: 0 }));
			assert.equal(unrelated.text, '$(circle-slash) ExtAuth: nothing judged — no Navidrome or proxy route to one in view');
			assert.doesNotMatch(unrelated.text, /no problems/);
		});

		it('should say what is missing: a proxy config not in view, an assumed Navidrome, files not read', () => {
			const unseen = [{ uri: 'file:///srv/music/compose.yaml', service: 'npm', image: 'jc21/nginx-proxy-manager', message: 'is Nginx Proxy Manager' }];
			assert.equal(summarize([], coverage({ unseen })).text, '$(pass) ExtAuth: no problems seen — proxy config not in view');
			const assumed = summarize([], coverage({ judged: { caddyfile: 1 }, navidromes: 1, routes: 2, navidromeAssumed: true, notes: ['Judged: 1 Caddyfile.', 'Assumed: a Navidrome behind *this* proxy.'] }));
			assert.equal(assumed.text, '$(pass) ExtAuth: no problems seen — Navidrome assumed');
			assert.match(assumed.tooltip, /- Assumed: a Navidrome behind \\\*this\\\* proxy\./);
			const skipped = [{ uri: 'file:///srv/music/site.conf', reason: 'not-read' as const, what: 'an HAProxy config' }];
			assert.equal(summarize([], coverage({ unseen, navidromeAssumed: true, skipped })).text, '$(pass) ExtAuth: no problems seen — proxy config not in view, Navidrome assumed, 1 file not read');
		});

		it('should add what was judged to the tooltip of findings, per folder when there are several', () => {
			const one = coverage({ uri: 'file:///srv/music', notes: ['Judged: 1 compose file.'] }).folders[0]!;
			const two = { ...one, uri: 'file:///srv/books', notes: ['Judged: 1 Caddyfile.'] };
			const verdict = summarize([{ source, code: ruleOf('exposure'), severity: 0 }], { folders: [one, two] });
			assert.equal(verdict.text, '$(error) ExtAuth: 1 exposure risk');
			assert.match(verdict.tooltip, /- 1 exposure risk\n\n- music: Judged: 1 compose file\.\n- books: Judged: 1 Caddyfile\.\n\nClick/);
			const many = summarize([], coverage({ notes: Array.from({ length: 20 }, (_, index) => `Not seen: file${index}.`) }));
			assert.match(many.tooltip, /- … and 8 more$/);
		});

		it('should sum the folders', () => {
			const summary = summarizeCoverage({ folders: [coverage({ judged: { compose: 2, dotenv: 1 } }).folders[0]!, coverage({ judged: { nginx: 1 }, navidromes: 0, routes: 3 }).folders[0]!] });
			assert.deepEqual({ ...summary, notes: [] }, { files: 4, navidromes: 1, routes: 4, navidromeAssumed: false, unseen: 0, skipped: 0, notes: [] });
			assert.equal(summarizeCoverage({ folders: 'junk' } as unknown as CoverageParams).files, 0);
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
			const verdict = summarize([{ source, code: ruleOf('deprecated'), severity: 3 }], coverage({}));
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
