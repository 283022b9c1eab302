import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNginx, walkDirectives, type NginxParseError } from '../../src/analysis/formats/nginx/index.js';
import { diskIo } from './helpers.js';

/**
Fixtures: `*.conf` files, and directories holding an `nginx.conf` (for includes). Names containing `.invalid` must be
refused by both our parser and `nginx -t`; the others accepted by both. The first line says where the text goes:
`# context: main` (a whole nginx.conf), `http` (inside `http { }`) or `server` (inside `server { }`).
*/
const fixturesDir = fileURLToPath(new URL('../fixtures/nginx/parser/', import.meta.url)).replace(/\/$/, '');

type Fixture = { name: string; main: string; dir?: string; valid: boolean; context: 'main' | 'http' | 'server' };

const fixtures: Fixture[] = readdirSync(fixturesDir)
	.sort()
	.map((name) => {
		const path = join(fixturesDir, name);
		const isDir = statSync(path).isDirectory();
		const main = isDir ? join(path, 'nginx.conf') : path;
		const header = /^\uFEFF?# context: (main|http|server)\b/.exec(readFileSync(main, 'utf8'));
		assert.ok(header, `${name}: first line must be "# context: main|http|server"`);
		return { name, main, dir: isDir ? path : undefined, valid: !name.includes('.invalid'), context: header[1] as Fixture['context'] };
	});

function parseFile(path: string) {
	return parseNginx(diskIo.readFile(path), { ...diskIo, file: path });
}

/** Keeps `nginx -t` away from /var and /run: every path it would write goes to the temporary prefix. */
function prelude(prefix: string): string {
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${prefix}/${kind};`);
	return ['access_log off;', ...temp].join('\n');
}

function wrap(fixture: Fixture, text: string, prefix: string): string {
	switch (fixture.context) {
		case 'main':
			return text.replace(/^http\s*\{/m, (open) => `${open}\n${prelude(prefix)}\n`);
		case 'http':
			return `events {}\nhttp {\n${prelude(prefix)}\n${text}\n}\n`;
		case 'server':
			return `events {}\nhttp {\n${prelude(prefix)}\nserver {\nlisten 127.0.0.1:18080;\n${text}\n}\n}\n`;
	}
}

type NginxRun = { status: number | string; stderr: string; ours: NginxParseError[] };

/**
Run `nginx -t` on the fixture in a fresh prefix (wrapped as its context needs), and our parser on the very same text.
`-e`, `-g "pid …; error_log …;"` and the prelude keep every file nginx opens inside the prefix.
*/
async function runNginx(nginx: string, fixture: Fixture): Promise<NginxRun> {
	const prefix = mkdtempSync(join(tmpdir(), 'nginx-fixture-'));
	try {
		if (fixture.dir) cpSync(fixture.dir, prefix, { recursive: true });
		const config = wrap(fixture, readFileSync(fixture.main, 'utf8'), prefix);
		const main = join(prefix, 'nginx.conf');
		writeFileSync(main, config);
		const ours = parseNginx(config, { ...diskIo, file: main }).errors;
		const args = ['-t', '-q', '-e', join(prefix, 'error.log'), '-p', `${prefix}/`, '-c', main, '-g', `pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`];
		const { status, stderr } = await new Promise<{ status: number | string; stderr: string }>((resolve) => {
			execFile(nginx, args, { encoding: 'utf8', timeout: 10_000 }, (error, _stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : error.signal ?? String(error.code)) : 0;
				resolve({ status: code, stderr });
			});
		});
		return { status, stderr, ours };
	} finally {
		rmSync(prefix, { recursive: true, force: true });
	}
}

function findNginx(): string | undefined {
	for (const candidate of ['nginx', '/usr/sbin/nginx']) {
		const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
		if (!probe.error) return candidate;
	}
	return undefined;
}

describe('nginx parser fixtures', () => {
	describe('our parser', () => {
		for (const fixture of fixtures) {
			it(`should ${fixture.valid ? 'accept' : 'refuse'} ${fixture.name}`, () => {
				const { errors } = parseFile(fixture.main);
				if (fixture.valid) assert.deepEqual(errors, []);
				else assert.notEqual(errors.length, 0, 'expected at least one error');
			});
		}

		it('should splice the Authelia snippets where they are included and skip hidden files', () => {
			const { ast, files } = parseFile(join(fixturesDir, 'authelia/nginx.conf'));
			assert.deepEqual(files.map((file) => file.slice(fixturesDir.length + '/authelia/'.length)), [
				'mime.types',
				'conf.d/navidrome.conf',
				'snippets/authelia-location.conf',
				'snippets/proxy.conf',
				'snippets/authelia-authrequest.conf',
			]);
			const remoteUser = [...walkDirectives(ast.directives)].filter(({ directive }) => directive.name === 'proxy_set_header' && directive.args[0]?.value === 'Remote-User');
			assert.deepEqual(
				remoteUser.map(({ directive, ancestors }) => [ancestors.map((ancestor) => ancestor.args.map((arg) => arg.value).join(' ') || ancestor.name).join(' > '), directive.args[1]!.raw, directive.file.split('/').pop()]),
				[
					['http > server > /', '$user', 'authelia-authrequest.conf'],
					['http > server > ^~ /rest/', '""', 'navidrome.conf'],
					['http > server > ^~ /share/', '""', 'navidrome.conf'],
				],
			);
		});
	});

	describe('agreement with nginx -t (nginx 1.22)', function () {
		this.timeout(30_000);
		let nginx: string | undefined;
		const runs = new Map<string, Promise<NginxRun>>();
		before(() => {
			nginx = findNginx();
			// Start every `nginx -t` at once; each test awaits its own.
			if (nginx) for (const fixture of fixtures) runs.set(fixture.name, runNginx(nginx, fixture));
		});

		for (const fixture of fixtures) {
			it(`should agree with nginx -t that ${fixture.name} is ${fixture.valid ? 'valid' : 'invalid'}`, async function () {
				if (!nginx) {
					if (process.env.CI === 'true') assert.fail('nginx is not installed; CI must run the nginx agreement tests (apt-get install nginx-light)');
					console.log('    notice: nginx is not installed, skipping the nginx -t agreement test');
					this.skip();
				}
				const run = await runs.get(fixture.name)!;
				const nginxSays = `nginx -t exit ${run.status}: ${run.stderr.trim()}`;
				if (fixture.valid) {
					assert.equal(run.status, 0, nginxSays);
					assert.deepEqual(run.ours, []);
				} else {
					// include-cycle.invalid: [E] nginx 1.22 dies with SIGSEGV, which counts as refusal here.
					assert.notEqual(run.status, 0, nginxSays);
					assert.notEqual(run.ours.length, 0, `our parser accepted what nginx refused (${nginxSays})`);
				}
			});
		}
	});
});
