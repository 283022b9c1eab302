import assert from 'node:assert/strict';
import { interpolate } from '../../src/analysis/formats/interpolate.js';
import { parseCompose, parsePortString, splitImage } from '../../src/analysis/formats/compose/parse.js';
import { parseDotenv } from '../../src/analysis/formats/dotenv/parse.js';
import { guessFileKind, maySniff, sniffBytes, sniffFileKind } from '../../src/analysis/detect.js';
import { detectFileKind, resolvePath } from '../../src/analysis/files.js';
import { LineIndex } from '../../src/analysis/text.js';

const at = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);

describe('parseDotenv(text)', () => {
	it('should follow Compose: export, quotes, inline comments, last duplicate wins', () => {
		const text = "# comment\nexport A=1\nB='single $X # kept'\nC=\"dq \\\"x\\\" \\n\"\nD=plain # comment\nA=2\nE\n";
		const env = parseDotenv(text);
		assert.deepEqual(env.errors, []);
		assert.equal(env.values.get('A')?.value, '2');
		assert.equal(env.values.get('B')?.value, 'single $X # kept');
		assert.equal(env.values.get('C')?.value, 'dq "x" \n');
		assert.equal(env.values.get('C')?.verbatim, false);
		assert.equal(env.values.get('D')?.value, 'plain');
		assert.equal(env.values.get('E')?.fromShell, true);
		assert.equal(at(text, env.values.get('D')!.valueSpan), 'plain');
		assert.equal(at(text, env.values.get('B')!.valueSpan), 'single $X # kept');
	});

	it('should report bad lines with a position and keep the rest', () => {
		const text = 'GOOD=1\n=nope\nC="unterminated\nLAST=ok\n';
		const env = parseDotenv(text);
		assert.equal(env.errors.length, 2);
		assert.equal(at(text, env.errors[0]!.span).startsWith('=nope'), true);
		assert.equal(env.values.get('LAST')?.value, 'ok');
	});

	it('should handle CRLF line endings', () => {
		const env = parseDotenv('A=1\r\nB=2\r\n');
		assert.equal(env.values.get('A')?.value, '1');
		assert.equal(env.values.get('B')?.value, '2');
	});
});

describe('interpolate(text, lookup)', () => {
	const vars: Record<string, string> = { SET: 'v', EMPTY: '' };
	const lookup = (name: string) => vars[name];
	it('should implement every Compose form', () => {
		assert.equal(interpolate('${SET}/$SET/$$SET', lookup).value, 'v/v/$SET');
		assert.equal(interpolate('${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}', lookup).value, 'd|d||d');
		assert.equal(interpolate('${SET:+alt}|${UNSET:+alt}|${EMPTY+alt}', lookup).value, 'alt||alt');
		assert.equal(interpolate('${UNSET:-${SET}x}', lookup).value, 'vx');
	});
	it('should report unset and required variables with offsets', () => {
		const result = interpolate('a ${MISSING} ${REQ?give REQ}', lookup);
		assert.deepEqual(result.problems.map((p) => [p.kind, p.name, p.offset, p.length]), [['unset', 'MISSING', 2, 10], ['required', 'REQ', 13, 15]]);
	});
	it('should map literal runs back to source offsets', () => {
		const result = interpolate('${SET}/32', lookup);
		assert.deepEqual(result.segments, [{ start: 0, end: 1, kind: 'variable', name: 'SET' }, { start: 1, end: 4, kind: 'literal', sourceOffset: 6 }]);
	});
	it('should not hang or throw on malformed input', () => {
		for (const text of ['${', '${}', '${1A}', '$', '${A:?', '${A${B${C', '$'.repeat(10000)]) assert.equal(typeof interpolate(text, lookup).value, 'string');
	});
});

describe('parseCompose(path, text, variables)', () => {
	const text = `services:
  navidrome:
    image: ghcr.io/navidrome/navidrome:0.59.0@sha256:abc
    ports: ["127.0.0.1:4533:4533", "4533", {target: 4533, published: "8080", host_ip: "::1"}]
    env_file: [nd.env, {path: other.env, required: false}]
    volumes: ["./data:/data", "music:/music", {type: bind, source: ./cfg, target: /cfg}]
    environment:
      - ND_EXTAUTH_TRUSTEDSOURCES=\${PROXY}/32
      - ND_FROM_SHELL
    labels:
      traefik.enable: "true"
    networks:
      proxy: {ipv4_address: 172.30.0.4}
    command: --a=1 --b
networks:
  proxy:
    ipam: {config: [{subnet: 172.30.0.0/24, gateway: 172.30.0.254}]}
`;
	const compose = parseCompose('/p/compose.yaml', text, (name) => (name === 'PROXY' ? '172.30.0.10' : undefined));
	const service = compose.services[0]!;
	it('should read image, ports, env files and volumes', () => {
		assert.deepEqual(compose.errors, []);
		assert.deepEqual([service.image?.repository, service.image?.tag], ['ghcr.io/navidrome/navidrome', '0.59.0']);
		assert.deepEqual(service.ports.map((p) => [p.hostIp, p.published, p.target]), [['127.0.0.1', '4533', '4533'], [undefined, undefined, '4533'], ['::1', '8080', '4533']]);
		assert.deepEqual(service.envFiles.map((e) => [e.path, e.required]), [['/p/nd.env', true], ['/p/other.env', false]]);
		assert.deepEqual(service.volumes.map((v) => [v.type, v.source, v.target]), [['bind', '/p/data', '/data'], ['volume', 'music', '/music'], ['bind', '/p/cfg', '/cfg']]);
	});
	it('should read environment and labels with spans and interpolation', () => {
		const trusted = service.environment[0]!;
		assert.equal(trusted.key, 'ND_EXTAUTH_TRUSTEDSOURCES');
		assert.equal(trusted.value, '172.30.0.10/32');
		assert.equal(at(text, trusted.valueSpan), '${PROXY}/32');
		assert.equal(at(text, trusted.keySpan), 'ND_EXTAUTH_TRUSTEDSOURCES');
		assert.equal(service.environment[1]!.value, undefined);
		assert.equal(service.labels[0]!.key, 'traefik.enable');
		assert.equal(service.labels[0]!.value, 'true');
	});
	it('should read networks, subnets, gateways and command parts', () => {
		assert.equal(service.networks?.[0]?.ipv4Address?.value, '172.30.0.4');
		assert.equal(compose.networks[0]!.subnets[0]!.value, '172.30.0.0/24');
		assert.equal(compose.networks[0]!.gateways[0]!.value, '172.30.0.254');
		assert.deepEqual(service.command.map((c) => c.value), ['--a=1', '--b']);
		assert.equal(at(text, service.command[0]!.span), '--a=1');
	});
	it('should split ports and images like Docker', () => {
		assert.deepEqual(parsePortString('[::1]:80:4533/tcp'), { hostIp: '::1', published: '80', target: '4533', protocol: 'tcp' });
		assert.deepEqual(splitImage('localhost:5000/navidrome'), { repository: 'localhost:5000/navidrome', tag: undefined });
	});
	it('should report YAML errors and still read what it can', () => {
		const broken = parseCompose('/p/c.yaml', 'services:\n  a:\n    image: x: y\n  b:\n    image: deluan/navidrome\n');
		assert.equal(broken.errors.length > 0, true);
		assert.ok(broken.services.some((s) => s.name === 'b'));
	});
});

describe('detectFileKind(path)', () => {
	it('should classify the files the engine reads', () => {
		const cases: Record<string, string | undefined> = {
			'/x/compose.yaml': 'compose',
			'/x/docker-compose.prod.yml': 'compose',
			'/x/.env': 'dotenv',
			'/x/navidrome.env': 'dotenv',
			'/x/navidrome.toml': 'navidrome-toml',
			'/x/Caddyfile': 'caddyfile',
			'/x/site.caddyfile': 'caddyfile',
			'/etc/nginx/nginx.conf': 'nginx',
			'/etc/nginx/conf.d/music.conf': 'nginx',
			'/etc/nginx/sites-enabled/music': 'nginx',
			'/x/traefik.yml': 'traefik',
			'/x/dynamic/routers.toml': 'traefik',
			'/x/README.md': undefined,
			'/x/package.json': undefined,
			'/x/docker-compose.json': 'compose',
			'/x/compose.yml.template': 'compose',
			'/x/nginx.conf.template': 'nginx',
			'/x/Caddyfile.prod': 'caddyfile',
			'/x/music.caddy': 'caddyfile',
			'/config/nginx/proxy-confs/navidrome.subdomain.conf': 'nginx',
			'/config/nginx/proxy-confs/navidrome.subfolder.conf': 'nginx',
			'/config/nginx/proxy-confs/navidrome.subdomain.conf.sample': undefined,
			'/npm/data/nginx/proxy_host/3.conf': 'nginx',
			'/x/music.conf': undefined,
			'/x/navidrome.yml': undefined,
			'/x/stack.yml': undefined,
			'/x/.template': undefined,
		};
		for (const [path, kind] of Object.entries(cases)) assert.equal(detectFileKind(path), kind, path);
	});
	it('should resolve relative paths', () => {
		assert.equal(resolvePath('/a/b', '../c/./d'), '/a/c/d');
		assert.equal(resolvePath('/a/b', '/abs'), '/abs');
	});
});

describe('sniffFileKind(path, prefix)', () => {
	const nginx = 'server {\n\tlisten 80;\n\tlocation / {\n\t\tproxy_pass http://navidrome:4533;\n\t}\n}\n';
	const swagSubfolder = 'location ^~ /navidrome/ {\n    include /config/nginx/proxy.conf;\n    set $upstream_app navidrome;\n    proxy_pass http://$upstream_app:4533;\n}\n';
	const caddy = 'music.example.com {\n\treverse_proxy navidrome:4533\n}\n';
	const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n';
	const composeJson = '{\n  "services": {\n    "navidrome": { "image": "deluan/navidrome:0.63.2" }\n  }\n}\n';
	const traefikYaml = 'http:\n  routers:\n    navidrome:\n      rule: Host(`music.example.com`)\n      service: navidrome\n';
	const traefikToml = '[http.routers.navidrome]\n  rule = "Host(`music.example.com`)"\n';
	const toml = '# Navidrome\nMusicFolder = "/music"\n[ExtAuth]\nTrustedSources = "10.0.0.2/32"\n';
	const dotenv = '# for the unit\nND_MUSICFOLDER=/music\nND_EXTAUTH_TRUSTEDSOURCES=@\n';
	const unit = '[Unit]\nDescription=Navidrome\n\n[Service]\nEnvironmentFile=/etc/navidrome/navidrome.conf\nExecStart=/usr/bin/navidrome\n';
	const kindOf = (path: string, text: string) => sniffFileKind(path, text)?.kind;
	const skipOf = (path: string, text: string) => {
		const detection = sniffFileKind(path, text);
		return detection && 'skipped' in detection ? detection.skipped.reason : undefined;
	};

	it('should tell each kind by content, whatever the name', () => {
		assert.equal(kindOf('/x/music.conf', nginx), 'nginx');
		assert.equal(kindOf('/x/navidrome.conf', swagSubfolder), 'nginx');
		assert.equal(kindOf('/x/default.conf.template', nginx), 'nginx');
		assert.equal(kindOf('/x/my-caddy', caddy), 'caddyfile');
		assert.equal(kindOf('/x/navidrome.yml', compose), 'compose');
		assert.equal(kindOf('/x/stack.yml', compose), 'compose');
		assert.equal(kindOf('/x/deploy.yml.template', compose), 'compose');
		assert.equal(kindOf('/x/stack.json', composeJson), 'compose');
		assert.equal(kindOf('/x/routes.yml', traefikYaml), 'traefik');
		assert.equal(kindOf('/x/routes.toml', traefikToml), 'traefik');
		assert.equal(kindOf('/x/config.toml', toml), 'navidrome-toml');
		assert.equal(kindOf('/x/navidrome.conf', dotenv), 'dotenv');
	});
	it('should read a systemd unit with Environment settings and a script exporting ND_*, list Navidrome-looking text as skipped, and read an Apache config', () => {
		assert.deepEqual(sniffFileKind('/x/navidrome.service', unit), { kind: 'systemd', by: 'content' });
		assert.deepEqual(sniffFileKind('/x/override.conf', '[Service]\nEnvironment=ND_LOGLEVEL=debug\n'), { kind: 'systemd', by: 'content' });
		assert.equal(sniffFileKind('/x/other.service', '[Service]\nExecStart=/bin/true\n'), undefined);
		assert.deepEqual(sniffFileKind('/x/start-navidrome', '#!/bin/sh\nexport ND_EXTAUTH_TRUSTEDSOURCES=127.0.0.1/32\nexec navidrome\n'), { kind: 'shell', by: 'content' });
		assert.deepEqual(sniffFileKind('/x/navidrome', 'ND_LOGLEVEL=debug\n'), { kind: 'dotenv', by: 'content' });
		assert.equal(sniffFileKind('/x/start-navidrome', '#!/bin/sh\nexec navidrome\n'), undefined, 'a script that exports nothing to Navidrome says nothing');
		assert.equal(maySniff('/etc/default/navidrome'), true);
		assert.equal(maySniff('/x/README'), false);
		assert.deepEqual(sniffFileKind('/x/music.conf', '<VirtualHost *:80>\n  ProxyPass / http://navidrome:4533/\n</VirtualHost>\n'), { kind: 'apache', by: 'content' });
		assert.deepEqual(sniffFileKind('/x/music.conf', 'RequestHeader unset Remote-User early\n'), { kind: 'apache', by: 'content' });
		assert.equal(skipOf('/x/settings.ini', '[music]\nport: 4533\nhost = navidrome:4533\n'), 'unrecognised');
	});
	it('should say nothing of content that says nothing, of signals in the wrong family, and of binary text', () => {
		assert.equal(sniffFileKind('/x/settings.yml', 'name: x\nitems:\n  - a\n'), undefined);
		assert.equal(sniffFileKind('/x/notes.conf', 'proxy_pass is a directive; so is listen.\n'), undefined);
		assert.equal(skipOf('/x/site.yml', nginx), 'unrecognised', 'nginx is not looked for in YAML, but :4533 is worth a mention');
		assert.equal(sniffFileKind('/x/music.conf', `\u0000${nginx}`), undefined);
		assert.equal(sniffFileKind('/x/music.conf', `${'#'.repeat(sniffBytes)}\n${nginx}`), undefined, 'only the prefix counts');
	});
	it('should stay linear on long lines without a match', () => {
		const started = performance.now();
		for (const line of ['a '.repeat(8000), 'a.'.repeat(8000), `location ${'x'.repeat(16000)}`, ` ,${' ,'.repeat(8000)}`]) for (const name of ['/x/a.conf', '/x/a.yml', '/x/a.toml', '/x/Caddy']) sniffFileKind(name, line);
		assert.ok(performance.now() - started < 500, `${performance.now() - started} ms`);
	});
	it('should sniff only names that may hold configuration', () => {
		for (const path of ['/x/music.conf', '/x/navidrome.yml', '/x/stack.json', '/x/routes.toml', '/x/edge.cfg', '/x/site.yml.template', '/x/my-caddy']) assert.equal(maySniff(path), true, path);
		// Names that already say their kind are never sniffed.
		for (const path of ['/x/compose.yaml', '/x/navidrome.service', '/x/haproxy.cfg', '/x/README.md', '/x/package.json', '/x/tsconfig.base.json', '/x/app.ts', '/x/photo.jpg', '/x/Makefile', '/x/.bashrc', '/x/.github/workflows/ci.yml']) assert.equal(maySniff(path), false, path);
	});
	it('should guess the kind of a named file by name, content, then extension', () => {
		assert.deepEqual(guessFileKind('/x/Caddyfile', 'anything'), { kind: 'caddyfile', by: 'name' });
		assert.deepEqual(guessFileKind('/x/site.txt', caddy), { kind: 'caddyfile', by: 'content' });
		assert.deepEqual(guessFileKind('/x/music.conf', '# empty for now\n'), { kind: 'nginx', by: 'extension' });
		assert.equal(guessFileKind('/x/notes.txt', 'x'), undefined);
	});
});

describe('LineIndex', () => {
	it('should convert offsets and positions in UTF-16 with LF, CRLF and CR', () => {
		const lines = new LineIndex('a😀b\r\nc\rd\n');
		assert.deepEqual(lines.position(3), { line: 0, character: 3 });
		assert.deepEqual(lines.position(6), { line: 1, character: 0 });
		assert.deepEqual(lines.position(8), { line: 2, character: 0 });
		assert.equal(lines.offset({ line: 2, character: 1 }), 9);
		assert.equal(lines.offset({ line: 99, character: 0 }), 10);
	});
});
