/**
The linked model of one deployment: Navidrome instances with their effective settings, the other services and
networks, and the routes proxies add. Rules read only this model (and the parsed files it points to).
*/
import type { ResolvedSettings, SettingKey, TrustedSourcesMatcher, Version } from '@navidrome-extauth/core';
import type { Location } from '../findings.js';
import type { FileKind, SourceFile } from '../files.js';
import type { ComposeFile, ComposeNetwork, ComposeService, PortMapping } from '../formats/compose/types.js';
import type { DotenvFile } from '../formats/dotenv/parse.js';
import type { SyntaxError } from '../formats/syntax-error.js';
import type { ValueSite } from './value-site.js';

/** A file after parsing. `data` is the format's own tree; `errors` are its syntax problems. */
export type ParsedFile<T = unknown> = SourceFile & { data: T; errors: SyntaxError[] };

export type NavidromeInstance = {
	/** Compose service name, or the navidrome.toml path for a standalone config. */
	id: string;
	service: ComposeService | undefined;
	compose: ComposeFile | undefined;
	/** navidrome.toml linked through a bind mount (or the standalone file). */
	tomlFile: string | undefined;
	tomlText: string | undefined;
	/** Effective settings for this instance's (known or assumed) version. */
	settings: ResolvedSettings;
	/**
	What the configuration asks for, resolved as the newest release would. Trust and exposure rules judge this, so a
	dangerous value is reported even while an old image silently ignores it (it becomes live on upgrade).
	*/
	intended: ResolvedSettings;
	/** Where each input (env var name in upper case, or TOML key as resolved by core) is written. */
	sites: Map<string, ValueSite>;
	/** Environment variables that reached the container and their sites, for hovers. */
	env: Map<string, { value: string; site: ValueSite }>;
	version: Version | undefined;
	/** How the version was learnt; `assumed` means the newest release. */
	versionSource: 'image' | 'option' | 'assumed';
	/** The image tag's location, for findings about the version. */
	imageLocation: Location | undefined;
	/** Port Navidrome listens on inside the container. */
	port: number;
	/** Published ports that reach Navidrome's port. */
	publishedPorts: PortMapping[];
	hostNetwork: boolean;
	/** Compose networks the service joins (`default` when none is listed). */
	networks: string[];
	/** The intended TrustedSources, compiled against the intended Address. */
	trust: TrustedSourcesMatcher;
	/**
	Set when no Navidrome configuration is in view and a proxy route is judged anyway: what was assumed, in words
	findings repeat. Such an instance has no file of its own; it reaches any upstream that looks like Navidrome.
	*/
	assumed?: string;
};

/** What happens to the user header on the way from the client to Navidrome along one route. */
export type HeaderFate =
	/** The proxy sets it from the auth service's answer (client copies are replaced). */
	| 'authenticated'
	/** The proxy removes client copies and sets nothing. */
	| 'stripped'
	/** A client-sent value reaches Navidrome. */
	| 'passthrough'
	/** The proxy can send a literal placeholder such as `{http.reverse_proxy.header.Remote-User}`. */
	| 'placeholder'
	/** Even authenticated requests arrive without a user (ext-auth silently does nothing). */
	| 'never-delivered';

export type ProxyKind = 'caddy' | 'nginx' | 'traefik';

export type ProxyRoute = {
	proxy: ProxyKind;
	/** Where the route is defined (site block, location, router). */
	location: Location;
	/** Which requests take this route, in the proxy's words (`/rest/*`, `location /share/`, a router rule). */
	requests: string;
	/** The upstream as written (`navidrome:4533`). */
	upstream: string;
	target: NavidromeInstance | undefined;
	/** Whether requests on this route pass the auth step. */
	authenticated: boolean;
	header: { fate: HeaderFate; detail: string; locations: Location[] };
};

export type ServiceRef = { compose: ComposeFile; service: ComposeService };
export type NetworkRef = { compose: ComposeFile; network: ComposeNetwork };

export type Deployment = {
	files: Map<string, ParsedFile>;
	composeFiles: ComposeFile[];
	dotenvFiles: Map<string, DotenvFile>;
	navidromes: NavidromeInstance[];
	services: ServiceRef[];
	networks: NetworkRef[];
	/** Filled by proxy adapters (Caddy, nginx, Traefik). */
	routes: ProxyRoute[];
	/** The Caddy route model (proxies/caddy), set by the Caddy adapter when the workspace holds Caddyfiles. */
	caddy?: import('../proxies/caddy/types.js').CaddyAnalysis;
	/** Files to analyse that the caller could not read (`AnalysisInput.unreadable`), for rule `io/read-refused`. */
	unreadable?: Array<{ path: string; problem: import('../files.js').ReadProblem }>;
	options: AnalysisOptions;
};

export type AnalysisOptions = {
	/** Assumed Navidrome version when no image tag tells. */
	navidromeVersion?: string;
	/** Assumed Caddy version when no image tag tells. */
	caddyVersion?: string;
	/** Per-rule severity overrides. */
	ruleSeverity?: Record<string, 'off' | 'error' | 'warning' | 'information' | 'hint'>;
};

export function filesOfKind<T>(deployment: Deployment, kind: FileKind): Array<ParsedFile<T>> {
	return [...deployment.files.values()].filter((file) => file.kind === kind) as Array<ParsedFile<T>>;
}

/** Env var names for a setting key, including legacy spellings resolveSettings may cite. */
export type SettingSiteKey = SettingKey | string;
