/**
Request matchers as written (proxies.md §2.4 "Matchers"): named definitions `@name …` and the matcher token that may
start a directive's arguments. Semantics (which requests match) belong to the route model.
*/
import type { Span } from '../../text.js';
import type { Block, Directive, MatcherDefinition, MatcherEntry, Token } from './ast.js';

/** The matcher a handler directive starts with: `*`, a path (`/…`) or `@name`. */
export type MatcherReference = {
	kind: 'all' | 'path' | 'named';
	token: Token;
	/** For `named`: the name including `@`. */
	name?: string;
};

/**
Caddy's rule for handler directives: a first argument `*`, starting with `/` or with `@` is a matcher. Only meaningful
for directives in a handler context (site, `handle`, `route`…), not for subdirectives.
*/
export function directiveMatcher(directive: Directive): MatcherReference | undefined {
	const token = directive.args[0];
	if (!token) return undefined;
	if (token.text === '*') return { kind: 'all', token };
	if (token.text.startsWith('/')) return { kind: 'path', token };
	if (token.text.startsWith('@')) return { kind: 'named', token, name: token.text };
	return undefined;
}

/**
Interpret a `@name …` line ([S] httpcaddyfile `parseMatcherDefinitions`): a quoted first argument is an `expression`
(the rest of the line is ignored); otherwise the arguments form one matcher, or the block has one matcher per line.
*/
export function interpretMatcherDefinition(directive: Directive): MatcherDefinition {
	const first = directive.args[0];
	if (first && first.quote !== 'none') {
		return {
			name: directive.name,
			form: 'expression',
			matchers: [{ type: 'expression', typeToken: first, args: [first], shorthand: true, file: first.file, span: first.span }],
		};
	}
	if (first) {
		return { name: directive.name, form: 'inline', matchers: [entryFromTokens(first, directive.args.slice(1), directive.block, directive.file)] };
	}
	return { name: directive.name, form: directive.block ? 'block' : 'inline', matchers: entriesFromBlock(directive.block) };
}

function entriesFromBlock(block: Block | undefined): MatcherEntry[] {
	return block ? block.directives.map(line => entryFromTokens(line.nameToken, line.args, line.block, line.file)) : [];
}

function entryFromTokens(typeToken: Token, args: Token[], block: Block | undefined, file: string): MatcherEntry {
	const entry: MatcherEntry = { type: typeToken.text, typeToken, args, file, span: spanOf(typeToken, args, block, file) };
	if (block) entry.block = block;
	if (typeToken.text === 'not') {
		// `not` takes one matcher on its line, or a block of them.
		entry.not = args.length > 0 ? [entryFromTokens(args[0]!, args.slice(1), block, file)] : entriesFromBlock(block);
	}
	return entry;
}

function spanOf(first: Token, args: Token[], block: Block | undefined, file: string): Span {
	let end = first.span.end;
	for (const arg of args) if (arg.file === file && arg.span.end > end) end = arg.span.end;
	if (block && block.file === file && block.span.end > end) end = block.span.end;
	return { start: first.span.start, end };
}
