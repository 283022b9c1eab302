import type { FormatHandler } from '../handler.js';
import { parseShell, type ShellScript } from './parse.js';

/** Shell scripts: what they export to Navidrome. A tolerant reader reports no syntax errors (it is not a shell). */
export const shellHandler: FormatHandler<ShellScript> = {
	kind: 'shell',
	parse(file) {
		return { data: parseShell(file.text), errors: [], dependencies: [] };
	},
};
