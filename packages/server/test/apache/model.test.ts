import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import { apacheModel } from '../../src/analysis/proxies/apache/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

const compose = 'services:\n  apache:\n    image: httpd:2.4\n    volumes:\n      - ./httpd.conf:/usr/local/apache2/conf/httpd.conf:ro\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n';

function routes(conf: string) {
	const files = [
		{ path: '/d/compose.yaml', text: compose },
		{ path: '/d/httpd.conf', text: conf },
	];
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
	return apacheModel(result.deployment).routes.map((route) => ({ requests: route.route.requests, witnesses: route.route.witnesses, fate: route.route.header.fate, forgeries: route.route.forgeries.map((f) => f.cause), losses: route.route.losses.map((l) => l.cause), peer: route.route.peer.trusted }));
}

const basic = 'AuthType Basic\nAuthName x\nAuthUserFile /h\nRequire valid-user\n';

describe('Apache model', () => {
	it('should merge <Location /> into /rest/ and run its set there without a login', () => {
		const found = routes(`<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\n<Location />\n${basic}RequestHeader set Remote-User "expr=%{REMOTE_USER}"\n</Location>\n<Location /rest/>\nRequire all granted\n</Location>\n</VirtualHost>\n`);
		const rest = found.find((route) => route.witnesses.includes('/rest/ping.view'))!;
		assert.equal(rest.fate, 'stripped');
		assert.deepEqual(rest.forgeries, []);
		assert.equal(found.find((route) => route.witnesses.includes('/app/'))!.fate, 'authenticated');
	});
	it('should ignore early inside <Location> and honour it at virtual-host level', () => {
		const inside = routes('<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\n<Location />\nRequestHeader unset Remote-User early\n</Location>\n</VirtualHost>\n');
		assert.deepEqual(inside[0]!.forgeries, ['strip-gap']);
		const outside = routes('<VirtualHost *:80>\nRequestHeader unset Remote-User early\nProxyPass / http://navidrome:4533/\n</VirtualHost>\n');
		assert.deepEqual(outside[0]!.forgeries, []);
	});
	it('should take %{REMOTE_USER}s as (null) when modules are loaded but mod_ssl is not', () => {
		const conf = `LoadModule headers_module modules/mod_headers.so\n<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\n<Location />\n${basic}RequestHeader set Remote-User "%{REMOTE_USER}s"\n</Location>\n</VirtualHost>\n`;
		assert.deepEqual(routes(conf)[0]!.losses, ['never-mapped']);
		assert.deepEqual(routes(`LoadModule ssl_module modules/mod_ssl.so\n${conf}`)[0]!.losses, []);
	});
	it('should skip <IfModule> sections of modules not loaded', () => {
		const conf = 'LoadModule proxy_module modules/mod_proxy.so\n<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\n<IfModule mod_headers.c>\nRequestHeader unset Remote-User early\n</IfModule>\n</VirtualHost>\n';
		assert.deepEqual(routes(conf)[0]!.forgeries, ['bypass-nostrip']);
	});
	it('should follow RewriteRule [P] before ProxyPass, balancers and ProxyPass exclusions', () => {
		const conf = '<VirtualHost *:80>\nRewriteEngine On\nRewriteRule ^/rest/(.*)$ http://navidrome:4533/rest/$1 [P,L]\n<Proxy balancer://nd>\nBalancerMember http://navidrome:4533\n</Proxy>\nProxyPass /share/ !\nProxyPass / balancer://nd/\n</VirtualHost>\n';
		const found = routes(conf);
		assert.ok(found.some((route) => route.requests.startsWith('RewriteRule') && route.witnesses.includes('/rest/ping.view')));
		assert.ok(found.every((route) => !route.witnesses.includes('/share/abc')));
		assert.ok(found.some((route) => route.witnesses.includes('/app/')));
	});
	it('should take the peer from the httpd service that mounts the config (assumed without a pinned address)', () => {
		assert.equal(routes('<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\n</VirtualHost>\n')[0]!.peer, 'assumed');
	});
	it('should report an unset after the set as strip-after-auth, and a set under another name as renamed', () => {
		const after = routes(`<VirtualHost *:80>\nProxyPass / http://navidrome:4533/\nRequestHeader set Remote-User "expr=%{REMOTE_USER}"\n<Location />\n${basic}RequestHeader unset Remote-User\n</Location>\n</VirtualHost>\n`);
		assert.deepEqual(after[0]!.losses, ['strip-after-auth']);
		const renamed = routes(`<VirtualHost *:80>\nRequestHeader unset Remote-User early\nProxyPass / http://navidrome:4533/\n<Location />\n${basic}RequestHeader set X-User "expr=%{REMOTE_USER}"\n</Location>\n</VirtualHost>\n`);
		assert.deepEqual(renamed[0]!.losses, ['renamed']);
	});
});
