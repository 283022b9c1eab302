/**
Random bytes and random mutations of the bundled examples, thrown at the whole engine (every parser and every rule):
it must never throw, and every finding must sit inside its file.
*/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import { detectFileKind } from '../../src/analysis/files.js';
import { repoRoot } from '../harness/cli.js';

function exampleFiles(folder = join(repoRoot, 'examples')): Array<{ path: string; text: string }> {
	const files: Array<{ path: string; text: string }> = [];
	for (const name of readdirSync(folder)) {
		const path = join(folder, name);
		if (name === 'node_modules') continue;
		if (statSync(path).isDirectory()) files.push(...exampleFiles(path));
		else if (detectFileKind(path)) files.push({ path, text: readFileSync(path, 'utf8') });
	}
	return files;
}

const examples = exampleFiles();
const mutation = fc.record({ at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('"', "'", '{', '}', '[', ']', ':', '\n', '${', '#', '\\', '\u0000', '\t', '- ', ',', ';', '/', '@', '<<EOF\n')) });

function check(files: Array<{ path: string; text: string }>): void {
	const result = new Analyzer().analyze({ files, workspace: { readFile: () => undefined, listFiles: () => [] } });
	const byPath = new Map(files.map((f) => [f.path, f.text]));
	for (const finding of result.findings) {
		const text = byPath.get(finding.file);
		if (text === undefined) continue;
		assert.ok(finding.span.start >= 0 && finding.span.start <= finding.span.end && finding.span.end <= text.length, `${finding.ruleId} span out of ${finding.file}`);
	}
}

describe('engine robustness', function () {
	this.timeout(60_000);

	it('should have examples of every kind to mutate', () => {
		const kinds = new Set(examples.map((f) => detectFileKind(f.path)));
		for (const kind of ['compose', 'dotenv', 'navidrome-toml', 'caddyfile']) assert.ok(kinds.has(kind as never), kind);
	});

	it('should never throw on random mutations of the examples', () => {
		fc.assert(
			fc.property(fc.nat({ max: examples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (index, mutations) => {
				const file = examples[index]!;
				let text = file.text;
				for (const m of mutations) {
					const at = m.at % (text.length + 1);
					text = text.slice(0, at) + m.insert + text.slice(at + m.cut);
				}
				check([{ path: file.path, text }, ...examples.filter((f) => f !== file)]);
			}),
			{ numRuns: 150 },
		);
	});

	it('should never throw on random bytes in any kind of file', () => {
		const paths = ['/r/compose.yaml', '/r/.env', '/r/navidrome.toml', '/r/Caddyfile', '/r/nginx.conf', '/r/traefik.yml', '/r/dynamic/t.toml'];
		fc.assert(
			fc.property(fc.constantFrom(...paths), fc.uint8Array({ maxLength: 2000 }), (path, bytes) => {
				check([{ path, text: new TextDecoder().decode(bytes) }]);
			}),
			{ numRuns: 150 },
		);
	});
});
