/** What each route cause looks like in HAProxy and how to fix it there, for the route rules' pages. */
import type { ForgeCause, LossCause } from '../../../model/route.js';

const manual = 'https://docs.haproxy.org/2.6/configuration.html';
const delHeader = `[HAProxy: \`http-request del-header\`](${manual}#4.2-http-request%20del-header)`;
const setHeader = `[HAProxy: \`http-request set-header\`](${manual}#4.2-http-request%20set-header)`;
const httpRequest = `[HAProxy: \`http-request\`](${manual}#4.2-http-request)`;
const useBackend = `[HAProxy: \`use_backend\`](${manual}#4.2-use_backend)`;
const auth = `[HAProxy: \`http-request auth\`](${manual}#4.2-http-request%20auth)`;
const httpAuthUser = `[HAProxy: \`http_auth_user\`](${manual}#7.3.6-http_auth_user)`;
const authRequest = '[haproxy-auth-request](https://github.com/TimWolla/haproxy-auth-request)';

export const haproxyDocs: Partial<Record<ForgeCause | LossCause, string>> = {
	'bypass-nostrip': `HAProxy forwards every request header no rule removes. A request that reaches a Navidrome backend (the first \`use_backend\` whose condition holds, else \`default_backend\`) without running \`lua.auth-request\` or \`http-request auth\`, and without an \`http-request del-header Remote-User\` on its way, passes a client's \`Remote-User: admin\` to Navidrome, in any letter case. Typical bypasses are a \`use_backend\` for \`/rest/\` or a Subsonic host name, and an \`unless is_subsonic\` on the auth step. \`add-header\` does not help: it appends after the client's copy, which Navidrome reads first.

**Fix:** \`http-request del-header Remote-User\` as the first \`http-request\` rule of the frontend (the quick fix), before the auth step sets it again. See ${delHeader}, ${useBackend} and ${httpRequest}.`,

	'strip-gap': `An \`http-request del-header Remote-User if …\` (or \`unless …\`) exists, but its condition misses requests that also skip the auth step, so there the client's \`Remote-User\` reaches Navidrome. HAProxy evaluates the condition on each rule separately; an ACL on \`path_beg /rest/\` does not cover \`/share/\`.

**Fix:** remove the client's copy unconditionally, \`http-request del-header Remote-User\` first in the frontend (the quick fix), or give the strip exactly the condition the auth step skips. See ${delHeader}.`,

	'client-input': `\`http-request set-header Remote-User %[…]\` built from something the client sends: another header (\`%[req.hdr(X-User)]\`), a cookie, a query parameter, or \`%[http_auth_user]\`, the user name of the client's \`Authorization: Basic\` header, which HAProxy checks only where a condition tests \`http_auth(<userlist>)\`.

**Fix:** take the user from the auth answer (\`%[var(req.auth_response_header.remote_user)]\` after \`lua.auth-request\`), or use \`%[http_auth_user]\` only behind \`http-request auth unless { http_auth(<userlist>) }\`. See ${setHeader}, ${httpAuthUser} and ${auth}.`,

	placeholder: `\`http-request set-header Remote-User %[var(req.auth_response_header.remote_user)] if …\` replaces the header only when its condition holds (Authelia's own example tests that the variable was found), and nothing removes the client's copy first. When the auth service answers 2xx without a user (an Authelia \`bypass\` policy, an Authentik unauthenticated path), or when a failed check does not stop the request, the client's own \`Remote-User\` passes through.

**Fix:** \`http-request del-header Remote-User\` first in the frontend (the quick fix); a \`set-header\` that reads an unset variable sends the header empty, which Navidrome ignores. See ${delHeader} and ${authRequest}.`,

	'auth-no-user': `\`http-request lua.auth-request <backend> <path>\` (the ${authRequest} Lua script) or \`http-request auth\` runs, but no rule copies the answer into \`Remote-User\` and none removes the client's copy, so the client's own \`Remote-User\` goes to Navidrome with the signed-in request; the same holds when \`add-header\` appends the answer after the client's copy. The signed-in user never arrives either (route/never-mapped reports that side).

**Fix:** \`http-request del-header Remote-User\` first in the frontend, and after the auth step \`http-request set-header Remote-User %[var(req.auth_response_header.remote_user)]\` (Basic: \`%[http_auth_user]\`); the quick fix adds both. See ${setHeader}.`,

	'literal-user': `\`http-request set-header Remote-User admin\` (any fixed, non-empty text) on requests that pass no auth step: everyone who reaches them is that user.

**Fix:** remove the rule, or set the header only from the auth answer. See ${setHeader}.`,

	'strip-after-auth': `HAProxy runs the frontend's \`http-request\` rules (those of its named defaults section first) before the backend's, each list in order. An \`http-request del-header Remote-User\` (or a \`set-header\` with another value) in the backend, or later in the frontend, removes the user the auth answer set.

**Fix:** remove the later rule (the quick fix, where the frontend already replaces the client's copy) and strip the client's copy before the auth step instead. See ${httpRequest}.`,

	'never-mapped': `A request behind \`lua.auth-request\` (with a \`deny\` for failed checks) or \`http-request auth\` where the answer never reaches \`Remote-User\`: no rule copies it, the copy reads \`var(req.auth_response_header.…)\` before \`lua.auth-request\` ran (rules run in order, and an unset variable gives an empty value), or the header is built from client input instead. HAProxy then sends \`Remote-User\` empty or not at all, and users fall back to Navidrome's login.

**Fix:** after the auth step, \`http-request set-header Remote-User %[var(req.auth_response_header.remote_user)]\` (Basic: \`%[http_auth_user]\`; the quick fix adds it). See ${setHeader} and ${authRequest}.`,

	'wrong-name': `The auth-request Lua script stores each answer header in \`req.auth_response_header.<name>\` (lower case, \`-\` as \`_\`). Reading one the service never sends (\`remote_user\` with Authentik, which sends \`X-authentik-username\`) gives an empty value, so Navidrome never receives the user. The service is recognised from the auth backend's name, servers and compose image; an unrecognised service is not judged.

**Fix:** read the header the service really sends (the quick fix does), e.g. \`%[var(req.auth_response_header.x_authentik_username)]\`. See ${authRequest}.`,

	renamed: `The auth answer is copied into another header (\`http-request set-header X-User %[var(req.auth_response_header.remote_user)]\`) than the one Navidrome reads (\`ExtAuth.UserHeader\`, \`Remote-User\` by default).

**Fix:** set \`Remote-User\` (the quick fix), or set \`ND_EXTAUTH_USERHEADER\` to the header HAProxy sends. See ${setHeader}.`,
};
