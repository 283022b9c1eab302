/** Command-line arguments of `navidrome-extauth`. Parsing never throws; problems come back as `error`. */
import { parseVersion } from '@navidrome-extauth/core';
import { fileKinds, parseFileKind } from '../analysis/detect.js';
import type { FileKind } from '../analysis/files.js';
import { parseRuleLevel } from '../analysis/findings.js';
import type { AnalysisOptions } from '../analysis/model/deployment.js';
import { parseCaddyVersion } from '../analysis/proxies/caddy/version.js';
import { parseSimulateArguments, type SimulateCliArguments } from './simulate.js';
import { parseProbeArguments, type ProbeArguments } from './probe/args.js';
import { splitFlag } from './flags.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
const outputFormats: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];

export type CheckArguments = {
	command: 'check';
	paths: string[];
	allowRead: string[];
	format: OutputFormat;
	options: AnalysisOptions;
	/** `--fix`: apply the preferred fixes (cli/fix.ts). */
	fix: boolean;
	/** `--stdin-filename NAME`: check standard input as if it were the file NAME. */
	stdinFilename?: string;
	/** `--kind PATH=KIND` (repeatable): read PATH as KIND, whatever its name or content says. */
	kinds: Array<{ path: string; kind: FileKind }>;
	/** `false` with `--no-error-on-empty`: a check with nothing to judge exits 0 instead of 2. */
	errorOnEmpty: boolean;
};

export type CliArguments = { command: 'help' } | { command: 'version' } | CheckArguments | SimulateCliArguments | ProbeArguments | { command: 'error'; message: string };

/** Exit statuses of `navidrome-extauth`, as documented in `usage` and the README. */
export const exitCodes = { clean: 0, errors: 1, usage: 2, output: 3 } as const;

export const usage = `Usage: navidrome-extauth check [paths...] [options]

Finds settings that silently turn Navidrome's external auth off, or let anyone act as anyone, in compose files,
.env, navidrome.toml, Caddyfiles, nginx and Traefik configs. Directories are searched (node_modules and .git skipped;
symbolic links are followed while they stay inside the paths given). Files are read only inside the paths given
(a named file brings its folder).

Options:
  --format text|json|sarif|github output format (default: text); github writes workflow annotations
  --fix                           apply the preferred fixes in place and list them; the exit code and report then
                                  describe what is left
  --stdin-filename <name>         check standard input as if it were the file <name> (its folder is read for
                                  includes only when <name> exists); with --fix, print the fixed text on stdout and
                                  the report on stderr
  --kind <path>=<kind>            read <path> as <kind>: compose, dotenv, navidrome-toml, caddyfile, nginx or traefik
                                  (repeatable); otherwise the kind comes from the name, then the content
  --no-error-on-empty             exit 0, not 2, when no file to judge is found
  --rule <id>=off|error|warning|info
                                  change or silence one rule (repeatable)
  --navidrome-version <version>   assume this Navidrome version when no image tag tells (0.58.0, v0.58, latest)
  --caddy-version <version>       assume this Caddy version when no image tag tells (2.11.4, v2.10, latest)
  --allow-read <dir>              also let includes and imports read files under <dir> (repeatable)
  -h, --help                      show this help
  -v, --version                   show the version

Exit codes: 0 no error-severity finding, 1 error-severity findings, 2 usage error, unreadable path argument or
nothing to judge (no file this tool reads was found), 3 output could not be written (closed pipe, full disk), or
--fix could not save a file.

'navidrome-extauth simulate --help' shows how to trace a request through the proxies to Navidrome's decision;
'navidrome-extauth probe --help' how to measure a Caddyfile or nginx configuration with the real proxy, or a running
deployment with --live.`;

/**
Parse `argv` (without `node` and the script). `knownRules` are the rule ids `--rule` accepts; an unknown id is an
error that names the nearest known one.
*/
export function parseArguments(argv: readonly string[], knownRules: readonly string[] = []): CliArguments {
	if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') return { command: 'help' };
	if (argv[0] === '-v' || argv[0] === '--version') return { command: 'version' };
	if (argv[0] === 'simulate') return parseSimulateArguments(argv.slice(1), (rest) => parseArguments(['check', ...rest], knownRules));
	if (argv[0] === 'probe') return parseProbeArguments(argv.slice(1), (rest) => parseArguments(['check', ...rest], knownRules));
	if (argv[0] !== 'check') return { command: 'error', message: `Unknown command '${argv[0]}'. Try 'navidrome-extauth check .'` };
	const paths: string[] = [];
	const allowRead: string[] = [];
	let format: OutputFormat = 'text';
	let fix = false;
	let stdinFilename: string | undefined;
	let errorOnEmpty = true;
	const kinds: CheckArguments['kinds'] = [];
	const options: AnalysisOptions = {};
	for (let i = 1; i < argv.length; i++) {
		const argument = argv[i]!;
		const [flag, inline] = splitFlag(argument);
		const value = (): string | undefined => inline ?? argv[++i];
		switch (flag) {
			case '-h':
			case '--help':
				return { command: 'help' };
			case '--format': {
				const chosen = value();
				if (!outputFormats.includes(chosen as OutputFormat)) return { command: 'error', message: `--format must be text, json, sarif or github (got '${chosen ?? ''}')` };
				format = chosen as OutputFormat;
				break;
			}
			case '--fix':
				if (inline !== undefined) return { command: 'error', message: '--fix takes no value' };
				fix = true;
				break;
			case '--stdin-filename': {
				const name = value();
				if (!name) return { command: 'error', message: '--stdin-filename expects the name of the file standard input stands for' };
				stdinFilename = name;
				break;
			}
			case '--kind': {
				const setting = value() ?? '';
				const equals = setting.lastIndexOf('=');
				const kind = parseFileKind(setting.slice(equals + 1));
				if (equals <= 0 || !kind) return { command: 'error', message: `--kind expects <path>=<kind> with <kind> one of ${fileKinds.join(', ')} (got '${setting}')` };
				kinds.push({ path: setting.slice(0, equals), kind });
				break;
			}
			case '--no-error-on-empty':
				if (inline !== undefined) return { command: 'error', message: '--no-error-on-empty takes no value' };
				errorOnEmpty = false;
				break;
			case '--rule': {
				const setting = value() ?? '';
				const equals = setting.lastIndexOf('=');
				const severity = parseRuleLevel(setting.slice(equals + 1));
				if (equals <= 0 || !severity) return { command: 'error', message: `--rule expects <rule-id>=off|error|warning|info (got '${setting}')` };
				const id = setting.slice(0, equals);
				if (knownRules.length > 0 && !knownRules.includes(id)) {
					const nearest = nearestRule(id, knownRules);
					return { command: 'error', message: `--rule: unknown rule id '${id}'${nearest ? `; did you mean '${nearest}'?` : ''}` };
				}
				options.ruleSeverity = { ...options.ruleSeverity, [id]: severity };
				break;
			}
			case '--navidrome-version':
			case '--caddy-version': {
				const version = value();
				const problem = versionProblem(flag, version);
				if (problem) return { command: 'error', message: problem };
				if (flag === '--navidrome-version') options.navidromeVersion = version!.trim();
				else options.caddyVersion = version!.trim();
				break;
			}
			case '--allow-read': {
				const directory = value();
				if (!directory) return { command: 'error', message: '--allow-read expects a directory' };
				allowRead.push(directory);
				break;
			}
			default:
				if (argument.startsWith('-') && argument !== '-') return { command: 'error', message: `Unknown option '${argument}'` };
				paths.push(argument);
		}
	}
	if (stdinFilename !== undefined) {
		if (paths.length > 0) return { command: 'error', message: `--stdin-filename checks standard input only; remove the paths (got '${paths[0]}')` };
		return { command: 'check', paths: [], allowRead, format, options, fix, stdinFilename, kinds, errorOnEmpty };
	}
	return { command: 'check', paths: paths.length > 0 ? paths : ['.'], allowRead, format, options, fix, kinds, errorOnEmpty };
}

/** Numeric versions with at most three parts and an optional `-pre`/`+build` suffix. */
const strictVersion = /^v?\d{1,6}(?:\.\d{1,6}){0,2}(?:[-+][0-9A-Za-z.+-]+)?$/;
/** Navidrome image tags the engine reads as "the newest release" (core `parseVersion` gives `undefined`). */
const navidromeFloatingTags = new Set(['latest', 'develop']);

/**
A version the engine understands, or why not. Navidrome versions are read by core `parseVersion`, Caddy versions by
`parseCaddyVersion`; both are lenient about image-tag suffixes, which an explicit option should not be.
*/
function versionProblem(flag: '--navidrome-version' | '--caddy-version', given: string | undefined): string | undefined {
	const text = given?.trim() ?? '';
	const example = flag === '--navidrome-version' ? '0.58.0, v0.58 or latest' : '2.11.4, v2.10 or latest';
	if (!text) return `${flag} expects a version such as ${example}`;
	const lower = text.toLowerCase();
	const understood =
		flag === '--navidrome-version'
			? navidromeFloatingTags.has(lower) || (strictVersion.test(text) && parseVersion(text) !== undefined)
			: lower === 'latest' || (strictVersion.test(text) && parseCaddyVersion(text) !== undefined);
	return understood ? undefined : `${flag} expects a version such as ${example} (got '${text}')`;
}

/** The known id closest to `id` by edit distance (or by its name without the `area/` prefix), if one is close. */
function nearestRule(id: string, known: readonly string[]): string | undefined {
	const lower = id.toLowerCase();
	let best: { id: string; distance: number } | undefined;
	for (const candidate of known) {
		const name = candidate.slice(candidate.indexOf('/') + 1);
		const distance = lower === name || lower === candidate.toLowerCase() ? 0 : Math.min(editDistance(lower, candidate), editDistance(lower, name));
		if (!best || distance < best.distance) best = { id: candidate, distance };
	}
	return best && best.distance <= Math.max(2, Math.floor(id.length / 4)) ? best.id : undefined;
}

function editDistance(a: string, b: string): number {
	if (a.length > 200 || b.length > 200) return Number.POSITIVE_INFINITY;
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		previous = current;
	}
	return previous[b.length]!;
}
