/**
`navidrome-extauth simulate`: its arguments and its output. The request runs through `features/simulate.ts` over the
same analysis `check` makes; the exit status is 0 whatever Navidrome would decide (2 for a usage error).
*/
import type { AnalysisResult } from '../analysis/engine.js';
import type { AnalysisOptions } from '../analysis/model/deployment.js';
import { splitFlag } from './flags.js';
import { formatTraceText, simulate, type SimulatedRequest, type SimulationTrace } from '../features/simulate.js';
import { escapeControls } from './format-text.js';

export type SimulateCliArguments = {
	command: 'simulate';
	paths: string[];
	allowRead: string[];
	options: AnalysisOptions;
	format: 'text' | 'json';
	/** `--path`, each simulated in turn; the common probes when none is given. */
	requestPaths: string[];
	/** `--header`; empty means: forge each instance's user header as `admin`. */
	headers: Record<string, string>;
	/** `--as USER`. */
	user: string | undefined;
	/** `--from direct|<proxy>|<route id>`. */
	via: string | undefined;
	host: string | undefined;
	/** `-h`/`--help`: print `simulateUsage`. */
	help: boolean;
};

/** Paths probed when no `--path` is given: Subsonic, a public share, the web UI (navidrome-extauth.md §5). */
export const commonProbePaths = ['/rest/ping', '/share/x', '/app/'] as const;

export const simulateUsage = `Usage: navidrome-extauth simulate [paths...] [--path <path>]... [--header 'Name: value']... [--as <user>]
                                  [--from direct|<proxy>|<route id>] [--host <host>] [--format text|json]

Sends a client request through the deployment's proxy routes (or straight to a published Navidrome port) and shows,
per route: whether auth ran, what happened to each header, the address Navidrome sees, and Navidrome's decision.

  --path <path>                   request path (repeatable; default: ${commonProbePaths.join(', ')})
  --header 'Name: value'          a header the client sends (repeatable; default: a forged '<user header>: admin')
  --as <user>                     the client is signed in at the auth service as <user> (default: not signed in)
  --from direct|<proxy>|<id>      only this way in: direct, caddy, nginx, traefik, a proxy service or a route id
  --host <host>                   the Host header (default: every site and server that reaches Navidrome)
  --format text|json              output format (default: text)
  (and check's --allow-read, --navidrome-version, --caddy-version)

Exit codes: 0 after any simulation, 2 usage error or unreadable path argument, 3 output could not be written.`;

type UsageError = { command: 'error'; message: string };

/** Whether `parseCommon` gave `check`'s arguments (cli/args.ts's `CheckArguments`, not imported: args.ts imports this file). */
function isCheck(parsed: { command: string }): parsed is { command: 'check'; paths: string[]; allowRead: string[]; options: AnalysisOptions } {
	return parsed.command === 'check';
}

/**
Parses the arguments after `simulate`. Its own flags are taken here; the rest (paths, `--allow-read`, versions) go
through `parseCommon`, the `check` parser, so both commands read them the same way.
*/
export function parseSimulateArguments<Parsed extends { command: string }>(argv: readonly string[], parseCommon: (rest: string[]) => Parsed): Parsed | SimulateCliArguments | UsageError {
	const rest: string[] = [];
	const requestPaths: string[] = [];
	const headers: Record<string, string> = {};
	let user: string | undefined;
	let via: string | undefined;
	let host: string | undefined;
	let format: 'text' | 'json' = 'text';
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i]!;
		const [flag, inline] = splitFlag(argument);
		const value = (): string | undefined => inline ?? argv[++i];
		switch (flag) {
			case '-h':
			case '--help':
				help = true;
				break;
			case '--path': {
				const path = value();
				if (!path || !path.startsWith('/')) return { command: 'error', message: `--path expects a path starting with / (got '${path ?? ''}')` };
				requestPaths.push(path);
				break;
			}
			case '--header': {
				const text = value() ?? '';
				const colon = text.indexOf(':');
				const name = colon > 0 ? text.slice(0, colon).trim() : '';
				if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$/.test(name)) return { command: 'error', message: `--header expects 'Name: value' with a valid header name (got '${text}')` };
				headers[name] = text.slice(colon + 1).trim();
				break;
			}
			case '--as': {
				const name = value()?.trim();
				if (!name) return { command: 'error', message: '--as expects a user name' };
				user = name;
				break;
			}
			case '--from': {
				const name = value()?.trim();
				if (!name) return { command: 'error', message: '--from expects direct, a proxy (caddy, nginx, traefik), a proxy service or a route id' };
				via = name;
				break;
			}
			case '--host': {
				const name = value()?.trim();
				if (!name) return { command: 'error', message: '--host expects a host name' };
				host = name;
				break;
			}
			case '--format': {
				const chosen = value();
				if (chosen !== 'text' && chosen !== 'json') return { command: 'error', message: `simulate: --format must be text or json (got '${chosen ?? ''}')` };
				format = chosen;
				break;
			}
			case '--fix':
			case '--stdin-filename':
				return { command: 'error', message: `simulate does not take ${flag}` };
			default:
				rest.push(argument);
		}
	}
	const common = parseCommon(rest);
	if (common.command === 'simulate') return { command: 'error', message: `Unexpected argument 'simulate'` };
	if (!isCheck(common)) return common;
	return { command: 'simulate', paths: common.paths, allowRead: common.allowRead, options: common.options, format, requestPaths, headers, user, via, host, help };
}

/** The requests to simulate: each `--path`, with the headers given or a forged user header per instance. */
export function simulatedRequests(result: AnalysisResult, args: SimulateCliArguments): SimulatedRequest[] {
	const paths = args.requestPaths.length > 0 ? args.requestPaths : [...commonProbePaths];
	let headers = args.headers;
	if (Object.keys(headers).length === 0) {
		const names = [...new Set(result.deployment.navidromes.map((instance) => instance.settings.settings.userHeader.value || 'Remote-User'))];
		headers = Object.fromEntries((names.length > 0 ? names : ['Remote-User']).map((name) => [name, 'admin']));
	}
	return paths.map((path) => ({
		path,
		headers,
		...(args.user !== undefined ? { credentials: `signed-in as ${args.user}` } : {}),
		...(args.via !== undefined ? { via: args.via } : {}),
		...(args.host !== undefined ? { host: args.host } : {}),
	}));
}

/** Runs every request and renders the traces; file paths go through `relative`. */
export function runSimulate(result: AnalysisResult, args: SimulateCliArguments, relative: (path: string) => string): string {
	const traces = simulatedRequests(result, args).map((request) => simulate(result, request));
	if (args.format === 'json') {
		const shown = traces.map((trace): SimulationTrace => ({ ...trace, routes: trace.routes.map((route) => (route.location ? { ...route, location: { ...route.location, file: relative(route.location.file) } } : route)) }));
		// Address counts are BigInts (IPv6 ranges overflow doubles): written as decimal strings.
		return `${JSON.stringify({ requests: shown }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
	}
	return traces.map((trace) => escapeControls(formatTraceText(trace, (path) => escapeControls(relative(path), 'path')))).join('\n');
}
