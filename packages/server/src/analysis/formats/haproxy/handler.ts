import type { FormatHandler } from '../handler.js';
import { capSyntaxErrors } from '../syntax-error.js';
import type { HaproxyConfig } from './ast.js';
import { parseHaproxy } from './parser.js';

/** `haproxy.cfg` and other HAProxy files: one file, no includes (HAProxy loads several files only from its command line). */
export const haproxyHandler: FormatHandler<HaproxyConfig> = {
	kind: 'haproxy',
	parse(file) {
		const { config, errors } = parseHaproxy(file.text, file.path);
		return { data: config, errors: capSyntaxErrors(errors), dependencies: [] };
	},
};
