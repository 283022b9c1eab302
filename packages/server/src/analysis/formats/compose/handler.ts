import { dirname, resolvePath } from '../../files.js';
import { parseDotenv } from '../dotenv/parse.js';
import type { FormatHandler } from '../handler.js';
import { parseCompose } from './parse.js';
import type { ComposeFile } from './types.js';

/** Compose interpolates from the `.env` beside the compose file (the project directory). */
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
		return { data, errors: data.errors, dependencies: [envPath] };
	},
};
