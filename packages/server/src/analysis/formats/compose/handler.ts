import { dirname, resolvePath } from '../../files.js';
import { parseDotenv } from '../dotenv/parse.js';
import type { FormatHandler } from '../handler.js';
import type { SyntaxError } from '../syntax-error.js';
import { parseCompose } from './parse.js';
import type { ComposeFile } from './types.js';

/**
Compose interpolates from the `.env` beside the compose file (the project directory). An `env_file` the read boundary
refused is reported at its entry (rule `io/read-refused`); the model reads env files later, through the same view.
*/
export const composeHandler: FormatHandler<ComposeFile> = {
	kind: 'compose',
	parse(file, context) {
		const envPath = resolvePath(dirname(file.path), '.env');
		const envText = context.readText(envPath);
		const variables = envText === undefined ? undefined : parseDotenv(envText).values;
		const data = parseCompose(file.path, file.text, (name) => {
			const entry = variables?.get(name);
			return entry && !entry.fromShell ? entry.value : undefined;
		});
		const errors: SyntaxError[] = [...data.errors];
		const dependencies = [envPath];
		for (const service of data.services) {
			for (const envFile of service.envFiles) {
				if (!dependencies.includes(envFile.path)) dependencies.push(envFile.path);
				const problem = context.readProblem?.(envFile.path);
				if (problem) errors.push({ message: `Not read: ${problem.message}`, span: envFile.span, file: file.path, refused: { path: envFile.path, problem } });
			}
		}
		return { data, errors, dependencies };
	},
};
