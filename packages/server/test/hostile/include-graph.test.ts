/**
Random graphs of Caddy imports and nginx includes (files importing each other, cycles, self-imports, globs, snippets
importing snippets) through an in-memory workspace: the parsers and the whole engine must end, never throw, stay
within a time bound and report a bounded number of findings.
*/
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import { maxFindingsPerFile } from '../../src/analysis/findings.js';
import { parseCaddyfile } from '../../src/analysis/formats/caddyfile/index.js';
import { parseNginx } from '../../src/analysis/formats/nginx/index.js';
import { memoryWorkspace } from './memory-workspace.js';

/** Per run, generous for a loaded 2-core machine; an unbounded expansion takes minutes or exhausts the heap. */
const runLimitMs = 4000;

function timed<T>(run: () => T): { value: T; ms: number } {
	const start = performance.now();
	const value = run();
	return { value, ms: performance.now() - start };
}

/** What one file of a random graph says: edges to other files (by index), globs, snippet imports. */
const edge = fc.oneof(
	fc.record({ kind: fc.constant('file' as const), to: fc.nat({ max: 11 }), times: fc.integer({ min: 1, max: 3 }) }),
	fc.record({ kind: fc.constant('glob' as const), to: fc.nat({ max: 11 }), times: fc.integer({ min: 1, max: 2 }) }),
	fc.record({ kind: fc.constant('snippet' as const), to: fc.nat({ max: 5 }), times: fc.integer({ min: 1, max: 3 }) }),
);
const graph = fc.record({
	files: fc.array(fc.array(edge, { maxLength: 5 }), { minLength: 1, maxLength: 12 }),
	snippets: fc.array(fc.array(fc.record({ to: fc.nat({ max: 5 }), times: fc.integer({ min: 1, max: 3 }) }), { maxLength: 4 }), { maxLength: 6 }),
	rootEdges: fc.array(edge, { minLength: 1, maxLength: 4 }),
});
type Graph = typeof graph extends fc.Arbitrary<infer T> ? T : never;

function caddyGraph(g: Graph): { root: string; files: Map<string, string> } {
	const files = new Map<string, string>();
	const name = (index: number): string => `/w/sites/f${index % g.files.length}.caddy`;
	const lines = (edges: Graph['rootEdges']): string[] =>
		edges.flatMap((e) => {
			const line = e.kind === 'file' ? `import ${name(e.to)}` : e.kind === 'glob' ? `import sites/f${e.to % 10}*.caddy` : `import s${e.to}`;
			return Array.from({ length: e.times }, () => line);
		});
	const snippets = g.snippets.map((edges, index) => `(s${index}) {\n\theader X-S${index} 1\n${edges.flatMap((e) => Array.from({ length: e.times }, () => `\timport s${e.to}`)).join('\n')}\n}`);
	g.files.forEach((edges, index) => files.set(name(index), `${lines(edges).join('\n')}\nrespond /f${index} 200\n`));
	const root = '/w/Caddyfile';
	files.set(root, `${snippets.join('\n')}\n${lines(g.rootEdges).join('\n')}\nexample.com {\n${lines(g.rootEdges).map((line) => `\t${line}`).join('\n')}\n\treverse_proxy navidrome:4533\n}\n`);
	return { root, files };
}

function nginxGraph(g: Graph): { root: string; files: Map<string, string> } {
	const files = new Map<string, string>();
	const name = (index: number): string => `conf.d/f${index % g.files.length}.conf`;
	const lines = (edges: Graph['rootEdges']): string[] =>
		edges.flatMap((e) => {
			const line = e.kind === 'file' ? `include ${name(e.to)};` : e.kind === 'glob' ? `include conf.d/f${e.to % 10}*.conf;` : 'include /w/nginx.conf;';
			return Array.from({ length: e.times }, () => line);
		});
	g.files.forEach((edges, index) => files.set(`/w/${name(index)}`, `${lines(edges).join('\n')}\nlocation /f${index} { proxy_pass http://navidrome:4533; }\n`));
	const root = '/w/nginx.conf';
	files.set(root, `events {}\nhttp {\n${lines(g.rootEdges).join('\n')}\n  server {\n    listen 80;\n${lines(g.rootEdges).join('\n')}\n  }\n}\n`);
	return { root, files };
}

function analyzeRoot(root: string, files: Map<string, string>): { findings: number; perFile: Map<string, number>; ms: number } {
	const workspace = memoryWorkspace(files);
	const { value, ms } = timed(() => new Analyzer().analyze({ files: [{ path: root, text: files.get(root)! }], workspace }));
	const perFile = new Map<string, number>();
	for (const finding of value.findings) perFile.set(finding.file, (perFile.get(finding.file) ?? 0) + 1);
	return { findings: value.findings.length, perFile, ms };
}

function assertBounded(result: ReturnType<typeof analyzeRoot>, files: Map<string, string>): void {
	assert.ok(result.ms < runLimitMs, `analysis took ${result.ms.toFixed(0)} ms`);
	for (const [file, count] of result.perFile) assert.ok(count <= maxFindingsPerFile + 1, `${count} findings in ${file}`);
	assert.ok(result.findings <= (maxFindingsPerFile + 1) * (files.size + 1), `${result.findings} findings in all`);
}

describe('include and import graphs', function () {
	this.timeout(120_000);

	describe('Caddy imports', () => {
		it('should end, without throwing and within bounds, on random import graphs', () => {
			fc.assert(
				fc.property(graph, (g) => {
					const { root, files } = caddyGraph(g);
					const workspace = memoryWorkspace(files);
					const parsed = timed(() => parseCaddyfile(files.get(root)!, { file: root, readFile: (path) => workspace.readFile(path), listFiles: (glob) => workspace.listFiles(glob) }));
					assert.ok(parsed.ms < runLimitMs, `parse took ${parsed.ms.toFixed(0)} ms`);
					assert.ok(parsed.value.errors.length <= 1001, `${parsed.value.errors.length} errors`);
					assertBounded(analyzeRoot(root, files), files);
				}),
				{ numRuns: 120 },
			);
		});

		it('should report a self-import and a two-file cycle, and end', () => {
			const files = new Map([
				['/w/Caddyfile', 'import self.caddy\nimport a.caddy\n'],
				['/w/self.caddy', 'import self.caddy\n'],
				['/w/a.caddy', 'import b.caddy\n'],
				['/w/b.caddy', 'import a.caddy\n'],
			]);
			const workspace = memoryWorkspace(files);
			const result = parseCaddyfile(files.get('/w/Caddyfile')!, { file: '/w/Caddyfile', readFile: (path) => workspace.readFile(path) });
			const cycles = result.errors.filter((error) => /cycle of imports/.test(error.message));
			assert.deepEqual(cycles.map((error) => error.file).sort(), ['/w/b.caddy', '/w/self.caddy']);
		});

		it('should stop snippets that import each other twice over, level after level', () => {
			// s0 imports s1 twice, s1 imports s2 twice, …: 2^40 expansions without a budget.
			const snippets = Array.from({ length: 40 }, (_, i) => `(s${i}) {\n\timport s${i + 1}\n\timport s${i + 1}\n\theader X-${i} 1\n}`).join('\n');
			const text = `${snippets}\n(s40) {\n\theader X-End 1\n}\nexample.com {\n\timport s0\n}\n`;
			const { value, ms } = timed(() => parseCaddyfile(text, { file: '/w/Caddyfile' }));
			assert.ok(ms < runLimitMs, `${ms.toFixed(0)} ms`);
			assert.equal(value.errors.filter((error) => /too many tokens/.test(error.message)).length, 1);
		});
	});

	describe('nginx includes', () => {
		it('should end, without throwing and within bounds, on random include graphs', () => {
			fc.assert(
				fc.property(graph, (g) => {
					const { root, files } = nginxGraph(g);
					const workspace = memoryWorkspace(files);
					const parsed = timed(() => parseNginx(files.get(root)!, { file: root, readFile: (path) => workspace.readFile(path), listFiles: (glob) => workspace.listFiles(glob) }));
					assert.ok(parsed.ms < runLimitMs, `parse took ${parsed.ms.toFixed(0)} ms`);
					assert.ok(parsed.value.errors.length <= 501, `${parsed.value.errors.length} errors`);
					assertBounded(analyzeRoot(root, files), files);
				}),
				{ numRuns: 120 },
			);
		});

		it('should stop a file that includes the next one twice, forty levels deep', () => {
			const files = new Map<string, string>([['/w/nginx.conf', 'http {\n  include conf.d/f0.conf;\n}\n']]);
			for (let i = 0; i < 40; i++) files.set(`/w/conf.d/f${i}.conf`, `include conf.d/f${i + 1}.conf;\ninclude conf.d/f${i + 1}.conf;\n`);
			files.set('/w/conf.d/f40.conf', 'proxy_set_header Remote-User $remote_user;\n');
			const workspace = memoryWorkspace(files);
			const { value, ms } = timed(() => parseNginx(files.get('/w/nginx.conf')!, { file: '/w/nginx.conf', readFile: (path) => workspace.readFile(path), listFiles: (glob) => workspace.listFiles(glob) }));
			assert.ok(ms < runLimitMs, `${ms.toFixed(0)} ms`);
			assert.ok(workspace.reads < 1000, `${workspace.reads} reads`);
			assert.ok(value.errors.some((error) => error.code === 'limit'));
		});
	});
});
