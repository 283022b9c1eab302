/**
Every Navidrome setting that matters for externalized (reverse-proxy header) authentication, with the texts that
hovers and completions show. This file is the only copy of those texts. Facts: navidrome-extauth.md §1 (names,
defaults, versions), §2–§6 (what trusting a peer does), §8 (footguns); header choices: proxies.md §5.
*/
import type { SettingDoc, SettingKey } from '../types.js';
import { compareVersions, type Version } from '../version.js';

const optionsPage = 'https://www.navidrome.org/docs/usage/configuration/options/';
const authenticationPage = 'https://www.navidrome.org/docs/usage/integration/authentication/';

const trustedSourcesRules = `How Navidrome reads the list:

- It splits the text on every comma and trims nothing. In \`10.0.0.0/8, 172.16.0.0/12\` the second entry starts with a space, never parses, and is skipped: write the list without spaces.
- Each entry needs a prefix length. A bare address such as \`172.22.0.100\` is skipped; write \`172.22.0.100/32\` (\`/128\` for an IPv6 address).
- Entries that do not parse are skipped silently, with no message at startup: host names (they are never resolved), \`*\`, zones such as \`%eth0\`, octets with leading zeros (\`010.0.0.0/8\`), and lists joined with \`;\` or spaces.
- \`@\` stands for clients connected through a UNIX socket. It only counts when \`Address\` starts with \`unix:\`, and must be exactly \`@\`.
- IPv4 and IPv6 are separate worlds: \`0.0.0.0/0\` covers every IPv4 peer and no IPv6 peer, \`::/0\` covers native IPv6 peers only, and \`::ffff:0:0/96\` quietly covers every IPv4 peer.`;

const trustMeaning = `The address compared with the list is the **immediate peer** of Navidrome's socket, normally your reverse proxy's address on the Docker network or host. \`X-Forwarded-For\`, \`X-Real-IP\` and similar headers are never used for this decision, so with chained proxies only the last hop counts.

When a trusted peer sends a non-empty user header, Navidrome treats the request as logged in as that user:

- The web UI (\`/app/\`) and public share pages (\`/share/{id}\`) **create the account on the spot** if the username is unknown, with a random password. If the database has no users yet, that first account is made an **administrator** (since 0.55.2).
- The native API (\`/api\`) and, since 0.52.0, the Subsonic API (\`/rest\`) accept the header for accounts that already exist.
- Requests from other peers fall back to the normal login, and Navidrome logs a warning for each of them.`;

const trustedSourcesSecurity = [
	'Every machine inside a trusted range can log in as any user, the administrator included, just by sending the header. Trust the smallest range that holds only your proxy (a `/32` for its address), not a whole Docker network and not `0.0.0.0/0`.',
	'The proxy must remove client-supplied copies of the user header on every path, including `/rest` and `/share` that are often left unauthenticated: Navidrome reads the header there too.',
	'An unknown username from a trusted peer creates an account; on an empty database that account becomes an administrator.',
	'With `@` and a UNIX socket, every local process that can write to the socket can impersonate any user.',
];

const userHeaderRules = `- Header names are matched without regard to case (\`remote-user\` on the wire matches \`Remote-User\`).
- Only the first header with that name counts, and its value is used as it is apart from outer spaces: \`alice, bob\` is one username. An empty value means "no user" and leads to the normal login.
- Underscores matter: \`Remote_User\` is a different header, and nginx drops headers containing underscores unless \`underscores_in_headers on;\` is set.
- A name that is empty, or contains spaces or other characters that header names cannot have, never matches anything.

Choose a header whose value your identity provider controls and keeps unique: \`Remote-User\` for Authelia, \`X-authentik-username\` for Authentik, \`X-Auth-Request-User\` or \`X-Forwarded-User\` for oauth2-proxy, \`Tailscale-User-Login\` for Tailscale Serve. Avoid display names and "preferred username" headers, which users can often change.`;

const userHeaderSecurity = [
	'Whoever manages to set this header on a request coming from a trusted peer is logged in as that user, so the proxy must overwrite or strip it on every route.',
	'Use a stable, unique identifier. A field users can edit (display name, preferred username) lets one user become another by renaming themselves.',
];

/** The catalog, in the order hovers and completions list it. */
export const settingsCatalog: readonly SettingDoc[] = [
	{
		key: 'ExtAuth.TrustedSources',
		envName: 'ND_EXTAUTH_TRUSTEDSOURCES',
		tomlKey: 'ExtAuth.TrustedSources',
		type: 'cidr-list',
		default: '',
		since: [0, 59, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Comma-separated CIDR ranges of the proxies allowed to log users in through the user header; empty turns external authentication off.',
		description: `Comma-separated networks in CIDR notation (\`172.18.0.5/32,fd00::/8\`) whose connections Navidrome believes when they name a user in the \`ExtAuth.UserHeader\` header. Empty (the default) turns external authentication off: the header is ignored everywhere.

${trustedSourcesRules}

${trustMeaning}

A value made only of spaces still switches the feature on (the proxy address is recorded and every request from an untrusted peer logs a warning) while trusting nobody.

Needs Navidrome 0.59.0 or later; older versions ignore it without a word, so header logins silently stay off. It replaces \`ReverseProxyWhitelist\`, the name used from 0.44.0 to 0.58.x. See also the [authentication guide](${authenticationPage}).`,
		examples: [
			'ND_EXTAUTH_TRUSTEDSOURCES=172.18.0.5/32',
			'ExtAuth.TrustedSources = "10.0.0.0/8,fd00::/8"',
			'[ExtAuth]\nTrustedSources = "@"  # with Address = "unix:/run/navidrome/navidrome.sock"',
		],
		securityNotes: trustedSourcesSecurity,
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'ExtAuth.UserHeader',
		envName: 'ND_EXTAUTH_USERHEADER',
		tomlKey: 'ExtAuth.UserHeader',
		type: 'header-name',
		default: 'Remote-User',
		since: [0, 59, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Name of the request header that carries the username asserted by your authenticating proxy.',
		description: `Name of the HTTP request header in which your authenticating proxy passes the username. Navidrome only reads it on requests from peers listed in \`ExtAuth.TrustedSources\`.

${userHeaderRules}

Needs Navidrome 0.59.0 or later; it replaces \`ReverseProxyUserHeader\`.`,
		examples: ['ND_EXTAUTH_USERHEADER=X-authentik-username', '[ExtAuth]\nUserHeader = "Remote-User"'],
		securityNotes: userHeaderSecurity,
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'ExtAuth.LogoutURL',
		envName: 'ND_EXTAUTH_LOGOUTURL',
		tomlKey: 'ExtAuth.LogoutURL',
		type: 'url',
		default: '',
		since: [0, 61, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Where the web UI sends users who log out of a header-authenticated session, usually the identity provider\'s logout page.',
		description: `Address the web UI redirects to when a user logs out, typically your identity provider's logout endpoint (for Authelia, \`https://auth.example.com/logout\`). Navidrome itself does nothing else with it.

It must be an absolute \`http://\` or \`https://\` URL with a host name. Anything else (a path such as \`/logout\`, a URL without scheme, \`ftp://…\`) stops Navidrome at startup. When it is empty (the default) and the user came in through the header, the UI hides its Logout entry.

Needs Navidrome 0.61.0 or later; older versions ignore it.`,
		examples: ['ND_EXTAUTH_LOGOUTURL=https://auth.example.com/logout', '[ExtAuth]\nLogoutURL = "https://auth.example.com/logout"'],
		securityNotes: [
			'Without it, users who came in through the header cannot end their session from Navidrome; it lasts as long as the proxy\'s session. On shared computers, point it at the identity provider\'s logout.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'ReverseProxyWhitelist',
		envName: 'ND_REVERSEPROXYWHITELIST',
		tomlKey: 'ReverseProxyWhitelist',
		type: 'cidr-list',
		default: '',
		since: [0, 44, 0],
		sinceVerified: true,
		deprecatedBy: 'ExtAuth.TrustedSources',
		secret: false,
		summary: 'Old name of ExtAuth.TrustedSources: the CIDR ranges of proxies allowed to send the user header.',
		description: `Former name of \`ExtAuth.TrustedSources\`, and the only one Navidrome 0.44.0 to 0.58.x understand: the comma-separated CIDR ranges of the peers allowed to log users in through the user header.

From 0.59.0 on it still works, logs a deprecation warning, and its value is copied onto \`ExtAuth.TrustedSources\`. Up to 0.63.2 that copy happens whenever the old name is set, so **it overrides an explicit \`ExtAuth.TrustedSources\`**; later builds let the new name win. An empty \`ND_REVERSEPROXYWHITELIST=\` environment variable counts as not set, while the key in the config file counts even when empty.

${trustedSourcesRules}`,
		examples: ['ND_REVERSEPROXYWHITELIST=172.18.0.5/32', 'ReverseProxyWhitelist = "10.0.0.0/8"'],
		securityNotes: trustedSourcesSecurity,
		docsUrl: authenticationPage,
	},
	{
		key: 'ReverseProxyUserHeader',
		envName: 'ND_REVERSEPROXYUSERHEADER',
		tomlKey: 'ReverseProxyUserHeader',
		type: 'header-name',
		default: 'Remote-User',
		since: [0, 44, 0],
		sinceVerified: true,
		deprecatedBy: 'ExtAuth.UserHeader',
		secret: false,
		summary: 'Old name of ExtAuth.UserHeader: the header carrying the username from the authenticating proxy.',
		description: `Former name of \`ExtAuth.UserHeader\`, and the only one Navidrome 0.44.0 to 0.58.x understand.

From 0.59.0 on it still works, logs a deprecation warning, and is copied onto \`ExtAuth.UserHeader\`. Up to 0.63.2 it **overrides an explicit \`ExtAuth.UserHeader\`** whenever it is set; later builds let the new name win. An empty environment variable counts as not set.

${userHeaderRules}`,
		examples: ['ND_REVERSEPROXYUSERHEADER=Remote-User', 'ReverseProxyUserHeader = "X-Auth-User"'],
		securityNotes: userHeaderSecurity,
		docsUrl: authenticationPage,
	},
	{
		key: 'Address',
		envName: 'ND_ADDRESS',
		tomlKey: 'Address',
		type: 'address',
		default: '0.0.0.0',
		since: [0, 0, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Interface Navidrome listens on: an IP address, or `unix:` followed by the path of a UNIX socket.',
		description: `Where Navidrome listens: an IPv4 or IPv6 address, or a UNIX socket written as \`unix:\` followed by its path (\`unix:/run/navidrome/navidrome.sock\`). The default \`0.0.0.0\` listens on every IPv4 interface.

- The \`unix:\` prefix is required and case-sensitive. A bare path such as \`/var/run/navidrome.sock\` is taken for a host name and Navidrome fails to start.
- With a socket, \`Port\` is ignored, an existing file at that path is replaced, and the file mode comes from \`UnixSocketPerm\`.
- Clients coming through the socket have the peer address \`@\`, so \`ExtAuth.TrustedSources\` needs an \`@\` entry and its IP ranges no longer match anything.
- UNIX sockets need Navidrome 0.50.0 or later.`,
		examples: ['ND_ADDRESS=127.0.0.1', 'ND_ADDRESS=unix:/run/navidrome/navidrome.sock', 'Address = "unix:/run/navidrome/navidrome.sock"'],
		securityNotes: [
			'Listening on every interface lets other machines reach Navidrome without going through the proxy. With external authentication on, listen only where the proxy connects from (a private network, loopback, or a UNIX socket).',
		],
		docsUrl: `${optionsPage}#basic-configuration`,
	},
	{
		key: 'Port',
		envName: 'ND_PORT',
		tomlKey: 'Port',
		type: 'integer',
		default: '4533',
		since: [0, 0, 0],
		sinceVerified: true,
		extraEnvNames: ['PORT'],
		deprecatedBy: undefined,
		secret: false,
		summary: 'TCP port Navidrome listens on; ignored with a `unix:` Address.',
		description: `TCP port Navidrome listens on. It has no effect when \`Address\` is a \`unix:\` socket.

Besides \`ND_PORT\`, Navidrome also reads a plain \`PORT\` environment variable (set by some hosting platforms); \`ND_PORT\` wins when both are set.`,
		examples: ['ND_PORT=4533', 'Port = 4533'],
		securityNotes: [],
		docsUrl: `${optionsPage}#basic-configuration`,
	},
	{
		key: 'UnixSocketPerm',
		envName: 'ND_UNIXSOCKETPERM',
		tomlKey: 'UnixSocketPerm',
		type: 'file-mode',
		default: '0660',
		since: [0, 51, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Octal file mode of the UNIX socket created when Address starts with `unix:`.',
		description: `File mode of the UNIX socket Navidrome creates when \`Address\` starts with \`unix:\`, written in octal (\`"0660"\`, \`"0666"\`). It does nothing for TCP listeners.

Quote it in the config file: a TOML number with a leading zero (\`UnixSocketPerm = 0660\`) is a syntax error. A value that is not octal makes Navidrome fail when it creates the socket.

Needs Navidrome 0.51.0 or later.`,
		examples: ['ND_UNIXSOCKETPERM=0660', 'UnixSocketPerm = "0660"'],
		securityNotes: [
			'Anyone who can write to the socket talks to Navidrome directly, and with `@` in `ExtAuth.TrustedSources` can log in as any user. Keep the mode tight (`0660` with a group shared only with the proxy) rather than `0666`.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'EnableUserEditing',
		envName: 'ND_ENABLEUSEREDITING',
		tomlKey: 'EnableUserEditing',
		type: 'boolean',
		default: 'true',
		since: [0, 45, 0],
		sinceVerified: false,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Lets regular users change their own name, email and password in the web UI.',
		description: `Lets regular (non-admin) users edit their own name, email and password in the web UI. Administrators can always edit every user.

Accounts created from the user header get a random password nobody knows. Subsonic apps usually sign in with a username and password of their own rather than through the proxy, so those users need a real password set in Navidrome. With this option off, only an administrator can set it for them.`,
		examples: ['ND_ENABLEUSEREDITING=false', 'EnableUserEditing = true'],
		securityNotes: [
			'An account created from the header has an autogenerated password, and its owner may set a new one without knowing the old one.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'BaseUrl',
		envName: 'ND_BASEURL',
		tomlKey: 'BaseUrl',
		type: 'string',
		default: '',
		since: [0, 0, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Path prefix (`/music`) or full public URL when Navidrome is served below a sub-path.',
		description: `Path prefix (\`/music\`) or full public URL (\`https://example.com/music\`) when Navidrome is served below a sub-path. All routes move below the path part, including the ones a proxy treats specially: \`/music/app/\`, \`/music/rest\`, \`/music/share\`.

A value Go cannot parse as a URL stops Navidrome at startup.`,
		examples: ['ND_BASEURL=/music', 'BaseUrl = "https://example.com/music"'],
		securityNotes: [],
		docsUrl: `${optionsPage}#basic-configuration`,
	},
	{
		key: 'PasswordEncryptionKey',
		envName: 'ND_PASSWORDENCRYPTIONKEY',
		tomlKey: 'PasswordEncryptionKey',
		type: 'string',
		default: '',
		since: [0, 44, 0],
		sinceVerified: true,
		deprecatedBy: undefined,
		secret: true,
		summary: 'Secret key that encrypts the user passwords stored in Navidrome\'s database.',
		description: `Key used to encrypt the passwords stored in Navidrome's database. They are stored reversibly because the Subsonic token login needs the plain password. When empty, a built-in key, identical in every installation, is used, which only obscures them.

After the key is set, Navidrome re-encrypts the stored passwords on its next start. Changing or removing it afterwards makes every stored password unusable, including the random ones of accounts created from the user header.`,
		examples: ['ND_PASSWORDENCRYPTIONKEY=<a long random string>'],
		securityNotes: [
			'Treat it like a password: keep it out of shared compose files, screenshots and logs. This toolkit never displays its value.',
			'Choose it once, before users exist; changing it later breaks every stored password.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'EnableSharing',
		envName: 'ND_ENABLESHARING',
		tomlKey: 'EnableSharing',
		type: 'boolean',
		default: 'true',
		since: [0, 50, 0],
		sinceVerified: false,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Turns on share links and the public `/share/{id}` pages, which also honour the user header.',
		description: `Turns on share links: the sharing UI and the public pages \`/share/{id}\` that play shared music without a login.

Share pages read the user header as well. A request from a trusted peer that carries the header is logged in as that user and, as on the main UI, **the account is created** if it does not exist yet.

The default changed from \`false\` to \`true\` in Navidrome 0.63.0.`,
		examples: ['ND_ENABLESHARING=false', 'EnableSharing = true'],
		securityNotes: [
			'Proxies usually let `/share` through without authentication. Strip the user header there too, or a forged header on a share page logs in as, or creates, any user.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
	{
		key: 'DevAutoLoginUsername',
		envName: 'ND_DEVAUTOLOGINUSERNAME',
		tomlKey: 'DevAutoLoginUsername',
		type: 'string',
		default: '',
		since: [0, 44, 0],
		sinceVerified: false,
		deprecatedBy: undefined,
		secret: false,
		summary: 'Development option that logs every web UI visitor in as this user, without password or header.',
		description: `Development option: every visitor of the web UI is logged in as this user, with no password and no header. It takes precedence over the user header, is also accepted by the native API (\`/api\`), and creates the account if it does not exist, exactly like a header login.

Leave it empty on any server someone else can reach.`,
		examples: ['ND_DEVAUTOLOGINUSERNAME=admin'],
		securityNotes: [
			'Anyone who reaches Navidrome is logged in as this user; on an empty database the account is created as an administrator.',
		],
		docsUrl: `${optionsPage}#advanced-configuration`,
	},
];

const byName = new Map<string, SettingDoc>();
for (const doc of settingsCatalog) {
	for (const name of [doc.key, doc.envName, doc.tomlKey, ...(doc.extraEnvNames ?? [])]) {
		const lower = name.toLowerCase();
		if (!byName.has(lower)) byName.set(lower, doc);
	}
}

/**
Find a setting by catalog key, environment variable or TOML key, ignoring case (`ND_EXTAUTH_TRUSTEDSOURCES`,
`ExtAuth.TrustedSources`, `extauth.trustedsources`, `PORT`). A bare key inside a table (`TrustedSources` under
`[ExtAuth]`) is not accepted: pass the full dotted key.
*/
export function findSetting(nameOrEnvOrTomlKey: string): SettingDoc | undefined {
	if (typeof nameOrEnvOrTomlKey !== 'string' || nameOrEnvOrTomlKey.length > 200) return undefined;
	return byName.get(nameOrEnvOrTomlKey.toLowerCase());
}

/** The catalog entry for a key (every `SettingKey` has one). */
export function settingDoc(key: SettingKey): SettingDoc {
	return findSetting(key)!;
}

/** Defaults that changed between releases; `version` undefined means the newest release. */
const defaultChanges: Partial<Record<SettingKey, { before: Version; value: string }>> = {
	EnableSharing: { before: [0, 63, 0], value: 'false' },
};

/** A setting's default in a given Navidrome version (the catalog's `default` is the newest release's). */
export function settingDefault(key: SettingKey, version?: Version): string {
	const change = defaultChanges[key];
	if (change && version && compareVersions(version, change.before) < 0) return change.value;
	return settingDoc(key).default;
}
