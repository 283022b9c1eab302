#!/usr/bin/env node
/** `navidrome-extauth check [paths...]`: the same analysis as the language server, for terminals and CI. */
import { statSync } from 'node:fs';
import { relative as relativePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analyzer } from './analysis/engine.js';
import { detectFileKind, dirname, type ReadProblem } from './analysis/files.js';
import { rules } from './analysis/rules/index.js';
import { exitCodes, parseArguments, usage } from './cli/args.js';
import { formatJson } from './cli/format-json.js';
import { formatSarif } from './cli/format-sarif.js';
import { escapeControls, formatText } from './cli/format-text.js';
import { createNodeWorkspace, discoverFiles, fromEnginePath, toEnginePath, type DiscoveryProblem } from './cli/node-workspace.js';

declare const PACKAGE_VERSION: string;
const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

/** Set once stdout or stderr fails (closed pipe, full disk); the run then ends with `exitCodes.output`. */
let outputFailed = false;

function main(argv: string[]): number {
	const args = parseArguments(argv, rules.map((rule) => rule.id));
	if (args.command === 'help') {
		write(process.stdout, `${usage}\n`);
		return exitCodes.clean;
	}
	if (args.command === 'version') {
		write(process.stdout, `${version}\n`);
		return exitCodes.clean;
	}
	if (args.command === 'error') {
		write(process.stderr, `navidrome-extauth: ${escapeControls(args.message)}\n\n${usage}\n`);
		return exitCodes.usage;
	}
	const fail = (message: string): number => {
		write(process.stderr, `navidrome-extauth: ${message}\n`);
		return exitCodes.usage;
	};
	for (const given of args.allowRead) {
		const problem = statProblem(given);
		if (problem) return fail(`--allow-read: cannot read '${escapeControls(given, 'path')}': ${problem}`);
	}
	// A named file brings its folder: Compose reads the `.env` and `env_file`s beside it, Caddy and nginx their includes.
	const roots = args.paths.map((given) => {
		const path = toEnginePath(given);
		return isRegularFile(path) ? dirname(path) : path;
	});
	const workspace = createNodeWorkspace({ roots, allowRead: args.allowRead.map(toEnginePath) });
	const paths: string[] = [];
	const named = new Set<string>();
	const unreadable: DiscoveryProblem[] = [];
	for (const given of args.paths) {
		const enginePath = toEnginePath(given);
		const shown = escapeControls(given, 'path');
		let stats;
		try {
			// stat, not open: a FIFO or device argument is refused before anything could block on it.
			stats = statSync(fromEnginePath(enginePath));
		} catch (error) {
			return fail(`cannot read '${shown}': ${describeError(error)}`);
		}
		if (stats.isDirectory()) {
			const problems: DiscoveryProblem[] = [];
			paths.push(...discoverFiles(enginePath, [], 0, { roots, problems }));
			const top = problems.find((p) => p.path === enginePath);
			if (top) return fail(problemText(top.problem, enginePath, given));
			unreadable.push(...problems);
		} else if (!stats.isFile()) {
			return fail(`cannot read '${shown}': ${stats.isFIFO() ? 'a FIFO' : stats.isSocket() ? 'a socket' : 'a device or special file'}, not a regular file`);
		} else if (!detectFileKind(enginePath)) {
			return fail(`'${shown}' is not a file kind this tool reads (compose, .env, navidrome.toml, Caddyfile, nginx, Traefik)`);
		} else {
			paths.push(enginePath);
			named.add(enginePath);
		}
	}
	const files: Array<{ path: string; text: string }> = [];
	for (const path of [...new Set(paths)].sort()) {
		const text = workspace.readFile(path);
		if (text !== undefined) {
			files.push({ path, text });
			continue;
		}
		const problem: ReadProblem = workspace.problem(path) ?? { reason: 'unreadable', message: `${path} could not be read (it may have been removed)` };
		if (named.has(path)) return fail(problemText(problem, path, relative(path)));
		unreadable.push({ path, problem });
	}
	const seen = new Set<string>();
	const refused = unreadable.filter((entry) => !seen.has(entry.path) && seen.add(entry.path));
	const result = new Analyzer().analyze({ files, workspace, options: args.options, unreadable: refused });
	if (args.format === 'json') write(process.stdout, escapeJsonControls(formatJson(result.files, result.findings, relative)));
	else if (args.format === 'sarif') write(process.stdout, escapeJsonControls(formatSarif(result.findings, rules, relative, pathToFileURL(`${process.cwd()}/`).href, version)));
	else write(process.stdout, formatText(result.files.length, result.findings, relative, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
	return result.findings.some((finding) => finding.severity === 'error') ? exitCodes.errors : exitCodes.clean;
}

function relative(enginePath: string): string {
	return relativePath(process.cwd(), fromEnginePath(enginePath)) || '.';
}

/** A problem's message for stderr, with the absolute path at its start shown as the user gave it. */
function problemText(problem: ReadProblem, enginePath: string, shown: string): string {
	const quoted = `'${escapeControls(shown, 'path')}'`;
	if (problem.message.startsWith(`${enginePath} `)) return `${quoted} ${escapeControls(problem.message.slice(enginePath.length + 1))}`;
	return `cannot read ${quoted}: ${escapeControls(problem.message)}`;
}

/** Why a path given on the command line cannot be used, or `undefined` when it exists. */
function statProblem(given: string): string | undefined {
	try {
		statSync(fromEnginePath(toEnginePath(given)));
		return undefined;
	} catch (error) {
		return describeError(error);
	}
}

function isRegularFile(enginePath: string): boolean {
	try {
		return statSync(fromEnginePath(enginePath)).isFile();
	} catch {
		return false;
	}
}

function describeError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException)?.code;
	if (code === 'ENOENT') return 'no such file or directory';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return escapeControls(String((error as Error)?.message ?? error));
}

/**
JSON.stringify escapes C0 controls but leaves DEL, C1 controls and bidirectional overrides raw; write those as `\uXXXX`
too. They can only occur inside JSON strings, so the parsed value is unchanged.
*/
function escapeJsonControls(json: string): string {
	return json.replace(/[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Write without ever throwing: a failed write marks the run failed (`exitCodes.output`) and stops further output. */
function write(stream: NodeJS.WriteStream, text: string): void {
	if (outputFailed) return;
	try {
		stream.write(text);
	} catch (error) {
		outputError(stream)(error as NodeJS.ErrnoException);
	}
}

/**
A closed pipe (EPIPE, as with `| head`) ends the run quietly; any other write error (ENOSPC on a full disk) is named
once on stderr, if stderr still works. Either way the exit status is `exitCodes.output`, never a stack trace.
*/
function outputError(stream: NodeJS.WriteStream): (error: NodeJS.ErrnoException) => void {
	return (error) => {
		process.exitCode = exitCodes.output;
		if (outputFailed) return;
		outputFailed = true;
		if (stream === process.stdout && error?.code !== 'EPIPE') {
			try {
				process.stderr.write(`navidrome-extauth: cannot write the output (${error?.code ?? 'error'})\n`);
			} catch {
				// stderr is gone too
			}
		}
	};
}

process.stdout.on('error', outputError(process.stdout));
process.stderr.on('error', outputError(process.stderr));
const status = main(process.argv.slice(2));
process.exitCode = outputFailed ? exitCodes.output : status;
