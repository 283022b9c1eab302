#!/usr/bin/env node
/** `navidrome-extauth check [paths...]`: the same analysis as the language server, for terminals, CI and editors' fixers. */
import { readSync, realpathSync, statSync } from 'node:fs';
import { relative as relativePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analyzer, type AnalysisResult } from './analysis/engine.js';
import { guessFileKind, type SkippedFile } from './analysis/detect.js';
import { dirname, type FileKind, type ReadProblem } from './analysis/files.js';
import { rules } from './analysis/rules/index.js';
import { coverageOf, nothingToJudge } from './analysis/verdict.js';
import { exitCodes, parseArguments, usage, type CheckArguments } from './cli/args.js';
import { createWriteBoundary, editableWorkspace, fixInMemory, writeFileAtomically, type EditableWorkspace } from './cli/fix.js';
import { formatGithub } from './cli/format-github.js';
import { formatJson } from './cli/format-json.js';
import { formatSarif } from './cli/format-sarif.js';
import { escapeControls, formatText } from './cli/format-text.js';
import { createNodeWorkspace, discoverFiles, fromEnginePath, toEnginePath, type DiscoveryProblem } from './cli/node-workspace.js';
import { maxFileSize } from './cli/read-boundary.js';
import { runSimulate, simulateUsage, type SimulateCliArguments } from './cli/simulate.js';
import { probeUsage, runProbe, type ProbeArguments } from './cli/probe/index.js';

type NodeWorkspace = ReturnType<typeof createNodeWorkspace>;

declare const PACKAGE_VERSION: string;
const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

/** Set once stdout or stderr fails (closed pipe, full disk); the run then ends with `exitCodes.output`. */
let outputFailed = false;

function main(argv: string[]): number | Promise<number> {
	const args = parseArguments(argv, rules.flatMap((rule) => [rule.id, ...(rule.aliases ?? [])]));
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
	if (args.command === 'simulate') return simulateCommand(args);
	if (args.command === 'probe') return probeCommand(args);
	return check(args);
}

/** `simulate`: the same inputs and analysis as `check`, then a trace per request; 0 whatever Navidrome decides. */
function simulateCommand(args: SimulateCliArguments): number {
	if (args.help) {
		write(process.stdout, `${simulateUsage}\n`);
		return exitCodes.clean;
	}
	const input = diskInput(args.paths, args.allowRead, []);
	if (typeof input === 'number') return input;
	const result = new Analyzer().analyze({ files: input.files, workspace: input.workspace, options: args.options, unreadable: input.unreadable });
	const output = runSimulate(result, args, relative);
	write(process.stdout, args.format === 'json' ? escapeJsonControls(output) : output);
	return exitCodes.clean;
}

/** `probe`: the configuration measured with the real proxy on loopback, or `--live URL` (cli/probe/). */
function probeCommand(args: ProbeArguments): number | Promise<number> {
	if (args.help) {
		write(process.stdout, `${probeUsage}\n`);
		return exitCodes.clean;
	}
	return runProbe(args, {
		env: process.env,
		out: (text) => write(process.stdout, args.format === 'json' ? escapeJsonControls(text) : text),
		err: (text) => write(process.stderr, text),
		relative,
		isRoot: process.getuid?.() === 0,
	});
}

function fail(message: string): number {
	write(process.stderr, `navidrome-extauth: ${message}\n`);
	return exitCodes.usage;
}

/**
What `check` analyses: files with their texts and kinds, the workspace they came from, what could not be read, and
files that look like configuration but are not read (`skipped`).
*/
type CheckInput = {
	roots: string[];
	files: Array<{ path: string; text: string; kind: FileKind }>;
	workspace: EditableWorkspace;
	disk: NodeWorkspace;
	unreadable: DiscoveryProblem[];
	skipped: SkippedFile[];
	stdinPath?: string;
};

/** `check`: read the inputs, analyse (fixing first with `--fix`), print the report; returns the exit status. */
function check(args: CheckArguments): number {
	for (const given of args.allowRead) {
		const problem = statProblem(given);
		if (problem) return fail(`--allow-read: cannot read '${escapeControls(given, 'path')}': ${problem}`);
	}
	const input = args.stdinFilename !== undefined ? stdinInput(args.stdinFilename, args.allowRead, args.kinds) : diskInput(args.paths, args.allowRead, args.kinds);
	if (typeof input === 'number') return input;
	const { files, workspace, unreadable } = input;
	const analyzer = new Analyzer();
	const analyze = (): AnalysisResult => analyzer.analyze({ files: files.map((file) => ({ path: file.path, text: workspace.text(file.path) ?? file.text, kind: file.kind })), workspace, options: args.options, unreadable });
	if (args.errorOnEmpty && files.length === 0 && unreadable.length === 0) return fail(emptyMessage(args.paths, input.skipped));
	let result: AnalysisResult;
	const log: string[] = [];
	let status: number = exitCodes.clean;
	if (!args.fix) result = analyze();
	else {
		// Standard input changes only its own text; the disk only inside the roots, by name and real path.
		const writeBoundary = createWriteBoundary(input.roots);
		const mayEdit = input.stdinPath !== undefined ? (path: string) => (path === input.stdinPath ? undefined : 'it is not the text on standard input') : (path: string) => writeBoundary.problem(path);
		const run = fixInMemory({ workspace, analyze, mayEdit });
		result = run.result;
		let applied = run.applied;
		if (input.stdinPath === undefined) {
			const failed = writeFixes(workspace, input.disk, writeBoundary.problem);
			for (const [path, problem] of failed) log.push(`not written ${escapeControls(relative(path), 'path')}: ${escapeControls(problem)}`);
			if (failed.size > 0) {
				status = exitCodes.output;
				for (const path of failed.keys()) workspace.edit(path, workspace.original(path)!);
				applied = applied.filter((fix) => fix.files.every((file) => !failed.has(file)));
				// Report what is on disk now.
				result = analyze();
			}
		}
		for (const fix of applied) log.push(`fixed ${fix.files.map((file) => escapeControls(relative(file), 'path')).join(', ')}: [${escapeControls(fix.ruleId)}] ${escapeControls(fix.title)}`);
		for (const skip of run.skipped) log.push(`not fixed ${escapeControls(relative(skip.finding.file), 'path')}:${skip.finding.range.start.line + 1}:${skip.finding.range.start.character + 1}: [${escapeControls(skip.finding.ruleId)}] ${escapeControls(skip.title)} (${escapeControls(relative(skip.file), 'path')}: ${escapeControls(skip.reason)})`);
		const changed = new Set(applied.flatMap((fix) => fix.files)).size;
		log.push(`${applied.length} fix${applied.length === 1 ? '' : 'es'} applied${applied.length ? ` to ${changed} file${changed === 1 ? '' : 's'}` : ''}.`);
	}
	// With --fix on standard input, stdout carries the fixed text and the report goes to stderr (as prettier does).
	const printsText = args.fix && input.stdinPath !== undefined;
	const report = printsText ? process.stderr : process.stdout;
	if (printsText) write(process.stdout, workspace.text(input.stdinPath!) ?? '');
	if (log.length > 0) write(args.format === 'text' ? report : process.stderr, `${log.join('\n')}\n`);
	const coverage = coverageOf(result, input.skipped);
	if (args.format === 'json') write(report, escapeJsonControls(formatJson(result.files, result.findings, relative, coverage)));
	else if (args.format === 'sarif') write(report, escapeJsonControls(formatSarif(result.findings, rules, relative, pathToFileURL(`${process.cwd()}/`).href, version, coverage)));
	else if (args.format === 'github') write(report, formatGithub(result.findings, relative));
	else write(report, formatText(result.files.length, result.findings, relative, Boolean(report.isTTY) && !process.env.NO_COLOR, coverage));
	if (status !== exitCodes.clean) return status;
	return result.findings.some((finding) => finding.severity === 'error') ? exitCodes.errors : exitCodes.clean;
}

/**
Writes every changed text of `workspace` to disk (cli/fix.ts `writeFileAtomically`); returns the paths that were
not written, with why. Paths that reach one real file are written once, and not at all when their texts differ.
*/
function writeFixes(workspace: EditableWorkspace, disk: NodeWorkspace, mayWrite: (path: string) => string | undefined): Map<string, string> {
	const failed = new Map<string, string>();
	const byReal = new Map<string, string[]>();
	for (const path of workspace.changed()) {
		let real: string;
		try {
			real = realpathSync.native(fromEnginePath(path));
		} catch {
			real = path;
		}
		byReal.set(real, [...(byReal.get(real) ?? []), path]);
	}
	for (const paths of byReal.values()) {
		const [first, ...others] = paths as [string, ...string[]];
		const text = workspace.text(first)!;
		const problem = others.some((other) => workspace.text(other) !== text)
			? 'it is reached by more than one path, with different fixes'
			: writeFileAtomically(first, text, { expected: workspace.original(first)!, readCurrent: (path) => disk.readFile(path), mayWrite });
		if (problem !== undefined) for (const path of paths) failed.set(path, problem);
	}
	return failed;
}

/**
Why `check` found nothing to judge (exit 2 unless `--no-error-on-empty`), as eslint says of patterns that match no
file: the paths searched, and the files that look like configuration but were not read.
*/
function emptyMessage(paths: string[], skipped: SkippedFile[]): string {
	const where = paths.map((path) => `'${escapeControls(path, 'path')}'`).join(', ');
	const lines = skipped.map((file) => `\n  not read: ${escapeControls(relative(file.path), 'path')}: ${escapeControls(file.what)}`);
	return `nothing to judge in ${where}: ${nothingToJudge}${lines.join('')}\n(--no-error-on-empty makes this exit 0; --kind <path>=<kind> reads a file as a kind)`;
}

/**
The files under the paths given on the command line, or an exit status. Directories are searched by name and
content (analysis/detect.ts); a named file is always read, as its `--kind`, else the best guess from its name,
content and extension, and is listed as skipped when none tells. `--kind` paths inside a searched directory are read
whatever discovery made of them.
*/
function diskInput(givenPaths: string[], allowRead: string[], kindOptions: CheckArguments['kinds']): CheckInput | number {
	// A named file brings its folder: Compose reads the `.env` and `env_file`s beside it, Caddy and nginx their includes.
	const roots = givenPaths.map((given) => {
		const path = toEnginePath(given);
		return isRegularFile(path) ? dirname(path) : path;
	});
	const disk = createNodeWorkspace({ roots, allowRead: allowRead.map(toEnginePath) });
	const workspace = editableWorkspace(disk);
	const chosen = new Map(kindOptions.map((option) => [toEnginePath(option.path), option.kind]));
	const kinds = new Map<string, FileKind>();
	const paths: string[] = [];
	const named = new Set<string>();
	const unreadable: DiscoveryProblem[] = [];
	const skipped: SkippedFile[] = [];
	const searched: string[] = [];
	for (const given of givenPaths) {
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
			paths.push(...discoverFiles(enginePath, [], 0, { roots, problems, readPrefix: (path) => disk.readPrefix(path), kinds, skipped }));
			const top = problems.find((p) => p.path === enginePath);
			if (top) return fail(problemText(top.problem, enginePath, given));
			unreadable.push(...problems);
			searched.push(enginePath);
		} else if (!stats.isFile()) {
			return fail(`cannot read '${shown}': ${stats.isFIFO() ? 'a FIFO' : stats.isSocket() ? 'a socket' : 'a device or special file'}, not a regular file`);
		} else {
			paths.push(enginePath);
			named.add(enginePath);
		}
	}
	for (const [path, kind] of chosen) {
		if (paths.includes(path)) continue;
		const shown = escapeControls(relative(path), 'path');
		if (!isRegularFile(path)) return fail(`--kind: cannot read '${shown}': ${statProblem(fromEnginePath(path)) ?? 'not a regular file'}`);
		if (!searched.some((folder) => path.startsWith(folder === '/' ? '/' : `${folder}/`))) return fail(`--kind: '${shown}' is not among the paths checked; name it too`);
		paths.push(path);
		named.add(path);
	}
	const files: CheckInput['files'] = [];
	for (const path of [...new Set(paths)].sort()) {
		const text = workspace.readFile(path);
		if (text === undefined) {
			const problem: ReadProblem = workspace.problem(path) ?? { reason: 'unreadable', message: `${path} could not be read (it may have been removed)` };
			if (named.has(path)) return fail(problemText(problem, path, relative(path)));
			unreadable.push({ path, problem });
			continue;
		}
		const guess = chosen.has(path) ? { kind: chosen.get(path)! } : named.has(path) ? guessFileKind(path, text) : { kind: kinds.get(path) ?? guessFileKind(path, text)?.kind };
		if (guess?.kind) files.push({ path, text, kind: guess.kind });
		else if (named.has(path)) {
			skipped.push({ path, ...(guess && 'skipped' in guess ? guess.skipped : { reason: 'unrecognised', what: 'named on the command line, but neither its name nor its content tells its kind (name it with --kind PATH=KIND)' }) });
		}
	}
	const seen = new Set<string>(files.map((file) => file.path));
	const once = <T extends { path: string }>(entry: T): boolean => !seen.has(entry.path) && Boolean(seen.add(entry.path));
	return { roots, files, workspace, disk, unreadable: unreadable.filter(once), skipped: skipped.filter(once) };
}

/**
Standard input, checked as if it were the file `name`: the kind comes from `--kind`, else the name, else the content
(as for a named file); when `name` exists its folder is the root its includes are read from; otherwise nothing else
is read (but `--allow-read` folders).
*/
function stdinInput(name: string, allowRead: string[], kindOptions: CheckArguments['kinds']): CheckInput | number {
	const path = toEnginePath(name);
	const shown = escapeControls(name, 'path');
	const stdin = readStandardInput(maxFileSize);
	if (typeof stdin !== 'string') return fail(`cannot read standard input: ${stdin.problem}`);
	const kind = kindOptions.find((option) => toEnginePath(option.path) === path)?.kind ?? guessFileKind(path, stdin)?.kind;
	if (!kind) return fail(`--stdin-filename: '${shown}' is not a file kind this tool reads (compose, .env, navidrome.toml, Caddyfile, nginx, Traefik), and its content does not tell; name it with --kind ${shown}=<kind>`);
	const roots = isRegularFile(path) ? [dirname(path)] : [];
	const disk = createNodeWorkspace({ roots, allowRead: allowRead.map(toEnginePath) });
	return { roots, files: [{ path, text: stdin, kind }], workspace: editableWorkspace(disk, [{ path, text: stdin }]), disk, unreadable: [], skipped: [], stdinPath: path };
}

/** All of standard input as UTF-8, or why not; more than `limit` bytes is refused, as for files (read-boundary.ts). */
function readStandardInput(limit: number): string | { problem: string } {
	const chunks: Buffer[] = [];
	let total = 0;
	const buffer = Buffer.allocUnsafe(64 * 1024);
	for (;;) {
		let count: number;
		try {
			count = readSync(0, buffer, 0, buffer.length, null);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException)?.code;
			if (code === 'EAGAIN') {
				// A non-blocking pipe with nothing in it yet: wait a little, without spinning.
				Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
				continue;
			}
			if (code === 'EOF') break;
			return { problem: code ?? 'error' };
		}
		if (count === 0) break;
		total += count;
		if (total > limit) return { problem: `it is larger than ${limit / (1024 * 1024)} MiB` };
		chunks.push(Buffer.from(buffer.subarray(0, count)));
	}
	return Buffer.concat(chunks, total).toString('utf8');
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
if (typeof status === 'number') process.exitCode = outputFailed ? exitCodes.output : status;
else void status.then((code) => (process.exitCode = outputFailed ? exitCodes.output : code));
