/** Command-line arguments of `navidrome-extauth`. Parsing never throws; problems come back as `error`. */
import { parseRuleLevel } from '../analysis/findings.js';
import type { AnalysisOptions } from '../analysis/model/deployment.js';

export type OutputFormat = 'text' | 'json' | 'sarif';

export type CliArguments =
	| { command: 'help' }
	| { command: 'version' }
	| { command: 'check'; paths: string[]; format: OutputFormat; options: AnalysisOptions }
	| { command: 'error'; message: string };

export const usage = `Usage: navidrome-extauth check [paths...] [options]

Finds settings that silently turn Navidrome's external auth off, or let anyone act as anyone, in compose files,
.env, navidrome.toml, Caddyfiles, nginx and Traefik configs. Directories are searched (node_modules and .git skipped).

Options:
  --format text|json|sarif        output format (default: text)
  --rule <id>=off|error|warning|info
                                  change or silence one rule (repeatable)
  --navidrome-version <version>   assume this Navidrome version when no image tag tells
  --caddy-version <version>       assume this Caddy version when no image tag tells
  -h, --help                      show this help
  -v, --version                   show the version

Exit codes: 0 no error-severity finding, 1 error-severity findings, 2 usage error or unreadable path.`;

export function parseArguments(argv: readonly string[]): CliArguments {
	if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === 'help') return { command: 'help' };
	if (argv[0] === '-v' || argv[0] === '--version') return { command: 'version' };
	if (argv[0] !== 'check') return { command: 'error', message: `Unknown command '${argv[0]}'. Try 'navidrome-extauth check .'` };
	const paths: string[] = [];
	let format: OutputFormat = 'text';
	const options: AnalysisOptions = {};
	for (let i = 1; i < argv.length; i++) {
		const argument = argv[i]!;
		const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
		const value = (): string | undefined => inline ?? argv[++i];
		switch (flag) {
			case '-h':
			case '--help':
				return { command: 'help' };
			case '--format': {
				const chosen = value();
				if (chosen !== 'text' && chosen !== 'json' && chosen !== 'sarif') return { command: 'error', message: `--format must be text, json or sarif (got '${chosen ?? ''}')` };
				format = chosen;
				break;
			}
			case '--rule': {
				const setting = value() ?? '';
				const equals = setting.lastIndexOf('=');
				const severity = parseRuleLevel(setting.slice(equals + 1));
				if (equals <= 0 || !severity) return { command: 'error', message: `--rule expects <rule-id>=off|error|warning|info (got '${setting}')` };
				options.ruleSeverity = { ...options.ruleSeverity, [setting.slice(0, equals)]: severity };
				break;
			}
			case '--navidrome-version':
			case '--caddy-version': {
				const version = value();
				if (!version) return { command: 'error', message: `${flag} expects a version such as 0.63.2` };
				if (flag === '--navidrome-version') options.navidromeVersion = version;
				else options.caddyVersion = version;
				break;
			}
			default:
				if (argument.startsWith('-') && argument !== '-') return { command: 'error', message: `Unknown option '${argument}'` };
				paths.push(argument);
		}
	}
	return { command: 'check', paths: paths.length > 0 ? paths : ['.'], format, options };
}
