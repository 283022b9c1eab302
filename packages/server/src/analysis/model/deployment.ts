/**
The linked model of one deployment: Navidrome instances with their effective settings, the other services and
networks, and the routes proxies add. Rules read only this model (and the parsed files it points to).
*/
import type { SettingKey } from '@navidrome-extauth/core';
import type { FileKind, SourceFile } from '../files.js';
import type { ComposeFile, ComposeNetwork, ComposeService } from '../formats/compose/types.js';
import type { DotenvFile } from '../formats/dotenv/parse.js';
import type { SyntaxError } from '../formats/syntax-error.js';
import type { AnalysisOptions } from '../options.js';
import type { NavidromeInstance } from './instance.js';
import type { ProxyRoute } from './route.js';

export type { AnalysisOptions } from '../options.js';
export type { NavidromeInstance } from './instance.js';
export type { AuthRun, Explanation, ForgeCause, Forgery, HeaderFate, Loss, LossCause, PeerTrust, ProxyKind, ProxyRoute } from './route.js';

/** A file after parsing. `data` is the format's own tree; `errors` are its syntax problems. */
export type ParsedFile<T = unknown> = SourceFile & { data: T; errors: SyntaxError[] };

export type ServiceRef = { compose: ComposeFile; service: ComposeService };
export type NetworkRef = { compose: ComposeFile; network: ComposeNetwork };

export type Deployment = {
	files: Map<string, ParsedFile>;
	composeFiles: ComposeFile[];
	dotenvFiles: Map<string, DotenvFile>;
	navidromes: NavidromeInstance[];
	services: ServiceRef[];
	networks: NetworkRef[];
	/** Lookup indexes (mounts, container → host paths, host names → services → Navidrome, peer trust), built once. */
	links: import('./links.js').Links;
	/** Filled by proxy adapters (Caddy, nginx, Traefik). */
	routes: ProxyRoute[];
	/** Files to analyse that the caller could not read (`AnalysisInput.unreadable`), for rule `io/read-refused`. */
	unreadable?: Array<{ path: string; problem: import('../files.js').ReadProblem }>;
	options: AnalysisOptions;
};


export function filesOfKind<T>(deployment: Deployment, kind: FileKind): Array<ParsedFile<T>> {
	return [...deployment.files.values()].filter((file) => file.kind === kind) as Array<ParsedFile<T>>;
}

/** Env var names for a setting key, including legacy spellings resolveSettings may cite. */
export type SettingSiteKey = SettingKey | string;
