import assert from 'node:assert/strict';
import { compareVersions, isAtLeast, parseVersion } from '../src/version.js';

describe('parseVersion(text)', () => {
	it('should read release tags with or without v and suffixes', () => {
		assert.deepEqual(parseVersion('0.59.0'), [0, 59, 0]);
		assert.deepEqual(parseVersion('v0.61'), [0, 61, 0]);
		assert.deepEqual(parseVersion('2.11.2-alpine'), [2, 11, 2]);
	});
	it('should give undefined for moving tags and non-strings', () => {
		for (const tag of ['latest', 'develop', 'sha-1a2b3c', '', ' ', null, 42, {}]) assert.equal(parseVersion(tag), undefined);
	});
	it('should order versions and treat unknown as newest', () => {
		assert.ok(compareVersions([0, 59, 0], [0, 58, 5]) > 0);
		assert.equal(isAtLeast(undefined, [0, 59, 0]), true);
		assert.equal(isAtLeast([0, 52, 0], [0, 59, 0]), false);
	});
});
