/** The trust-decision modules bundle for browsers: no Node built-ins, no errors, and the bundle still works. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const sourceDirectory = fileURLToPath(new URL('../src/', import.meta.url));

// index.ts belongs to the package as a whole; this entry pulls in exactly the trust-decision modules.
const entry = `
export { isTrustedSource, compileTrustedSources } from './trusted-sources.ts';
export { decide } from './decide.ts';
export { parseIp, parseRemoteAddr, formatIp } from './ip.ts';
export { parseCidr } from './cidr.ts';
export { describeAddress } from './address-ranges.ts';
export { classifyPath } from './paths.ts';
export { canonicalHeaderName } from './headers.ts';
`;

describe('browser bundle of the trust decision', () => {
	let text = '';

	before(async function () {
		this.timeout(60_000);
		const result = await build({
			stdin: { contents: entry, resolveDir: sourceDirectory, sourcefile: 'trust-entry.ts', loader: 'ts' },
			bundle: true,
			write: false,
			platform: 'browser',
			format: 'esm',
			target: 'es2022',
			logLevel: 'silent',
		});
		assert.deepEqual(result.errors, []);
		assert.deepEqual(result.warnings, []);
		text = result.outputFiles[0]!.text;
	});

	it('should build to non-empty code', () => {
		assert.ok(text.length > 1000);
	});

	it('should not reference Node built-ins or globals', () => {
		for (const forbidden of ['require("node:', "require('node:", 'from "node:', '"fs"', "'fs'", '"path"', '"os"', '"net"', 'process.', 'Buffer.']) {
			assert.ok(!text.includes(forbidden), `bundle contains ${forbidden}`);
		}
	});

	it('should work when loaded from the bundled text', async () => {
		const module = (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as typeof import('../src/trusted-sources.js') & typeof import('../src/decide.js');
		assert.equal(module.isTrustedSource('10.0.0.1:80', '10.0.0.0/8'), true);
		assert.equal(module.compileTrustedSources('10.0.0.0/8').matches('[::ffff:10.0.0.1]:80'), true);
		assert.equal(module.decide({ remoteAddr: '10.0.0.1:80', headers: { 'remote-user': 'alice' } }, { trustedSources: '10.0.0.0/8' }).username, 'alice');
	});
});
