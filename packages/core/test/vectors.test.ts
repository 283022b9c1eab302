/** Every trust/header case of Navidrome's own test suite (vectors/navidrome-tests.json), as a generated test. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decide } from '../src/decide.js';
import { compileTrustedSources, isTrustedSource } from '../src/trusted-sources.js';

type Vector = {
	name: string;
	remoteAddr: string | null;
	trustedSources: string;
	address: string;
	userHeader: string;
	headers: Record<string, string>;
	expect: { trusted: boolean; username: string | null };
	fn: string;
};

const vectors = (JSON.parse(readFileSync('/work/shared/vectors/navidrome-tests.json', 'utf8')) as { vectors: Vector[] }).vectors;

/** The route each Navidrome test drives: the UI index, the Subsonic middleware, or the bare function (no path). */
function pathOf(vector: Vector): string | undefined {
	if (vector.fn.startsWith('serveIndex')) return '/app/';
	if (vector.fn.startsWith('subsonic')) return '/rest/ping.view';
	return undefined;
}

describe('Navidrome test vectors', () => {
	it('should have vectors to run', () => {
		assert.ok(vectors.length >= 26);
	});

	for (const vector of vectors) {
		describe(vector.name, () => {
			it(`should ${vector.expect.trusted ? '' : 'not '}trust the peer`, () => {
				// null = no proxy IP in the request context; the trust check is then never reached.
				const remoteAddr = vector.remoteAddr ?? '';
				const options = { address: vector.address };
				assert.equal(isTrustedSource(remoteAddr, vector.trustedSources, options), vector.expect.trusted);
				assert.equal(compileTrustedSources(vector.trustedSources, options).matches(remoteAddr), vector.expect.trusted);
			});

			it(`should ${vector.expect.username === null ? 'fall back' : `authenticate ${vector.expect.username}`}`, () => {
				const path = pathOf(vector);
				const decision = decide(
					{ remoteAddr: vector.remoteAddr, headers: vector.headers, ...(path === undefined ? {} : { path }) },
					{ trustedSources: vector.trustedSources, userHeader: vector.userHeader, address: vector.address },
				);
				if (vector.expect.username === null) {
					assert.equal(decision.outcome, 'fallback');
					assert.equal(decision.username, undefined);
				} else {
					assert.equal(decision.outcome, 'authenticated');
					assert.equal(decision.reason, 'authenticated');
					assert.equal(decision.username, vector.expect.username);
				}
				assert.ok(decision.explanation.length > 20);
			});
		});
	}
});
