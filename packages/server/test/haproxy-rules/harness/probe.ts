/**
Forged requests for an HAProxy fixture: the requests of nginx-rules/harness/probe.ts, with the client-controlled
inputs an HAProxy configuration reads (`hdr(x)`, `req.hdr(x)`, `req.cook(x)`, `urlp(x)`) forged in the first one, and
the paths and Host names its ACLs test.
*/
import { parseHaproxy, type HaproxyAclTest } from '../../../src/analysis/formats/haproxy/index.js';
import { variants as nginxVariants, type Variant } from '../../nginx-rules/harness/probe.js';

export { observe, send, type Exchange } from '../../nginx-rules/harness/probe.js';

const protocolHeaders = new Set(['host', 'connection', 'content-length', 'content-type', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect', 'cookie', 'authorization']);

export function variants(header: string, text: string): Variant[] {
	const [forged, ...rest] = nginxVariants(header);
	const headers: Record<string, string> = {};
	const cookies: string[] = [];
	const query: string[] = [];
	for (const match of text.matchAll(/\b(req\.f?hdr|f?hdr|req\.cook|cook|urlp|url_param)\(([A-Za-z0-9_-]+)/g)) {
		const name = match[2]!.toLowerCase();
		if (match[1]!.includes('hdr')) {
			if (!protocolHeaders.has(name)) headers[name] = 'admin';
		} else if (match[1]!.includes('cook')) cookies.push(`${name}=admin`);
		else query.push(`${name}=admin`);
	}
	if (cookies.length > 0) headers.Cookie = [...new Set(cookies)].join('; ');
	const first: Variant = { ...forged!, headers, ...(query.length > 0 ? { query: [...new Set(query)].join('&') } : {}) };
	return [first, ...rest];
}

/** Every ACL test of the file: `acl` lines and anonymous ACLs in rules and switches. */
function testsIn(text: string): HaproxyAclTest[] {
	const { config } = parseHaproxy(text);
	const tests: HaproxyAclTest[] = [];
	for (const section of config.sections) {
		tests.push(...section.acls);
		for (const condition of [...section.httpRequest.map((rule) => rule.condition), ...section.useBackend.map((entry) => entry.condition)]) {
			for (const term of (condition?.groups ?? []).flat()) if (term.kind === 'anonymous') tests.push(term.test);
		}
	}
	return tests;
}

/** `/`, the typical paths, an auth-bypass path, and the literal paths the ACLs test. */
export function probePaths(text: string): string[] {
	const paths = new Set(['/', '/app/', '/rest/ping.view', '/share/abc', '/bypass/x']);
	for (const test of testsIn(text)) {
		const fetch = /^(path|url|base)(_beg|_dir)?$/.exec(test.fetch.split(',')[0]!);
		if (!fetch) continue;
		const prefix = Boolean(fetch[2]) || test.flags.some((flag) => flag.flag === '-m' && flag.arg === 'beg');
		for (const word of test.patterns) {
			if (!/^\/[A-Za-z0-9/_.-]*$/.test(word.value)) continue;
			paths.add(word.value);
			if (prefix) paths.add(word.value.endsWith('/') ? `${word.value}x` : `${word.value}/x`);
		}
	}
	return [...paths];
}

/** `music.example.com` and every literal host the ACLs test with `hdr(host)`. */
export function probeHosts(text: string): string[] {
	const hosts = new Set(['music.example.com']);
	for (const test of testsIn(text)) {
		if (!/^(req\.)?hdr(_beg|_dom|_str)?\(host\)/i.test(test.fetch)) continue;
		for (const word of test.patterns) if (/^[A-Za-z0-9.-]+$/.test(word.value) && word.value.includes('.')) hosts.add(word.value.toLowerCase());
	}
	return [...hosts];
}
