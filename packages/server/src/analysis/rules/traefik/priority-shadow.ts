import type { Rule } from '../rule.js';
import { describePaths } from '../../proxies/traefik/index.js';
import { allRoutes } from './helpers.js';
import { describe, protectedOn } from './priority.js';

// spec: proxies.md §4.4 (`pkg/muxer/http/mux.go`: sorted by priority, first match wins; the "explicit priority on
//   the protected router silently disables the bypass" trap) and §9 (TRAEFIK-PRIORITY)
export const traefikPriorityShadow: Rule = {
	id: 'traefik/priority-shadow',
	category: 'broken',
	severity: 'warning',
	summary: 'A public Traefik router for Navidrome never receives a request: a protected router outranks it everywhere it matches.',
	docs: `A router without forwardAuth for \`/share/…\` or \`/rest/…\` only works if it outranks the protected router on
those paths. By default it does, because its rule is longer (Traefik's default priority is the rule length). An explicit
\`priority\` on the protected router (or a public rule shorter than the protected one) makes the protected router take
every request the public one matches: share links and Subsonic clients then hit forwardAuth and fail. That is safe but
broken.

**Fix:** remove the explicit priority, or give the public router a higher one.

See [Traefik: router priority](https://doc.traefik.io/traefik/routing/routers/#priority).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'traefik'],
	check({ deployment, report }) {
		const reported = new Set<string>();
		for (const { model, route } of allRoutes(deployment)) {
			for (const view of route.views) {
				if (view.header.authenticated || view.reach.receives || view.reach.lost.length === 0) continue;
				const protectedRouters = protectedOn(model, route, view.entryPoint);
				const winnersOver = new Set(view.reach.lost.map((lost) => lost.to));
				if (![...winnersOver].every((router) => protectedRouters.has(router))) continue;
				const key = `${route.router.qualifiedName}\u0000${route.instance.id}`;
				if (reported.has(key)) continue;
				reported.add(key);
				const router = route.router;
				const over = [...winnersOver];
				report({
					location: router.anchor,
					message: `Router ${describe(router)} never receives a request: ${over.map(describe).join(', ')} takes ${describePaths(view.reach.lost.map((lost) => lost.probe))} first, so requests meant to skip authentication (share links, Subsonic clients) go through forwardAuth. ${over.some((other) => other.priorityExplicit) ? 'Remove the explicit priority or raise this router\'s.' : 'Give this router a higher priority.'}`,
					related: over.map((other) => ({ ...(other.priorityExplicit && other.priorityLocation ? other.priorityLocation : other.anchor), message: `protected router ${describe(other)}` })),
				});
			}
		}
	},
};
