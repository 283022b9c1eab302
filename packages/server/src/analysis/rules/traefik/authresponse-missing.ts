import type { Fix, Location } from '../../findings.js';
import { field } from '../../formats/traefik/index.js';
import type { Deployment } from '../../model/deployment.js';
import type { NavidromeRoute, TraefikMiddleware } from '../../proxies/traefik/index.js';
import type { Rule } from '../rule.js';
import { appendToList, insertLabels, insertSiblingLine } from './fixes.js';
import { allRoutes, exposure, notLiveClause, spoofing, spoofRelated } from './helpers.js';

// spec: proxies.md §4.1 (`pkg/middlewares/auth/forward.go` ~L313–340: `req.Header.Del` for each listed name, then
//   the regex pass; the code comment says other client headers pass unchanged), §0 and §9
//   (TRAEFIK-AUTHRESP-MISSING)
export const traefikAuthresponseMissing: Rule = {
	id: 'traefik/authresponse-missing',
	category: 'impersonation',
	severity: 'error',
	summary: "A forwardAuth on a Navidrome router does not list the user header in authResponseHeaders, so a client's copy survives.",
	docs: `Traefik's forwardAuth deletes a request header only when it is listed in \`authResponseHeaders\` (or matched by
\`authResponseHeadersRegex\`), and then copies the auth server's value; every other client header goes to the backend
unchanged, "by design". If Navidrome's user header is not listed and no headers middleware removes it, a client that
passes the auth server (any user with an account, or anyone on a path the auth server lets through) can add
\`Remote-User: admin\` and Navidrome logs it in as \`admin\`.

The regex is matched against the canonical header name (\`Remote-User\`) and partially, as Go's
\`regexp.MatchString\` does. A pattern this analysis cannot run counts as matching.

**Fix:** add the user header to \`authResponseHeaders\` (the quick fix does, in the form the file uses), or put a
strip middleware before forwardAuth.

See [Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'traefik'],
	check({ deployment, report }) {
		const reported = new Set<string>();
		for (const { route } of allRoutes(deployment)) {
			const spoof = spoofing(route);
			if (!spoof) continue;
			for (const view of route.views) {
				if (!view.reach.receives || view.header.fate !== 'passthrough' || view.header.unknown.length > 0) continue;
				const exposed = exposure(route, view, spoof);
				if (!exposed) continue;
				for (const step of view.header.notReplacing) {
					const middleware = step.middleware;
					if (!middleware?.def.forwardAuth) continue;
					const key = `${middleware.qualifiedName}\u0000${route.instance.id}`;
					if (reported.has(key)) continue;
					reported.add(key);
					const forwardAuth = middleware.def.forwardAuth;
					const location: Location = forwardAuth.authResponseHeaders?.location ?? forwardAuth.address?.location ?? middleware.def.node.keyLocation ?? middleware.def.node.location;
					const routers = [...new Set(allRoutes(deployment).filter((other) => other.route.instance === route.instance && other.route.views.some((v) => v.header.notReplacing.some((s) => s.middleware === middleware))).map((other) => other.route.router.name))];
					const listed = forwardAuth.authResponseHeaders?.items.map((item) => item.value).filter(Boolean) ?? [];
					const regex = forwardAuth.authResponseHeadersRegex?.value;
					const regexClause = regex ? ` and its authResponseHeadersRegex ${regex} does not match ${route.header} (Traefik tests the canonical name)` : '';
					const what = `${listed.length > 0 ? `lists only ${listed.join(', ')} in authResponseHeaders` : 'has no authResponseHeaders'}${regexClause}`;
					const impact = exposed.live ? 'anyone who gets past the auth server can send' : `${notLiveClause(route.instance)} anyone who gets past the auth server could send`;
					const message = `forwardAuth ${middleware.qualifiedName} ${what}, so Traefik leaves a client-sent ${route.header} in place on router${routers.length > 1 ? 's' : ''} ${routers.join(', ')}: ${impact} ${route.header}: admin and be logged in as that user. Add ${route.header} to authResponseHeaders.`;
					const related = spoofRelated(route, exposed.live);
					if (step.ref.location) related.unshift({ ...step.ref.location, message: `${middleware.qualifiedName} is used here` });
					const fix = addHeaderFix(deployment, middleware, route);
					report({ location, message, related, ...(fix ? { fixes: [fix] } : {}) });
				}
			}
		}
	},
};

function addHeaderFix(deployment: Deployment, middleware: TraefikMiddleware, route: NavidromeRoute): Fix | undefined {
	const forwardAuth = middleware.def.forwardAuth!;
	const title = `Add ${route.header} to authResponseHeaders of ${middleware.name}`;
	if (forwardAuth.authResponseHeaders) {
		const edit = appendToList(deployment, forwardAuth.authResponseHeaders, route.header);
		return edit ? { title, isPreferred: true, edits: [edit] } : undefined;
	}
	if (middleware.origin.kind === 'labels') {
		const edit = insertLabels(deployment, middleware.def.node.entries, [[`traefik.http.middlewares.${middleware.name}.forwardauth.authResponseHeaders`, route.header]]);
		return edit ? { title, isPreferred: true, edits: [edit] } : undefined;
	}
	if (middleware.origin.kind === 'file') {
		const sibling = field(forwardAuth.node, 'address') ?? forwardAuth.node.children[forwardAuth.node.children.length - 1];
		if (!sibling) return undefined;
		const edit = insertSiblingLine(deployment, sibling, middleware.origin.format, 'authResponseHeaders', `[${JSON.stringify(route.header)}]`);
		return edit ? { title, isPreferred: true, edits: [edit] } : undefined;
	}
	return undefined;
}
