/**
The Traefik side of a deployment, linked: every router (Docker labels, file provider, Docker default routers) with its
parsed rule, effective priority, entrypoints and effective middleware chain, the middlewares and services they name,
and, for routers that reach Navidrome, what happens to the user header and which requests they actually receive.
Facts: proxies.md §4 (forward.go, header.go, mux.go, label syntax).
*/
import type { Location } from '../../findings.js';
import type { ComposeFile, ComposeService } from '../../formats/compose/types.js';
import type { ListValue, MiddlewareDef, RouterDef, ServiceDef, StaticConfig, TraefikFile } from '../../formats/traefik/index.js';
import type { Probe, RuleNode, Truth } from '../../formats/traefik/rule.js';
import type { HeaderFate, NavidromeInstance, PeerTrust, ServiceRef } from '../../model/deployment.js';

/** Where a router, middleware or service is defined. */
export type Origin =
	| { kind: 'labels'; compose: ComposeFile; service: ComposeService }
	| { kind: 'file'; path: string; format: 'yaml' | 'toml' }
	/** A router the Docker provider creates for a container without router labels. */
	| { kind: 'default'; compose: ComposeFile; service: ComposeService };

export type TraefikRouter = {
	name: string;
	provider: string;
	qualifiedName: string;
	def: RouterDef | undefined;
	origin: Origin;
	/** Where findings about the router go: its rule value, else its name. */
	anchor: Location;
	rule: string;
	ruleLocation: Location | undefined;
	ruleTree: RuleNode | undefined;
	/** Set when the rule cannot be evaluated here (a default-rule template); the router then matches `maybe`. */
	ruleOpaque: boolean;
	priority: number;
	priorityExplicit: boolean;
	priorityLocation: Location | undefined;
	/** Effective entrypoints (the router's, or the default ones); `*` when the static configuration is unknown. */
	entryPoints: string[];
	tls: boolean;
	/** The router's own `middlewares`, qualified. */
	middlewareRefs: MiddlewareRef[];
	serviceName: string | undefined;
	serviceLocation: Location | undefined;
	/** Why Traefik does not serve this router (bad rule, missing middleware or service, …). */
	disabled: string | undefined;
};

export type MiddlewareRef = {
	written: string;
	qualified: string;
	location: Location | undefined;
	via: 'entrypoint' | 'router' | 'chain';
	/** The list the reference sits in and its index there (for reorder fixes). */
	list: ListValue | undefined;
	index: number;
};

export type TraefikMiddleware = { name: string; provider: string; qualifiedName: string; def: MiddlewareDef; origin: Origin };

export type TraefikService = {
	name: string;
	provider: string;
	qualifiedName: string;
	def: ServiceDef | undefined;
	origin: Origin;
	/** For Docker-provider services: the container the servers run in. */
	container: { compose: ComposeFile; service: ComposeService } | undefined;
};

/** One middleware in an effective chain; `middleware` is undefined when it cannot be resolved here. */
export type ChainStep = { ref: MiddlewareRef; middleware: TraefikMiddleware | undefined; via: MiddlewareRef[] };

export type HeaderAnalysis = {
	fate: HeaderFate;
	/** A forwardAuth/basicAuth/digestAuth step runs on this chain. */
	authenticated: boolean;
	/** The first authentication step. */
	auth: ChainStep | undefined;
	/** The forwardAuth that replaces the header (lists it in authResponseHeaders or matches it by regex). */
	replacedBy: ChainStep | undefined;
	/** Authentication steps that leave the header alone (the client's copy survives them). */
	notReplacing: ChainStep[];
	/** The step that last deletes the header. */
	strip: ChainStep | undefined;
	/** A strip that runs after the authentication step that set the header. */
	stripAfterAuth: { strip: ChainStep; auth: ChainStep } | undefined;
	/** A headers middleware that sets the header to a fixed value. */
	fixed: { step: ChainStep; value: string } | undefined;
	/** Steps whose effect on headers is unknown here (plugins, middlewares of providers not in the workspace). */
	unknown: ChainStep[];
	decisive: Location[];
	detail: string;
};

/** A router on one entrypoint (Traefik builds one handler per entrypoint, entrypoint middlewares first). */
export type RouterView = {
	entryPoint: string;
	chain: ChainStep[];
	header: HeaderAnalysis;
	reach: Reach;
};

export type Reach = {
	/** Whether some request reaches this router (or that cannot be ruled out). */
	receives: boolean;
	/** Requests this router wins for certain. */
	wins: Probe[];
	/** Requests it matches but a higher-priority router takes, with that router. */
	lost: Array<{ probe: Probe; to: TraefikRouter }>;
	table: ReachTable;
};

/** Which routers match which probe requests, on one entrypoint (and TLS mode). */
export type ReachTable = {
	probes: Probe[];
	/** Routers by descending priority. */
	routers: TraefikRouter[];
	truth: Truth[][];
};

export type NavidromeRoute = {
	router: TraefikRouter;
	instance: NavidromeInstance;
	/** The user header (canonical form) of the instance. */
	header: string;
	upstream: string;
	upstreamLocation: Location | undefined;
	views: RouterView[];
	/** Traefik's address as Navidrome sees it, and whether Navidrome trusts it (`model/peer.ts`). */
	peer: PeerTrust;
};

export type StaticSource = {
	config: StaticConfig;
	/** Whether a static configuration was found (else Traefik's defaults apply and entrypoints are unknown). */
	known: boolean;
	kind: 'file' | 'flags' | 'env' | 'none';
	file: string | undefined;
	/** Flags in `command:` that Traefik ignores because a configuration file is loaded. */
	ignoredFlags: Location | undefined;
};

export type TraefikModel = {
	/** The deployment folder's containers and Traefik files. */
	scope: { services: ServiceRef[]; files: TraefikFile[] };
	proxies: ServiceRef[];
	static: StaticSource;
	routers: TraefikRouter[];
	middlewares: Map<string, TraefikMiddleware>;
	services: Map<string, TraefikService>;
	routes: NavidromeRoute[];
	dockerEnabled: boolean;
	fileEnabled: boolean;
	/** Labels Traefik rejects as a whole, per container. */
	labelErrors: Array<{ message: string; location: Location }>;
};
