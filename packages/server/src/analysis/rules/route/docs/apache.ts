/** What each route cause looks like in Apache httpd and how to fix it there, for the route rules' pages. */
import type { ForgeCause, LossCause } from '../../../model/route.js';

const requestHeader = '[Apache: `RequestHeader`](https://httpd.apache.org/docs/2.4/mod/mod_headers.html#requestheader)';
const early = '[Apache: early and late processing](https://httpd.apache.org/docs/2.4/mod/mod_headers.html#early)';
const merging = '[Apache: how the sections are merged](https://httpd.apache.org/docs/2.4/sections.html#merging)';
const require = '[Apache: `Require`](https://httpd.apache.org/docs/2.4/mod/mod_authz_core.html#require)';
const expr = '[Apache: expressions](https://httpd.apache.org/docs/2.4/expr.html)';
const proxyPass = '[Apache: `ProxyPass`](https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass)';

// spec: proxies.md §0 (Navidrome reads the header with Header.Get; an empty value is no user); Apache facts measured, docs/apache.md
export const apacheDocs: Partial<Record<ForgeCause | LossCause, string>> = {
	'bypass-nostrip': `Apache's mod_proxy forwards every client request header it does not change. A path that \`ProxyPass\` (or \`RewriteRule … [P]\`) sends to Navidrome where no \`Require\` asks for a login (no section, or \`Require all granted\`) and no \`RequestHeader unset Remote-User\` is in effect passes a client's \`Remote-User: admin\` (in any letter case) straight to Navidrome. Which sections apply follows Apache's merge order: \`<Proxy>\`, then every matching \`<Location>\`/\`<LocationMatch>\` in the order they appear (main server before virtual host), then \`<If>\`; a \`<Location />\` applies to \`/rest/\` too.

**Fix:** \`RequestHeader unset Remote-User early\` in the virtual host (the quick fix): it runs as the request is read, before any section and before the login, and the protected sections set the header again afterwards. See ${early}, ${proxyPass} and ${merging}.`,

	'strip-gap': `A strip exists but misses these requests: it has a condition (\`env=…\`, \`expr=…\`, an \`<If>\` or \`<Limit>\` around it), it sits in a \`<Location>\` that does not cover them, or it is \`RequestHeader unset Remote-User early\` inside a \`<Location>\`: Apache accepts \`early\` there (\`apache2 -t\` says nothing) and ignores it, so the client's copy passes (measured on Apache 2.4).

**Fix:** one unconditional \`RequestHeader unset Remote-User early\` at virtual-host level (the quick fix); \`early\` cannot be combined with a condition. See ${early} and ${merging}.`,

	'client-input': `\`RequestHeader set Remote-User\` with a value the client chooses: an environment variable filled from a request header (\`SetEnvIf X-Forwarded-User "(.+)" U=$1\` and \`%{U}e\`, \`RewriteRule … [E=U:%{HTTP:X-User}]\`), \`expr=%{HTTP:…}\`/\`%{req:…}\`, or \`%{HTTP_…}s\` (mod_ssl's view of a request header). Behind a login, any user with a password picks the name.

**Fix:** \`RequestHeader set Remote-User "expr=%{REMOTE_USER}"\`, the user Apache authenticated (the quick fix behind a login; elsewhere \`RequestHeader unset Remote-User\`). See ${requestHeader} and ${expr}.`,

	'literal-user': `Where no login runs, mod_headers sends an unset \`%{VAR}e\` or \`%{VAR}s\` as the text \`(null)\` (measured on Apache 2.4). A \`RequestHeader set Remote-User "%{REMOTE_USER}s"\` (or \`%{OIDC_CLAIM_preferred_username}e\`, \`%{MELLON_uid}e\`) at virtual-host level, or in a \`<Location />\` that also covers a path opened with \`Require all granted\`, therefore sends \`Remote-User: (null)\` there: every anonymous Subsonic client is logged in as one user named "(null)", created on first use (an admin on a fresh install). A fixed text does the same.

**Fix:** an expression, which is empty where nothing is set, and Navidrome takes an empty header as no user: \`RequestHeader set Remote-User "expr=%{REMOTE_USER}"\`, or \`"expr=%{ENV:OIDC_CLAIM_preferred_username}"\` (the quick fix). See ${requestHeader} and ${expr}.`,

	'auth-no-user': `A section with \`AuthType\` and \`Require valid-user\` (Basic, mod_auth_openidc's \`openid-connect\`, mod_auth_mellon) where nothing sets or removes \`Remote-User\`: the login passes and the client's own \`Remote-User\` goes on to Navidrome with it. The signed-in user never arrives either (route/never-mapped reports that side).

**Fix:** \`RequestHeader set Remote-User "expr=%{REMOTE_USER}"\` in that section (the quick fix); \`set\` replaces every client copy. See ${requestHeader} and ${require}.`,

	'never-mapped': `Behind a login, \`Remote-User\` never carries the signed-in user: it is never set, it is removed, it comes from client input, or it is set from something that is not the user. The common case is \`RequestHeader set Remote-User "%{REMOTE_USER}e"\`: REMOTE_USER is not in the environment when mod_headers runs, so every user arrives as \`(null)\` (measured). \`%{REMOTE_USER}s\` works only while mod_ssl is loaded (with or without TLS).

**Fix:** \`RequestHeader set Remote-User "expr=%{REMOTE_USER}"\` (the quick fix), which needs no mod_ssl; with mod_auth_openidc a claim works too (\`%{OIDC_CLAIM_preferred_username}e\`, set after the login). See ${requestHeader} and ${expr}.`,

	'strip-after-auth': `mod_headers runs every non-\`early\` \`RequestHeader\` after the login, in merge order: the main server's, the virtual host's, then each section's. A \`RequestHeader unset Remote-User\` in a \`<Location>\` (meant as a strip) therefore runs after the virtual host's \`RequestHeader set Remote-User "expr=%{REMOTE_USER}"\` and removes the user it set.

**Fix:** strip with \`early\` at virtual-host level, which runs before the login (the quick fix adds \`early\` to a virtual-host line, or removes the section's unset). See ${early} and ${merging}.`,

	renamed: `The signed-in user is sent under another name (\`RequestHeader set X-Remote-User "expr=%{REMOTE_USER}"\`), and Navidrome reads only \`ExtAuth.UserHeader\` (default \`Remote-User\`).

**Fix:** send it as \`Remote-User\` (the quick fix), or set \`ND_EXTAUTH_USERHEADER\` to the name sent. See ${requestHeader} and [Navidrome: externalized authentication](https://www.navidrome.org/docs/usage/integration/authentication/).`,
};
