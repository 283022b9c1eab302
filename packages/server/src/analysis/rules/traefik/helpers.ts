/** Shared lookups for the Traefik-specific rules (priority, priority shadowing, trustForwardHeader). */
import type { Deployment, NavidromeInstance } from '../../model/deployment.js';
import { traefikModels, type NavidromeRoute, type TraefikModel } from '../../proxies/traefik/index.js';

export function allRoutes(deployment: Deployment): Array<{ model: TraefikModel; route: NavidromeRoute }> {
	return traefikModels(deployment).flatMap((model) => model.routes.map((route) => ({ model, route })));
}

/** Paths the Navidrome docs exempt from proxy auth: `/share/…` and `/rest/…` under the BaseURL. */
export function isPublicPath(instance: NavidromeInstance, path: string): boolean {
	const base = instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
	return path.startsWith(`${base}/share`) || path.startsWith(`${base}/rest`);
}
