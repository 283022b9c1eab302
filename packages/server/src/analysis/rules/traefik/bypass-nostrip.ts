import { describePaths, headerEntryFor, type NavidromeRoute, type TraefikModel } from '../../proxies/traefik/index.js';
import type { Fix, TextEdit } from '../../findings.js';
import type { Deployment } from '../../model/deployment.js';
import type { Rule } from '../rule.js';
import { appendToList, insertLabels } from './fixes.js';
import { allRoutes, entryPointClause, exposure, notLiveClause, routerLabel, spoofing, spoofRelated, takes } from './helpers.js';

// spec: proxies.md §4.2 (`pkg/middlewares/headers/header.go` `modifyCustomRequestHeaders`: an empty value is
//   `req.Header.Del`; `forwarded_header.go` `XHeadersSet` manages only X-Forwarded-* / X-Real-Ip), §4.1
//   (`pkg/middlewares/auth/forward.go`: only forwardAuth replaces listed headers), §4.3 (labels), §4.4 (which
//   router takes a request), §0 (Navidrome's sink) and §9 (TRAEFIK-BYPASS-NOSTRIP)
export const traefikBypassNostrip: Rule = {
	id: 'traefik/bypass-nostrip',
	category: 'impersonation',
	severity: 'error',
	summary: 'A Traefik router reaches Navidrome without forwardAuth and nothing removes a client-sent user header.',
	docs: `A router whose service is Navidrome, with no forwardAuth (or basicAuth/digestAuth) in its effective chain
(entrypoint \`http.middlewares\` first, then the router's \`middlewares\`, \`chain\` middlewares expanded), and no
\`headers\` middleware whose \`customRequestHeaders\` sets the user header to \`""\`. Traefik forwards every client
header it does not manage itself, so a client sends \`Remote-User: admin\` and Navidrome, trusting Traefik's address,
logs it in as \`admin\` (an unknown name is created; on a fresh install the first one becomes admin). On \`/rest/…\`
that is the whole Subsonic API. Navidrome's own Traefik example had such a public router for \`/share/\` and
\`/rest/\`.

The finding also appears when the pinned image is too old to know the external-auth options: the router is then
spoofable once the image supports the options. It is not reported when external auth is not configured, when
Navidrome provably does not trust Traefik's (pinned) address, or when the router only takes paths where Navidrome
never reads the header (static UI files, the token-based share endpoints); on \`/rest/\` with an image older than
0.52.0 (which ignores the header there) it is reported as spoofable once the image reads the header. Routers the Docker provider creates by itself for an
exposed container without router labels (rule \`Host(\`<service>-<project>\`)\`, no middlewares) count too.

**Fix:** attach a strip middleware to the router (or to the entrypoint, where it runs first for every router):
\`traefik.http.middlewares.strip-remote-user.headers.customrequestheaders.Remote-User=\` (an empty value removes the
header; compose's null value \`Remote-User:\` is \`""\` too) and add it to the router's \`middlewares\`. The quick fix
does exactly that for label-defined routers, reusing an existing strip middleware when there is one.

See [Traefik: Headers](https://doc.traefik.io/traefik/middlewares/http/headers/), [Traefik: ForwardAuth](https://doc.traefik.io/traefik/middlewares/http/forwardauth/) and [Traefik: router priority](https://doc.traefik.io/traefik/routing/routers/#priority). A basicAuth or digestAuth step does not help: it sets only its \`headerField\`, so any user with a password still picks the user header.`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'traefik'],
	check({ deployment, report }) {
		for (const { model, route } of allRoutes(deployment)) {
			const spoof = spoofing(route);
			if (!spoof) continue;
			const view = route.views.find((candidate) => candidate.reach.receives && candidate.header.fate === 'passthrough' && candidate.header.unknown.length === 0 && !candidate.chain.some((step) => step.middleware?.def.kind === 'forwardAuth'));
			if (!view) continue;
			const exposed = exposure(route, view, spoof);
			if (!exposed) continue;
			const router = route.router;
			const who = routerLabel(route);
			const requests = exposed.paths ? describePaths(exposed.paths) : takes(view);
			// basicAuth/digestAuth only set their own headerField; anyone with a password still chooses the user header.
			const basic = view.header.notReplacing.map((step) => step.ref.qualified);
			const how = basic.length > 0 ? `with only ${basic.join(', ')} (which does not set ${route.header})` : 'without forwardAuth';
			const who2 = basic.length > 0 ? 'anyone who can log in there' : 'anyone';
			const message = exposed.live
				? `${capitalise(who)} sends ${requests} to Navidrome ${how}, and no middleware removes a client-sent ${route.header}${entryPointClause(view)}: ${who2} can send ${route.header}: admin and be logged in as that user. Add a headers middleware with customRequestHeaders.${route.header} set to "" to this router.`
				: `${capitalise(who)} sends ${requests} to Navidrome ${how}, and no middleware removes a client-sent ${route.header}${entryPointClause(view)}: ${notLiveClause(route.instance)} ${who2} could send ${route.header}: admin through this router and be logged in as that user. Add a headers middleware with customRequestHeaders.${route.header} set to "" to this router.`;
			const related = spoofRelated(route, exposed.live);
			if (router.def?.middlewares) related.unshift({ ...router.def.middlewares.location, message: `none of these middlewares removes ${route.header}` });
			const fix = stripFix(deployment, model, route);
			report({ location: router.anchor, message, related, ...(fix ? { fixes: [fix] } : {}) });
		}
	},
};

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Adds a strip middleware (an existing one if any) to a label-defined router's `middlewares`. */
function stripFix(deployment: Deployment, model: TraefikModel, route: NavidromeRoute): Fix | undefined {
	const router = route.router;
	if (router.origin.kind !== 'labels' || !router.def) return undefined;
	const existing = [...model.middlewares.values()]
		.filter((middleware) => headerEntryFor(middleware, route.header)?.value === '')
		.sort((a, b) => Number(b.provider === router.provider) - Number(a.provider === router.provider))[0];
	let name: string;
	let reference: string;
	if (existing) {
		name = existing.name;
		reference = existing.provider === router.provider ? existing.name : existing.qualifiedName;
	} else {
		const base = `strip-${route.header.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
		name = base;
		for (let suffix = 2; model.middlewares.has(`${name}@${router.provider}`); suffix++) name = `${base}-${suffix}`;
		reference = name;
	}
	const edits: TextEdit[] = [];
	const labels: Array<[string, string]> = [];
	const middlewares = router.def.middlewares;
	if (middlewares) {
		if (middlewares.items.some((item) => item.value === reference)) return undefined;
		const edit = appendToList(deployment, middlewares, reference);
		if (!edit) return undefined;
		edits.push(edit);
	} else labels.push([`traefik.http.routers.${router.name}.middlewares`, reference]);
	if (!existing) labels.push([`traefik.http.middlewares.${name}.headers.customrequestheaders.${route.header}`, '']);
	if (labels.length > 0) {
		const edit = insertLabels(deployment, router.def.node.entries, labels);
		if (!edit) return undefined;
		// Appending to the last label's value and adding lines after it touch the same offset: one edit, in order.
		const same = edits.find((other) => other.file === edit.file && other.span.start === edit.span.start && other.span.end === edit.span.end);
		if (same) same.newText += edit.newText;
		else edits.push(edit);
	}
	return {
		title: existing ? `Add ${reference} (removes ${route.header}) to router ${router.name}` : `Add a middleware removing ${route.header} to router ${router.name}`,
		isPreferred: true,
		edits,
	};
}
