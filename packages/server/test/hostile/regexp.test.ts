/**
Regular expressions taken from configs run on the linear-time RE2 port (issue 20, Deliver 2): Go's syntax as
`regexp.Compile` reads it, `undefined` (the rules' `maybe`) beyond it, and the ReDoS patterns that backtracked for
minutes in JavaScript finish in well under a second, directly, through Traefik rule evaluation and
authResponseHeadersRegex in the engine, and through the built CLI. Properties compare the port with JavaScript's
RegExp on a subset where both mean the same, and fuzz it with random pattern text.
*/
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import { evaluateRule, parseRule } from '../../src/analysis/formats/traefik/index.js';
import { buildTraefikModels } from '../../src/analysis/proxies/traefik/build.js';
import { goRegexpMatches } from '../../src/analysis/proxies/traefik/index.js';
import { compileGoRegexp, maxProgramSize } from '../../src/analysis/regexp/index.js';
import { runCli } from '../harness/cli.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

/** Milliseconds `run` takes. */
function timed<T>(run: () => T): { value: T; ms: number } {
	const started = performance.now();
	const value = run();
	return { value, ms: performance.now() - started };
}

const matches = (pattern: string, subject: string): boolean | undefined => compileGoRegexp(pattern)?.matches(subject);

/** Patterns that backtrack exponentially (or nearly) in JavaScript, each with subjects that make them fail late. */
const redos: Array<{ pattern: string; subject: (n: number) => string }> = [
	{ pattern: '^/(a+)+$', subject: (n) => `/${'a'.repeat(n - 2)}!` },
	{ pattern: '(a|aa)*b', subject: (n) => 'a'.repeat(n) },
	{ pattern: '(a*)*b', subject: (n) => 'a'.repeat(n) },
	{ pattern: '(.*a){20}', subject: (n) => `${'a'.repeat(19)}${'b'.repeat(Math.max(0, n - 19))}` },
	{ pattern: '^(\\w+\\s?)*$', subject: (n) => `${'word '.repeat(Math.ceil(n / 5)).slice(0, n - 1)}!` },
	{ pattern: '(?i)^(a|A|aA)+$', subject: (n) => `${'aA'.repeat(n / 2 - 1)}a!` },
	{ pattern: '^(([a-z])+.)+[A-Z]([a-z])+$', subject: (n) => 'a'.repeat(n) },
	{ pattern: '(x+x+)+y', subject: (n) => 'x'.repeat(n) },
];

describe('Go regular expressions (RE2 port)', () => {
	describe('compileGoRegexp(pattern).matches(subject)', () => {
		const cases: Array<[string, string, boolean | undefined]> = [
			['^/(rest|share)/', '/share/x', true],
			['^/(rest|share)/', '/other/rest/', false],
			['rest', '/x/rest/y', true],
			['^remote-user$', 'Remote-User', false],
			['(?i)^remote-user$', 'Remote-User', true],
			['^(?i:remote)-User$', 'REMOTE-User', true],
			['^(?i:remote)-User$', 'REMOTE-USER', false],
			['a(?i)b|c', 'C', true],
			['(?i)k', '\u212a', true],
			['(?i)\u00e9', '\u00c9', true],
			['(?U)a+', '/aaa', true],
			['a+?b*?c??', 'ac', true],
			['^a{2,3}$', 'aaaa', false],
			['^a{2,}$', 'aaaa', true],
			['^a{2}$', 'aa', true],
			['a{,2}', 'a{,2}', true],
			['a{01}', 'a{01}', true],
			['.', '\n', false],
			['(?s).', '\n', true],
			['^b$', 'a\nb', false],
			['(?m)^b$', 'a\nb\nc', true],
			['\\Ab\\z', 'b', true],
			['\\Ab\\z', 'b\n', false],
			['\\bfoo\\b', 'a foo b', true],
			['\\bfoo\\b', 'afoo b', false],
			['\\Boo\\B', 'foot', true],
			['\\Boo\\B', 'oo', false],
			['\\Boo', 'foo', true],
			['^\\d+\\D\\s\\S\\w\\W$', '12x a_!', true],
			['^[[:alpha:]]+[[:^alpha:]][[:digit:]]$', 'ab-1', true],
			['^[^a-c]$', 'd', true],
			['^[^a-c]$', 'b', false],
			['^[^a]$', '\n', true],
			['^[a-c-e]+$', 'a-e', true],
			['^[]a]+$', ']a', true],
			['^[\\d\\-x]+$', '1-x', true],
			['^[\\D]$', 'a', true],
			['\\pL', '1\u00e9', true],
			['\\p{Greek}', 'abc', false],
			['\\p{Greek}', 'a\u03bb', true],
			['\\PL', 'abc', false],
			['^\\p{^L}$', '1', true],
			['(?P<first>a)(?<second>b)', 'ab', true],
			['\\x41\\x{42}\\101\\.', 'ABA.', true],
			['\\Qa.b\\E', 'axb', false],
			['\\Qa.b', 'a.b', true],
			['^\uD834\uDD1E?.$', '\uD834\uDD1E\uD834\uDD1E', true],
			['^.$', '\uD834\uDD1E', true],
			['', '', true],
			['x*', '', true],
			['a|', 'z', true],
			['(a*)+$', 'b', true],
			// Go rejects these; the port says undefined, never a guess.
			['(a', 'a', undefined],
			['a)', 'a', undefined],
			['*a', 'a', undefined],
			['a**', 'a', undefined],
			['a{2}{3}', 'a', undefined],
			['a{1001}', 'a', undefined],
			['a{3,2}', 'a', undefined],
			['(a)\\1', 'aa', undefined],
			['(?=a)', 'a', undefined],
			['(?<!a)b', 'b', undefined],
			['(?P=n)', 'a', undefined],
			['(?<n>a)(?<n>b)', 'ab', undefined],
			['(?)', '', undefined],
			['(?i-)a', 'a', undefined],
			['[z-a]', 'a', undefined],
			['[[:nope:]]', 'a', undefined],
			['\\Z', 'a', undefined],
			['\\C', 'a', undefined],
			['\\8', 'a', undefined],
			['\\p{Nope}', 'a', undefined],
			['[a', 'a', undefined],
			['\\', 'a', undefined],
		];
		for (const [pattern, subject, expected] of cases) {
			it(`should give ${expected} for ${JSON.stringify(pattern)} on ${JSON.stringify(subject)}`, () => {
				assert.equal(matches(pattern, subject), expected);
			});
		}

		it('should refuse programs past the size budget and subjects past the work budget', () => {
			assert.equal(compileGoRegexp('((a{100}){100}){100}'), undefined);
			const big = compileGoRegexp('(.*a){1000}')!;
			assert.ok(big.size <= maxProgramSize);
			assert.equal(big.matches('a'.repeat(100_000)), undefined);
			assert.equal(compileGoRegexp('a')!.matches('a'.repeat(100_000)), true);
		});
	});

	describe('ReDoS patterns', () => {
		for (const { pattern, subject } of redos) {
			it(`should run ${pattern} on 34- to 10,000-character subjects in under a second`, () => {
				const compiled = compileGoRegexp(pattern);
				assert.ok(compiled, pattern);
				const { value, ms } = timed(() => [34, 1000, 10_000].map((n) => compiled.matches(subject(n))));
				assert.ok(value.every((result) => typeof result === 'boolean'), `${pattern}: ${value.join()}`);
				assert.ok(ms < 1000, `${pattern}: ${ms.toFixed(0)} ms`);
			});
		}

		it('should keep the worst program within the budget on a 10,000-character subject', () => {
			const compiled = compileGoRegexp('(?i)(.*a){100}b')!;
			const { value, ms } = timed(() => compiled.matches('a'.repeat(10_000)));
			assert.equal(value, false);
			assert.ok(ms < 2000, `${ms.toFixed(0)} ms`);
		});
	});

	describe('through the engine', () => {
		const long = 'a'.repeat(33);
		const compose = ['services:', '  traefik:', '    image: traefik:v3.7.9', '  navidrome:', '    image: deluan/navidrome:0.63.2', '    environment:', '      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32', `      ND_EXTAUTH_USERHEADER: X-${long}-User`, ''].join('\n');
		const router = (name: string, rule: string, middlewares = ''): string[] => [`    ${name}:`, `      rule: ${JSON.stringify(rule)}`, ...(middlewares ? [`      middlewares: [${JSON.stringify(middlewares)}]`] : []), '      service: navidrome'];
		/** Literal routers give the probes (`/aaa…`, `/aaa…x`, a long host); the hostile ones must run against them. */
		function dynamic(regex: string): string {
			return [
				'http:',
				'  routers:',
				...router('literal', `Path(\`/${long}\`) || Path(\`/${'a'.repeat(19)}${'b'.repeat(14)}\`) || Host(\`${long}.example.org\`)`),
				...router('nested', 'PathRegexp(`^/(a+)+$`)', 'auth'),
				...router('alternation', 'PathRegexp(`(a|aa)*b`)'),
				...router('star', 'PathRegexp(`(a*)*b`)'),
				...router('counted', 'PathRegexp(`(.*a){20}`)'),
				...router('host', 'HostRegexp(`^(a+)+\\.example\\.com$`)'),
				'  middlewares:',
				'    auth:',
				'      forwardAuth:',
				'        address: "http://authelia:9091/api/authz/forward-auth"',
				`        authResponseHeadersRegex: ${JSON.stringify(regex)}`,
				'  services:',
				'    navidrome:',
				'      loadBalancer:',
				'        servers:',
				'          - url: "http://navidrome:4533"',
				'',
			].join('\n');
		}

		function analyse(regex: string) {
			const files = [
				{ path: '/w/compose.yaml', text: compose },
				{ path: '/w/dynamic/navidrome.yml', text: dynamic(regex) },
			];
			return timed(() => {
				const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
				return { result, models: buildTraefikModels(result.deployment) };
			});
		}

		it('should evaluate PathRegexp and HostRegexp routers on hostile probes in under a second, with answers', () => {
			const { value, ms } = analyse('^X-(a+)+$');
			assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
			const route = value.models.flatMap((model) => model.routes).find((one) => one.router.name === 'nested')!;
			const table = route.views[0]!.reach.table;
			const truth = (name: string, path: string, host?: string): string => {
				const row = table.routers.findIndex((one) => one.name === name);
				const column = table.probes.findIndex((probe) => probe.path === path && (host === undefined || probe.host === host));
				assert.ok(row >= 0 && column >= 0, `${name} ${path}`);
				return table.truth[row]![column]!;
			};
			assert.equal(truth('nested', `/${long}`), 'yes');
			assert.equal(truth('nested', `/${long}x`), 'no');
			assert.equal(truth('alternation', `/${long}x`), 'no');
			assert.equal(truth('star', `/${long}`), 'no');
			assert.equal(truth('counted', `/${'a'.repeat(19)}${'b'.repeat(14)}`), 'no');
			assert.equal(truth('counted', `/${long}`), 'yes');
			assert.equal(truth('host', '/', `${long}.example.org`), 'no');
		});

		it('should decide a hostile authResponseHeadersRegex against a long header name in under a second', () => {
			for (const [regex, replaced] of [
				['(?i)^X-(a+)+$', false],
				['(?i)^X-(a|aa)+-User$', true],
			] as const) {
				const { value, ms } = analyse(regex);
				assert.ok(ms < 1000, `${regex}: ${ms.toFixed(0)} ms`);
				const route = value.models.flatMap((model) => model.routes).find((one) => one.router.name === 'nested')!;
				assert.equal(route.header, `X-${'A'}${'a'.repeat(32)}-User`);
				assert.equal(route.views[0]!.header.replacedBy !== undefined, replaced, regex);
			}
			const { value, ms } = timed(() => goRegexpMatches('^(a|aa)*$', `${'a'.repeat(1000)}!`));
			assert.equal(value, false);
			assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
		});

		it('should evaluate PathRegexp rules in evaluateRule like JavaScript on the safe subset', () => {
			fc.assert(
				fc.property(safePattern, subject, (pattern, path) => {
					const tree = parseRule(`PathRegexp(\`${pattern.source}\`)`).tree!;
					const expected = new RegExp(pattern.source.replace(/^\(\?[ims]+\)/, ''), `${pattern.flags}u`).test(path) ? 'yes' : 'no';
					assert.equal(evaluateRule(tree, { host: 'a', path, method: 'GET', query: [], headers: [] }), expected, pattern.source);
				}),
				{ numRuns: 300 },
			);
		});
	});

	describe('through the built CLI', function () {
		this.timeout(120_000);
		let folder: string;
		before(() => {
			folder = mkdtempSync(join(tmpdir(), 'nd-regexp-'));
		});
		after(() => rmSync(folder, { recursive: true, force: true }));

		function tree(name: string, rules: string[]): string {
			const root = join(folder, name);
			mkdirSync(join(root, 'dynamic'), { recursive: true });
			writeFileSync(join(root, 'compose.yaml'), 'services:\n  traefik:\n    image: traefik:v3.7.9\n  navidrome:\n    image: deluan/navidrome:0.63.2\n');
			const routers = rules.flatMap((rule, index) => [`    r${index}:`, `      rule: ${JSON.stringify(rule)}`, '      service: navidrome']);
			writeFileSync(join(root, 'dynamic', 'navidrome.yml'), ['http:', '  routers:', ...routers, '  services:', '    navidrome:', '      loadBalancer:', '        servers:', '          - url: "http://navidrome:4533"', ''].join('\n'));
			return root;
		}

		it('should check a tree of ReDoS routers within a second of a harmless one', () => {
			const probes = [`Path(\`/${'a'.repeat(33)}\`)`, `Host(\`${'a'.repeat(34)}.example.org\`)`, `Path(\`/${'a'.repeat(19)}${'b'.repeat(14)}\`)`];
			const hostile = tree('hostile', [...probes, 'PathRegexp(`^/(a+)+$`)', 'PathRegexp(`(a|aa)*b`)', 'PathRegexp(`(a*)*b`)', 'PathRegexp(`(.*a){20}`)', 'HostRegexp(`^(a+)+\\.example\\.com$`)', 'HostRegexp(`{sub:(a+)+}.example.com`)']);
			const harmless = tree('harmless', [...probes, 'PathRegexp(`^/b$`)', 'PathRegexp(`^/c$`)', 'PathRegexp(`^/d$`)', 'PathRegexp(`^/e$`)', 'HostRegexp(`^b\\.example\\.com$`)', 'HostRegexp(`{sub:b}.example.com`)']);
			runCli(['check', harmless, '--format', 'json']); // warm the file cache
			const base = timed(() => runCli(['check', harmless, '--format', 'json']));
			const run = timed(() => runCli(['check', hostile, '--format', 'json']));
			assert.ok([0, 1].includes(run.value.status), run.value.stderr);
			const output = JSON.parse(run.value.stdout) as { files: Array<{ path: string }> };
			assert.ok(output.files.some((file) => file.path.endsWith('navidrome.yml')), run.value.stdout);
			assert.ok(run.ms < base.ms + 1000, `hostile ${run.ms.toFixed(0)} ms, harmless ${base.ms.toFixed(0)} ms`);
		});
	});

	describe('properties', () => {
		it('should agree with JavaScript RegExp on random patterns of the shared subset', () => {
			fc.assert(
				fc.property(safePattern, fc.array(subject, { minLength: 1, maxLength: 4 }), (pattern, subjects) => {
					const compiled = compileGoRegexp(pattern.source);
					assert.ok(compiled, pattern.source);
					const js = new RegExp(pattern.source.replace(/^\(\?[ims]+\)/, ''), `${pattern.flags}u`);
					for (const text of subjects) assert.equal(compiled.matches(text), js.test(text), `${pattern.source} on ${JSON.stringify(text)}`);
				}),
				{ numRuns: 1500 },
			);
		});

		it('should never throw and always answer quickly on random pattern text', () => {
			const piece = fc.constantFrom('(', ')', '[', ']', '^', '$', '*', '+', '?', '{', '}', ',', '|', '\\', '.', '-', ':', '!', '=', '<', '>', 'P', '?i', '?s', '?m', '?U', 'a', 'b', 'd', 'p', 'L', 'Q', 'E', 'x', 'z', 'A', 'B', '0', '1', '9', '1000', '[:alpha:]', '\u00e9', '\uD834\uDD1E', '\uD834');
			const text = fc.oneof(fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')), fc.string({ maxLength: 40, unit: 'binary' }));
			fc.assert(
				fc.property(text, fc.string({ maxLength: 200 }), (pattern, subjectText) => {
					const { value, ms } = timed(() => compileGoRegexp(pattern)?.matches(subjectText));
					assert.ok(value === undefined || typeof value === 'boolean');
					assert.ok(ms < 200, `${JSON.stringify(pattern)}: ${ms.toFixed(0)} ms`);
					const goOnly = timed(() => goRegexpMatches(pattern, `${subjectText}${'a'.repeat(500)}`));
					assert.ok(goOnly.ms < 200, `${JSON.stringify(pattern)}: ${goOnly.ms.toFixed(0)} ms`);
				}),
				{ numRuns: 500 },
			);
		});
	});
});

/**
Patterns both engines read alike: literals, `.`, Perl classes, bracket classes, anchors, `\b`, groups, alternation and
greedy or lazy quantifiers (on groups, as JavaScript rejects a quantified assertion), under `(?i)`, `(?s)`, `(?m)`;
subjects from a small ASCII alphabet with `\n` and no `\r`, where `.`, `\s` and line anchors agree.
*/
const atom = fc.constantFrom('a', 'b', 'c', 'A', '1', ' ', '/', '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\.', '\\n', '[ab]', '[^a]', '[a-c]', '[^b-c1]', '[/a]', '^', '$', '\\b', '\\B');
const quantifier = fc.constantFrom('*', '+', '?', '{2}', '{1,2}', '{0,3}', '{2,}', '*?', '+?', '??', '{1,3}?');
const { node } = fc.letrec<{ node: string }>((tie) => ({
	node: fc.oneof(
		{ maxDepth: 4, depthIdentifier: 'regexp' },
		atom,
		fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((items) => items.join('')),
		fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((items) => `(?:${items.join('|')})`),
		tie('node').map((inner) => `(${inner})`),
		fc.tuple(tie('node'), quantifier).map(([inner, q]) => `(?:${inner})${q}`),
	),
}));
const safePattern = fc.tuple(node, fc.subarray(['i', 's', 'm'])).map(([source, flags]) => ({ source: flags.length ? `(?${flags.join('')})${source}` : source, flags: flags.join('') }));
const subject = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'B', '1', ' ', '/', '.', '\n'), { maxLength: 12 }).map((chars) => `/${chars.join('')}`);
