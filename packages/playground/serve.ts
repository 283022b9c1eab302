/**
Serves dist/ on loopback (127.0.0.1 only) for `pnpm run playground`, the tests and the benchmark. Only the files
directly in the folder are served; anything else is 404. As a script: `node --import tsx serve.ts [port]`.
*/
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const distDir = fileURLToPath(new URL('./dist', import.meta.url));

const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export type Served = { url: string; requests: string[]; close(): Promise<void> };

/** Serves `dir` on 127.0.0.1 (`port` 0: any free port); `requests` records every path asked for. */
export async function serve(dir = distDir, port = 0): Promise<Served> {
	const files = new Map(readdirSync(dir).map((name) => [`/${name}`, readFileSync(join(dir, name))]));
	const requests: string[] = [];
	const server = createServer((request: IncomingMessage, response) => {
		const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
		requests.push(path);
		const body = files.get(path === '/' ? '/index.html' : path);
		if (!body || request.method !== 'GET') {
			response.writeHead(404).end();
			return;
		}
		const name = path === '/' ? 'index.html' : path;
		response.writeHead(200, { 'content-type': types[name.split('.').pop() ?? ''] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const address = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${address.port}/`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const served = await serve(distDir, Number(process.argv[2] ?? 4590));
	console.log(`Playground: ${served.url} (loopback only; Ctrl+C stops it)`);
}
