import type { FormatHandler } from '../handler.js';
import type { SyntaxError } from '../syntax-error.js';
import type { CaddyfileParseResult } from './ast.js';
import { parseCaddyfile } from './parser.js';

/**
Caddyfiles: the tree with snippets and imports expanded (proxies.md §2.4). `{$VAR}` stays unresolved here because the
environment belongs to the Caddy container; the Caddy adapter re-reads the file with it once the compose link is known.
Every imported file (and every import that could not be read) is a dependency. An import the read boundary refused
is reported as refused (rule `io/read-refused`), not as a missing file.
*/
export const caddyfileHandler: FormatHandler<CaddyfileParseResult> = {
	kind: 'caddyfile',
	parse(file, context) {
		const result = parseCaddyfile(file.text, {
			file: file.path,
			readFile: (path) => context.readText(path),
			listFiles: (glob) => {
				try {
					const listed: unknown = context.workspace.listFiles(glob);
					return Array.isArray(listed) ? listed.filter((path): path is string => typeof path === 'string') : [];
				} catch {
					return [];
				}
			},
		});
		const dependencies = new Set<string>();
		let errors: SyntaxError[] = result.errors;
		for (const record of result.ast.imports) {
			for (const path of record.files) dependencies.add(path);
			if (record.kind !== 'file' || record.status !== 'missing') continue;
			dependencies.add(record.target);
			const problem = context.readProblem?.(record.target);
			const pattern = record.pattern;
			if (!problem || !pattern) continue;
			const at = (error: SyntaxError): boolean => error.file === pattern.file && error.span.start === pattern.span.start && error.span.end === pattern.span.end;
			errors = [...errors.filter((error) => !at(error)), { message: `Not read: ${problem.message}`, span: pattern.span, file: pattern.file, refused: { path: record.target, problem } }];
		}
		dependencies.delete(file.path);
		return { data: result, errors, dependencies: [...dependencies] };
	},
};
