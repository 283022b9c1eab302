/** What each route cause looks like in nginx and how to fix it there, for the route rules' pages. */
import type { ForgeCause, LossCause } from '../../../model/route.js';

const proxySetHeader = '[nginx: `proxy_set_header`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header)';
const authRequest = '[nginx: `auth_request`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html)';
const authRequestSet = '[nginx: `auth_request_set`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html#auth_request_set)';

export const nginxDocs: Partial<Record<ForgeCause | LossCause, string>> = {
	'bypass-nostrip': `nginx forwards every client request header it does not redefine. A \`location\` that reaches Navidrome without \`auth_request\` (none, or \`auth_request off\`) and with no \`proxy_set_header Remote-User "";\` among the \`proxy_set_header\` lines in effect there passes a client's \`Remote-User: admin\` straight to Navidrome. Typical bypass locations are \`/rest/\` and \`/share/\`; client copies in other letter cases pass as well. Not reported when headers-more's \`more_clear_input_headers Remote-User;\` (server or http level, also wildcards) or \`proxy_pass_request_headers off\` already removes the client's copies; a strip lost through \`proxy_set_header\` inheritance is route/inherit-lost. Which paths a location takes follows nginx's matching (exact, longest prefix, \`^~\`, regexes in order, nested locations).

**Fix:** \`proxy_set_header Remote-User "";\` in every bypass location, next to its other \`proxy_set_header\` lines (the quick fix also repeats the lines the location inherited, since adding one drops the inherited ones), or \`more_clear_input_headers Remote-User;\` at server level with the headers-more module. See ${authRequest} and ${proxySetHeader}.`,

	'auth-no-user': `A location behind \`auth_request\` (or \`auth_basic\`) where nothing sets or clears \`Remote-User\`: the auth service lets the client through, and nginx forwards the client's own \`Remote-User\` with it. The signed-in user never arrives either (route/never-mapped reports that side).

**Fix:** capture the answer and send it: \`auth_request_set $user $upstream_http_remote_user;\` and \`proxy_set_header Remote-User $user;\` (with \`auth_basic\`: \`proxy_set_header Remote-User $remote_user;\`). See ${authRequestSet}.`,

	'inherit-lost': `nginx inherits \`proxy_set_header\` lines from the enclosing level (http → server → location → nested location) **only if the level has none of its own**. One unrelated line such as \`proxy_set_header X-Real-IP $remote_addr;\` (written there or brought in by an \`include\`d snippet) drops every inherited one, including the server's \`proxy_set_header Remote-User $user;\` mapping or \`proxy_set_header Remote-User "";\` strip, and the client's own \`Remote-User\` reaches Navidrome. The finding's related information points at the outer line that was lost.

**Fix:** repeat \`proxy_set_header Remote-User …;\` in the level that has its own lines (the quick fix does), or remove the header once with headers-more \`more_clear_input_headers Remote-User;\` at server level, which is not subject to this inheritance. See ${proxySetHeader}.`,

	'client-input': `\`proxy_set_header Remote-User $http_remote_user;\` copies the header the client sent, even behind \`auth_request\`; the same holds for any value built from \`$http_*\`, \`$cookie_*\` or \`$arg_*\`, directly or through \`set\` or \`map\`. With \`underscores_in_headers on\`, \`$http_remote_user\` also matches a client's \`Remote_User\`. \`$remote_user\` is the user name from the client's \`Authorization: Basic\` header, checked against a password file only where \`auth_basic\` is in force; elsewhere \`curl -u admin:anything\` chooses it.

**Fix:** take the user from the auth service: \`auth_request_set $user $upstream_http_remote_user;\` (Authentik: \`$upstream_http_x_authentik_username\`) and \`proxy_set_header Remote-User $user;\` (the quick fix, when such a captured variable is already in effect); use \`$remote_user\` only with \`auth_basic\` and \`auth_basic_user_file\`. See ${proxySetHeader} and [nginx: \`$remote_user\`](https://nginx.org/en/docs/http/ngx_http_core_module.html#var_remote_user).`,

	'never-mapped': `A location behind \`auth_request\` or \`auth_basic\` where the answer never reaches \`Remote-User\`: nothing maps it (the header is cleared, set empty, lost through inheritance, or never set), the mapped variable is not captured by an \`auth_request_set\` in effect there (a location's own \`auth_request_set\` lines replace the outer ones), or the header is built from client input instead. nginx does not send a header with an empty value, so users fall back to Navidrome's login.

**Fix:** \`auth_request_set $user $upstream_http_remote_user;\` in effect in the location, and \`proxy_set_header Remote-User $user;\`. See ${authRequestSet}.`,

	'wrong-name': `\`auth_request_set $user $upstream_http_<x>;\` captures header \`<x>\` of the auth service's answer. When the service never sends \`<x>\` (\`$upstream_http_remote_user\` with Authentik, which sends \`X-authentik-username\`), \`$user\` is empty and nothing reaches Navidrome. The service is recognised from the auth location's \`proxy_pass\` (host, path, or the compose image): Authelia sends \`Remote-User\`, Authentik \`X-authentik-username\`, oauth2-proxy \`X-Auth-Request-User\`, Tailscale's nginx-auth \`Tailscale-User\`; an unrecognised service is not judged.

**Fix:** capture the header the service really sends (the quick fix does), e.g. \`auth_request_set $user $upstream_http_x_authentik_username;\`. See ${authRequestSet}.`,
};
