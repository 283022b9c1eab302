/**
The Caddy route model: for every site of every Caddyfile, which requests reach which Navidrome and what happens to the
user header on the way (proxies.md §2). `lower.ts` turns each route into a neutral `ProxyRoute`; features read the
full model through `caddyAnalysis(deployment)` (index.ts).
*/
import type { Version } from '@navidrome-extauth/core';
import type { Fix, Location } from '../../findings.js';
import type { CaddyfileFeature, CaddyfileParseResult, Directive, SiteBlock, Token } from '../../formats/caddyfile/index.js';
import type { HeaderFate, NavidromeInstance, ProxyRoute, ServiceRef } from '../../model/deployment.js';

/** The Caddy release(s) a Caddyfile runs on. A floating tag such as `caddy:2.11-alpine` gives a range. */
export type CaddyVersionRange = {
	low: Version;
	high: Version;
	/** `image`: the compose image tag; `option`: `options.caddyVersion`; `assumed`: the newest release. */
	source: 'image' | 'option' | 'assumed';
	/** For messages: `caddy:2.8.4`, `caddy:2.11-alpine (2.11.0–2.11.4: the tag does not pin the patch)`, … */
	description: string;
	/** The image tag in the compose file, when the version comes from it. */
	location?: Location;
};

/**
What `forward_auth … copy_headers From>To` does when the auth service answers 2xx without `From` (proxies.md §2.2):
`placeholder` (≤ 2.8.4: `To` becomes the literal placeholder text), `passthrough` (2.9.0–2.11.1: `To` is left as the
client sent it), `delete` (≥ 2.11.2: `To` is removed).
*/
export type CopyHeadersEra = 'placeholder' | 'passthrough' | 'delete';

/** The directive (and the token in it) that wrote a header value. */
export type HeaderOrigin = {
	kind: 'request_header' | 'header_up' | 'copy_headers';
	directive: Directive;
	/** The field or value token that matters (`-Remote-User`, `X>Remote-User`, `{header.X}`). */
	token: Token;
};

/** The user header's value at some point of the handler chain, as far as the model can tell. */
export type HeaderValue =
	/** Whatever the client sent in `header` (the user header itself, or another header copied into it). */
	| { kind: 'client'; header: string; via?: HeaderOrigin }
	/** Not sent (deleted by `by`, or never present). */
	| { kind: 'absent'; by?: HeaderOrigin }
	/** The authenticated user: the auth service's `header` (forward_auth) or the basic_auth user id. */
	| { kind: 'auth'; header: string; source: 'forward_auth' | 'basic_auth'; by: HeaderOrigin }
	/** Text the proxy sets itself (`''` for an empty value). */
	| { kind: 'literal'; text: string; by: HeaderOrigin }
	/** An unresolved placeholder sent literally, e.g. `{http.reverse_proxy.header.Remote-User}`. */
	| { kind: 'placeholder'; text: string; by: HeaderOrigin };

/** One `copy_headers` field: `From>To` (or `Name`, copied under the same name), names canonicalised like Caddy. */
export type CopiedHeader = { from: string; to: string; token: Token };

/** An authentication step on the way: `forward_auth` or `basic_auth`. */
export type AuthStep = {
	kind: 'forward_auth' | 'basic_auth';
	directive: Directive;
	/** The matcher token (`@protected`, `/app/*`), when the directive has one. */
	matcherToken?: Token;
	/** The auth service as written (`authelia:9091`). */
	upstream?: string;
	copies: CopiedHeader[];
	/** The `copy_headers` line(s), for findings. */
	copyDirectives: Directive[];
};

/**
A set of requests of one site that reaches one Navidrome upstream with the same user-header outcome. There is one per
(site, reverse_proxy, authenticated, fate, cause), so findings and hovers can name the exact path set.
*/
export type CaddyRoute = {
	file: string;
	site: SiteBlock;
	/** The `reverse_proxy` directive and the upstream token that points at Navidrome. */
	proxy: Directive;
	upstreamToken: Token;
	upstream: string;
	target: NavidromeInstance;
	/** The target's `ExtAuth.UserHeader` as intended. */
	userHeader: string;
	/** Whether the requests passed `forward_auth`/`basic_auth`. */
	authenticated: boolean;
	/** For authenticated routes: the outcome when the auth service accepts the user (2xx with identity headers). */
	fate: HeaderFate;
	/** The request set, in Caddy's words (`/share/*, /rest/*`, `every path except /share/*, /rest/*`). */
	requests: string;
	/** A few paths of the set, for messages and tests. */
	examplePaths: string[];
	/** Every witness path of the set (clean request paths, BaseURL included), Navidrome's usual ones first. */
	paths: string[];
	/** Matchers the model cannot decide (headers, methods, remote IPs…) that this outcome depends on. */
	conditional: string[];
	/** Where the model had to approximate for this site (unknown rewrites, too many combinations), for messages. */
	approximations: string[];
	/** The user header as it leaves Caddy (for authenticated routes: when the auth service accepted the user). */
	value: HeaderValue;
	/** The operation that deleted or overwrote the authenticated value after the auth step set it. */
	lostAuth?: HeaderOrigin;
	/** Strips of the user header on the way whose matcher did not match these requests. */
	skippedStrips: HeaderOrigin[];
	/** Auth steps that ran. */
	authSteps: AuthStep[];
	/** Auth steps on the way whose matcher did not match these requests (why the route is unauthenticated). */
	skippedAuth: AuthStep[];
	/**
	Authenticated routes: the user header when the auth service answers 2xx without identity headers (Authelia bypass
	policies, Authentik unauthenticated paths), for each behaviour era within the target version range.
	*/
	withoutIdentity: Array<{ era: CopyHeadersEra; /** The target versions in this era, e.g. `2.11.0–2.11.1`. */ versions: string; value: HeaderValue }>;
	/** The neutral route added to `deployment.routes` (lower.ts). */
	proxyRoute: ProxyRoute;
	/** Mechanical fixes for this route's problems, computed by the model. */
	fixes: CaddyRouteFixes;
};

export type CaddyRouteFixes = {
	/** `@public <complement of forward_auth's matcher>` + `request_header @public -H`. */
	stripPublic?: Fix;
	/** `header_up -H` in a reverse_proxy that only unauthenticated requests reach. */
	headerUpStrip?: Fix;
	/** Wrap the site's handlers in `route { … }` with the strip first. */
	wrapInRoute?: Fix;
	/** Global `order request_header before forward_auth`. */
	orderOption?: Fix;
	/** `copy_headers X` → `copy_headers X>H`. */
	renameCopy?: Fix;
	/** Give a strip's named matcher the exact complement of forward_auth's matcher. */
	alignStrip?: Fix;
};

export type CaddySiteAnalysis = {
	site: SiteBlock;
	routes: CaddyRoute[];
	/** Whether the model had to give up on part of the site (too many matchers to enumerate, unknown path rewrites). */
	approximations: string[];
};

export type CaddyFileAnalysis = {
	file: string;
	parse: CaddyfileParseResult;
	version: CaddyVersionRange;
	/** The compose service that mounts this Caddyfile. */
	service?: ServiceRef;
	sites: CaddySiteAnalysis[];
	/** Version-dependent syntax (heredocs, `{args[n]}`, a brace on a new line…). */
	features: CaddyfileFeature[];
	/** Set when the model failed on this file (a bug); its sites are then empty. */
	failure?: string;
};

export type CaddyAnalysis = { files: CaddyFileAnalysis[] };
