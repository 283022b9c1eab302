import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import type { KeyValueEntry } from '../../src/analysis/formats/compose/types.js';
import { decodeLabels, evaluateRule, parseRule, parseTraefikFile, readDynamic, readFlags, readStatic, rulePriority } from '../../src/analysis/formats/traefik/index.js';
import { buildTraefikModels } from '../../src/analysis/proxies/traefik/build.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

const rulesRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules');

/** Every Traefik file of the rule fixtures (`traefik/*`, and the route rules' `*-traefik-*`), with the compose file beside it. */
function traefikFixtures(): Array<{ compose: string; path: string; text: string }> {
	const found: Array<{ compose: string; path: string; text: string }> = [];
	const walk = (folder: string, compose: string | undefined): void => {
		const names = readdirSync(folder);
		const here = names.includes('compose.yaml') ? readFileSync(join(folder, 'compose.yaml'), 'utf8') : compose;
		for (const name of names) {
			const path = join(folder, name);
			if (statSync(path).isDirectory()) walk(path, here);
			else if (/\.(ya?ml|toml)$/.test(name) && name !== 'compose.yaml' && here) found.push({ compose: here, path, text: readFileSync(path, 'utf8') });
		}
	};
	walk(join(rulesRoot, 'traefik'), undefined);
	for (const rule of readdirSync(join(rulesRoot, 'route'))) {
		for (const name of readdirSync(join(rulesRoot, 'route', rule))) if (/^(fire|ok)-traefik-/.test(name)) walk(join(rulesRoot, 'route', rule, name), undefined);
	}
	return found;
}

const segment = fc.oneof(
	fc.constantFrom('traefik', 'Traefik', 'http', 'HTTP', 'routers', 'Routers', 'middlewares', 'services', 'nd', 'strip', 'auth', 'rule', 'priority', 'middlewares', 'service', 'entrypoints', 'headers', 'customrequestheaders', 'CustomRequestHeaders', 'Remote-User', 'forwardauth', 'forwardAuth', 'authResponseHeaders', 'authresponseheadersregex', 'trustforwardheader', 'chain', 'loadbalancer', 'server', 'servers[0]', 'servers]', '[0]', 'port', 'url', 'enable', ''),
	fc.string({ maxLength: 6 }),
);
const labelKey = fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('.'));
const labelValue = fc.oneof(
	fc.constantFrom('', 'Host(`music.example.com`)', 'PathPrefix(`/rest/`) || Host(`a`)', 'strip,auth@docker', 'Remote-User', 'http://navidrome:4533', '4533', 'true', 'FALSE', '-5', 'x@y@z', '((((', '`', ',,'),
	fc.string({ maxLength: 40 }),
);

const yamlString = (text: string): string => JSON.stringify(text);

describe('traefik robustness', () => {
	it('should never throw on random label sets (decoding, model, rules)', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(labelKey, labelValue), { maxLength: 12 }), fc.boolean(), (labels, listForm) => {
				const lines = labels.map(([key, value]) => (listForm ? `      - ${yamlString(`${key}=${value}`)}` : `      ${yamlString(key)}: ${yamlString(value)}`));
				const text = ['services:', '  traefik:', '    image: traefik:v3', '  navidrome:', '    image: deluan/navidrome:0.63.2', '    environment:', '      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0', '    labels:', ...(lines.length ? lines : ['      {}']), ''].join('\n');
				const files = [{ path: '/w/compose.yaml', text }];
				const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
				for (const finding of result.findings) assert.ok(finding.span.start >= 0 && finding.span.end <= text.length + 1, finding.ruleId);
				// The adapter swallows model errors to protect other findings; build directly so a bug would show here.
				buildTraefikModels(result.deployment);
				assert.ok(!result.findings.some((finding) => finding.message.startsWith('Rule ') && finding.message.includes('failed')), 'no rule crashed');
			}),
			{ numRuns: 40 },
		);
	});

	it('should never throw when decoding hand-made label entries with odd spans and values', () => {
		fc.assert(
			fc.property(fc.array(fc.record({ key: fc.oneof(labelKey, fc.constant(undefined as unknown as string)), value: fc.option(labelValue, { nil: undefined }), start: fc.integer({ min: -5, max: 50 }), form: fc.constantFrom('map' as const, 'list' as const) }), { maxLength: 10 }), fc.string({ maxLength: 40 }), (items, text) => {
				const entries = items.map(({ key, value, start, form }) => ({ key, value, keySpan: { start, end: start + 3 }, valueSpan: { start, end: start }, verbatim: true, rawVerbatim: true, interpolation: undefined, entrySpan: { start, end: start + 5 }, form }) as KeyValueEntry);
				const decoded = decodeLabels('/w/c.yaml', text, entries);
				readDynamic(decoded.root);
			}),
			{ numRuns: 300 },
		);
	});

	it('should parse or reject any rule text without throwing, and evaluate what parses', () => {
		const token = fc.constantFrom('Host(`a`)', 'PathPrefix(`/rest/`)', 'Path("/x\\n")', 'Query(`c`, `UI`)', 'HostRegexp(`{x:[a-z]+}.b`)', 'PathRegexp(`(`)', 'ClientIP(`::1`)', '&&', '||', '!', '(', ')', ',', '`', '"', "'", ' ', 'pathprefix(`/`)');
		fc.assert(
			fc.property(fc.oneof(fc.array(token, { maxLength: 20 }).map((parts) => parts.join('')), fc.string({ maxLength: 60 })), fc.string({ maxLength: 20 }), (rule, path) => {
				const parsed = parseRule(rule);
				assert.ok((parsed.tree === undefined) !== (parsed.error === undefined));
				assert.ok(rulePriority(rule) >= rule.length);
				if (parsed.tree) assert.ok(['yes', 'no', 'maybe'].includes(evaluateRule(parsed.tree, { host: 'a', path, method: 'GET', query: [['c', path]], headers: [] })));
			}),
			{ numRuns: 400 },
		);
	});

	it('should read random command lines as flags without throwing', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.constantFrom('--entrypoints.web.http.middlewares=a,b', '--providers.docker', '--entrypoints.web.forwardedheaders.trustedips', '10.0.0.0/8', '--configFile', '-', '--', '--=x', '--a..b=c', '--x[0]=y'), fc.string({ maxLength: 12 })), { maxLength: 10 }), (parts) => {
				let offset = 0;
				const command = parts.map((value) => {
					const span = { start: offset, end: offset + value.length };
					offset += value.length + 1;
					return { value, span };
				});
				readStatic(readFlags('/w/c.yaml', parts.join(' '), command).root);
			}),
			{ numRuns: 300 },
		);
	});

	it('should never throw on mutated Traefik files (YAML and TOML)', () => {
		const samples = traefikFixtures();
		assert.ok(samples.length >= 10);
		fc.assert(
			fc.property(fc.constantFrom(...samples), fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 }), (sample, at, remove, insert) => {
				const cut = at % (sample.text.length + 1);
				const text = sample.text.slice(0, cut) + insert + sample.text.slice(cut + remove);
				parseTraefikFile(sample.path, text);
				const files = [
					{ path: '/w/compose.yaml', text: sample.compose },
					{ path: `/w/dynamic/${sample.path.endsWith('toml') ? 'a.toml' : 'a.yml'}`, text },
				];
				const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
				assert.ok(!result.findings.some((finding) => finding.message.includes('failed and was skipped')));
				buildTraefikModels(result.deployment);
			}),
			{ numRuns: 40 },
		);
	});

	it('should survive NUL bytes and a very long rule', () => {
		const text = `http:\n  routers:\n    a:\n      rule: "${'Host(`a`) || '.repeat(1000)}Host(\`b\`)"\n      service: s\n    b\u0000:\n      rule: "\u0000"\n`;
		const file = parseTraefikFile('/w/dynamic/a.yml', text).file;
		const config = readDynamic(file.root);
		assert.equal(config.routers.length, 2);
		const tree = parseRule(config.routers[0]!.rule!.value).tree!;
		assert.equal(tree.kind, 'or');
		// Past the evaluation depth limit the answer is `maybe`, never a stack overflow.
		assert.ok(['yes', 'maybe'].includes(evaluateRule(tree, { host: 'b', path: '/', method: 'GET', query: [], headers: [] })));
		assert.match(parseRule('Host(`a`) || '.repeat(3000)).error!.message, /too long/);
	});
});
