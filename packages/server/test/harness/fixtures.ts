/** Loading fixture folders from disk into engine inputs (tests only; the engine itself never reads files). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { WorkspaceView } from '../../src/analysis/files.js';
import { globToRegExp } from '../../src/analysis/glob.js';

export type FixtureFile = { path: string; text: string };

export function readFixtureFolder(folder: string): FixtureFile[] {
	const files: FixtureFile[] = [];
	for (const name of readdirSync(folder).sort()) {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) files.push(...readFixtureFolder(path));
		else if (!name.endsWith('.fixed') && name !== 'options.json') files.push({ path, text: readFileSync(path, 'utf8') });
	}
	return files;
}

export function fixtureWorkspace(files: FixtureFile[]): WorkspaceView {
	const byPath = new Map(files.map((file) => [file.path, file.text]));
	return {
		readFile: (path) => byPath.get(path),
		listFiles: (glob) => {
			const pattern = globToRegExp(glob);
			return pattern ? [...byPath.keys()].filter((path) => pattern.test(path)).sort() : [];
		},
	};
}

export function displayPath(root: string, path: string): string {
	return relative(root, path);
}
