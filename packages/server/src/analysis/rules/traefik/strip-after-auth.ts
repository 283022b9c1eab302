import type { Fix } from '../../findings.js';
import type { Deployment } from '../../model/deployment.js';
import type { ChainStep } from '../../proxies/traefik/index.js';
import type { Rule } from '../rule.js';
import { reorderList } from './fixes.js';
import { allRoutes, entryPointClause } from './helpers.js';

// spec: proxies.md §4.2 ("Middlewares are applied in the order they are declared"; entrypoint middlewares are
//   prepended; `header.go` `modifyCustomRequestHeaders` deletes on an empty value), §4.1 (`forward.go` sets the
//   listed headers) and §9 (TRAEFIK-STRIP-AFTER-AUTH)
export const traefikStripAfterAuth: Rule = {
	id: 'traefik/strip-after-auth',
	category: 'broken',
	severity: 'warning',
	summary: 'A middleware removing the user header runs after forwardAuth, deleting the authenticated user.',
	docs: `Traefik runs a router's middlewares in the order they are listed, after the entrypoint's \`http.middlewares\`.
A \`headers\` middleware with \`customRequestHeaders.Remote-User: ""\` placed after the forwardAuth that set
\`Remote-User\` deletes the authenticated value, so Navidrome never receives a user on that router and external auth
silently does nothing (users see Navidrome's login form). Before forwardAuth the same strip is harmless.

Reported when external auth is configured for the Navidrome instance the router reaches.

**Fix:** list the strip before forwardAuth (the quick fix reorders the router's \`middlewares\` when both are in it),
or attach it to the entrypoint, whose middlewares run first.

See [Traefik: Headers](https://doc.traefik.io/traefik/middlewares/http/headers/) and [Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'traefik'],
	check({ deployment, report }) {
		const reported = new Set<string>();
		for (const { route } of allRoutes(deployment)) {
			if (!route.instance.intended.settings.extAuthEnabled) continue;
			for (const view of route.views) {
				const pair = view.header.stripAfterAuth;
				if (!pair) continue;
				const location = pair.strip.ref.location ?? route.router.anchor;
				const key = `${location.file}\u0000${location.span.start}\u0000${route.router.qualifiedName}`;
				if (reported.has(key)) continue;
				reported.add(key);
				const where = pair.strip.ref.via === 'chain' ? ` (inside chain ${pair.strip.via.map((ref) => ref.qualified).join(' → ')})` : '';
				const message = `${pair.strip.ref.qualified}${where} runs after ${pair.auth.ref.qualified} on router ${route.router.name}${entryPointClause(view)} and deletes the ${route.header} that ${pair.auth.ref.qualified} set: Navidrome never receives a user there, so external auth silently does nothing. List it before ${pair.auth.ref.qualified}.`;
				const related = pair.auth.ref.location ? [{ ...pair.auth.ref.location, message: `${pair.auth.ref.qualified} sets ${route.header} here` }] : [];
				const fix = reorderFix(deployment, pair.strip, pair.auth);
				report({ location, message, related, ...(fix ? { fixes: [fix] } : {}) });
			}
		}
	},
};

/** Moves the strip just before the auth step when both sit in the same router list. */
function reorderFix(deployment: Deployment, strip: ChainStep, auth: ChainStep): Fix | undefined {
	const list = strip.ref.list;
	if (!list || strip.ref.via !== 'router' || auth.ref.via !== 'router' || auth.ref.list !== list) return undefined;
	const order = list.items.map((_, index) => index).filter((index) => index !== strip.ref.index);
	order.splice(order.indexOf(auth.ref.index), 0, strip.ref.index);
	const edits = reorderList(deployment, list, order);
	if (!edits || edits.length === 0) return undefined;
	return { title: `Move ${strip.ref.written} before ${auth.ref.written}`, isPreferred: true, edits };
}
