import type { FormatHandler } from '../handler.js';
import type { NginxConfig } from './ast.js';
import { guessConfigRoot, type IncludeIo } from './include.js';
import { parseNginx } from './parser.js';

/** nginx files: the tree with includes spliced in; every included file read is a dependency. */
export const nginxHandler: FormatHandler<NginxConfig> = {
	kind: 'nginx',
	parse(file, context) {
		const io: IncludeIo = {
			readFile: (path) => context.readText(path),
			listFiles: (glob) => context.workspace.listFiles(glob),
		};
		const result = parseNginx(file.text, { ...io, file: file.path, root: guessConfigRoot(file.path, io) });
		return { data: result.ast, errors: result.errors, dependencies: result.files };
	},
};
