#!/usr/bin/env node
/** `navidrome-extauth check [paths...]`: the same analysis as the language server, for terminals and CI. */
import { statSync } from 'node:fs';
import { relative as relativePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analyzer } from './analysis/engine.js';
import { detectFileKind } from './analysis/files.js';
import { rules } from './analysis/rules/index.js';
import { parseArguments, usage } from './cli/args.js';
import { formatJson } from './cli/format-json.js';
import { formatSarif } from './cli/format-sarif.js';
import { formatText } from './cli/format-text.js';
import { discoverFiles, fromEnginePath, nodeWorkspace, toEnginePath } from './cli/node-workspace.js';

declare const PACKAGE_VERSION: string;
const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

function main(argv: string[]): number {
	const args = parseArguments(argv);
	if (args.command === 'help') {
		process.stdout.write(`${usage}\n`);
		return 0;
	}
	if (args.command === 'version') {
		process.stdout.write(`${version}\n`);
		return 0;
	}
	if (args.command === 'error') {
		process.stderr.write(`navidrome-extauth: ${args.message}\n\n${usage}\n`);
		return 2;
	}
	const paths: string[] = [];
	for (const given of args.paths) {
		const enginePath = toEnginePath(given);
		let stats;
		try {
			stats = statSync(fromEnginePath(enginePath));
		} catch (error) {
			process.stderr.write(`navidrome-extauth: cannot read '${given}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}\n`);
			return 2;
		}
		if (stats.isDirectory()) paths.push(...discoverFiles(enginePath));
		else paths.push(enginePath);
	}
	const files: Array<{ path: string; text: string }> = [];
	for (const path of [...new Set(paths)].sort()) {
		const text = nodeWorkspace.readFile(path);
		if (text === undefined) {
			process.stderr.write(`navidrome-extauth: cannot read '${relative(path)}'\n`);
			return 2;
		}
		if (!detectFileKind(path) && args.paths.some((p) => toEnginePath(p) === path)) {
			process.stderr.write(`navidrome-extauth: '${relative(path)}' is not a file kind this tool reads (compose, .env, navidrome.toml, Caddyfile, nginx, Traefik)\n`);
			return 2;
		}
		files.push({ path, text });
	}
	const result = new Analyzer().analyze({ files, workspace: nodeWorkspace, options: args.options });
	if (args.format === 'json') process.stdout.write(formatJson(result.files, result.findings, relative));
	else if (args.format === 'sarif') process.stdout.write(formatSarif(result.findings, rules, relative, pathToFileURL(`${process.cwd()}/`).href, version));
	else process.stdout.write(formatText(result.files.length, result.findings, relative, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
	return result.findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}

function relative(enginePath: string): string {
	return relativePath(process.cwd(), fromEnginePath(enginePath)) || '.';
}

process.exitCode = main(process.argv.slice(2));
