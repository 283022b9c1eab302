/**
Small read helpers over the nginx tree for the location model and the rules. All are iterative, so hostile nesting
cannot overflow the stack.
*/
import type { Directive } from './ast.js';

export type DirectiveVisit = {
	directive: Directive;
	/** Enclosing block directives, outermost first (`[http, server, location]`). */
	ancestors: readonly Directive[];
};

/** Every directive, depth-first in file order (included directives where their `include` stands), with its ancestors. */
export function* walkDirectives(directives: readonly Directive[]): Generator<DirectiveVisit> {
	const ancestors: Directive[] = [];
	const stack: Array<{ list: readonly Directive[]; index: number }> = [{ list: directives, index: 0 }];
	while (stack.length > 0) {
		const frame = stack[stack.length - 1]!;
		const directive = frame.list[frame.index++];
		if (!directive) {
			stack.pop();
			ancestors.pop();
			continue;
		}
		yield { directive, ancestors: [...ancestors] };
		if (directive.block && directive.block.length > 0) {
			ancestors.push(directive);
			stack.push({ list: directive.block, index: 0 });
		}
	}
}

/** Direct children of a block named `name` (nginx names are case-sensitive), in order. */
export function findDirectives(block: readonly Directive[] | undefined, name: string): Directive[] {
	return block ? block.filter((directive) => directive.name === name) : [];
}

/** The first direct child named `name`. */
export function findDirective(block: readonly Directive[] | undefined, name: string): Directive | undefined {
	return block?.find((directive) => directive.name === name);
}

/** The unescaped value of argument `index` (0 is the first argument after the name). */
export function argValue(directive: Directive, index: number): string | undefined {
	return directive.args[index]?.value;
}

export function argValues(directive: Directive): string[] {
	return directive.args.map((arg) => arg.value);
}

/** The context a directive sits in: `main` at top level, else the name of the innermost block (`http`, `location`…). */
export function contextName(ancestors: readonly Directive[]): string {
	return ancestors[ancestors.length - 1]?.name ?? 'main';
}

/** The `include` directives that brought `directive` in, innermost first; empty for the main file's own directives. */
export function includeChain(directive: Directive): Directive[] {
	const chain: Directive[] = [];
	for (let via = directive.via; via && chain.length < 1000; via = via.via) chain.push(via);
	return chain;
}
