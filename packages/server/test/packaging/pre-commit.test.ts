/**
The pre-commit hook (issue 19, Deliver 3) through the real `pre-commit` tool (Debian's package, installed by .ci/run).
The chain a user follows: the CLI comes from the packed @navidrome-extauth/server (installed with `npm install -g
--prefix`, its bin put on PATH), the hook from a git repository holding this repository's .pre-commit-hooks.yaml
(`pre-commit try-repo`), and the checked project is a git repository of its own. Also the `repo: local` +
`language: node` form of docs/ci.md, where pre-commit installs the package itself and PATH has no CLI.
*/
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { detectFileKind } from '../../src/analysis/files.js';
import { repoRoot } from '../harness/cli.js';
import { packTarballs, removeTarballs, run, type Tarballs } from './tarballs.js';

const brokenCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "0.0.0.0/0"\n';
const fixedCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "172.20.0.5/32"\n';
const finding = /compose\.yaml:5:35: error \[nd\/trust-all\] '0\.0\.0\.0\/0' trusts every IPv4 peer/;

describe('pre-commit hook', function () {
	this.timeout(240_000);
	let packed: Tarballs;
	let folder: string;
	let env: NodeJS.ProcessEnv;
	/** PATH without any navidrome-extauth, plus the installed CLI's bin folder. */
	let pathWithCli: string;

	const git = (cwd: string, ...args: string[]) => {
		const result = run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env });
		assert.equal(result.status, 0, result.output);
	};

	/** A git repository holding one compose file, staged. */
	const project = (name: string, compose: string): string => {
		const cwd = join(folder, name);
		mkdirSync(cwd);
		git(cwd, 'init', '-q');
		writeFileSync(join(cwd, 'compose.yaml'), compose);
		writeFileSync(join(cwd, 'README.md'), 'not a file the hook reads\n');
		git(cwd, 'add', '.');
		return cwd;
	};

	before(() => {
		packed = packTarballs();
		folder = mkdtempSync(join(packed.folder, 'pre-commit-'));
		// pre-commit keeps its clones and environments in PRE_COMMIT_HOME; npm must not reach a registry.
		env = { ...packed.npmEnv, PRE_COMMIT_HOME: join(folder, 'cache'), npm_config_offline: 'true', GIT_CONFIG_NOSYSTEM: '1', HOME: folder };
		const prefix = join(folder, 'prefix');
		const install = run('npm', ['install', '--global', '--prefix', prefix, packed.server], { cwd: folder, env });
		assert.equal(install.status, 0, install.output);
		pathWithCli = `${join(prefix, 'bin')}:${process.env.PATH}`;
		const hooks = join(folder, 'hooks');
		mkdirSync(hooks);
		git(hooks, 'init', '-q');
		copyFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), join(hooks, '.pre-commit-hooks.yaml'));
		git(hooks, 'add', '.');
		git(hooks, 'commit', '-qm', 'hooks');
	});

	after(() => removeTarballs());

	it('should be run by pre-commit from PATH: fail on a broken compose file showing the finding, pass once fixed', () => {
		const cwd = project('try-repo', brokenCompose);
		const tryRepo = () => run('pre-commit', ['try-repo', join(folder, 'hooks'), 'navidrome-extauth', '--all-files'], { cwd, env: { ...env, PATH: pathWithCli } });
		const broken = tryRepo();
		assert.equal(broken.status, 1, broken.output);
		assert.match(broken.output, /navidrome-extauth\.+Failed/);
		assert.match(broken.output, finding);
		writeFileSync(join(cwd, 'compose.yaml'), fixedCompose);
		git(cwd, 'add', 'compose.yaml');
		const fixed = tryRepo();
		assert.equal(fixed.status, 0, fixed.output);
		assert.match(fixed.output, /navidrome-extauth\.+Passed/);
	});

	it('should fix in place with navidrome-extauth-fix, failing that run because files changed, then pass', () => {
		const cwd = project('fix', brokenCompose.replace('0.0.0.0/0', '172.20.0.5'));
		const tryRepo = () => run('pre-commit', ['try-repo', join(folder, 'hooks'), 'navidrome-extauth-fix', '--all-files'], { cwd, env: { ...env, PATH: pathWithCli } });
		const first = tryRepo();
		assert.equal(first.status, 1, first.output);
		assert.match(first.output, /- files were modified by this hook/);
		assert.match(readFileSync(join(cwd, 'compose.yaml'), 'utf8'), /ND_EXTAUTH_TRUSTEDSOURCES: "172\.20\.0\.5\/32"/);
		git(cwd, 'add', 'compose.yaml');
		const second = tryRepo();
		assert.equal(second.status, 0, second.output);
		assert.match(second.output, /navidrome-extauth --fix\.+Passed/);
	});

	it('should match with `files` the file names the CLI reads, and no others', () => {
		const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; files: string }>;
		// pre-commit's pattern is Python's re, searched; (?i) at the start becomes JavaScript's i flag.
		for (const hook of hooks) {
			assert.ok(hook.files.startsWith('(?i)'), hook.id);
			const files = new RegExp(hook.files.slice('(?i)'.length), 'i');
			const names = ['compose.yaml', 'deploy/docker-compose.prod.yml', 'Compose.override.yaml', '.env', 'deploy/.env.local', 'secrets/navidrome.env', 'navidrome.toml', 'conf/navidrome-dev.toml', 'Caddyfile', 'caddy/Caddyfile.local', 'sites/app.caddyfile', 'nginx.conf', 'nginx/conf.d/navidrome.conf', 'etc/nginx/sites-enabled/music', 'etc/nginx/nginx/app.conf', 'traefik.yml', 'traefik/dynamic/routes.toml', 'my-traefik-config/middlewares.yaml', 'README.md', 'src/app.ts', 'docs/compose.md', 'package.json', 'conf/other.conf', 'config.yaml', 'sites-enabled/default.bak.conf.old', 'docker-compose.json', 'compose.yml.template', 'site.caddy', 'proxy-confs/navidrome.subdomain.conf', 'data/nginx/proxy_host/1.conf', 'nginx/default.conf.template', 'sites-enabled/music.tmpl', 'notes.template', 'httpd.conf', 'etc/apache2/apache2.conf', 'etc/apache2/sites-enabled/music.conf', 'etc/httpd/conf.d/navidrome.conf', 'apache/conf-enabled/security.conf', 'haproxy.cfg', 'haproxy/frontends.cfg', 'other.cfg', 'deploy/navidrome.service', 'systemd/navidrome.service.d/override.conf', 'scripts/start.sh', 'scripts/start.bash', 'stack.yml', 'music.conf'];
			for (const name of names) assert.equal(files.test(name), detectFileKind(`/repo/${name}`) !== undefined, `${hook.id}: ${name}`);
		}
	});

	it('should be skipped when no file it reads is staged', () => {
		const cwd = join(folder, 'unrelated');
		mkdirSync(cwd);
		git(cwd, 'init', '-q');
		writeFileSync(join(cwd, 'notes.txt'), 'nothing to check\n');
		git(cwd, 'add', '.');
		const result = run('pre-commit', ['try-repo', join(folder, 'hooks'), 'navidrome-extauth', '--all-files'], { cwd, env: { ...env, PATH: pathWithCli } });
		assert.equal(result.status, 0, result.output);
		assert.match(result.output, /navidrome-extauth\.+\(no files to check\)Skipped/);
	});

	it('should tell that the CLI is missing when it is not on PATH', () => {
		const cwd = project('no-cli', brokenCompose);
		const result = run('pre-commit', ['try-repo', join(folder, 'hooks'), 'navidrome-extauth', '--all-files'], { cwd, env: { ...env, PATH: '/usr/bin:/bin' } });
		assert.equal(result.status, 1, result.output);
		assert.match(result.output, /Executable `navidrome-extauth` not found/);
	});

	it('should install the package itself with the documented repo: local + language: node form', () => {
		const cwd = project('local-node', brokenCompose);
		// docs/ci.md's form, with the packed tarball where a user writes @navidrome-extauth/server@0.1.0.
		const config = `repos:\n  - repo: local\n    hooks:\n      - id: navidrome-extauth\n        name: navidrome-extauth\n        entry: navidrome-extauth check\n        language: node\n        pass_filenames: false\n        additional_dependencies: [${JSON.stringify(packed.server)}]\n`;
		writeFileSync(join(cwd, '.pre-commit-config.yaml'), config);
		git(cwd, 'add', '.pre-commit-config.yaml');
		// No CLI on PATH: node and npm only (pre-commit's node env uses the system node).
		const runHook = () => run('pre-commit', ['run', '--all-files'], { cwd, env: { ...env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin` } });
		const broken = runHook();
		assert.equal(broken.status, 1, broken.output);
		assert.match(broken.output, finding);
		writeFileSync(join(cwd, 'compose.yaml'), fixedCompose);
		git(cwd, 'add', 'compose.yaml');
		const fixed = runHook();
		assert.equal(fixed.status, 0, fixed.output);
		assert.match(fixed.output, /navidrome-extauth\.+Passed/);
	});
});
