import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromNodeRequest } from '../src/node-request.js';
import type { ExtAuthRequest, NodeRequestLike } from '../src/types.js';

function tcp(remoteAddress: string | undefined, remotePort?: number, remoteFamily?: string): NodeRequestLike {
	return { socket: { remoteAddress, remotePort, remoteFamily }, headers: {}, url: '/app/' };
}

/** Run one real request against a throwaway server and return what fromNodeRequest made of it. */
async function captureOverHttp(listen: { host: string } | { path: string }, headers: string[], path = '/app/?x=1'): Promise<ExtAuthRequest> {
	let captured: ExtAuthRequest | undefined;
	const server = http.createServer((request, response) => {
		captured = fromNodeRequest(request);
		response.end('ok');
	});
	await new Promise<void>(resolve => ('path' in listen ? server.listen(listen.path, resolve) : server.listen(0, listen.host, resolve)));
	try {
		await new Promise<void>((resolve, reject) => {
			const target = 'path' in listen ? { socketPath: listen.path } : { host: listen.host, port: (server.address() as AddressInfo).port };
			const request = http.request({ ...target, path, method: 'GET', agent: false, headers: ['Host', 'localhost', ...headers] }, response => {
				assert.equal(response.statusCode, 200);
				response.resume();
				response.on('end', resolve);
			});
			request.on('error', reject);
			request.end();
		});
	} finally {
		await new Promise(resolve => server.close(resolve));
	}
	assert.ok(captured);
	return captured;
}

describe('fromNodeRequest(request, options)', () => {
	describe('remoteAddr', () => {
		it('should write TCP peers like Go r.RemoteAddr', () => {
			assert.equal(fromNodeRequest(tcp('10.0.0.1', 1234, 'IPv4')).remoteAddr, '10.0.0.1:1234');
			assert.equal(fromNodeRequest(tcp('::1', 80, 'IPv6')).remoteAddr, '[::1]:80');
			assert.equal(fromNodeRequest(tcp('fe80::1%eth0', 80, 'IPv6')).remoteAddr, '[fe80::1%eth0]:80');
			assert.equal(fromNodeRequest(tcp('2001:db8::1', 0)).remoteAddr, '[2001:db8::1]:0');
		});
		it('should print IPv4-mapped and IPv4-compatible peers as Go does', () => {
			assert.equal(fromNodeRequest(tcp('::ffff:10.0.0.1', 5, 'IPv6')).remoteAddr, '10.0.0.1:5');
			assert.equal(fromNodeRequest(tcp('::FFFF:10.0.0.1', 5, 'IPv6')).remoteAddr, '10.0.0.1:5');
			assert.equal(fromNodeRequest(tcp('::10.0.0.1', 5, 'IPv6')).remoteAddr, '[::a00:1]:5');
			assert.equal(fromNodeRequest(tcp('::1.2.3.4', 5, 'IPv6')).remoteAddr, '[::102:304]:5');
		});
		it('should give the bare address when the port is unknown', () => {
			assert.equal(fromNodeRequest(tcp('10.0.0.1')).remoteAddr, '10.0.0.1');
			assert.equal(fromNodeRequest(tcp('::1', Number.NaN)).remoteAddr, '::1');
		});
		it('should map UNIX-socket peers to @', () => {
			assert.equal(fromNodeRequest(tcp(undefined)).remoteAddr, '@');
			assert.equal(fromNodeRequest(tcp('10.0.0.1', 1), { listener: 'unix' }).remoteAddr, '@');
			assert.equal(fromNodeRequest({ headers: {} }, { listener: 'unix' }).remoteAddr, '@');
		});
		it('should give null when there is no peer to report', () => {
			assert.equal(fromNodeRequest({ headers: {} }).remoteAddr, null);
			assert.equal(fromNodeRequest({ socket: null, headers: {} }).remoteAddr, null);
			assert.equal(fromNodeRequest(tcp(undefined), { listener: 'tcp' }).remoteAddr, null);
		});
	});

	describe('headers', () => {
		it('should keep repeated headers apart from rawHeaders so the first one can win', () => {
			const request = { rawHeaders: ['Remote-User', 'alice', 'Host', 'x', 'remote-user', 'bob'], headers: { 'remote-user': 'alice, bob' } };
			assert.deepEqual({ ...fromNodeRequest(request).headers }, { 'remote-user': ['alice', 'bob'], host: 'x' });
		});
		it('should fall back to headers, lower-casing names and dropping non-strings', () => {
			const headers = { 'Remote-User': 'alice', 'x-list': ['a', 'b'], 'x-bad': 5 } as unknown as NodeRequestLike['headers'];
			assert.deepEqual({ ...fromNodeRequest({ headers }).headers }, { 'remote-user': 'alice', 'x-list': ['a', 'b'] });
		});
		it('should not let a __proto__ header touch the prototype', () => {
			const result = fromNodeRequest({ rawHeaders: ['__proto__', 'x', 'Remote-User', 'a'] });
			assert.equal(result.headers['__proto__'], 'x');
			assert.equal(result.headers['remote-user'], 'a');
		});
	});

	describe('path', () => {
		it('should drop the query and keep the raw path', () => {
			assert.equal(fromNodeRequest({ url: '/app/?a=1#x' }).path, '/app/');
			assert.equal(fromNodeRequest({ url: '/share/a%2Fb' }).path, '/share/a%2Fb');
			assert.equal(fromNodeRequest({ url: 'http://example.com/rest/ping?u=x' }).path, '/rest/ping');
			assert.equal(fromNodeRequest({ url: 'http://example.com' }).path, '/');
			assert.equal(fromNodeRequest({ url: '*' }).path, '*');
			assert.equal('path' in fromNodeRequest({ headers: {} }), false);
		});
	});

	describe('robustness', () => {
		it('should never throw on junk', () => {
			const throwing = new Proxy({}, { get: () => { throw new Error('boom'); } });
			for (const junk of [null, undefined, 42, 'x', [], throwing, { socket: 5, headers: 'x', rawHeaders: [1, 2, 3], url: {} }]) {
				const result = fromNodeRequest(junk as NodeRequestLike);
				assert.equal(typeof result.headers, 'object');
				assert.ok(result.remoteAddr === null || typeof result.remoteAddr === 'string');
			}
		});
	});

	describe('over real sockets', () => {
		it('should report a loopback IPv4 peer as 127.0.0.1:port and strip the query', async () => {
			const request = await captureOverHttp({ host: '127.0.0.1' }, ['Remote-User', 'alice', 'Remote-User', 'mallory']);
			assert.match(String(request.remoteAddr), /^127\.0\.0\.1:\d+$/);
			assert.equal(request.path, '/app/');
			assert.deepEqual(request.headers['remote-user'], ['alice', 'mallory']);
		});
		it('should report a UNIX-socket peer as @', async () => {
			const dir = mkdtempSync(join(tmpdir(), 'nd-extauth-'));
			try {
				const request = await captureOverHttp({ path: join(dir, 'gw.sock') }, ['Remote-User', 'alice']);
				assert.equal(request.remoteAddr, '@');
				assert.equal(request.headers['remote-user'], 'alice');
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});
});
