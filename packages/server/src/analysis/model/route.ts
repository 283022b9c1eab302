/**
The proxy-neutral route model. Each proxy adapter (Caddy, nginx, Traefik) keeps its own hard evaluation (Caddy's
directive order, nginx inheritance, Traefik priorities) and lowers the result into `ProxyRoute`s. Every route rule
(`rules/route/`), hover and truth test reads these; none of them re-evaluates a proxy.

A route answers two questions independently:
- **forgeable**: can a client choose the value of the user header Navidrome reads? (`forgeries`, one per cause)
- **delivered**: does the signed-in user reach Navidrome? (`losses`, one per cause; empty when it arrives, or when
  the route runs no auth step at all)

Whether either matters is decided in one place, `model/gate.ts`.
*/
import type { Fix, Location, Related, Severity } from '../findings.js';
import type { NavidromeInstance } from './instance.js';

export type ProxyKind = 'caddy' | 'nginx' | 'traefik' | 'apache' | 'haproxy';

/** What happens to the user header on the way from the client to Navidrome along one route (for hovers). */
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

/**
Why a client can choose the user header on a route. Each cause is one route rule (`rules/route/<cause>.ts`).
- `bypass-nostrip`: no auth step runs on these requests and nothing strips the client's header;
- `strip-gap`: a strip exists, but its condition misses these requests;
- `client-input`: the value sent is built from client input (another header, a variable, Basic credentials);
- `inherit-lost`: a strip or mapping was lost through inheritance (nginx `proxy_set_header`);
- `placeholder`: the proxy can send a literal placeholder or a client value when the auth answer lacks the user;
- `auth-no-user`: an auth step runs but never sets the header, and nothing strips the client's copy;
- `literal-user`: a route without an auth step always sends one fixed, non-empty user (everyone is that user).
*/
export type ForgeCause = 'bypass-nostrip' | 'strip-gap' | 'client-input' | 'inherit-lost' | 'placeholder' | 'auth-no-user' | 'literal-user';

/**
Why the signed-in user does not reach Navidrome on an authenticated route.
- `strip-after-auth`: the user header is removed (or overwritten) after the auth step set it;
- `never-mapped`: the auth answer is never copied into the header Navidrome reads;
- `wrong-name`: the proxy copies or maps a header the auth service does not send, or one Navidrome does not read;
- `renamed`: the header is sent under a name Navidrome does not read.
*/
export type LossCause = 'strip-after-auth' | 'never-mapped' | 'wrong-name' | 'renamed';

/**
One cause on one route, in the proxy's own words, ready for a finding. The route rule adds the consequence (who can
log in as whom, or that ext auth silently does nothing) and the gate's verdict (live or latent).
*/
export type Explanation = {
	/** Where to report it: the directive, location or router that decides. */
	location: Location;
	/**
	What the proxy does, as one clause without a final period, e.g.
	`location /rest/ proxies to Navidrome without auth_request and forwards the client's own Remote-User`.
	*/
	what: string;
	/** How to fix it, one or two sentences ending with a period (`Add proxy_set_header Remote-User "";`). */
	fix: string;
	related?: Related[];
	fixes?: Fix[];
	/**
	The concrete request paths this explanation covers, when narrower than the route's (`witnesses`). The gate judges
	these against the paths where Navidrome honours the header.
	*/
	witnesses?: string[];
	/**
	The live severity, when it differs from the rule's own: e.g. `warning` for an outcome that holds only when the
	auth service answers without identity, a policy the model does not see.
	*/
	severity?: Severity;
	/**
	What a client can do, when the rule's default (`anyone can send "Remote-User: admin" and be logged in as admin`)
	is not exact: e.g. the client sends another header that is copied, or the proxy sends a literal placeholder.
	A clause without a final period, in the present tense (the gate turns it into a conditional when latent).
	*/
	consequence?: string;
	/** Set when the outcome depends on the pinned proxy version; the message then names it. */
	proxyVersion?: string;
};

export type Forgery = Explanation & {
	cause: ForgeCause;
	/** Who can choose the value: anyone, or any user the auth service lets through. */
	who: 'anyone' | 'signed-in';
};

export type Loss = Explanation & { cause: LossCause };

/** An auth step that runs on the route (`forward_auth`, `auth_request`, a forwardAuth middleware, Basic auth). */
export type AuthRun = {
	kind: 'forward-auth' | 'basic' | 'other';
	/** As written: `forward_auth authelia:9091`, `auth_request /authelia`, `authelia@docker`. */
	name: string;
	location: Location;
	/** Whether the step sets the user header Navidrome reads (when the auth service answers with identity). */
	setsUser: boolean;
};

/**
The proxy's address as Navidrome sees it, and whether Navidrome trusts it (spec navidrome-extauth.md §2).
- `yes`: the proxy's pinned address is in the trust list;
- `no`: the trust list provably does not cover the proxy (no honoured TCP entry, or the pinned address is outside);
- `assumed`: the address is not known (not pinned, another compose project, host networking, a host proxy), so the
  proxy is taken to be trusted and findings say so.
*/
export type PeerTrust = { trusted: 'yes' | 'no' | 'assumed'; address: string | undefined };

export type ProxyRoute = {
	proxy: ProxyKind;
	/** Where the route is defined (site block, location, router). */
	location: Location;
	/** Which requests take this route, in the proxy's words (`/rest/*`, `location /share/`, a router rule). */
	requests: string;
	/**
	Concrete request paths the route takes (e.g. `/rest/ping.view`, `/share/abc`), for the gate and truth tests.
	Empty when the model cannot name any; the gate then takes the route to reach paths that honour the header.
	*/
	witnesses: string[];
	/** Conditions the model does not decide that select these requests (headers, methods, client addresses). */
	conditions: string[];
	/** The upstream as written (`navidrome:4533`). */
	upstream: string;
	target: NavidromeInstance | undefined;
	peer: PeerTrust;
	/** Auth steps that run on these requests. */
	auth: AuthRun[];
	/** Whether requests on this route pass an auth step that identifies the user. */
	authenticated: boolean;
	/** Forgeable: every reason a client can choose the user header here (empty: it cannot). */
	forgeries: Forgery[];
	/** Delivered: every reason the signed-in user does not arrive (empty: it does, or no auth runs). */
	losses: Loss[];
	/** The header's fate in one word and one line, for hovers. */
	header: { fate: HeaderFate; detail: string; locations: Location[] };
};
