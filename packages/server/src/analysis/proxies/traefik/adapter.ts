/**
The Traefik proxy adapter: builds the Traefik model once per deployment, keeps it for the Traefik rules, and adds one
`ProxyRoute` per router (and Navidrome instance) that reaches Navidrome.
*/
import type { Location } from '../../findings.js';
import type { Deployment, HeaderFate, ProxyRoute } from '../../model/deployment.js';
import type { ProxyAdapter } from '../index.js';
import { buildTraefikModels, type ReadText } from './build.js';
import type { NavidromeRoute, RouterView, TraefikModel } from './model.js';
import { describePaths } from './reach.js';

const models = new WeakMap<Deployment, TraefikModel[]>();

function build(deployment: Deployment, readText?: ReadText): TraefikModel[] {
	try {
		return buildTraefikModels(deployment, readText);
	} catch {
		// Never let one proxy's model break the analysis of everything else.
		return [];
	}
}

export const traefikAdapter: ProxyAdapter = (deployment, context) => {
	const built = build(deployment, (path) => context.readText(path));
	models.set(deployment, built);
	for (const model of built) for (const route of model.routes) deployment.routes.push(toProxyRoute(route));
};

/** The Traefik models of a deployment, one per deployment folder (built by the adapter, or now). */
export function traefikModels(deployment: Deployment): TraefikModel[] {
	let built = models.get(deployment);
	if (!built) {
		built = build(deployment);
		models.set(deployment, built);
	}
	return built;
}

const fateRank: Record<HeaderFate, number> = { passthrough: 0, placeholder: 1, 'never-delivered': 2, stripped: 3, authenticated: 4 };

/** The entrypoint view that is worst for the user header, among those that receive requests. */
export function worstView(route: NavidromeRoute): RouterView | undefined {
	const receiving = route.views.filter((view) => view.reach.receives);
	const candidates = receiving.length > 0 ? receiving : route.views;
	return [...candidates].sort((a, b) => fateRank[a.header.fate] - fateRank[b.header.fate])[0];
}

function toProxyRoute(route: NavidromeRoute): ProxyRoute {
	const view = worstView(route);
	const router = route.router;
	const entryPoint = view && view.entryPoint !== '*' ? ` on entrypoint ${view.entryPoint}` : '';
	const receives = view && view.reach.wins.length > 0 ? `; receives ${describePaths(view.reach.wins)}` : view && !view.reach.receives ? '; receives nothing (other routers take every request)' : '';
	const locations: Location[] = view?.header.decisive.length ? view.header.decisive : router.def?.middlewares ? [router.def.middlewares.location] : [router.anchor];
	return {
		proxy: 'traefik',
		location: router.anchor,
		requests: `router ${router.qualifiedName}: ${router.rule || '(default rule)'} (priority ${router.priority}${router.priorityExplicit ? ', explicit' : ', rule length'})${entryPoint}${receives}`,
		upstream: route.upstream,
		target: route.instance,
		authenticated: view?.header.authenticated ?? false,
		header: { fate: view?.header.fate ?? 'passthrough', detail: view?.header.detail ?? '', locations },
	};
}
