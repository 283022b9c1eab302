/**
Issue 20, Deliver 3: untrusted text that may be secret is never quoted. Random canaries stand in for secrets that
wrap onto a second `.env` line, come through `${*_TOKEN}` / `${*_PASSWORD}` interpolation (from `.env` and from an
`env_file`), sit in a LogoutURL's user info, or are a mistyped ND_PASSWORDENCRYPTIONKEY. No output of the built CLI
(text, JSON, SARIF), of the editor features, or of the language server over JSON-RPC may contain one; where a value
was masked, the variable it came through is named.
*/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { parseDotenv } from '../../src/analysis/formats/dotenv/parse.js';
import { isSecretName, maskUrlPasswords, maskValue, redact } from '../../src/analysis/secrets.js';
import { complete, effectiveSettings, hover, simulateRequest } from '../../src/features/index.js';
import { runCli } from '../harness/cli.js';
import { analyzeFiles, contextAt } from '../features/helpers.js';
import { position, start, workspace } from '../protocol/harness.js';

const canary = (): string => `cnry${randomBytes(6).toString('hex')}`;
const digits = (): string => `9${[...randomBytes(12)].map((byte) => byte % 10).join('')}`;
const secrets = {
	wrapped: canary(),
	wrappedTail: canary(),
	header: canary(),
	db: canary(),
	url: canary(),
	auth: canary(),
	fileDb: canary(),
	fileHeader: canary(),
	fileUrl: canary(),
	tomlNumber: digits(),
	tomlBare: canary(),
	tomlUrl: canary(),
};
const all = Object.values(secrets);

function assertClean(output: string, where: string): void {
	for (const secret of all) assert.ok(!output.includes(secret), `${where} leaks a canary: …${output.slice(Math.max(0, output.indexOf(secret) - 80), output.indexOf(secret) + 40)}…`);
}

function assertCleanOf(output: string, secret: string): void {
	assert.ok(!output.includes(secret), `leaks ${secret}: ${output}`);
}

const service = (name: string, env: string): string => `  ${name}:\n    image: deluan/navidrome:0.61.0\n    environment:\n${env}`;

/** One folder per deployment; paths relative to the checked root. */
const deployments: Record<string, string> = {
	// An unterminated quote: the next lines are the rest of the secret, not KEY=VALUE.
	'wrapped/.env': `ND_PASSWORDENCRYPTIONKEY='${secrets.wrapped}\n${secrets.wrappedTail}/x+==\nAPI_TOKEN=${secrets.wrapped}\n${secrets.wrappedTail} rest\n`,
	'wrapped/compose.yaml': `services:\n${service('navidrome', '      ND_EXTAUTH_USERHEADER: Remote-User\n')}`,
	'interp/.env': `X_TOKEN=" ${secrets.header} "\nDB_PASSWORD=${secrets.db}\nAUTH_PASSWORD=${secrets.auth}\n`,
	'interp/compose.yaml': [
		'services:',
		service('navidrome', '      ND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.5/32,${DB_PASSWORD}\n      ND_EXTAUTH_USERHEADER: ${X_TOKEN}\n      ND_EXTAUTH_LOGOUTURL: https://bob:' + secrets.url + '@auth.example.com/logout\n'),
		service('second', '      ND_EXTAUTH_TRUSTEDSOURCES: ${AUTH_PASSWORD}\n      ND_EXTAUTH_LOGOUTURL: https://user:${AUTH_PASSWORD}@auth.example/logout\n'),
		service('third', '      ND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.6/32\n      ND_EXTAUTH_LOGOUTURL: ${AUTH_PASSWORD}\n'),
		'',
	].join('\n'),
	'envfile/nd.env': `DB_PASSWORD=${secrets.fileDb}\nX_TOKEN=" ${secrets.fileHeader} "\nND_EXTAUTH_TRUSTEDSOURCES=10.0.0.5/32,\${DB_PASSWORD}\nND_EXTAUTH_USERHEADER=\${X_TOKEN}\nND_EXTAUTH_LOGOUTURL=https://bob:${secrets.fileUrl}@auth.example.com/logout\n`,
	'envfile/compose.yaml': 'services:\n  navidrome:\n    image: deluan/navidrome:0.61.0\n    env_file: nd.env\n',
	'toml-number/navidrome.toml': `PasswordEncryptionKey = ${secrets.tomlNumber}\n\n[ExtAuth]\nTrustedSources = "10.0.0.5/32"\nLogoutURL = "https://bob:${secrets.tomlUrl}@auth.example.com/logout"\n`,
	'toml-bare/navidrome.toml': `PasswordEncryptionKey = ${secrets.tomlBare}\n`,
	'toml-array/navidrome.toml': `PasswordEncryptionKey = ["${secrets.tomlBare}"]\n`,
};

/** The files of one deployment as absolute in-memory paths under `/w`. */
function filesOf(folder: string): Record<string, string> {
	const files: Record<string, string> = {};
	for (const [path, text] of Object.entries(deployments)) if (path.startsWith(`${folder}/`)) files[`/w/${path.slice(folder.length + 1)}`] = text;
	return files;
}

describe('hostile input: secrets are never quoted', function () {
	this.timeout(120_000);

	describe('the masking functions', () => {
		it('should know secret-looking names and leave ordinary ones', () => {
			for (const name of ['DB_PASSWORD', 'X_TOKEN', 'GITHUB_TOKEN', 'AUTH_SECRET', 'SMTP_PASS', 'LASTFM_API_KEY', 'AWS_CREDENTIALS', 'ND_PASSWORDENCRYPTIONKEY', 'PasswordEncryptionKey', 'SIGNING_KEY']) assert.equal(isSecretName(name), true, name);
			for (const name of ['ND_EXTAUTH_USERHEADER', 'ND_EXTAUTH_TRUSTEDSOURCES', 'ND_EXTAUTH_LOGOUTURL', 'ND_PORT', 'DB_PASSWORD_FILE', 'ND_BASEURL', 'ND_DEVAUTOLOGINUSERNAME']) assert.equal(isSecretName(name), false, name);
		});

		it('should mask a value through a secret variable with its source, and only the password of a URL', () => {
			const secret = canary();
			const shown = maskValue(secret, { name: 'ND_EXTAUTH_USERHEADER', secret: { via: 'AUTH_PASSWORD', where: 'compose.yaml:12', parts: [secret] } });
			assert.deepEqual(shown, { text: '(hidden: from ${AUTH_PASSWORD} in compose.yaml:12)', hidden: true });
			assert.deepEqual(maskValue(`https://user:${secret}@host/logout`, { name: 'ND_EXTAUTH_LOGOUTURL' }), { text: 'https://user:***@host/logout', hidden: false });
			assert.equal(maskUrlPasswords('see https://a:b@h/x and http://u@h2/ and ftp://c:d@e'), 'see https://a:***@h/x and http://u@h2/ and ftp://c:***@e');
		});

		it('should redact quoted, escaped and shortened forms, and refuse when a piece would remain', () => {
			const secret = `${canary()}${canary()}${canary()}${canary()}${canary()}`;
			const display = '(hidden: from ${X_TOKEN})';
			assert.equal(redact(`"${secret.slice(0, 57)}…" is bad; write '${secret}'`, [{ fragments: [secret], display }]), `${display} is bad; write ${display}`);
			assert.equal(redact(`its scheme is "${secret.slice(4, 20)}"`, [{ fragments: [secret], display }]), undefined);
		});
	});

	describe('parseDotenv', () => {
		it('should interpolate from earlier lines like Compose, remember secret sources, and quote no value in errors', () => {
			const secret = canary();
			const env = parseDotenv(`DB_PASSWORD=${secret}\nA=x\${DB_PASSWORD}\nB="\\$DB_PASSWORD $A"\nC='$A'\nD=$A\nE="${secret}\n${secret}!\n`);
			assert.equal(env.values.get('A')?.value, `x${secret}`);
			assert.deepEqual(env.values.get('A')?.secretVia, { name: 'DB_PASSWORD', line: 1, value: secret });
			assert.equal(env.values.get('B')?.value, `$DB_PASSWORD x${secret}`);
			assert.equal(env.values.get('C')?.value, '$A');
			assert.equal(env.values.get('D')?.secretVia?.name, 'DB_PASSWORD', 'through another entry');
			assert.equal(env.errors.length, 2);
			assertCleanOf(JSON.stringify(env.errors), secret);
			assert.match(env.errors[0]!.message, /\bE\b/);
		});
	});

	describe('the built CLI', () => {
		let root: string;
		before(() => {
			root = mkdtempSync(join(tmpdir(), 'ndx-secrets-'));
			for (const [path, text] of Object.entries(deployments)) {
				mkdirSync(dirname(join(root, path)), { recursive: true });
				writeFileSync(join(root, path), text);
			}
		});
		after(() => rmSync(root, { recursive: true, force: true }));

		for (const format of ['text', 'json', 'sarif']) {
			it(`should print no canary in ${format} output, and name the variables it masked`, () => {
				const { stdout, stderr } = runCli(['check', '.', '--format', format], root);
				assertClean(stdout, `${format} stdout`);
				assertClean(stderr, `${format} stderr`);
				for (const expected of ['syntax/parse-error', 'nd/user-header-invalid', 'nd/trusted-source-ignored', 'nd/setting-wrong-type', '${X_TOKEN}', '${DB_PASSWORD}', '${AUTH_PASSWORD}']) {
					assert.ok(stdout.includes(expected), `${format} output lacks ${expected}`);
				}
			});
		}
	});

	describe('the editor features', () => {
		const readerOf = (files: Record<string, string>) => (path: string) => files[path];

		it('should hover settings and TrustedSources entries without their secret values', () => {
			const files = filesOf('interp');
			const cursors = [
				['/w/compose.yaml', 'ND_EXTAUTH_USER', 'HEADER: ${X_TOKEN}', 'X_TOKEN'],
				['/w/compose.yaml', 'ND_EXTAUTH_TRUSTED', 'SOURCES: 10.0.0.5', 'DB_PASSWORD'],
				['/w/compose.yaml', 'ND_EXTAUTH_LOGOUT', 'URL: https://bob', 'bob:***@auth.example.com'],
				['/w/.env', `DB_PASSWORD=${secrets.db.slice(0, 3)}`, secrets.db.slice(3), 'DB_PASSWORD'],
			] as const;
			for (const [path, before, after, named] of cursors) {
				const marked = { ...files, [path]: files[path]!.replace(`${before}${after}`, `${before}$0${after}`) };
				assert.notEqual(marked[path], files[path], `cursor ${before}`);
				const result = hover(contextAt(marked, path));
				assert.ok(result, `a hover at ${before}`);
				assertClean(result.markdown, `hover at ${before}`);
				assert.ok(result.markdown.includes(named), `hover at ${before} names ${named}: ${result.markdown.slice(0, 300)}`);
			}
		});

		it('should list effective settings and simulate requests without secret values, for .env and env_file', () => {
			for (const folder of ['interp', 'envfile', 'toml-number']) {
				const files = filesOf(folder);
				const { result } = analyzeFiles(files);
				const path = Object.keys(files).find((p) => p.endsWith('compose.yaml') || p.endsWith('.toml'))!;
				const settings = JSON.stringify(effectiveSettings(result, path, readerOf(files)));
				assertClean(settings, `effective settings of ${folder}`);
				assert.match(settings, folder === 'toml-number' ? /bob:\*\*\*@/ : /\(hidden: from \$\{(X_TOKEN|DB_PASSWORD)\}/);
				const simulated = JSON.stringify(simulateRequest(result, path, { peer: '10.0.0.5', path: '/app/', headers: { 'Remote-User': 'alice' }, instance: undefined }), (_key, value) => (typeof value === 'bigint' ? String(value) : value));
				assertClean(simulated, `simulation of ${folder}`);
			}
		});

		it('should not offer a header name that came through a secret variable', () => {
			const files = filesOf('interp');
			files['/w/compose.yaml'] += '  proxy:\n    image: traefik:v3.1\n    labels:\n      traefik.http.middlewares.strip.$0\n';
			const items = complete(contextAt(files, '/w/compose.yaml'));
			assert.ok(items.length > 0, 'label completions');
			assertClean(JSON.stringify(items), 'completion');
		});

		it('should report findings whose messages hold no canary but name the variable', () => {
			for (const folder of ['wrapped', 'interp', 'envfile', 'toml-number', 'toml-bare', 'toml-array']) {
				const { result } = analyzeFiles(filesOf(folder));
				assert.ok(result.findings.length > 0, `${folder} has findings`);
				assertClean(JSON.stringify(result.findings), `findings of ${folder}`);
			}
			const interp = analyzeFiles(filesOf('interp')).result.findings;
			assert.match(interp.find((f) => f.ruleId === 'nd/user-header-invalid')?.message ?? '', /\$\{X_TOKEN\} in \.env:1/);
			assert.match(interp.find((f) => f.ruleId === 'nd/trusted-source-ignored')?.message ?? '', /\$\{DB_PASSWORD\} in \.env:2/);
			const envfile = analyzeFiles(filesOf('envfile')).result.findings;
			assert.match(envfile.find((f) => f.ruleId === 'nd/user-header-invalid')?.message ?? '', /\$\{X_TOKEN\} in nd\.env:2/);
			const wrapped = analyzeFiles(filesOf('wrapped')).result.findings.filter((f) => f.ruleId === 'syntax/parse-error');
			assert.ok(wrapped.length >= 2, 'the wrapped lines are syntax errors');
			assert.ok(wrapped.some((f) => f.message.includes('ND_PASSWORDENCRYPTIONKEY')), 'the unterminated value is named by its variable');
		});
	});

	describe('the language server over JSON-RPC', () => {
		it('should publish diagnostics, hovers and command results without a canary', async () => {
			const files = Object.fromEntries(Object.entries(deployments).filter(([path]) => path.startsWith('interp/') || path.startsWith('wrapped/')));
			const folder = workspace(files);
			const lsp = await start({ folders: [folder.root] });
			try {
				const compose = deployments['interp/compose.yaml']!;
				const uri = folder.uri('interp/compose.yaml');
				const envUri = folder.uri('wrapped/.env');
				await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockercompose', version: 1, text: compose } });
				await lsp.client.sendNotification('textDocument/didOpen', { textDocument: { uri: envUri, languageId: 'dotenv', version: 1, text: deployments['wrapped/.env'] } });
				const diagnostics = await lsp.waitFor(() => lsp.lastDiagnostics(uri)?.diagnostics.some((d) => d.code === 'nd/user-header-invalid') && lsp.lastDiagnostics(uri), 10_000, 'compose diagnostics');
				assert.ok(diagnostics.diagnostics.some((d) => String(d.message).includes('${X_TOKEN}')));
				await lsp.waitFor(() => lsp.lastDiagnostics(envUri)?.diagnostics.length, 10_000, '.env diagnostics');
				const hovered = (await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_USERHEADER', 3) })) as Hover;
				assert.match(JSON.stringify(hovered), /X_TOKEN/);
				await lsp.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(compose, 'ND_EXTAUTH_LOGOUTURL', 3) });
				const settings = await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.showEffectiveSettings', arguments: [{ uri }] });
				assert.match(JSON.stringify(settings), /DB_PASSWORD/);
				await lsp.client.sendRequest('workspace/executeCommand', { command: 'navidrome-extauth.simulateRequest', arguments: [{ uri, peer: '10.0.0.5', path: '/app/', headers: { 'Remote-User': 'alice' } }] });
				assertClean(JSON.stringify(lsp.raw), 'language server output');
			} finally {
				await lsp.stop();
				folder.remove();
			}
		});
	});
});
