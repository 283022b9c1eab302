/**
Random and mutated nginx configurations thrown at the location model and the nginx rules: nothing throws, every rule
runs to the end (a rule that throws is reported as "failed and was skipped"), findings stay inside their files, and
each route's fate agrees with its own analysis.
*/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import { buildNginxModel, nginxModel } from '../../src/analysis/proxies/nginx/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';
import { nginxFixtures } from './harness/fixtures.js';

function filesUnder(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? filesUnder(join(folder, name)) : [join(folder, name)]));
}

const fixtures = nginxFixtures();
const nginxTexts = fixtures.flatMap(({ folder }) => filesUnder(folder)).filter((path) => path.endsWith('.conf')).map((path) => readFileSync(path, 'utf8'));
const composeText = readFileSync(join(fixtures.find(({ name }) => name.endsWith('/fire-nginx-rest-bypass'))!.folder, 'compose.yaml'), 'utf8');

const word = fc.constantFrom(
	'Remote-User', 'remote-user', 'REMOTE_USER', 'X-Real-IP', 'Host', '""', "''", '$user', '$http_remote_user', '$remote_user', '$upstream_http_remote_user',
	'$upstream_http_x_authentik_username', '$cookie_u', '$arg_u', '$undefined', '${user}', 'off', 'on', '/', '/rest/', '= /auth', '^~ /share/', '~* ^/x', '@named',
	'http://navidrome:4533', 'http://authelia:9091/api/authz/auth-request', 'http://127.0.0.1:4533', 'http://[::1]:4533', 'http://backend', '$nd',
	'http://unix:/run/nd.sock:', 'navidrome:4533', 'Remote-*', '-t', 'text/plain', '/auth', 'snippets/*.conf', '/etc/nginx/conf.d/*.conf', '\\', '"a b"', '$', '{',
);
const name = fc.constantFrom(
	'proxy_set_header', 'auth_request', 'auth_request_set', 'auth_basic', 'auth_basic_user_file', 'proxy_pass', 'proxy_pass_request_headers', 'set', 'include',
	'more_clear_input_headers', 'more_set_input_headers', 'underscores_in_headers', 'ignore_invalid_headers', 'internal', 'return', 'server_name', 'listen',
	'server', 'map', 'default',
);
const blockName = fc.constantFrom('location', 'server', 'if', 'upstream', 'map', 'http', 'limit_except');

type Tree = { name: string; args: string[]; block?: Tree[] };
const tree: fc.Arbitrary<Tree[]> = fc.letrec((tie) => ({
	directive: fc.oneof(
		{ weight: 4, arbitrary: fc.record({ name, args: fc.array(word, { maxLength: 3 }) }) },
		{ weight: 1, arbitrary: fc.record({ name: blockName, args: fc.array(word, { maxLength: 2 }), block: tie('list') as fc.Arbitrary<Tree[]> }) },
	),
	list: fc.array(tie('directive'), { maxLength: 6 }),
})).list as fc.Arbitrary<Tree[]>;

function render(list: Tree[], indent = ''): string {
	return list.map((d) => `${indent}${d.name}${d.args.map((a) => ` ${a}`).join('')}${d.block ? ` {\n${render(d.block, `${indent}\t`)}${indent}}` : ';'}\n`).join('');
}

const analyzer = new Analyzer();

function check(files: Array<{ path: string; text: string }>): void {
	const workspace = fixtureWorkspace(files);
	const result = analyzer.analyze({ files, workspace });
	const byPath = new Map(files.map((file) => [file.path, file.text]));
	for (const finding of result.findings) {
		assert.doesNotMatch(finding.message, /failed and was skipped/, finding.message);
		const text = byPath.get(finding.file);
		if (text !== undefined) assert.ok(finding.span.end <= text.length, `${finding.ruleId} span outside ${finding.file}`);
	}
	// The adapter swallows errors to protect the engine; the model itself must not need that.
	const readText = (path: string) => byPath.get(path);
	const model = buildNginxModel(result.deployment, { workspace, options: {}, readText });
	assert.equal(model.routes.length, nginxModel(result.deployment).routes.length);
	for (const route of model.routes) {
		assert.equal(route.header.forgeable, route.route.header.fate === 'passthrough');
		assert.equal(route.route.authenticated, route.header.protection !== undefined);
		// The neutral route carries the analysis: a forgery exactly when forgeable, a loss only where auth runs and fails to deliver.
		// A fixed user without auth (route/literal-user) is its own forgery: the client does not choose it, everyone gets it.
		const literal = route.route.forgeries.filter((forgery) => forgery.cause === 'literal-user');
		if (literal.length > 0) assert.ok(route.header.fixedUser && !route.header.protection && !route.header.forgeable);
		assert.equal(route.route.forgeries.length - literal.length > 0, route.header.forgeable && route.header.forgeCause !== undefined && (route.header.culprit !== undefined || route.header.forgeCause === 'no-handling' || route.header.forgeCause === 'inherit-lost'));
		if (route.route.losses.length > 0) assert.ok(route.header.protection && !route.header.delivered);
		assert.ok(route.route.witnesses.length <= 12 && route.route.witnesses.every((path) => path.startsWith('/')), JSON.stringify(route.route.witnesses));
	}
}

describe('nginx model and rules on random input', function () {
	this.timeout(30_000);

	it('should never throw on generated configurations', () => {
		fc.assert(
			fc.property(tree, tree, fc.boolean(), (main, site, wrap) => {
				const nginx = wrap ? `events {}\nhttp {\n${render(main, '\t')}}\n` : render(main);
				check([
					{ path: '/p/compose.yaml', text: composeText },
					{ path: '/p/nginx.conf', text: nginx },
					{ path: '/p/conf.d/site.conf', text: render(site) },
					{ path: '/p/snippets/a.conf', text: render(site.slice(0, 2)) },
				]);
			}),
			{ numRuns: 150 },
		);
	});

	it('should never throw on mutated rule fixtures', () => {
		const mutation = fc.record({ at: fc.nat(), cut: fc.nat({ max: 30 }), insert: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('{', '}', ';', '"', '$', '\\', '\n', 'location / {', 'include *.conf;', 'proxy_set_header Remote-User "";', '\u0000')) });
		fc.assert(
			fc.property(fc.nat({ max: nginxTexts.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 }), (index, mutations) => {
				let text = nginxTexts[index]!;
				for (const m of mutations) {
					const at = m.at % (text.length + 1);
					text = text.slice(0, at) + m.insert + text.slice(at + m.cut);
				}
				check([
					{ path: '/p/compose.yaml', text: composeText },
					{ path: '/p/nginx.conf', text },
				]);
			}),
			{ numRuns: 150 },
		);
	});

	it('should stay fast on deep nesting and long files', () => {
		const deep = `${'location /a/ {\n'.repeat(1000)}proxy_pass http://navidrome:4533;\n${'}\n'.repeat(1000)}`;
		const wide = `server {\n${'location /x/ { auth_request /auth; proxy_set_header X-A $http_a; proxy_pass http://navidrome:4533; }\n'.repeat(1500)}}\n`;
		const doubling = `server {\nset $a "${'$a'.repeat(500)}";\nlocation / { proxy_set_header Remote-User "${'$a'.repeat(500)}"; proxy_pass $a; }\n}\n`;
		const started = Date.now();
		check([{ path: '/p/compose.yaml', text: composeText }, { path: '/p/conf.d/doubling.conf', text: doubling }]);
		check([
			{ path: '/p/compose.yaml', text: composeText },
			{ path: '/p/nginx.conf', text: `events {}\nhttp {\nserver {\n${deep}}\n}\n` },
			{ path: '/p/conf.d/wide.conf', text: wide },
		]);
		assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
	});
});
