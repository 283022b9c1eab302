/** Shared lookups for the Caddy rules: the routes they judge and message pieces. */
import type { Location, Related, Report } from '../../findings.js';
import type { Directive } from '../../formats/caddyfile/index.js';
import type { Deployment } from '../../model/deployment.js';
import type { CaddyFileAnalysis, CaddyRoute, HeaderOrigin } from '../../proxies/caddy/types.js';

export type JudgedRoute = { file: CaddyFileAnalysis; route: CaddyRoute };

/** Routes that reach a Navidrome with external auth intended (the only ones the Caddy rules judge). */
export function judgedRoutes(deployment: Deployment): JudgedRoute[] {
	const judged: JudgedRoute[] = [];
	for (const file of deployment.caddy?.files ?? []) {
		for (const site of file.sites) {
			for (const route of site.routes) if (route.target.intended.settings.extAuthEnabled) judged.push({ file, route });
		}
	}
	return judged;
}

/** The request set with the undecided matchers it depends on and the model's approximations, if any. */
export function requestsOf(route: CaddyRoute): string {
	let text = route.requests;
	if (route.conditional.length > 0) text += ` (depending on ${route.conditional.join(', ')}, which the model does not decide)`;
	if (route.approximations.length > 0) text += ` (approximate: ${route.approximations.join('; ')})`;
	return text;
}

export function reachesSubsonic(route: CaddyRoute): boolean {
	return route.examplePaths.some((path) => path.startsWith('/rest/'));
}

export function directiveHeadLocation(directive: Directive): Location {
	let end = directive.nameToken.span.end;
	for (const arg of directive.args) if (arg.file === directive.file && arg.span.end > end) end = arg.span.end;
	return { file: directive.file, span: { start: directive.nameToken.span.start, end } };
}

export function directiveText(directive: Directive): string {
	const text = [directive.nameToken, ...directive.args].map((token) => token.raw).join(' ');
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function originLocation(origin: HeaderOrigin): Location {
	return { file: origin.token.file, span: origin.token.span };
}

export function proxyRelated(route: CaddyRoute): Related {
	return { ...directiveHeadLocation(route.proxy), message: `reaches Navidrome (${route.target.id}) here` };
}

/**
Collects reports per location so one cause seen on several request sets is reported once, naming all of them.
`build` receives every request set description for that location.
*/
export class ReportsByLocation {
	private readonly entries = new Map<string, { routes: CaddyRoute[]; build: (routes: CaddyRoute[]) => Report }>();

	add(location: Location, route: CaddyRoute, build: (routes: CaddyRoute[]) => Report): void {
		const key = `${location.file}\u0000${location.span.start}\u0000${location.span.end}`;
		const entry = this.entries.get(key);
		if (entry) {
			if (!entry.routes.includes(route)) entry.routes.push(route);
		} else this.entries.set(key, { routes: [route], build });
	}

	flush(report: (report: Report) => void): void {
		for (const { routes, build } of this.entries.values()) report(build(routes));
	}
}

/** `a; b` for several request sets (each already in Caddy's words). */
export function joinRequests(routes: readonly CaddyRoute[]): string {
	return [...new Set(routes.map(requestsOf))].join('; ');
}

/** "(Caddy 2.11.4 assumed: no version pinned)" style note for version-dependent messages. */
export function versionNote(file: CaddyFileAnalysis): string {
	return file.version.description;
}
