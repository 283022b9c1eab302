import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import { parseAclTest, parseHaproxy, splitWords } from '../../src/analysis/formats/haproxy/index.js';
import { buildProgram, evaluateTest, haproxyModel, simulate, type RequestFacts, type Scenario } from '../../src/analysis/proxies/haproxy/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

const facts = (path: string, host = 'music.example.com', vars: Record<string, string> = {}): RequestFacts => ({ path, host, method: 'GET', headers: new Map(), vars: new Map(Object.entries(vars)), basicValid: false });
const test = (text: string) => parseAclTest(splitWords(text, 0, text.length))!;

const head = 'defaults\n    mode http\n';

function run(cfg: string, path: string, scenario: Scenario = 'anonymous', forged = true) {
	const program = buildProgram(parseHaproxy(cfg, '/x/haproxy.cfg').config);
	const frontend = program.proxies.find((proxy) => proxy.kind !== 'backend')!;
	return simulate(program, frontend, { path, host: 'music.example.com', scenario, forged }, { userHeader: 'Remote-User', authService: () => undefined });
}

describe('HAProxy model', () => {
	describe('ACL tests (configuration manual §7.1, §7.3)', () => {
		it('should match paths by prefix, exact value, directory and regex, with -i', () => {
			assert.equal(evaluateTest(test('path_beg /rest/ /share/'), facts('/share/abc')), true);
			assert.equal(evaluateTest(test('path_beg /REST/'), facts('/rest/ping.view')), false);
			assert.equal(evaluateTest(test('path_beg -i /REST/'), facts('/rest/ping.view')), true);
			assert.equal(evaluateTest(test('path /app/'), facts('/app/x')), false);
			assert.equal(evaluateTest(test('path -m beg /app/'), facts('/app/x')), true);
			assert.equal(evaluateTest(test('path_dir rest'), facts('/rest/ping.view')), true);
			assert.equal(evaluateTest(test('path_reg ^/rest/.*\\.view$'), facts('/rest/ping.view')), true);
		});

		it('should match the Host header, variables, and leave what it cannot know undecided', () => {
			assert.equal(evaluateTest(test('hdr(host) -i Music.Example.com'), facts('/')), true);
			assert.equal(evaluateTest(test('req.hdr(host),lower music.example.com'), facts('/', 'MUSIC.example.com')), true);
			assert.equal(evaluateTest(test('var(txn.auth_response_successful) -m bool'), facts('/', undefined, { 'txn.auth_response_successful': 'false' })), false);
			assert.equal(evaluateTest(test('var(txn.auth_response_successful) -m found'), facts('/', undefined, { 'txn.auth_response_successful': 'false' })), true);
			assert.equal(evaluateTest(test('src 10.0.0.0/8'), facts('/')), undefined);
		});
	});

	describe('simulate (manual §4.2 http-request, use_backend; measured on HAProxy 2.6)', () => {
		const backends = '\nbackend nd\n    server s navidrome:4533\nbackend other\n    server s other:80\n';

		it('should send the header empty when set-header reads an unset auth variable', () => {
			const result = run(`${head}frontend f\n    bind :80\n    http-request set-header Remote-User %[var(req.auth_response_header.remote_user)]\n    default_backend nd\n${backends}`, '/app/');
			assert.equal(result.entries.length, 1);
			assert.equal(result.entries[0]!.kind, 'empty');
		});

		it("should keep the client's copy first after add-header", () => {
			const result = run(`${head}frontend f\n    bind :80\n    http-request add-header Remote-User alice\n    default_backend nd\n${backends}`, '/app/');
			assert.deepEqual(result.entries.map((entry) => entry.kind), ['client', 'literal']);
		});

		it('should take the first use_backend that holds, else default_backend', () => {
			const cfg = `${head}frontend f\n    bind :80\n    use_backend other if { path_beg /rest/ }\n    use_backend nd if { path_beg / }\n    default_backend other\n${backends}`;
			assert.equal(run(cfg, '/rest/ping.view').backend!.name, 'other');
			assert.equal(run(cfg, '/app/').backend!.name, 'nd');
		});

		it("should run a named defaults section's rules first, and the backend's after the frontend's", () => {
			const cfg = `defaults d\n    mode http\n    http-request del-header Remote-User\nfrontend f from d\n    bind :80\n    http-request set-header Remote-User alice\n    default_backend nd\nbackend nd from d\n    http-request set-header Remote-User bob\n    server s navidrome:4533\n`;
			const result = run(cfg, '/app/');
			assert.deepEqual(result.history.map((change) => change.rule.args[1]?.value ?? change.rule.action), ['del-header', 'alice', 'del-header', 'bob']);
		});

		it('should stop at deny, and track the auth-request variables per scenario', () => {
			const cfg = `${head}frontend f\n    bind :80\n    http-request lua.auth-request auth /check\n    http-request deny unless { var(txn.auth_response_successful) -m bool }\n    http-request set-header Remote-User %[var(req.auth_response_header.remote_user)]\n    default_backend nd\nbackend auth\n    server a authelia:9091\n${backends}`;
			assert.equal(run(cfg, '/app/', 'anonymous').stoppedBy?.action, 'deny');
			const signed = run(cfg, '/app/', 'signed-in', false);
			assert.equal(signed.stoppedBy, undefined);
			assert.equal(signed.entries[0]!.kind, 'auth');
			assert.equal(run(cfg, '/app/', 'bypass').entries[0]!.kind, 'empty');
		});
	});

	describe('linking', () => {
		const compose = `services:
  haproxy:
    image: haproxy:2.6
    volumes:
      - ./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
    networks: [proxy]
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;
		const cfg = `${head}frontend f\n    bind :80\n    default_backend nd\nbackend nd\n    server s navidrome:4533\n`;
		const analyse = (files: Array<{ path: string; text: string }>) => haproxyModel(new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) }).deployment).routes;

		it('should link server names to Navidrome and take the peer from the compose service mounting the file', () => {
			const [route] = analyse([
				{ path: '/stack/compose.yaml', text: compose },
				{ path: '/stack/haproxy.cfg', text: cfg },
			]);
			assert.equal(route!.route.target?.service?.name, 'navidrome');
			assert.deepEqual(route!.route.peer, { trusted: 'yes', address: '172.30.0.10' });
			assert.equal(route!.route.forgeries[0]?.cause, 'bypass-nostrip');
		});

		it('should take a host HAProxy (no compose service mounts the file) to be trusted, and say so', () => {
			const hostCompose = compose.replace(/ {2}haproxy:[\s\S]*?(?= {2}navidrome:)/, '').replace('    environment:', '    ports:\n      - "4533:4533"\n    environment:');
			const [route] = analyse([
				{ path: '/stack/compose.yaml', text: hostCompose },
				{ path: '/etc/haproxy/haproxy.cfg', text: cfg.replace('navidrome:4533', '127.0.0.1:4533') },
			]);
			assert.equal(route!.route.target?.service?.name, 'navidrome');
			assert.equal(route!.route.peer.trusted, 'assumed');
		});
	});
});
