/**
The engine reuses a rule's findings while none of the file kinds in its `inputs` changed. A rule that reads Navidrome's
settings must therefore list every kind an instance can come from, or an edit there leaves a stale finding in a
long-lived analyzer (the language server).
*/
import assert from 'node:assert/strict';
import { fileKinds } from '../../src/analysis/detect.js';
import { formatHandlers } from '../../src/analysis/formats/index.js';
import { rules } from '../../src/analysis/rules/index.js';

const instanceKinds = ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd'] as const;

describe('rule inputs', () => {
	it('should list every instance source in each rule that reads Navidrome settings', () => {
		for (const rule of rules) {
			// Syntax rules read the files themselves, not the instances built from them.
			if (!rule.inputs.includes('navidrome-toml') || rule.category === 'syntax') continue;
			for (const kind of instanceKinds) assert.ok(rule.inputs.includes(kind), `${rule.id} reads settings but not ${kind}`);
		}
	});

	it('should let the parse-error and read-refused rules see every kind with a reader', () => {
		const readable = fileKinds.filter((kind) => formatHandlers.has(kind));
		assert.ok(readable.length >= 8, readable.join(', '));
		for (const id of ['syntax/parse-error', 'io/read-refused']) {
			const rule = rules.find((candidate) => candidate.id === id)!;
			for (const kind of readable) assert.ok(rule.inputs.includes(kind), `${id} misses ${kind}`);
		}
	});
});
