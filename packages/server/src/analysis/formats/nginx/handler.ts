import type { FormatHandler, ParseContext } from '../handler.js';
import type { SyntaxError } from '../syntax-error.js';
import type { Directive, NginxConfig, NginxParseError } from './ast.js';
import { guessConfigRoot, includeCandidates, isGlob, type IncludeIo } from './include.js';
import { parseNginx } from './parser.js';

/**
nginx files: the tree with includes spliced in; every included file read is a dependency. An include the read boundary
refused is reported as refused (rule `io/read-refused`), not as a missing file.
*/
export const nginxHandler: FormatHandler<NginxConfig> = {
	kind: 'nginx',
	parse(file, context) {
		const io: IncludeIo = {
			readFile: (path) => context.readText(path),
			listFiles: (glob) => context.workspace.listFiles(glob),
		};
		const root = guessConfigRoot(file.path, io);
		const result = parseNginx(file.text, { ...io, file: file.path, root });
		const errors = context.readProblem ? markRefused(result.ast.directives, result.errors, root, context) : result.errors;
		return { data: result.ast, errors, dependencies: result.files };
	},
};

/** Replaces "included file not found" by the boundary's reason when a candidate path exists but was refused. */
function markRefused(directives: readonly Directive[], errors: NginxParseError[], root: string, context: ParseContext): SyntaxError[] {
	const notFound = errors.filter((error) => error.code === 'include-not-found');
	if (notFound.length === 0) return errors;
	const replaced = new Map<NginxParseError, SyntaxError>();
	const visit = (list: readonly Directive[]): void => {
		for (const directive of list) {
			if (directive.block) visit(directive.block);
			const arg = directive.args[0];
			if (directive.name !== 'include' || directive.args.length !== 1 || !arg || isGlob(arg.value)) continue;
			const error = notFound.find((candidate) => candidate.file === directive.file && candidate.span.start === arg.span.start && candidate.span.end === arg.span.end);
			if (!error || replaced.has(error)) continue;
			for (const path of includeCandidates(arg.value, directive.file, root)) {
				const problem = context.readProblem?.(path);
				if (!problem) continue;
				replaced.set(error, { message: `Not read: ${problem.message}`, span: arg.span, file: directive.file, refused: { path, problem } });
				break;
			}
		}
	};
	visit(directives);
	return replaced.size === 0 ? errors : errors.map((error) => replaced.get(error) ?? error);
}
