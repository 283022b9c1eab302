/** Shared lookups and wording for the Traefik rules. */
import { classifyPath, formatVersion } from '@navidrome-extauth/core';
import type { Probe } from '../../formats/traefik/index.js';
import type { Location, Related } from '../../findings.js';
import type { Deployment, NavidromeInstance } from '../../model/deployment.js';
import { describePaths, traefikModels, type ChainStep, type NavidromeRoute, type RouterView, type TraefikModel } from '../../proxies/traefik/index.js';
import { settingSite, trustedSourcesSite } from '../navidrome/helpers.js';

export function allRoutes(deployment: Deployment): Array<{ model: TraefikModel; route: NavidromeRoute }> {
	return traefikModels(deployment).flatMap((model) => model.routes.map((route) => ({ model, route })));
}

/**
Whether a client-sent header on this route would log someone in: external auth is intended and Traefik's address is
(or, unknown, is assumed to be) trusted. `live` is false when the pinned image does not know the options yet: the
configuration then becomes dangerous on upgrade.
*/
export function spoofing(route: NavidromeRoute): { live: boolean } | undefined {
	const instance = route.instance;
	if (!instance.intended.settings.extAuthEnabled || !route.peerTrusted) return undefined;
	return { live: instance.settings.settings.extAuthEnabled };
}

export function imageVersion(instance: NavidromeInstance): string {
	return instance.version ? formatVersion(instance.version) : 'the pinned image';
}

/**
"spoofable once the image supports the options" wording for images too old for the configured options, or too old to
read the header on the paths the route takes (the Subsonic API before 0.52.0).
*/
export function notLiveClause(instance: NavidromeInstance): string {
	if (instance.settings.settings.extAuthEnabled) return `spoofable once the image reads the header on these paths: Navidrome ${imageVersion(instance)} ignores it there today, but after an upgrade`;
	return `spoofable once the image supports the options: Navidrome ${imageVersion(instance)} ignores the external-auth settings today, but after an upgrade`;
}

/** Whether the route is exploitable with the pinned image, only after an upgrade, or never; and on which requests. */
export function exposure(route: NavidromeRoute, view: RouterView, spoof: { live: boolean }): { live: boolean; paths: Probe[] | undefined } | undefined {
	let live = spoof.live;
	let paths = headerPaths(route, view, live);
	if (live && paths && paths.length === 0) {
		live = false;
		paths = headerPaths(route, view, false);
	}
	if (paths && paths.length === 0) return undefined;
	return { live, paths };
}

/** Related locations every spoofing finding shows: the trust setting, the trusted peer assumption, the image. */
export function spoofRelated(route: NavidromeRoute, live: boolean): Related[] {
	const related: Related[] = [];
	const site = trustedSourcesSite(route.instance);
	if (site) related.push({ ...site.location, message: route.peerAddress ? `Navidrome trusts Traefik's address ${route.peerAddress}` : "Navidrome trusts these sources; Traefik's address is not pinned, so it is taken to be among them" });
	if (!live && route.instance.imageLocation) {
		const why = route.instance.settings.settings.extAuthEnabled ? 'does not read the header on these paths yet' : 'does not know the external-auth options yet';
		related.push({ ...route.instance.imageLocation, message: `Navidrome ${imageVersion(route.instance)} ${why}` });
	}
	const header = settingSite(route.instance, route.instance.intended.settings.userHeader);
	if (header) related.push({ ...header.location, message: `the user header is ${route.header}` });
	return related;
}

/** The requests a view takes, for messages. */
export function takes(view: RouterView): string {
	if (view.reach.wins.length > 0) return describePaths(view.reach.wins);
	return 'the requests its rule matches';
}

export function entryPointClause(view: RouterView): string {
	return view.entryPoint === '*' ? '' : ` (entrypoint ${view.entryPoint})`;
}

export function refLocation(step: ChainStep | undefined): Location | undefined {
	return step?.ref.location;
}

/** Paths the Navidrome docs exempt from proxy auth: `/share/…` and `/rest/…` under the BaseURL. */
export function isPublicPath(instance: NavidromeInstance, path: string): boolean {
	const base = instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
	return path.startsWith(`${base}/share`) || path.startsWith(`${base}/rest`);
}

export function routerLabel(route: NavidromeRoute): string {
	return route.router.origin.kind === 'default' ? `the default router ${route.router.name} (created by the Docker provider for the ${route.router.origin.service.name} container)` : `router ${route.router.name}`;
}

/**
The requests of a view on which Navidrome reads the user header (navidrome-extauth.md §5: e.g. the Subsonic API only
since 0.52.0, static files never). `live` judges the pinned version; otherwise the newest release. `undefined` when the
view has no certain requests to judge (then the router is assumed to matter).
*/
export function headerPaths(route: NavidromeRoute, view: RouterView, live: boolean): Probe[] | undefined {
	if (view.reach.wins.length === 0) return undefined;
	const base = route.instance.intended.settings.baseUrl.value.replace(/\/+$/, '');
	const version = live ? route.instance.version : undefined;
	return view.reach.wins.filter((probe) => {
		if (base && !probe.path.startsWith(`${base}/`) && probe.path !== base) return false;
		return classifyPath(probe.path.slice(base.length) || '/', version).honoursHeader;
	});
}
