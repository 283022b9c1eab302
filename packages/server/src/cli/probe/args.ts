/** Arguments of `navidrome-extauth probe`. Parsing never throws; problems come back as `error`. */
import type { FileKind } from '../../analysis/files.js';
import type { AnalysisOptions } from '../../analysis/model/deployment.js';
import { splitFlag } from '../flags.js';

export type ProbeArguments = {
	command: 'probe';
	paths: string[];
	allowRead: string[];
	options: AnalysisOptions;
	/** `--kind PATH=KIND`, as for `check`. */
	kinds: Array<{ path: string; kind: FileKind }>;
	format: 'text' | 'json';
	/** `--live URL`: probe a running deployment instead of a configuration. */
	live?: string;
	/** `--header NAME`: the user header to forge (default: the configured one, else `Remote-User`). */
	header?: string;
	/** `--as USER` (with `--live`): confirm with an existing user name. */
	user?: string;
	/** `--path P` (repeatable): the request paths to measure (default: Navidrome's and the model's witnesses). */
	requestPaths: string[];
	/** `--timeout SECONDS` for each request of `--live` (default 5). */
	timeoutMs: number;
	/** `--insecure` (with `--live`): accept a certificate that does not verify. */
	insecure: boolean;
	help: boolean;
};

export const probeUsage = `Usage: navidrome-extauth probe [paths...] [--path <path>]... [--header <name>] [--format text|json]
       navidrome-extauth probe --live <url> [--header <name>] [--as <user>] [--timeout <seconds>] [--insecure]

probe [paths...] measures your Caddyfile or nginx configuration with the locally installed caddy or nginx, in a
sandbox on 127.0.0.1: a copy of the configuration (your files are never changed) with upstreams pointed at a local
echo server, auth services at local fakes of the same kind and listen addresses at loopback ports. Per path it shows
whether a forged user header reached Navidrome, whether a signed-in user arrived, what the static analysis says, and
where the two disagree. Nothing is sent anywhere but 127.0.0.1.

probe --live <url> asks a running deployment, without side effects: GET <url>/rest/ping with a random user name that
does not exist in the user header, and once without it. Subsonic error 40 means the forged header was trusted; error
10 means it was not; 401 or a redirect means the proxy asks for auth. /app/ and /share/ are never probed (they
create users).

  --path <path>                   request path to measure (repeatable; default: /app/, /rest/ping, /share/abc,
                                  /api/song and the paths the static analysis names)
  --header <name>                 the user header to forge (default: Navidrome's configured one, else Remote-User)
  --format text|json              output format (default: text)
  --live <url>                    probe a running deployment at <url> (http or https)
  --as <user>                     with --live: also send the name of an existing user, to confirm (status ok)
  --timeout <seconds>             with --live: per request (default: 5)
  --insecure                      with --live: accept a TLS certificate that does not verify
  (and check's --allow-read, --kind, --navidrome-version, --caddy-version)

Exit codes: 0 nothing spoofable was measured, 1 a forged user reached Navidrome, 2 usage error, proxy not installed,
configuration the proxy refuses, or a live answer that tells nothing, 3 output could not be written.`;

type UsageError = { command: 'error'; message: string };

function isCheck(parsed: { command: string }): parsed is { command: 'check'; paths: string[]; allowRead: string[]; options: AnalysisOptions; kinds: Array<{ path: string; kind: FileKind }> } {
	return parsed.command === 'check';
}

/** Parses the arguments after `probe`; paths, `--allow-read`, `--kind` and versions go through `parseCommon` (check's parser). */
export function parseProbeArguments<Parsed extends { command: string }>(argv: readonly string[], parseCommon: (rest: string[]) => Parsed): Parsed | ProbeArguments | UsageError {
	const rest: string[] = [];
	const requestPaths: string[] = [];
	let format: 'text' | 'json' = 'text';
	let live: string | undefined;
	let header: string | undefined;
	let user: string | undefined;
	let timeoutMs = 5000;
	let insecure = false;
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
			case '--format': {
				const chosen = value();
				if (chosen !== 'text' && chosen !== 'json') return { command: 'error', message: `probe: --format must be text or json (got '${chosen ?? ''}')` };
				format = chosen;
				break;
			}
			case '--live': {
				const url = value()?.trim() ?? '';
				const problem = liveUrlProblem(url);
				if (problem) return { command: 'error', message: problem };
				live = url;
				break;
			}
			case '--header': {
				const name = value()?.trim() ?? '';
				if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$/.test(name)) return { command: 'error', message: `--header expects a header name such as Remote-User (got '${name}')` };
				header = name;
				break;
			}
			case '--as': {
				const name = value()?.trim();
				if (!name || /[\u0000-\u001f\u007f]/.test(name)) return { command: 'error', message: '--as expects a user name' };
				user = name;
				break;
			}
			case '--path': {
				const path = value();
				if (!path || !path.startsWith('/') || /[\s\u0000-\u001f\u007f]/.test(path)) return { command: 'error', message: `--path expects a path starting with / (got '${path ?? ''}')` };
				requestPaths.push(path);
				break;
			}
			case '--timeout': {
				const seconds = Number(value());
				if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) return { command: 'error', message: '--timeout expects a number of seconds between 0 and 120' };
				timeoutMs = Math.round(seconds * 1000);
				break;
			}
			case '--insecure':
				if (inline !== undefined) return { command: 'error', message: '--insecure takes no value' };
				insecure = true;
				break;
			case '--fix':
			case '--stdin-filename':
			case '--rule':
			case '--no-error-on-empty':
				return { command: 'error', message: `probe does not take ${flag}` };
			default:
				rest.push(argument);
		}
	}
	if (live === undefined && user !== undefined) return { command: 'error', message: '--as is for --live (a configuration probe signs in with a user of its own)' };
	const common = parseCommon(rest);
	if (common.command === 'probe') return { command: 'error', message: `Unexpected argument 'probe'` };
	if (!isCheck(common)) return common;
	// check's parser gives '.' when no path is named.
	const namedPaths = common.paths.length !== 1 || common.paths[0] !== '.' || rest.includes('.');
	if (live !== undefined && namedPaths) return { command: 'error', message: '--live probes a URL; remove the paths (or drop --live to measure a configuration)' };
	return { command: 'probe', paths: common.paths, allowRead: common.allowRead, options: common.options, kinds: common.kinds, format, ...(live !== undefined ? { live } : {}), ...(header !== undefined ? { header } : {}), ...(user !== undefined ? { user } : {}), requestPaths, timeoutMs, insecure, help };
}

/** Why `url` cannot be probed live: only absolute http(s) URLs without credentials, query or fragment. */
export function liveUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `--live expects an http:// or https:// URL (got '${url}')`;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `--live probes only http:// and https:// URLs (got '${parsed.protocol}')`;
	if (parsed.username || parsed.password) return '--live: leave credentials out of the URL';
	if (parsed.search || parsed.hash) return '--live expects the base URL of Navidrome, without a query or fragment';
	return undefined;
}
