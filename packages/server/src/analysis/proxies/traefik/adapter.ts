/**
The Traefik proxy adapter: builds the Traefik model once per deployment, keeps it for the Traefik-specific rules, and
adds one neutral `ProxyRoute` per router (and Navidrome instance) that reaches Navidrome (`lower.ts`).
*/
import type { ParseContext } from '../../formats/handler.js';
import type { Deployment } from '../../model/deployment.js';
import { buildTraefikModels, type ReadText } from './build.js';
import { lowerRoutes } from './lower.js';
import type { TraefikModel } from './model.js';

const models = new WeakMap<Deployment, TraefikModel[]>();

function build(deployment: Deployment, readText?: ReadText): TraefikModel[] {
	try {
		return buildTraefikModels(deployment, readText);
	} catch {
		// Never let one proxy's model break the analysis of everything else.
		return [];
	}
}

/** The adapter `proxies/index.ts` lists (its `ProxyAdapter` shape, written out here so the two files import one way). */
export function traefikAdapter(deployment: Deployment, context: ParseContext): void {
	const built = build(deployment, (path) => context.readText(path));
	models.set(deployment, built);
	for (const model of built) {
		try {
			deployment.routes.push(...lowerRoutes(deployment, model));
		} catch {
			// As above: a lowering bug costs this proxy's routes, not the analysis.
		}
	}
}

/** The Traefik models of a deployment, one per deployment folder (built by the adapter, or now). */
export function traefikModels(deployment: Deployment): TraefikModel[] {
	let built = models.get(deployment);
	if (!built) {
		built = build(deployment);
		models.set(deployment, built);
	}
	return built;
}
