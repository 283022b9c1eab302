import { basename, dirname, resolvePath } from '../../files.js';
import type { FormatHandler, ParseContext } from '../handler.js';
import { capSyntaxErrors, type SyntaxError } from '../syntax-error.js';
import type { ApacheConfig, ApacheNode, ApacheParseError } from './ast.js';
import { includeCandidates, parseApache } from './parser.js';
import { isGlob } from '../../glob.js';

/**
Apache httpd files: the tree with includes spliced in, every included file read through the context (so the engine
tracks it). An include the read boundary refused is reported as refused (rule `io/read-refused`), not as missing.
*/
export const apacheHandler: FormatHandler<ApacheConfig> = {
	kind: 'apache',
	parse(file, context) {
		const readFile = (path: string): string | undefined => context.readText(path);
		const listFiles = (glob: string): string[] => context.workspace.listFiles(glob);
		const serverRoot = guessServerRoot(file.path, readFile);
		const result = parseApache(file.text, { file: file.path, serverRoot, readFile, listFiles });
		const errors = capSyntaxErrors(markRefused(result.config.nodes, result.errors, result.config.serverRoot, context));
		return { data: result.config, errors, dependencies: result.config.files.slice(1) };
	},
};

/**
A guess at ServerRoot for a file: the nearest folder (up to four levels up) holding `httpd.conf` or `apache2.conf`;
else the parent of a `sites-*`, `conf-*`, `mods-*`, `conf.d` or `extra` folder; else the file's own folder.
*/
export function guessServerRoot(file: string, readFile: (path: string) => string | undefined): string {
	let dir = dirname(file);
	for (let level = 0; level < 4; level++) {
		for (const name of ['httpd.conf', 'apache2.conf']) {
			if (safe(() => readFile(resolvePath(dir, name))) !== undefined) return basename(dir) === 'conf' && name === 'httpd.conf' ? dirname(dir) : dir;
		}
		if (dir === '/') break;
		dir = dirname(dir);
	}
	const parent = dirname(file);
	if (/^(sites|conf|mods)-(enabled|available)$|^(conf\.d|extra)$/.test(basename(parent))) return dirname(parent);
	return parent;
}

function safe<T>(read: () => T): T | undefined {
	try {
		return read();
	} catch {
		return undefined;
	}
}

function markRefused(nodes: readonly ApacheNode[], errors: ApacheParseError[], serverRoot: string | undefined, context: ParseContext): SyntaxError[] {
	const notFound = errors.filter((error) => error.code === 'include-not-found');
	if (notFound.length === 0 || !context.readProblem) return errors;
	const replaced = new Map<ApacheParseError, SyntaxError>();
	const visit = (list: readonly ApacheNode[]): void => {
		for (const node of list) {
			if (node.kind === 'section') {
				visit(node.children);
				continue;
			}
			const arg = node.args[0];
			if (!/^include(optional)?$/i.test(node.name) || !arg || isGlob(arg.value)) continue;
			const error = notFound.find((candidate) => candidate.file === node.file && candidate.span.start === arg.span.start);
			if (!error || replaced.has(error)) continue;
			for (const path of includeCandidates(arg.value, node.file, serverRoot)) {
				const problem = context.readProblem?.(path);
				if (!problem) continue;
				replaced.set(error, { message: `Not read: ${problem.message}`, span: arg.span, file: node.file, refused: { path, problem } });
				break;
			}
		}
	};
	visit(nodes);
	return replaced.size === 0 ? errors : errors.map((error) => replaced.get(error) ?? error);
}
