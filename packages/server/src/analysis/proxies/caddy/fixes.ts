/**
Mechanical Caddyfile fixes (proxies.md §2.3 "Working fixes", §8): strip the user header on exactly the requests
forward_auth skips (C8), strip it in a public reverse_proxy (C4), run the strip first by wrapping the site in `route`
(C3) or with a global `order` (C9), and rename a copied header to Navidrome's `ExtAuth.UserHeader`.
Fixes are only offered when every edited line is in one file and none came from an import.
*/
import type { Fix } from '../../findings.js';
import type { Block, CaddyfileAst, Directive, SiteBlock, Token } from '../../formats/caddyfile/index.js';
import type { HandlerRoute } from './chain.js';
import { entryText } from './conditions.js';
import { deleteMatches } from './headers.js';
import { directiveHead } from './site.js';
import type { AuthStep, CaddyRoute, CaddyVersionRange } from './types.js';

const local = (node: { file: string; imports?: readonly unknown[] }, file: string): boolean => node.file === file && !node.imports;

function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
}

function indentAt(text: string, offset: number): string {
	const start = lineStart(text, offset);
	let end = start;
	while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
	return text.slice(start, end);
}

/** Named matcher names used anywhere in the file, so a new one never collides. */
export function matcherNames(ast: CaddyfileAst): Set<string> {
	const names = new Set<string>();
	const visit = (block: Block): void => {
		for (const directive of block.directives) {
			if (directive.name.startsWith('@')) names.add(directive.name.toLowerCase());
			if (directive.block) visit(directive.block);
		}
	};
	for (const item of ast.items) visit(item.block);
	return names;
}

function freshName(names: Set<string>): string {
	if (!names.has('@public')) return '@public';
	for (let index = 2; ; index++) if (!names.has(`@public${index}`)) return `@public${index}`;
}

/** The named matcher `name` visible where `target` sits in `block` (innermost definition first). */
function definitionFor(block: Block, target: Directive, name: string, depth = 0): Directive | undefined | null {
	if (depth > 64) return null;
	for (const directive of block.directives) {
		if (directive === target) return block.directives.find((d) => d.name === name && d.matcherDefinition);
		if (directive.block) {
			const found = definitionFor(directive.block, target, name, depth + 1);
			if (found !== null) return found ?? block.directives.find((d) => d.name === name && d.matcherDefinition);
		}
	}
	return null;
}

/** Caddyfile text of the requests a matcher does NOT match, when it can be written on one line. */
function complementOf(site: SiteBlock, step: AuthStep): { text: string; definition?: Directive } | undefined {
	const token = step.matcherToken;
	if (!token) return undefined;
	if (token.text.startsWith('/')) return { text: `not path ${token.raw}` };
	if (!token.text.startsWith('@')) return undefined;
	const definition = definitionFor(site.block, step.directive, token.text) ?? undefined;
	const matchers = definition?.matcherDefinition?.matchers;
	if (!definition || matchers?.length !== 1) return undefined;
	const entry = matchers[0]!;
	if (entry.type === 'not') {
		const inner = entry.not?.length === 1 && !entry.block ? entryText(entry.not[0]!) : undefined;
		return inner ? { text: inner, definition } : undefined;
	}
	const text = entryText(entry);
	return text ? { text: `not ${text}`, definition } : undefined;
}

/** `@public <complement>` + `request_header @public -H` just before the forward_auth whose matcher lets the requests by. */
export function stripPublicFix(route: CaddyRoute, text: string, names: Set<string>): Fix | undefined {
	const step = route.skippedAuth.find((candidate) => candidate.kind === 'forward_auth' && candidate.matcherToken);
	if (!step || !local(step.directive, route.file)) return undefined;
	const complement = complementOf(route.site, step);
	if (!complement || (complement.definition && !local(complement.definition, route.file))) return undefined;
	const name = freshName(names);
	const at = lineStart(text, step.directive.span.start);
	const indent = indentAt(text, step.directive.span.start);
	return {
		title: `Strip ${route.userHeader} on the requests forward_auth skips (${name} ${complement.text})`,
		isPreferred: true,
		edits: [{ file: route.file, span: { start: at, end: at }, newText: `${indent}${name} ${complement.text}\n${indent}request_header ${name} -${route.userHeader}\n` }],
	};
}

/** `header_up -H` in a reverse_proxy that only unauthenticated requests reach. */
export function headerUpStripFix(route: CaddyRoute, siblings: readonly CaddyRoute[], text: string): Fix | undefined {
	const proxy = route.proxy;
	if (!local(proxy, route.file) || siblings.some((other) => other.proxy === proxy && other.authenticated)) return undefined;
	const indent = indentAt(text, proxy.span.start);
	const block = proxy.block;
	let edit;
	if (block?.open && block.close && local(block.open, route.file)) {
		const first = block.directives[0];
		const inner = first && local(first, route.file) ? indentAt(text, first.span.start) : `${indent}\t`;
		edit = { file: route.file, span: { start: block.open.span.end, end: block.open.span.end }, newText: `\n${inner}header_up -${route.userHeader}` };
	} else if (!block) {
		const end = directiveHead(proxy).span.end;
		edit = { file: route.file, span: { start: end, end }, newText: ` {\n${indent}\theader_up -${route.userHeader}\n${indent}}` };
	} else return undefined;
	return { title: `Strip ${route.userHeader} in this reverse_proxy (header_up -${route.userHeader})`, isPreferred: true, edits: [edit] };
}

/** Whether a chain route only deletes the user header (a strip that can safely run first). */
function isStrip(route: HandlerRoute, header: string): boolean {
	const handler = route.handler;
	return handler.kind === 'headers' && handler.ops.length > 0 && handler.ops.every((op) => (op.action === 'delete' && deleteMatches(op.field, header)) || (op.action === 'set' && op.value === '' && op.field.toLowerCase() === header.toLowerCase()));
}

/**
Wrap the site's handler directives in `route { … }` in the order Caddy runs them today, except that strips of the user
header move before the first auth step (C3). Matcher definitions and non-handler directives stay outside.
*/
export function wrapInRouteFix(route: CaddyRoute, chain: readonly HandlerRoute[], text: string): Fix | undefined {
	const site = route.site;
	const lost = route.lostAuth;
	if (!lost || lost.kind !== 'request_header' || !site.block.directives.includes(lost.directive)) return undefined;
	if (!route.authSteps.some((step) => site.block.directives.includes(step.directive))) return undefined;
	if (!site.block.directives.every((directive) => local(directive, route.file))) return undefined;
	if (site.braces && (!site.block.open || !site.block.close || !local(site.block.open, route.file) || !local(site.block.close, route.file))) return undefined;
	const inChain = new Set(chain.map((entry) => entry.directive));
	const strips = chain.filter((entry) => isStrip(entry, route.userHeader));
	const rest = chain.filter((entry) => !strips.includes(entry));
	const firstAuth = rest.findIndex((entry) => entry.handler.kind === 'auth');
	if (firstAuth < 0 || strips.length === 0) return undefined;
	const ordered = [...rest.slice(0, firstAuth), ...strips, ...rest.slice(firstAuth)];
	const directives = site.block.directives;
	const first = directives[0];
	if (!first) return undefined;
	const indent = indentAt(text, first.span.start);
	const unit = indent === '' || indent.startsWith('\t') ? '\t' : indent;
	const inner = indent + unit;
	const pieces = new Map(directives.map((directive, index) => [directive, piece(text, directive, index === 0 ? blockBodyStart(site, text) : directives[index - 1]!.span.end)]));
	const lines: string[] = [];
	for (const directive of directives) if (!inChain.has(directive)) lines.push(...reindent(pieces.get(directive)!, indent));
	lines.push(`${indent}route {`);
	for (const entry of ordered) lines.push(...reindent(pieces.get(entry.directive)!, inner));
	lines.push(`${indent}}`);
	const last = directives[directives.length - 1]!;
	let edit;
	if (site.braces) {
		const start = text.indexOf('\n', site.block.open!.span.end);
		const end = lineStart(text, site.block.close!.span.start);
		if (start < 0 || end <= start) return undefined;
		edit = { file: route.file, span: { start, end }, newText: `\n${lines.join('\n')}\n` };
	} else {
		const start = blockBodyStart(site, text);
		edit = { file: route.file, span: { start, end: last.span.end }, newText: `\n\n${lines.join('\n')}` };
	}
	return { title: `Wrap the site in route { … } so that the ${route.userHeader} strip runs before forward_auth`, isPreferred: true, edits: [edit] };
}

function blockBodyStart(site: SiteBlock, text: string): number {
	if (site.braces && site.block.open) {
		const newline = text.indexOf('\n', site.block.open.span.end);
		return newline < 0 ? text.length : newline;
	}
	const lastAddress = site.addresses[site.addresses.length - 1]?.token ?? site.block.directives[0]?.nameToken;
	if (!lastAddress) return 0;
	const newline = text.indexOf('\n', lastAddress.span.end);
	return newline < 0 ? text.length : newline;
}

/** A directive's lines (and the comment lines right above it), dedented. */
function piece(text: string, directive: Directive, after: number): string[] {
	const start = lineStart(text, directive.span.start);
	const own = text.slice(start, directive.span.end).split('\n');
	const indent = indentAt(text, directive.span.start);
	const comments: string[] = [];
	let cursor = start;
	while (cursor > after) {
		const previousStart = lineStart(text, cursor - 1);
		if (previousStart < after) break;
		const line = text.slice(previousStart, cursor - 1);
		const trimmed = line.trim();
		if (trimmed.startsWith('#')) comments.unshift(trimmed);
		else if (trimmed !== '') break;
		cursor = previousStart;
	}
	return [...comments, ...own.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))];
}

function reindent(lines: string[], indent: string): string[] {
	return lines.map((line) => (line === '' ? '' : `${indent}${line}`));
}

/** The smallest fix for the Navidrome-docs layout: `order request_header before forward_auth` (C9). */
export function orderOptionFix(ast: CaddyfileAst, file: string, text: string): Fix | undefined {
	// Moving a request_header that sets a value before forward_auth would run it before the auth answer exists.
	const setsValues = ast.sites.some((site) => someDirective(site.block, (directive) => directive.name === 'request_header' && !directive.args.some((arg) => arg.text.startsWith('-'))));
	if (setsValues) return undefined;
	const global = ast.globalOptions;
	const title = 'Add the global option `order request_header before forward_auth`';
	if (global) {
		if (!global.block.open || !local(global.block.open, file)) return undefined;
		return { title, edits: [{ file, span: { start: global.block.open.span.end, end: global.block.open.span.end }, newText: '\n\torder request_header before forward_auth' }] };
	}
	return { title, edits: [{ file, span: { start: 0, end: 0 }, newText: '{\n\torder request_header before forward_auth\n}\n\n' }] };
}

function someDirective(block: Block, test: (directive: Directive) => boolean, depth = 0): boolean {
	if (depth > 64) return false;
	return block.directives.some((directive) => test(directive) || (directive.block !== undefined && someDirective(directive.block, test, depth + 1)));
}

/** `copy_headers X` → `copy_headers X>H` when exactly one copied header names a user. */
export function renameCopyFix(step: AuthStep, header: string, file: string): Fix | undefined {
	if (step.copies.some((copy) => copy.to.toLowerCase() === header.toLowerCase())) return undefined;
	const candidates = step.copies.filter((copy) => /user|login/i.test(copy.from));
	if (candidates.length !== 1) return undefined;
	const token: Token = candidates[0]!.token;
	if (token.file !== file || token.imports || token.quote !== 'none') return undefined;
	const from = token.text.split('>')[0]!;
	return {
		title: `Copy ${from} as ${header} (copy_headers ${from}>${header})`,
		isPreferred: true,
		edits: [{ file, span: token.span, newText: `${from}>${header}` }],
	};
}

/** Make a strip's named matcher the exact complement of forward_auth's (one path list for both, §9 STRIP-MATCHER-GAP). */
export function alignStripFix(route: CaddyRoute, text: string): Fix | undefined {
	const strip = route.skippedStrips[0];
	const step = route.skippedAuth.find((candidate) => candidate.kind === 'forward_auth' && candidate.matcherToken);
	if (!strip || !step) return undefined;
	const complement = complementOf(route.site, step);
	const matcher = strip.directive.args[0];
	if (!complement || !matcher?.text.startsWith('@') || !local(strip.directive, route.file)) return undefined;
	const definition = definitionFor(route.site.block, strip.directive, matcher.text) ?? undefined;
	if (!definition || !local(definition, route.file) || definition.block || definition.args.length === 0) return undefined;
	const start = definition.args[0]!.span.start;
	const end = definition.args[definition.args.length - 1]!.span.end;
	if (end <= start || end > text.length) return undefined;
	return {
		title: `Match exactly what forward_auth skips (${matcher.text} ${complement.text})`,
		isPreferred: true,
		edits: [{ file: route.file, span: { start, end }, newText: complement.text }],
	};
}

/** The first Caddy release whose copy_headers deletes the target header before copying (proxies.md §2.2). */
export const copyHeadersFixedRelease = '2.11.2';

/**
Bump the Caddy image tag in compose to `copyHeadersFixedRelease`, keeping a variant suffix (`2.10.0-alpine` →
`2.11.2-alpine`). Only for a verbatim numeric tag; `text` is the compose file's.
*/
export function caddyTagBumpFix(version: CaddyVersionRange, text: string | undefined): Fix | undefined {
	const location = version.location;
	if (version.source !== 'image' || !location || text === undefined) return undefined;
	const tag = text.slice(location.span.start, location.span.end);
	const match = /^(v?)\d+(?:\.\d+){0,2}(?=$|[-+])/.exec(tag);
	if (!match) return undefined;
	const bumped = `${match[1]}${copyHeadersFixedRelease}${tag.slice(match[0].length)}`;
	return { title: `Use Caddy image tag ${bumped} (copy_headers removes the client's header from ${copyHeadersFixedRelease} on)`, edits: [{ ...location, newText: bumped }] };
}
