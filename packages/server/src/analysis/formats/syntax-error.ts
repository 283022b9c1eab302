import type { ReadProblem } from '../files.js';
import type { Span } from '../text.js';

/**
A parse problem in one file. Parsers return these instead of throwing. `refused` marks a directive (include, import,
`env_file`) whose file the read boundary refused; rule `io/read-refused` reports those, `syntax/parse-error` the rest.
*/
export type SyntaxError = { message: string; span: Span; file?: string; refused?: { path: string; problem: ReadProblem } };

/** Syntax errors kept per parse; a file of junk would otherwise give one per line. */
export const maxSyntaxErrors = 200;

/** The first `limit` errors, plus one at the first left out that says how many more there were. */
export function capSyntaxErrors(errors: SyntaxError[], limit = maxSyntaxErrors): SyntaxError[] {
	if (errors.length <= limit) return errors;
	const first = errors[limit]!;
	const kept = errors.slice(0, limit);
	kept.push({ message: `Too many syntax errors: ${errors.length - limit} more are not shown`, span: { start: first.span.start, end: first.span.end }, ...(first.file ? { file: first.file } : {}) });
	return kept;
}
