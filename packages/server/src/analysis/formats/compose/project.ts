/**
Which compose files Docker Compose reads together in a folder: `COMPOSE_FILE` from the folder's `.env` (split on
`COMPOSE_PATH_SEPARATOR`, else `:`), else the first of `compose.yaml`, `compose.yml`, `docker-compose.yml`,
`docker-compose.yaml` and the first override file beside it (`compose.override.yml`, …). The first file is the base;
the others are merged onto it in order (https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/,
https://docs.docker.com/compose/how-tos/environment-variables/envvars/#compose_file).
*/
import { resolvePath } from '../../files.js';
import type { DotenvFile } from '../dotenv/parse.js';

const defaultNames = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const overrideNames = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/** At most this many files in one `COMPOSE_FILE`. */
const maxProjectFiles = 16;

/**
The files Compose reads in `dir`, in merge order, as absolute paths; `exists` tells whether a path can be read. From
`COMPOSE_FILE` every listed file counts (Compose fails on a missing one); by default only files that exist.
*/
export function projectFiles(dir: string, dotenv: DotenvFile | undefined, exists: (path: string) => boolean): string[] {
	const entry = dotenv?.values.get('COMPOSE_FILE');
	if (entry && !entry.fromShell && entry.value.trim() !== '') {
		const separatorEntry = dotenv?.values.get('COMPOSE_PATH_SEPARATOR');
		const separator = separatorEntry && !separatorEntry.fromShell && separatorEntry.value !== '' ? separatorEntry.value : entry.value.includes(':') || !entry.value.includes(';') ? ':' : ';';
		const files = entry.value
			.split(separator)
			.map((part) => part.trim())
			.filter((part) => part !== '')
			.map((part) => resolvePath(dir, part));
		return [...new Set(files)].slice(0, maxProjectFiles);
	}
	const base = defaultNames.map((name) => resolvePath(dir, name)).find(exists);
	if (!base) return [];
	const override = overrideNames.map((name) => resolvePath(dir, name)).find(exists);
	return override ? [base, override] : [base];
}

/**
A compose file's place in its folder's project: the base (with the files merged onto it), an override of the base,
or a file Compose reads only when named (`-f stack.yml`), which is a project of its own.
*/
export type ProjectRole = { kind: 'base'; overrides: string[] } | { kind: 'override'; base: string } | { kind: 'alone' } | { kind: 'unread' };

/** `unread`: an override file (by its name) that the folder's project leaves out, which Compose never reads. */
export function projectRole(path: string, files: readonly string[]): ProjectRole {
	const index = files.indexOf(path);
	if (index < 0) return files.length > 0 && overrideNames.includes(path.slice(path.lastIndexOf('/') + 1)) ? { kind: 'unread' } : { kind: 'alone' };
	if (index === 0) return { kind: 'base', overrides: files.slice(1) };
	return { kind: 'override', base: files[0]! };
}
