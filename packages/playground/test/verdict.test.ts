/** The verdict words the playground shows, from the same engine and the same count line as the CLI. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../../server/src/analysis/engine.js';
import { summaryLine, verdictOf } from '../../server/src/analysis/verdict.js';
import { formatText } from '../../server/src/cli/format-text.js';
import { parseBlocks, parseInline } from '../src/markdown.js';
import { analysisFiles, kindOf, pathOf, workspaceOf, type PlaygroundFile } from '../src/workspace.js';

const examplesDir = fileURLToPath(new URL('../../../examples', import.meta.url));

function example(name: string, files: string[]): PlaygroundFile[] {
	return files.map((file) => ({ name: file, text: readFileSync(join(examplesDir, name, file), 'utf8') }));
}

function check(files: PlaygroundFile[]) {
	const result = new Analyzer().analyze({ files: analysisFiles(files), workspace: workspaceOf(files) });
	return { result, verdict: verdictOf(result.files.length, result.findings, result.deployment.routes) };
}

describe('playground verdict', () => {
	it('should name the bypassed paths of the docs Caddy layout (and count the placeholder risk of caddy:2.8.4)', () => {
		const { verdict } = check(example('caddy-unsafe', ['.env', 'Caddyfile', 'compose.yaml', 'navidrome.toml']));
		assert.equal(verdict.level, 'unsafe');
		assert.equal(verdict.headline, 'Unsafe: anyone can log in as admin via /share/*, /rest/* (2 impersonation risks).');
		assert.equal(verdict.summary, '4 files checked: 1 error, 1 warning.');
	});

	it('should call a bypass behind a proxy Navidrome does not trust latent, not unsafe', () => {
		const caddy = example('caddy-unsafe', ['Caddyfile', 'compose.yaml', 'navidrome.toml']);
		const toml = caddy.find((file) => file.name === 'navidrome.toml')!;
		assert.match(toml.text, /TrustedSources = "172\.31\.0\.10\/32"/);
		// Navidrome trusts another address than Caddy's pinned one: the bypass only matters once the list covers Caddy.
		const untrusted = caddy.map((file) => (file === toml ? { ...file, text: file.text.replace('172.31.0.10/32', '172.31.0.99/32') } : file));
		const { verdict, result } = check(untrusted);
		assert.ok(result.findings.some((finding) => finding.ruleId === 'route/bypass-nostrip' && finding.latent === 'trust' && finding.severity === 'information'));
		assert.equal(verdict.level, 'broken');
		assert.doesNotMatch(verdict.headline, /anyone can log in/);
	});

	it('should not call the safe Caddy example unsafe', () => {
		const { verdict } = check(example('safe-caddy-authelia', ['.env', 'Caddyfile', 'compose.yaml', 'navidrome.toml', 'authelia.env']));
		assert.notEqual(verdict.level, 'unsafe');
		assert.doesNotMatch(verdict.headline, /anyone can log in/);
	});

	it('should read nginx includes from other tabs', () => {
		const files = example('nginx-safe', ['compose.yaml', '.env', 'navidrome.toml', 'nginx/nginx.conf', 'nginx/conf.d/navidrome.conf', 'nginx/snippets/proxy.conf', 'nginx/snippets/authelia-location.conf', 'nginx/snippets/authelia-authrequest.conf']);
		assert.deepEqual(workspaceOf(files).listFiles('/deployment/nginx/snippets/*.conf'), ['/deployment/nginx/snippets/authelia-authrequest.conf', '/deployment/nginx/snippets/authelia-location.conf', '/deployment/nginx/snippets/proxy.conf']);
		const { verdict, result } = check(files);
		assert.equal(verdict.level === 'unsafe', false, result.findings.map((f) => f.message).join('\n'));
		// Without the included snippets the location has no auth_request: the same deployment turns unsafe (with .env,
		// which pins the proxy's address the trust list names; without it the bypass is only latent).
		assert.equal(check(files.slice(0, 5)).verdict.level, 'unsafe');
	});

	it('should end with the same count line as the CLI', () => {
		const { result } = check(example('caddy-unsafe', ['Caddyfile', 'compose.yaml', 'navidrome.toml']));
		const text = formatText(result.files.length, result.findings, (path) => path, false);
		assert.equal(text.trimEnd().split('\n').pop(), summaryLine(result.files.length, result.findings));
		assert.equal(summaryLine(1, []), '1 file checked: no findings.');
		assert.equal(summaryLine(2, [{ severity: 'information' }, { severity: 'information' }, { severity: 'warning' }]), '2 files checked: 1 warning, 2 information.');
	});

	it('should give a tab the kind its name says, else the one picked, and keep it under the folder', () => {
		assert.equal(kindOf({ name: 'docker-compose.yml', text: '' }), 'compose');
		assert.equal(kindOf({ name: 'edge/site.conf', text: '' }), undefined);
		assert.equal(kindOf({ name: 'edge/site.conf', text: '', kind: 'nginx' }), 'nginx');
		assert.equal(pathOf('../../etc/passwd'), '/deployment/etc/passwd');
		assert.equal(pathOf('/nginx/nginx.conf'), '/deployment/nginx/nginx.conf');
	});
});

describe('playground markdown', () => {
	it('should split rule docs into blocks and inline pieces', () => {
		assert.deepEqual(parseBlocks('# Title\n\nOne\ntwo.\n\n- a\n  b\n- c\n\n```\nx {\n```\n'), [
			{ kind: 'heading', text: 'Title' },
			{ kind: 'paragraph', text: 'One two.' },
			{ kind: 'list', items: ['a b', 'c'] },
			{ kind: 'code', text: 'x {' },
		]);
		assert.deepEqual(parseInline('use `-Remote-User`, **not** [this](https://example.com/x)'), [
			{ kind: 'text', text: 'use ' },
			{ kind: 'code', text: '-Remote-User' },
			{ kind: 'text', text: ', ' },
			{ kind: 'strong', text: 'not' },
			{ kind: 'text', text: ' ' },
			{ kind: 'text', text: 'this (https://example.com/x)' },
		]);
	});
});
