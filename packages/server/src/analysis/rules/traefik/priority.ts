import type { Location } from '../../findings.js';
import type { Probe } from '../../formats/traefik/rule.js';
import { describePaths, winners, type NavidromeRoute, type TraefikModel, type TraefikRouter } from '../../proxies/traefik/index.js';
import type { Rule } from '../rule.js';
import { allRoutes, isPublicPath } from './helpers.js';

// spec: proxies.md §4.4 (`pkg/muxer/http/mux.go` `GetRulePriority` = `len(rule)`; routes sorted by priority, first
//   match wins; `priority: 0` means the rule length), §0 (paths the docs exempt) and §9 (TRAEFIK-PRIORITY)
export const traefikPriority: Rule = {
	id: 'traefik/priority',
	category: 'exposure',
	severity: 'warning',
	summary: 'A Traefik router without authentication outranks the protected Navidrome router on paths other than /share/ and /rest/.',
	docs: `Traefik sorts the routers of an entrypoint by priority and gives a request to the first whose rule matches. The
priority is the rule's length in bytes unless \`priority\` is set. A public router (no forwardAuth) for Navidrome is
meant to take only what the Navidrome docs exempt from proxy auth, \`/share/…\` and \`/rest/…\`. When its rule is
broader (\`PathPrefix(\`/\`)\` with a long \`Host\`, a forgotten \`Path\` condition) or an explicit priority puts it above
the protected router, it also takes \`/\`, \`/app/\` or \`/api/…\`, which then skip authentication. If it does not remove
the user header either, \`route/bypass-nostrip\` reports the impersonation.

The analysis tests each router's rule on concrete requests built from the hosts and paths the rules mention and
reports requests a protected router matches but the public one takes for certain.

**Fix:** keep public rules to \`/share/\` and \`/rest/\` (\`PathPrefix(\`/share/\`) || PathPrefix(\`/rest/\`)\` with the
same \`Host\`), and drop explicit priorities or set them deliberately.

See [Traefik: router priority](https://doc.traefik.io/traefik/routing/routers/#priority).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'traefik'],
	check({ deployment, report }) {
		const reported = new Set<string>();
		for (const { model, route } of allRoutes(deployment)) {
			for (const view of route.views) {
				if (view.header.authenticated || !view.reach.receives) continue;
				const table = view.reach.table;
				const protectedRouters = protectedOn(model, route, view.entryPoint);
				if (protectedRouters.size === 0) continue;
				const routerIndex = table.routers.indexOf(route.router);
				const taken: Probe[] = [];
				const over = new Set<TraefikRouter>();
				table.probes.forEach((probe, probeIndex) => {
					if (isPublicPath(route.instance, probe.path)) return;
					if (winners(table, probeIndex).winner !== route.router) return;
					for (const other of protectedRouters) {
						const otherIndex = table.routers.indexOf(other);
						if (otherIndex >= 0 && table.truth[otherIndex]![probeIndex] === 'yes') {
							taken.push(probe);
							over.add(other);
						}
					}
				});
				if (taken.length === 0 || routerIndex < 0) continue;
				const key = `${route.router.qualifiedName}\u0000${route.instance.id}`;
				if (reported.has(key)) continue;
				reported.add(key);
				const router = route.router;
				const location: Location = router.priorityExplicit && router.priorityLocation ? router.priorityLocation : router.anchor;
				const others = [...over].map(describe).join(', ');
				report({
					location,
					message: `Router ${describe(router)} outranks ${others} and takes ${describePaths(taken)} without authentication: requests the protected router was meant to authenticate reach Navidrome through this public router. Keep its rule to /share/ and /rest/${router.priorityExplicit ? ', or lower its priority' : ''}.`,
					related: [...over].map((other) => ({ ...(other.priorityExplicit && other.priorityLocation ? other.priorityLocation : other.anchor), message: `protected router ${describe(other)}` })),
				});
			}
		}
	},
};

export function describe(router: TraefikRouter): string {
	return `${router.name} (priority ${router.priority}${router.priorityExplicit ? ', explicit' : ', the rule length'})`;
}

/** Routers on the same entrypoint that reach the same Navidrome through an authentication step. */
export function protectedOn(model: TraefikModel, route: NavidromeRoute, entryPoint: string): Set<TraefikRouter> {
	const routers = new Set<TraefikRouter>();
	for (const other of model.routes) {
		if (other.instance !== route.instance || other.router === route.router) continue;
		if (other.views.some((view) => view.entryPoint === entryPoint && view.header.authenticated)) routers.add(other.router);
	}
	return routers;
}
