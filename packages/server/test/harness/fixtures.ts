/** Loading fixture folders from disk into engine inputs (tests only; the engine itself never reads files). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { WorkspaceView } from '../../src/analysis/files.js';
import { globToRegExp } from '../../src/analysis/glob.js';
import { createReadBoundary } from '../../src/cli/read-boundary.js';

export type FixtureFile = { path: string; text: string };

export function readFixtureFolder(folder: string): FixtureFile[] {
	const files: FixtureFile[] = [];
	for (const name of readdirSync(folder).sort()) {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) files.push(...readFixtureFolder(path));
		else if (!name.endsWith('.fixed') && name !== 'options.json' && name !== 'fix.json') files.push({ path, text: readFileSync(path, 'utf8') });
	}
	return files;
}

/** The fixture's files as a workspace; with `root`, paths the CLI's read boundary would refuse there say why. */
export function fixtureWorkspace(files: FixtureFile[], root?: string): WorkspaceView {
	const byPath = new Map(files.map((file) => [file.path, file.text]));
	const boundary = root === undefined ? undefined : createReadBoundary({ roots: [root] });
	return {
		readFile: (path) => byPath.get(path),
		listFiles: (glob) => {
			const pattern = globToRegExp(glob);
			return pattern ? [...byPath.keys()].filter((path) => pattern.test(path)).sort() : [];
		},
		problem: (path) => {
			if (!boundary || byPath.has(path)) return undefined;
			const checked = boundary.check(path);
			return checked.kind === 'refused' ? checked.problem : undefined;
		},
	};
}

export function displayPath(root: string, path: string): string {
	return relative(root, path);
}
