import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import { caddyAnalysis } from '../../src/analysis/proxies/caddy/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';
import { caddyFixtureFolders, composeText } from './helpers.js';

function fixtureCaddyfiles(): string[] {
	return caddyFixtureFolders().map(({ folder }) => readFileSync(join(folder, 'Caddyfile'), 'utf8'));
}

const words = [
	'request_header', 'forward_auth', 'reverse_proxy', 'handle', 'handle_path', 'route', 'header_up', 'copy_headers', 'uri', 'to',
	'basic_auth', 'rewrite', 'respond', 'invoke', 'import', 'order', 'before', 'after', 'not', 'path', 'header', 'expression', 'vars',
	'@m', '@public', '@protected', '*', '/rest/*', '/share*', '*.view', '/a/*/b', '/[a-', '-Remote-User', 'Remote-User', '+Remote-User',
	'?Remote-User', '-Remote-*', 'X>Remote-User', 'a>b>c', '>', '{header.Remote-User}', '{http.request.header.X}', '{rp.header.X}',
	'{http.reverse_proxy.header.Remote-User}', '{http.auth.user.id}', '{env.UP}', '{$UP}', '{$UP:navidrome:4533}', '{args[0]}', '{args.0}',
	'navidrome:4533', 'http://navidrome:4533', 'authelia:9091', '[::1]:4533', 'unix//x.sock', '""', '"a b"', '`{rp.header.X} != null`',
	'<<EOF', 'EOF', '\\', '#', '{', '}', '{}', '&(r)', '(snip)', 'example.com', ':80', '\u0000', 'é', '',
];

const caddyfileText = fc
	.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...words) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 3, arbitrary: fc.constantFrom('\n', '\n\t', '\n\t\t', ' ', '\t') }), { maxLength: 160 })
	.map((tokens) => tokens.join(' '));

/** Analyse; `ms` is the CPU time it took (less sensitive than wall time to other processes on the machine). */
function analyzeCaddyfile(text: string, image: string): { failures: string[]; ms: number } {
	const files = [
		{ path: '/w/compose.yaml', text: composeText({ caddyfile: '', caddyImage: image, caddyEnv: { UP: 'navidrome:4533' } }) },
		{ path: '/w/Caddyfile', text },
	];
	const start = process.cpuUsage();
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files), options: {} });
	const used = process.cpuUsage(start);
	const ms = (used.user + used.system) / 1000;
	const failures = [
		...result.findings.filter((finding) => finding.message.startsWith('Rule ') && finding.message.includes('failed and was skipped')).map((finding) => finding.message),
		...(caddyAnalysis(result.deployment)?.files.flatMap((file) => (file.failure ? [file.failure] : [])) ?? []),
	];
	return { failures, ms };
}

const images = fc.constantFrom('caddy:2.6.2', 'caddy:2.8.4', 'caddy:2.10.2', 'caddy:2.11-alpine', 'caddy:latest', 'nginx:1');

describe('Caddy route model and rules on arbitrary input', function () {
	this.timeout(60_000);

	it('should never throw or fail a rule on generated Caddyfiles', () => {
		fc.assert(
			fc.property(caddyfileText, images, (text, image) => {
				const { failures } = analyzeCaddyfile(`x.example {\n${text}\n}\n${text}`, image);
				assert.deepEqual(failures, []);
			}),
			{ numRuns: 150 },
		);
	});

	it('should never throw or fail a rule on mutated rule fixtures', () => {
		const fixtures = fixtureCaddyfiles();
		assert.ok(fixtures.length > 10);
		const mutation = fc.record({
			fixture: fc.nat({ max: fixtures.length - 1 }),
			edits: fc.array(fc.record({ at: fc.nat(), length: fc.nat({ max: 20 }), insert: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })) }), { maxLength: 6 }),
		});
		fc.assert(
			fc.property(mutation, images, ({ fixture, edits }, image) => {
				let text = fixtures[fixture]!;
				for (const edit of edits) {
					const at = edit.at % (text.length + 1);
					text = text.slice(0, at) + edit.insert + text.slice(at + edit.length);
				}
				const { failures } = analyzeCaddyfile(text, image);
				assert.deepEqual(failures, []);
			}),
			{ numRuns: 120 },
		);
	});

	it('should analyse a 100 KB Caddyfile within a second of CPU time', () => {
		const handles = Array.from({ length: 1000 }, (_, index) => `\t@p${index} path /app${index}/* /x${index}\n\thandle @p${index} {\n\t\trequest_header -X-${index}\n\t\treverse_proxy navidrome:4533\n\t}\n`).join('');
		const text = `x.example {\n\t@protected not path /share/* /rest/*\n\tforward_auth @protected authelia:9091 {\n\t\turi /a\n\t\tcopy_headers Remote-User\n\t}\n${handles}\treverse_proxy navidrome:4533\n}\n`;
		assert.ok(text.length > 100_000, `${text.length}`);
		// Best of two: the first run also pays for JIT compilation of the model.
		const runs = [analyzeCaddyfile(text, 'caddy:2.11.4'), analyzeCaddyfile(text, 'caddy:2.11.4')];
		for (const run of runs) assert.deepEqual(run.failures, []);
		const ms = Math.min(...runs.map((run) => run.ms));
		assert.ok(ms < 1000, `took ${Math.round(ms)} ms`);
	});
});
