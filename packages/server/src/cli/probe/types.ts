/** Shapes shared by the probe's modules and printed by `--format json`. */
import type { ProxyRoute } from '../../analysis/model/deployment.js';

/** One way in to probe: a port the sandboxed proxy listens on and the Host header to send. */
export type ProbeTarget = {
	port: number;
	host: string;
	/** The site or server as the configuration names it, for the table. */
	label: string;
	/** The engine's neutral routes of this site or server. */
	routes: ProxyRoute[];
};

/** A configuration copied and rewritten into the sandbox, ready to run. */
export type PreparedProxy = {
	proxy: 'caddy' | 'nginx';
	command: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	cwd?: string;
	/** Every port the proxy listens on. */
	ports: number[];
	targets: ProbeTarget[];
	/** What the rewrite left out or changed beyond addresses. */
	notes: string[];
	/** The user's files that were copied (engine paths). */
	files: string[];
	/** The proxy's own log, for error messages. */
	log?: () => string;
};

/** What the engine says about one request path, from its neutral routes (before the gate) and the gate. */
export type StaticVerdict = {
	/** Routes to Navidrome whose witnesses include the path. */
	routes: string[];
	/** A client can choose the user (every forgery but a literal placeholder). */
	spoofable: boolean;
	/** A literal placeholder can reach Navidrome when the auth service answers without identity. */
	placeholder: boolean;
	/** `null`: no route runs an auth step on the path. */
	delivered: boolean | null;
	forgeries: Array<{ cause: string; who: string; route: string }>;
	losses: Array<{ cause: string; route: string }>;
	/** The gate's verdict for the first route with an outcome on the path (`null`: no outcome). */
	gate: 'live' | 'latent' | 'moot' | null;
	/** Findings reported at the locations of those outcomes: `rule-id (severity) file:line`. */
	findings: string[];
};

export type ProbeResult = {
	host: string;
	path: string;
	/** A forged user header reached Navidrome (or a request without identity arrived as a fixed user). */
	spoofable: boolean;
	/** A literal Caddy placeholder reached Navidrome as the user (auth answered without identity). */
	placeholder: boolean;
	/** The signed-in user reached Navidrome; `null` when no auth service was asked or the request went elsewhere. */
	delivered: boolean | null;
	/** Which requests showed it, in words. */
	evidence: string[];
	static: StaticVerdict;
	agrees: boolean;
};

export type ProbeReport = {
	proxy: 'caddy' | 'nginx';
	/** `caddy version` / `nginx -v`. */
	version: string;
	config: string;
	userHeader: string;
	results: ProbeResult[];
	notes: string[];
	/** The forged user name the probe sent. */
	forgedUser: string;
};

/** Where the probe writes, the environment the proxy runs with, and how paths are shown. */
export type ProbeIo = {
	env: NodeJS.ProcessEnv;
	out(text: string): void;
	err(text: string): void;
	relative(enginePath: string): string;
	/** Whether the process runs as root (nginx workers then run as root too, inside the sandbox). */
	isRoot?: boolean;
};
