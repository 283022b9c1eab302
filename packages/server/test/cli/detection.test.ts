/**
Issue 13: files are found by content as well as name, a file named on the command line is always read (`--kind`
overrides the guess), and the output says what was judged, what was assumed and what could not be seen; a check with
nothing to judge exits 2 unless `--no-error-on-empty`.
*/
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { runCli } from '../harness/cli.js';

const require = createRequire(import.meta.url);

type Json = {
	files: Array<{ path: string; kind: string }>;
	findings: Array<{ ruleId: string; category: string; severity: string; file: string; message: string }>;
	coverage: {
		judged: Record<string, number>;
		navidromes: number;
		routes: number;
		assumed: Array<{ file?: string; message: string }>;
		skipped: Array<{ path: string; reason: string; what: string }>;
		unseen: Array<{ file: string; service: string; image: string; message: string }>;
	};
};

/** Navidrome behind a proxy at 172.30.0.10, trusted; the proxy's config is wherever the test puts it. */
const compose = `services:
  proxy:
    image: nginx:1.27
    networks:
      default:
        ipv4_address: 172.30.0.10
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
networks:
  default:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;

/** /rest/ reaches Navidrome without auth and without stripping Remote-User. */
const nginxBypass = `server {
	listen 80;
	location / {
		auth_request /auth;
		auth_request_set $user $upstream_http_remote_user;
		proxy_set_header Remote-User $user;
		proxy_pass http://navidrome:4533;
	}
	location /rest/ {
		proxy_pass http://navidrome:4533;
	}
	location = /auth {
		internal;
		proxy_pass http://authelia:9091/api/verify;
	}
}
`;

const docsCaddyfile = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/verify?rd=https://auth.example.com/
		copy_headers Remote-User Remote-Groups Remote-Name Remote-Email
	}
	reverse_proxy navidrome:4533
}
`;

const socketCompose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_ADDRESS: /run/navidrome/nd.sock\n      ND_EXTAUTH_TRUSTEDSOURCES: "10.0.0.2/32"\n';

describe('navidrome-extauth check: what it reads and what it says it saw', function () {
	this.timeout(60_000);
	let folder: string;
	beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'nd-detect-'))));
	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	const write = (files: Record<string, string>): void => {
		for (const [name, text] of Object.entries(files)) {
			mkdirSync(dirname(join(folder, name)), { recursive: true });
			writeFileSync(join(folder, name), text);
		}
	};
	const json = (args: string[]): { status: number; output: Json; stderr: string } => {
		const result = runCli([...args, '--format', 'json'], folder);
		assert.ok(result.stdout, `no JSON on stdout (exit ${result.status}): ${result.stderr}`);
		return { status: result.status, output: JSON.parse(result.stdout) as Json, stderr: result.stderr };
	};

	describe('detection by content', () => {
		it('should check a music.conf that holds nginx next to the compose file', () => {
			write({ 'compose.yaml': compose, 'music.conf': nginxBypass });
			const { status, output } = json(['check', '.']);
			assert.deepEqual(output.files.find((file) => file.path === 'music.conf'), { path: 'music.conf', kind: 'nginx' });
			const bypass = output.findings.find((finding) => finding.file === 'music.conf' && finding.category === 'impersonation');
			assert.ok(bypass, JSON.stringify(output.findings, null, 1));
			assert.match(bypass.message, /\/rest\//);
			assert.equal(status, 1);
		});

		it('should read navidrome.yml as compose when it holds services', () => {
			write({ 'navidrome.yml': socketCompose, 'other.yml': 'name: not a config\nitems: [1, 2]\n' });
			const { status, output } = json(['check', '.']);
			assert.deepEqual(output.files, [{ path: 'navidrome.yml', kind: 'compose' }]);
			assert.ok(output.findings.some((finding) => finding.ruleId === 'nd/address-missing-unix' && finding.file === 'navidrome.yml'));
			assert.equal(status, 1);
		});

		it('should read SWAG and Nginx Proxy Manager paths by name', () => {
			write({ 'swag/nginx/proxy-confs/navidrome.subdomain.conf': nginxBypass, 'npm/data/nginx/proxy_host/1.conf': nginxBypass });
			const { output } = json(['check', '.']);
			assert.deepEqual(output.files.map((file) => `${file.path} ${file.kind}`).sort(), ['npm/data/nginx/proxy_host/1.conf nginx', 'swag/nginx/proxy-confs/navidrome.subdomain.conf nginx']);
		});
	});

	describe('a file named on the command line', () => {
		it('should be read with the best guess, and as --kind says when given', () => {
			write({ 'site.txt': docsCaddyfile, 'upstream.txt': 'reverse_proxy navidrome:4533\n' });
			const guessed = json(['check', 'site.txt']);
			assert.deepEqual(guessed.output.files, [{ path: 'site.txt', kind: 'caddyfile' }], 'its content says Caddyfile');
			assert.ok(guessed.output.findings.some((finding) => finding.category === 'impersonation'));
			// No site block: the content alone does not tell, so only --kind makes it a Caddyfile.
			const unknown = runCli(['check', 'upstream.txt'], folder);
			assert.equal(unknown.status, 2);
			assert.match(unknown.stderr, /nothing to judge in 'upstream\.txt'/);
			assert.match(unknown.stderr, /not read: upstream\.txt: .*--kind/);
			const told = json(['check', 'upstream.txt', '--kind', 'upstream.txt=caddyfile']);
			assert.deepEqual(told.output.files, [{ path: 'upstream.txt', kind: 'caddyfile' }]);
		});

		it('should let --kind override the name and the content, also for files found in a folder', () => {
			write({ 'site.txt': docsCaddyfile, 'conf/music.conf': docsCaddyfile });
			assert.deepEqual(json(['check', '.']).output.files, [{ path: 'conf/music.conf', kind: 'caddyfile' }], 'a .txt is not searched; a .conf holding a Caddyfile is one');
			const { output } = json(['check', '.', '--kind', 'site.txt=caddyfile', '--kind', 'conf/music.conf=nginx']);
			assert.deepEqual(output.files, [
				{ path: 'conf/music.conf', kind: 'nginx' },
				{ path: 'site.txt', kind: 'caddyfile' },
			]);
		});

		it('should refuse a --kind of no known kind, or of a path not checked', () => {
			write({ 'site.txt': docsCaddyfile, 'other/Caddyfile': docsCaddyfile });
			const bad = runCli(['check', 'site.txt', '--kind', 'site.txt=lighttpd'], folder);
			assert.equal(bad.status, 2);
			assert.match(bad.stderr, /--kind expects <path>=<kind> with <kind> one of compose, dotenv, navidrome-toml, caddyfile, nginx, traefik/);
			const outside = runCli(['check', 'site.txt', '--kind', 'other/Caddyfile=caddyfile'], folder);
			assert.equal(outside.status, 2);
			assert.match(outside.stderr, /--kind: 'other\/Caddyfile' is not among the paths checked/);
		});
	});

	describe('loud silence', () => {
		it('should say what it judged, what it assumed and what it could not see, in text, JSON and SARIF', () => {
			write({
				'Caddyfile': docsCaddyfile,
				'legacy/settings.ini': '[navidrome]\nND_EXTAUTH_TRUSTEDSOURCES: 10.0.0.0/8\n',
				'legacy/notes.ini': '[misc]\ncolour = blue\n',
				'npm/compose.yaml': 'services:\n  npm:\n    image: jc21/nginx-proxy-manager:2.12.3\n  web:\n    image: httpd:2.4\n  mesh:\n    image: envoyproxy/envoy:v1.31.0\n',
			});
			const text = runCli(['check', '.'], folder);
			assert.match(text.stdout, /^Judged: 1 compose file, 1 Caddyfile \(1 Navidrome instance, \d+ proxy routes?\)\.$/m);
			assert.match(text.stdout, /^Assumed: No Navidrome configuration is in view, so this assumes external auth is on/m);
			assert.match(text.stdout, /^Not seen: legacy\/settings\.ini: it mentions Navidrome settings, but its kind was not recognised/m);
			assert.doesNotMatch(text.stdout, /notes\.ini/, 'content that says nothing stays unread, silently');
			assert.match(text.stdout, /^Not seen: npm\/compose\.yaml: service "npm" \(jc21\/nginx-proxy-manager:2\.12\.3\) is Nginx Proxy Manager, which keeps its proxy hosts in its database/m);
			assert.match(text.stdout, /^Not seen: npm\/compose\.yaml: service "web" \(httpd:2\.4\) is Apache httpd, and no httpd\.conf or site config is in view\.$/m);
			assert.match(text.stdout, /^Not seen: npm\/compose\.yaml: service "mesh" \(envoyproxy\/envoy:v1\.31\.0\) is Envoy, a proxy this tool does not read\.$/m);
			assert.match(text.stdout.trimEnd().split('\n').pop()!, /^2 files checked: /, 'the count line stays last');

			const { output } = json(['check', '.']);
			assert.deepEqual(output.coverage.judged, { caddyfile: 1, compose: 1 });
			assert.equal(output.coverage.navidromes, 1);
			assert.match(output.coverage.assumed[0]!.message, /^No Navidrome configuration is in view/);
			assert.deepEqual(output.coverage.skipped.map((file) => `${file.path} ${file.reason}`), ['legacy/settings.ini unrecognised']);
			assert.deepEqual(output.coverage.unseen.map((proxy) => `${proxy.file} ${proxy.service}`), ['npm/compose.yaml npm', 'npm/compose.yaml web', 'npm/compose.yaml mesh']);

			const sarif = JSON.parse(runCli(['check', '.', '--format', 'sarif'], folder).stdout) as {
				runs: Array<{ invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>; properties: { coverage: Json['coverage'] } }>;
			};
			const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
			const validate = new Ajv.default({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
			assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5)));
			const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications;
			assert.ok(notes.some((note) => /^Judged: /.test(note.message.text)));
			assert.equal(notes.find((note) => note.message.text.startsWith('Not seen: legacy/settings.ini'))?.locations?.[0]?.physicalLocation.artifactLocation.uri, 'legacy/settings.ini');
			assert.deepEqual(sarif.runs[0]!.properties.coverage.skipped, output.coverage.skipped);
		});

		it('should say when files were read but nothing about external auth was judged', () => {
			write({ 'Caddyfile': docsCaddyfile.replace('navidrome:4533', 'jellyfin:8096') });
			const { status, stdout } = runCli(['check', '.'], folder);
			assert.match(stdout, /^Nothing about external auth was judged: no Navidrome instance and no proxy route to one is in view\.$/m);
			assert.equal(status, 0);
		});

		it('should exit 2 on a tree with nothing to judge, and 0 with --no-error-on-empty', () => {
			write({ 'README.md': '# nothing here\n', 'notes.conf': '# nothing either\n' });
			const empty = runCli(['check', '.'], folder);
			assert.equal(empty.status, 2);
			assert.equal(empty.stdout, '');
			assert.match(empty.stderr, /^navidrome-extauth: nothing to judge in '\.': no compose file, \.env, navidrome\.toml, Caddyfile, nginx or Traefik config was found/);
			assert.match(empty.stderr, /--no-error-on-empty/);
			const allowed = runCli(['check', '.', '--no-error-on-empty'], folder);
			assert.equal(allowed.status, 0, allowed.stderr);
			assert.match(allowed.stdout, /^Nothing judged: no compose file/m);
			assert.match(allowed.stdout, /^0 files checked: no findings\.$/m);
			const allowedJson = json(['check', '.', '--no-error-on-empty']);
			assert.deepEqual(allowedJson.output.coverage.judged, {});
			assert.equal(allowedJson.status, 0);
		});
	});
});
