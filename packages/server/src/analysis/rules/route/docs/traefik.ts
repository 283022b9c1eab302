/** What each route cause looks like in traefik and how to fix it there, for the route rules' pages. */
import type { ForgeCause, LossCause } from '../../../model/route.js';

// spec: proxies.md §4.1 (forward.go), §4.2 (header.go, middleware order), §4.3 (labels), §4.4 (router priority)
export const traefikDocs: Partial<Record<ForgeCause | LossCause, string>> = {
	'bypass-nostrip': `A router whose service is Navidrome has no forwardAuth (or basicAuth/digestAuth) in its effective chain
(entrypoint \`http.middlewares\` first, then the router's \`middlewares\`, \`chain\` middlewares expanded) and no
\`headers\` middleware whose \`customRequestHeaders\` sets the user header to \`""\`. Traefik forwards every client
header it does not manage itself, so a client's \`Remote-User: admin\` reaches Navidrome. Navidrome's own Traefik
example had such a public router for \`/share/\` and \`/rest/\`. Only the requests the router really wins count (a
higher-priority router may take the rest), and routers the Docker provider creates by itself for an exposed container
without router labels (rule \`Host(\`<service>-<project>\`)\`, no middlewares) count too. **Fix:** attach a strip
middleware to the router, or to the entrypoint, where it runs first for every router:
\`traefik.http.middlewares.strip-remote-user.headers.customrequestheaders.Remote-User=\` (an empty value removes the
header; compose's null value \`Remote-User:\` is \`""\` too), and add it to the router's \`middlewares\`. The quick fix
does that for label-defined routers, reusing an existing strip middleware when there is one. See
[Traefik: Headers](https://doc.traefik.io/traefik/middlewares/http/headers/) and
[Traefik: router priority](https://doc.traefik.io/traefik/routing/routers/#priority).`,
	'auth-no-user': `forwardAuth deletes a request header only when it is listed in \`authResponseHeaders\` (or matched by
\`authResponseHeadersRegex\`, tested partially against the canonical name \`Remote-User\`, as Go's
\`regexp.MatchString\` does; a pattern this analysis cannot run counts as matching), and then copies the auth server's
value; every other client header goes to the backend unchanged, "by design". If Navidrome's user header is not
listed and no headers middleware removes it, anyone who passes the auth server can add \`Remote-User: admin\`. A
basicAuth or digestAuth step is the same: it sets only its \`headerField\`, so any user with a password still picks the
user header. **Fix:** add the user header to \`authResponseHeaders\` (the quick fix does, in the form the file uses);
for basicAuth/digestAuth set \`headerField: Remote-User\`, or put a strip middleware before the auth step. See
[Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/) and
[Traefik: BasicAuth](https://doc.traefik.io/traefik/middlewares/http/basicauth/).`,
	'never-mapped': `A forwardAuth whose \`authResponseHeaders\` (and \`authResponseHeadersRegex\`) do not name Navidrome's user
header never copies the auth server's answer into it, and a basicAuth or digestAuth step writes the user only to its
\`headerField\`. With a strip before the auth step the client's copy is gone too, so requests arrive with no user at
all; without one, \`route/auth-no-user\` also reports that a client's copy gets through. **Fix:** add the user header
to \`authResponseHeaders\` (the quick fix does), or set \`headerField: Remote-User\` on basicAuth/digestAuth. See
[Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/).`,
	'strip-after-auth': `Traefik runs a router's middlewares in the order they are listed, after the entrypoint's
\`http.middlewares\`. A \`headers\` middleware with \`customRequestHeaders.Remote-User: ""\` placed after the forwardAuth
that set \`Remote-User\` deletes the authenticated value; before forwardAuth the same strip is harmless. **Fix:** list
the strip before forwardAuth (the quick fix reorders the router's \`middlewares\` when both are in it), or attach it to
the entrypoint, whose middlewares run first. See [Traefik: Headers](https://doc.traefik.io/traefik/middlewares/http/headers/)
and [Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/).`,
};
