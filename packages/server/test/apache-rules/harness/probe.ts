/**
Requests for the Apache truth tests: the nginx harness's forged requests (`send`, `observe`) with variants for Basic
auth. Apache's Basic auth judges the request's own `Authorization`, so a signed-in forgery is valid Basic credentials
plus a forged header; the headers the configuration reads as client input (`SetEnvIf X-Forwarded-User …`,
`%{HTTP:X}`, `%{HTTP_X}s`) are forged too.
*/
import { parseApache, type ApacheNode } from '../../../src/analysis/formats/apache/index.js';
import type { Variant } from '../../nginx-rules/harness/probe.js';

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

function walk(nodes: readonly ApacheNode[], visit: (node: ApacheNode) => void): void {
	for (const node of nodes) {
		visit(node);
		if (node.kind === 'section') walk(node.children, visit);
	}
}

/** Request headers the configuration reads. */
export function clientInputs(texts: Iterable<string>): string[] {
	const found = new Set<string>();
	for (const text of texts) {
		walk(parseApache(text).config.nodes, (node) => {
			const name = node.name.toLowerCase();
			const words = node.args.map((arg) => arg.value);
			if ((name === 'setenvif' || name === 'setenvifnocase') && words[0] && !/^(remote_|server_|request_)/i.test(words[0])) found.add(words[0]);
			for (const word of words) {
				for (const match of word.matchAll(/%\{(?:HTTP|req|http):([^}]+)\}/g)) found.add(match[1]!);
				for (const match of word.matchAll(/%\{HTTP_([A-Z0-9_]+)\}s/g)) found.add(match[1]!.replaceAll('_', '-'));
			}
		});
	}
	return [...found].filter((header) => !/^(host|authorization|cookie|content-length|connection)$/i.test(header));
}

export function apacheVariants(header: string, texts: Iterable<string>): Variant[] {
	const forged: Record<string, string> = {};
	for (const input of clientInputs(texts)) forged[input] = 'admin';
	return [
		{ name: 'spoof', headers: { [header]: 'admin' }, authOk: false },
		{ name: 'two spellings', headers: { [header.toLowerCase()]: 'admin', [header.toUpperCase()]: 'root' }, authOk: false },
		{ name: 'forged client inputs', headers: { ...forged }, authOk: false },
		{ name: 'forged Basic', headers: { Authorization: basic('admin:whatever'), [header]: 'admin' }, authOk: false },
		{ name: 'valid Basic', headers: { Authorization: basic('alice:secret') }, authOk: true },
		{ name: 'valid Basic + spoof', headers: { Authorization: basic('alice:secret'), [header]: 'admin' }, authOk: true },
		{ name: 'valid Basic + lower-case spoof', headers: { Authorization: basic('alice:secret'), [header.toLowerCase()]: 'admin' }, authOk: true },
		{ name: 'valid Basic + forged client inputs', headers: { Authorization: basic('alice:secret'), ...forged }, authOk: true },
	];
}

/** Host names to send: music.example.com and every ServerName. */
export function probeHosts(texts: Iterable<string>): string[] {
	const hosts = new Set(['music.example.com']);
	for (const text of texts) walk(parseApache(text).config.nodes, (node) => {
		const value = node.name.toLowerCase() === 'servername' ? node.args[0]?.value : undefined;
		if (value && /^[A-Za-z0-9.-]+$/.test(value)) hosts.add(value.toLowerCase());
	});
	return [...hosts];
}

/** The typical paths, `/`, and one path inside every `<Location>` and `ProxyPass` prefix. */
export function probePaths(texts: Iterable<string>): string[] {
	const paths = new Set(['/', '/app/', '/rest/ping.view', '/share/abc', '/api/song']);
	for (const text of texts) walk(parseApache(text).config.nodes, (node) => {
		const name = node.name.toLowerCase();
		const first = node.args[0]?.value;
		if ((name === 'location' || name === 'proxypass') && first?.startsWith('/') && !/[*?[]/.test(first)) paths.add(first.endsWith('/') ? `${first}x` : first);
	});
	return [...paths];
}
