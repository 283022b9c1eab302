import assert from 'node:assert/strict';
import { interpolate } from '../../src/analysis/formats/compose/interpolate.js';
import { parseCompose, parsePortString, splitImage } from '../../src/analysis/formats/compose/parse.js';
import { parseDotenv } from '../../src/analysis/formats/dotenv/parse.js';
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
		};
		for (const [path, kind] of Object.entries(cases)) assert.equal(detectFileKind(path), kind, path);
	});
	it('should resolve relative paths', () => {
		assert.equal(resolvePath('/a/b', '../c/./d'), '/a/c/d');
		assert.equal(resolvePath('/a/b', '/abs'), '/abs');
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
