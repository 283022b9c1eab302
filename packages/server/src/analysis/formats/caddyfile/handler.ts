import type { FormatHandler } from '../handler.js';
import type { CaddyfileParseResult } from './ast.js';
import { parseCaddyfile } from './parser.js';

/**
Caddyfiles: the tree with snippets and imports expanded (proxies.md §2.4). `{$VAR}` stays unresolved here because the
environment belongs to the Caddy container; the Caddy adapter re-reads the file with it once the compose link is known.
Every imported file (and every import that could not be read) is a dependency.
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
		for (const record of result.ast.imports) {
			for (const path of record.files) dependencies.add(path);
			if (record.kind === 'file' && record.status === 'missing') dependencies.add(record.target);
		}
		dependencies.delete(file.path);
		return { data: result, errors: result.errors, dependencies: [...dependencies] };
	},
};
