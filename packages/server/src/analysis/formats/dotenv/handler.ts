import type { FormatHandler } from '../handler.js';
import { capSyntaxErrors } from '../syntax-error.js';
import { parseDotenv, type DotenvFile } from './parse.js';

export const dotenvHandler: FormatHandler<DotenvFile> = {
	kind: 'dotenv',
	parse(file) {
		const data = parseDotenv(file.text);
		return { data, errors: capSyntaxErrors(data.errors), dependencies: [] };
	},
};
