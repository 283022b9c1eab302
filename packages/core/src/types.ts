/**
The public shapes of `@navidrome-extauth/core`. Other packages and outside callers depend on these names:
treat every exported name and every string code below as a contract (add, never rename).
*/
import type { Version } from './version.js';

// ─── Trust decision ──────────────────────────────────────────────────────────────────────────────

export type IpFamily = 'ipv4' | 'ipv6';

/**
Why Navidrome ignores a TrustedSources entry. Stable codes; the linter keys its messages and fixes on them.
- `empty`: nothing between two commas (or an empty list item at either end).
- `whitespace`: spaces, tabs or newlines around an otherwise valid entry.
- `wrong-separator`: the entry holds several addresses joined by `;`, spaces or newlines.
- `missing-prefix`: a valid IP without `/prefix` (bare IPs are not CIDRs).
- `bad-address`: the part before `/` is not an IP literal Go accepts.
- `leading-zero`: an IPv4 octet with a leading zero (`010.0.0.0/8`), invalid since Go 1.17.
- `long-hex-group`: an IPv6 group of more than 4 hex digits, invalid in current Go.
- `bad-prefix`: the prefix is empty, signed, not decimal, or followed by more text.
- `prefix-too-long`: more than 32 bits on a dotted IPv4 address, or more than 128 on IPv6.
- `zone`: an IPv6 zone (`%eth0`); never valid in a CIDR.
- `brackets`: `[…]` around an address.
- `hostname`: a name, which Navidrome never resolves.
- `unix-socket-without-unix-address`: `@` while `Address` does not start with `unix:`.
- `unix-socket-spacing`: `@` with surrounding whitespace, which never equals `@`.
*/
export type EntryProblemCode =
	| 'empty'
	| 'whitespace'
	| 'wrong-separator'
	| 'missing-prefix'
	| 'bad-address'
	| 'leading-zero'
	| 'long-hex-group'
	| 'bad-prefix'
	| 'prefix-too-long'
	| 'zone'
	| 'brackets'
	| 'hostname'
	| 'unix-socket-without-unix-address'
	| 'unix-socket-spacing';

/** What an honoured CIDR entry covers. */
export type CidrInfo = {
	/** Canonical network text with host bits cleared, e.g. `192.168.1.0/24`, `::ffff:0:0/96`. */
	normalized: string;
	/** The family Navidrome compares it as: a v4-mapped IPv6 network with prefix ≥ 96 is `ipv4`. */
	family: IpFamily;
	/** Prefix length in the compared family (so `::ffff:10.0.0.0/104` gives 8). */
	prefixLength: number;
	/**
	First and last address in the compared family. An IPv6 range that overlaps `::ffff:0:0/96` (such as `::/0`) never
	matches those addresses, because Navidrome compares v4-mapped peers as IPv4.
	*/
	first: string;
	last: string;
	/** Number of addresses covered (a BigInt, since IPv6 ranges overflow doubles). */
	addressCount: bigint;
	coversAllIPv4: boolean;
	coversAllIPv6: boolean;
	/** Covers at least one globally routable address. */
	includesPublic: boolean;
	includesLoopback: boolean;
	/**
	The Docker default address pools it falls in or overlaps (proxies.md §7: `172.17.0.0/16`, `172.18.0.0/16`,
	`172.19.0.0/16`, `172.20.0.0/14`, `172.24.0.0/14`, `172.28.0.0/14`, `192.168.0.0/16`, and swarm's `10.0.0.0/8`),
	joined with `, ` when several (`172.16.0.0/12` overlaps six), if any.
	*/
	dockerDefaultPool: string | undefined;
	/** The same pools as a list (absent when none). */
	dockerPools?: string[];
	/** The single subnet Docker would allocate that holds the whole range (`172.18.0.0/16`, `192.168.16.0/20`), if any. */
	dockerSubnet?: string;
	/** For a v4-mapped IPv6 network compared as IPv4: the IPv4 CIDR it behaves like (`::ffff:0:0/96` → `0.0.0.0/0`). */
	equivalentIPv4?: string;
	/** The entry was written with host bits set (`192.168.1.1/24`); Navidrome uses `normalized`. */
	hostBitsSet?: boolean;
};

export type TrustedSourceEntry = {
	/** Exact text between separators, untrimmed. */
	text: string;
	/** UTF-16 offsets of `text` in the TrustedSources value. */
	start: number;
	end: number;
	kind: 'cidr' | 'unix-socket' | 'invalid';
	/** Whether Navidrome can ever match this entry (for `@`: only with a `unix:` Address). */
	honoured: boolean;
	/** Set when not honoured (and for `@` when no Address was given to compile against). */
	problem: EntryProblemCode | undefined;
	/** One sentence saying why, for hovers and diagnostics. */
	message: string | undefined;
	/** A corrected value when one is obvious (`10.0.0.5` → `10.0.0.5/32`, ` 10.0.0.0/8` → `10.0.0.0/8`). */
	suggestion: string | undefined;
	cidr: CidrInfo | undefined;
};

export type MatchOptions = {
	/** Navidrome's `Address` setting; `@` peers are trusted only when it starts with `unix:`. */
	address?: string;
};

export type TrustedSourcesMatcher = {
	readonly entries: readonly TrustedSourceEntry[];
	/** Exactly Navidrome's `validateIPAgainstList` for this list. Never throws. */
	matches(remoteAddr: string, options?: MatchOptions): boolean;
};

export type HeaderValue = string | readonly string[] | undefined;
export type RequestHeaders = Readonly<Record<string, HeaderValue>>;

export type ExtAuthRequest = {
	/** Raw TCP peer (`ip`, `ip:port`, `[v6]:port`) or `@` for a UNIX-socket peer; `null` = none recorded. */
	remoteAddr: string | null | undefined;
	headers: RequestHeaders;
	/** BasePath-relative request path; omitted means a path that honours the header. */
	path?: string;
};

export type ExtAuthConfig = {
	trustedSources: string;
	/** Default `Remote-User`. */
	userHeader?: string;
	address?: string;
	/** Navidrome version (`0.63.2`, `v0.59`); unknown means the newest release. */
	navidromeVersion?: string;
};

export type DecisionReason =
	| 'feature-off'
	| 'feature-unsupported'
	| 'no-proxy-ip'
	| 'untrusted-peer'
	| 'path-ignores-header'
	| 'header-absent'
	| 'header-empty'
	| 'authenticated'
	/** Go's HTTP server answers 400 before Navidrome sees the request (invalid header name, control character in a value). */
	| 'bad-request'
	/** The request or configuration given to `decide` is malformed (not an object, non-string values). */
	| 'invalid-input';

export type Decision = {
	outcome: 'authenticated' | 'fallback';
	username?: string;
	reason: DecisionReason;
	/** One plain-English paragraph a self-hoster understands. */
	explanation: string;
	/** The TrustedSources entry that trusted the peer, once the peer was found trusted by an entry. */
	matchedEntry?: TrustedSourceEntry;
};

// ─── Settings ────────────────────────────────────────────────────────────────────────────────────

export type SettingKey =
	| 'ExtAuth.TrustedSources'
	| 'ExtAuth.UserHeader'
	| 'ExtAuth.LogoutURL'
	| 'ReverseProxyWhitelist'
	| 'ReverseProxyUserHeader'
	| 'Address'
	| 'Port'
	| 'UnixSocketPerm'
	| 'EnableUserEditing'
	| 'BaseUrl'
	| 'PasswordEncryptionKey'
	| 'EnableSharing'
	| 'DevAutoLoginUsername';

/** Where a resolved value came from. Offsets are UTF-16 offsets into that input's text. */
export type SettingSource =
	| { kind: 'default' }
	| { kind: 'env'; name: string }
	| {
			kind: 'toml';
			/** Full dotted key as written, resolved against the `[table]` in effect (`ExtAuth.TrustedSources`), or the `ND_…` spelling. */
			key: string;
			/** The key as written on its line (`TrustedSources` below `[ExtAuth]`). */
			keyStart: number;
			keyEnd: number;
			/** A string's content without its quotes (so a fix can replace it); the whole token for other values. */
			valueStart: number;
			valueEnd: number;
			/** The whole value token, quotes or other delimiters included. */
			quotedStart?: number;
			quotedEnd?: number;
	  };

export type ResolvedSetting<T> = {
	value: T;
	/** The input that supplied `value` (after legacy-name mapping). */
	source: SettingSource;
	/** The catalog key whose input supplied it (a legacy name when the legacy value won). */
	fromKey: SettingKey;
};

/**
Why a setting input needs attention. Stable codes; the engine maps them to severities.
- `unknown-to-version`: the name (or value form, e.g. `unix:`) does not exist in that Navidrome version, which ignores it.
- `legacy-name`: a deprecated name (`ReverseProxyWhitelist`, `ReverseProxyUserHeader`) on a version that has the replacement.
- `both-names-set`: old and new name (or `ND_` and TOML spelling in the file) both set; the message says which wins.
- `logout-url-not-absolute`: `ExtAuth.LogoutURL` is not an absolute http(s) URL with a host (fatal at startup).
- `address-socket-without-unix`: `Address` looks like a socket path but lacks the exact `unix:` prefix (fatal at startup).
- `user-header-invalid`: the header name is empty or not an HTTP token, so it never matches.
- `not-a-string`: a TOML value that is not a string for a string setting.
- `toml-syntax`: the file is not valid TOML (Navidrome refuses to start).
- `invalid-value`: a value Navidrome cannot convert or accept (`Port = "http"`, `EnableSharing = "yes"`, non-octal `UnixSocketPerm`).
- `env-name-in-file`: an `ND_…` spelled key inside the config file (remapped since 0.61.0, with a warning).
- `shadowed`: an input overridden by a higher-precedence input for the same name (environment over file).
- `duplicate-key`: the same setting written twice in the file with different letter case; Navidrome compares keys case-insensitively.
- `misplaced-key`: a key under the wrong `[table]` (or missing its table), so Navidrome never reads it.
*/
export type SettingsProblemCode =
	| 'unknown-to-version'
	| 'legacy-name'
	| 'both-names-set'
	| 'logout-url-not-absolute'
	| 'address-socket-without-unix'
	| 'user-header-invalid'
	| 'not-a-string'
	| 'toml-syntax'
	| 'invalid-value'
	| 'env-name-in-file'
	| 'shadowed'
	| 'duplicate-key'
	| 'misplaced-key';

export type SettingsProblem = {
	code: SettingsProblemCode;
	setting: SettingKey | undefined;
	message: string;
	/** The input the problem sits in (absent for problems of the whole configuration). */
	source: SettingSource | undefined;
	/** Other inputs involved (e.g. the losing name when both are set). */
	related: SettingSource[];
	/** Navidrome refuses to start with this configuration. */
	preventsStartup?: boolean;
	/** The narrowest span of `SettingsInput.toml` the problem is about (key, value or syntax error), when it is in the TOML text. */
	range?: { start: number; end: number };
};

export type SettingsInput = {
	/** Environment as a map of variable names (upper case, as Docker passes them) to values. */
	env?: Readonly<Record<string, string | undefined>>;
	/** navidrome.toml text. */
	toml?: string;
	navidromeVersion?: string;
};

export type EffectiveSettings = {
	trustedSources: ResolvedSetting<string>;
	userHeader: ResolvedSetting<string>;
	logoutURL: ResolvedSetting<string>;
	address: ResolvedSetting<string>;
	port: ResolvedSetting<number>;
	unixSocketPerm: ResolvedSetting<string>;
	enableUserEditing: ResolvedSetting<boolean>;
	baseUrl: ResolvedSetting<string>;
	enableSharing: ResolvedSetting<boolean>;
	devAutoLoginUsername: ResolvedSetting<string>;
	/** Whether `PasswordEncryptionKey` is non-empty; the key itself is never carried. */
	passwordEncryptionKeySet: ResolvedSetting<boolean>;
	/** Whether external auth is on (TrustedSources non-empty and known to this version). */
	extAuthEnabled: boolean;
	version: Version | undefined;
};

export type ResolvedSettings = {
	settings: EffectiveSettings;
	problems: SettingsProblem[];
};

export type SettingType = 'string' | 'boolean' | 'integer' | 'cidr-list' | 'header-name' | 'url' | 'address' | 'file-mode';

export type SettingDoc = {
	key: SettingKey;
	envName: string;
	/** TOML key as written in the docs, e.g. `ExtAuth.TrustedSources` (a table-qualified dotted key). */
	tomlKey: string;
	type: SettingType;
	default: string;
	/** First Navidrome release that knows this name; `0.0.0` means every release this toolkit knows about. */
	since: Version;
	/** `false` when `since` is our best estimate rather than checked against Navidrome's history (then no version warning uses it). */
	sinceVerified?: boolean;
	/** Environment variables Navidrome also reads for this setting, after `envName` (e.g. `PORT`). */
	extraEnvNames?: readonly string[];
	/** The newer name that replaces this one, when deprecated. */
	deprecatedBy: SettingKey | undefined;
	/** Values must never be echoed (hovers, diagnostics, logs). */
	secret: boolean;
	summary: string;
	/** Markdown, written by this project. */
	description: string;
	examples: string[];
	securityNotes: string[];
	docsUrl: string;
};

// ─── Provisioning ────────────────────────────────────────────────────────────────────────────────

export type User = {
	id: string;
	userName: string;
	name: string;
	email: string;
	isAdmin: boolean;
	/** Plain text as Navidrome stores before encryption; auto-created users get an autogenerated one. */
	password: string;
	lastLoginAt: Date | undefined;
	createdAt: Date;
};

/** The fields of a new user; the store decides `isAdmin` (see `UserStore.createIfAbsent`). */
export type UserDraft = {
	id: string;
	userName: string;
	name: string;
	email: string;
	password: string;
	createdAt: Date;
};

export type CreateUserOptions = {
	/** Make the user an admin iff the store holds no user at the moment of the insert (Navidrome ≥ 0.55.2). */
	adminIfFirst: boolean;
};

export type CreateUserResult = {
	/** The stored user: the new one, or the existing one whose name matched. */
	user: User;
	/** `false` when a user with the same ASCII-case-folded name already existed (nothing was written). */
	created: boolean;
};

/**
Where provisioned users live. Every method is async and reports failure by rejecting.

User names compare like SQLite `COLLATE NOCASE`: only `A`–`Z` fold to `a`–`z` (`Bob` = `bob`, `Élodie` ≠ `élodie`);
see `foldUserName` (navidrome-extauth.md §6 step 2).

Atomicity contract of `createIfAbsent` (this is where it differs from Navidrome, which runs count, insert and
re-read without a transaction, so concurrent first logins make several admins, and `Bob`/`bob` racing makes two
accounts because its UNIQUE index is case-sensitive; navidrome-extauth.md §6 Concurrency, §8 items 15–16): the
lookup, the admin decision and the insert must be ONE atomic step against every other writer. Concretely:

- If a user whose folded name equals the draft's folded name exists, return it with `created: false` and write nothing.
- Otherwise insert the draft with `isAdmin = adminIfFirst && (no user row exists)`, evaluated inside the same step,
  and return the stored row with `created: true`.
- Two concurrent calls, whatever their names, must never both see "no user yet"; two calls with equal folded names
  must produce one row, and both must resolve to it.

An SQL store can meet this with, for example:
- SQLite: `BEGIN IMMEDIATE` (takes the write lock up front), then
  `INSERT INTO user (id, user_name, …, is_admin) SELECT ?, ?, …, NOT EXISTS (SELECT 1 FROM user)
  WHERE NOT EXISTS (SELECT 1 FROM user WHERE user_name = ? COLLATE NOCASE)`, re-read by
  `user_name = ? COLLATE NOCASE`, `COMMIT`; plus `CREATE UNIQUE INDEX … ON user (user_name COLLATE NOCASE)` as a
  backstop (on a unique violation, re-read and return `created: false`).
- PostgreSQL: the same statement needs SERIALIZABLE isolation (retry on serialization failure) or a lock taken
  first (`LOCK TABLE "user" IN SHARE ROW EXCLUSIVE MODE`, or `pg_advisory_xact_lock`), because under READ COMMITTED
  two transactions can both see an empty table. Index the ASCII fold, not `lower()`, which also folds non-ASCII:
  `CREATE UNIQUE INDEX … ON "user" (translate(user_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))`.
*/
export type UserStore = {
	/** The user whose name equals `userName` ASCII-case-insensitively, or `undefined`. */
	findByUserName(userName: string): Promise<User | undefined>;
	/** Number of users (Navidrome's `CountAll`). Informational: the admin decision happens in `createIfAbsent`. */
	count(): Promise<number>;
	/** Create unless it exists, admin iff first, atomically (see the type's doc comment). */
	createIfAbsent(draft: UserDraft, options: CreateUserOptions): Promise<CreateUserResult>;
	/** Set `lastLoginAt`; reject when the user does not exist or the write fails. */
	updateLastLoginAt(id: string, at: Date): Promise<void>;
};

/**
Why a username was refused by a `UsernamePolicy`. Stable codes.
- `not-a-string`: a non-string value from a JS caller.
- `empty`: the empty string (Navidrome treats it as "no header").
- `whitespace-only`: only Unicode white space.
- `invalid-unicode`: a lone UTF-16 surrogate, which no UTF-8 database column can hold.
- `control-character`: a C0 control, DEL or a C1 control.
- `too-long`: more code points than the policy's `maxLength`.
*/
export type UsernameProblemCode =
	| 'not-a-string'
	| 'empty'
	| 'whitespace-only'
	| 'invalid-unicode'
	| 'control-character'
	| 'too-long';

export type UsernameCheck =
	| {
		ok: true;
		/** The name to look up and store (after normalisation, if the policy normalises). */
		username: string;
	}
	| {
		ok: false;
		code: UsernameProblemCode;
		message: string;
	};

/** Decides whether a header username is acceptable and how it is spelled in the store. Never throws. */
export type UsernamePolicy = (username: unknown) => UsernameCheck;

export type UsernamePolicyOptions = {
	/** Unicode normalisation form applied before the other checks (`false`: keep the value verbatim). @default false */
	normalize?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' | false;
	/** Maximum length in code points, after normalisation. @default undefined (no limit) */
	maxLength?: number;
	/** Refuse C0 controls, DEL and C1 controls. @default false */
	rejectControl?: boolean;
	/** Refuse whitespace-only values (the empty string is always refused). @default false */
	rejectEmpty?: boolean;
	/** Refuse lone UTF-16 surrogates. @default false */
	rejectInvalidUnicode?: boolean;
};

/**
Why `provisionUser` failed. Stable codes; `provisionUser` rejects with a `ProvisionError` carrying one.
- `invalid-username`: the username policy refused the value (Navidrome: an empty username gives no login).
- `random-unavailable`: no usable `crypto.getRandomValues` for the new user's id and password.
- `create-failed`: the store rejected `createIfAbsent` (Navidrome: `Could not create new user`).
- `last-login-update-failed`: the store rejected `updateLastLoginAt`; the user is NOT logged in
  (Navidrome: `Could not update LastLoginAt`, navidrome-extauth.md §6 step 4).
*/
export type ProvisionErrorCode = 'invalid-username' | 'random-unavailable' | 'create-failed' | 'last-login-update-failed';

/** A `Uint8Array` filler with the shape of Web Crypto's `getRandomValues`. */
export type RandomFill = (bytes: Uint8Array) => unknown;

export type ProvisionOptions = {
	/** @default navidromePolicy (the header value verbatim) */
	policy?: UsernamePolicy;
	/** First user becomes admin (Navidrome ≥ 0.55.2; `false` reproduces 0.49.0–0.55.1). @default true (`authenticate`: from `config.navidromeVersion`) */
	adminIfFirst?: boolean;
	/** Clock for `createdAt` / `lastLoginAt`. @default () => new Date() */
	now?: () => Date;
	/** Random source for the id and the autogenerated password. @default globalThis.crypto.getRandomValues */
	getRandomValues?: RandomFill;
};

export type ProvisionResult = {
	/** The stored user, with `lastLoginAt` set to this login. */
	user: User;
	created: boolean;
	isAdmin: boolean;
};

/** Navidrome's UI `auth` payload for a header login (navidrome-extauth.md §5 UI flow, §6 step 5); never a JWT. */
export type AuthPayload = {
	id: string;
	name: string;
	username: string;
	isAdmin: boolean;
	/** Hex of 3 random bytes; omitted (with the token) when no random source works. */
	subsonicSalt?: string;
	/** Hex MD5 of password + salt. */
	subsonicToken?: string;
};

/**
Why `authenticate` fell back to the normal login. The `Decision` reasons, plus:
- `user-not-found`: on `/api` and `/rest` the header user must already exist (navidrome-extauth.md §5).
- `lookup-failed`: the store rejected the lookup on such a path.
- `internal-error`: `decide` or a custom hook threw (a bug; never an authentication).
- every `ProvisionErrorCode`, on the paths that provision.
*/
export type AuthenticationFallbackReason =
	| Exclude<DecisionReason, 'authenticated'>
	| 'user-not-found'
	| 'lookup-failed'
	| 'internal-error'
	| ProvisionErrorCode;

export type AuthenticationResult =
	| {
		outcome: 'authenticated';
		user: User;
		created: boolean;
		isAdmin: boolean;
		decision: Decision;
	}
	| {
		outcome: 'fallback';
		reason: AuthenticationFallbackReason;
		/** One plain-English paragraph a self-hoster understands. */
		explanation: string;
		/** The trust decision; `undefined` only when `decide` itself threw. */
		decision: Decision | undefined;
	};

export type AuthenticateOptions = ProvisionOptions & {
	/** Which paths auto-create users. @default isProvisioningPath (`/app/` and `/share/{id}`) */
	provisions?: (path: string | undefined) => boolean;
};

/** The parts of Node's `http.IncomingMessage` that `fromNodeRequest` reads (structural, no Node types). */
export type NodeRequestLike = {
	socket?: {
		remoteAddress?: string | undefined;
		remotePort?: number | undefined;
		remoteFamily?: string | undefined;
	} | null | undefined;
	headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
	/** Name/value pairs as received (keeps repeated headers apart, which `headers` joins with `, `). */
	rawHeaders?: readonly string[] | undefined;
	url?: string | undefined;
};

export type FromNodeRequestOptions = {
	/**
	How the server listens. `unix`: every peer is `@`; `tcp`: a missing address gives `null`; unset: a socket without
	`remoteAddress` is taken for a UNIX-socket peer (`@`).
	*/
	listener?: 'tcp' | 'unix';
};
