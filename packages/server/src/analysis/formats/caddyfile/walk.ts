/**
Traversal of the Caddyfile tree for the route model and rules: every directive with its enclosing directives.
Snippet bodies are skipped by default because their tokens already appear, expanded, where they are imported.
*/
import type { Block, CaddyfileAst, Directive, TopLevelItem } from './ast.js';

export type DirectiveVisit = {
	directive: Directive;
	/** Enclosing directives, outermost first: `[handle, reverse_proxy]` for a `header_up`. */
	ancestors: readonly Directive[];
	/** The site, global options block, named route or snippet containing it. */
	item: TopLevelItem;
};

export type WalkOptions = {
	/** Visit snippet definitions too. @default false */
	snippets?: boolean;
	/** Visit the global options block. @default true */
	globalOptions?: boolean;
	/** Visit named routes. @default true */
	namedRoutes?: boolean;
};

/** Depth-first, in source order. */
export function* iterateDirectives(ast: CaddyfileAst, options: WalkOptions = {}): Generator<DirectiveVisit> {
	for (const item of ast.items) {
		if (item.kind === 'snippet' && !options.snippets) continue;
		if (item.kind === 'global' && options.globalOptions === false) continue;
		if (item.kind === 'named-route' && options.namedRoutes === false) continue;
		yield* iterateBlock(item.block, item);
	}
}

/** Directives of `block` and everything nested in them; `ancestors` are those enclosing `block`. */
export function* iterateBlock(block: Block, item: TopLevelItem, ancestors: readonly Directive[] = []): Generator<DirectiveVisit> {
	// Explicit stack: deep nesting must not exhaust the call stack.
	const stack: Array<{ directives: Directive[]; index: number; ancestors: readonly Directive[] }> = [{ directives: block.directives, index: 0, ancestors }];
	while (stack.length > 0) {
		const frame = stack[stack.length - 1]!;
		const directive = frame.directives[frame.index++];
		if (!directive) {
			stack.pop();
			continue;
		}
		yield { directive, ancestors: frame.ancestors, item };
		if (directive.block && directive.block.directives.length > 0) {
			stack.push({ directives: directive.block.directives, index: 0, ancestors: [...frame.ancestors, directive] });
		}
	}
}

/** Visit every directive; return `false` from `visit` to skip that directive's block. */
export function walkDirectives(ast: CaddyfileAst, visit: (visit: DirectiveVisit) => boolean | void, options: WalkOptions = {}): void {
	for (const item of ast.items) {
		if (item.kind === 'snippet' && !options.snippets) continue;
		if (item.kind === 'global' && options.globalOptions === false) continue;
		if (item.kind === 'named-route' && options.namedRoutes === false) continue;
		const stack: Array<{ directives: Directive[]; index: number; ancestors: readonly Directive[] }> = [{ directives: item.block.directives, index: 0, ancestors: [] }];
		while (stack.length > 0) {
			const frame = stack[stack.length - 1]!;
			const directive = frame.directives[frame.index++];
			if (!directive) {
				stack.pop();
				continue;
			}
			const descend = visit({ directive, ancestors: frame.ancestors, item });
			if (descend !== false && directive.block && directive.block.directives.length > 0) {
				stack.push({ directives: directive.block.directives, index: 0, ancestors: [...frame.ancestors, directive] });
			}
		}
	}
}

/** All directives with this name (or satisfying the predicate). */
export function findDirectives(ast: CaddyfileAst, name: string | ((directive: Directive) => boolean), options: WalkOptions = {}): DirectiveVisit[] {
	const test = typeof name === 'string' ? (directive: Directive) => directive.name === name : name;
	const found: DirectiveVisit[] = [];
	for (const visit of iterateDirectives(ast, options)) if (test(visit.directive)) found.push(visit);
	return found;
}

/** Named matchers defined directly in `block`, by name (`@name`); the first definition wins. */
export function matcherDefinitionsIn(block: Block): Map<string, Directive> {
	const definitions = new Map<string, Directive>();
	for (const directive of block.directives) {
		if (directive.matcherDefinition && !definitions.has(directive.name)) definitions.set(directive.name, directive);
	}
	return definitions;
}
