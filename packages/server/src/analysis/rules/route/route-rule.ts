/**
The one shape of every route rule: for each neutral route (`model/route.ts`) and each outcome of the rule's cause,
pass the gate (`model/gate.ts`), then report with the consequence in the same words on every proxy. A route rule
never looks at a proxy's own model; the adapter's `Explanation` carries the proxy's words and fixes.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import type { Report, Severity } from '../../findings.js';
import type { FileKind } from '../../files.js';
import { judgeRoute, listPaths, type GateVerdict } from '../../model/gate.js';
import type { Explanation, ForgeCause, Forgery, LossCause, ProxyRoute } from '../../model/route.js';
import { trustedSourcesSite } from '../navidrome/helpers.js';
import { proxyDocs } from './docs/index.js';
import type { Rule } from '../rule.js';

/** Every file kind a route can come from, plus the Navidrome settings the gate reads. */
export const routeInputs: readonly FileKind[] = ['apache', 'caddyfile', 'compose', 'dotenv', 'haproxy', 'navidrome-toml', 'nginx', 'shell', 'systemd', 'traefik'];

type Common = { id: string; aliases: readonly string[]; summary: string; docs: string; severity?: Severity };

/** A rule page: what the cause is in every proxy, then each proxy's own section (`rules/route/docs/<proxy>.ts`). */
export function routeDocs(intro: string, cause: ForgeCause | LossCause, sections: ReadonlyArray<{ proxy: string; docs: Partial<Record<ForgeCause | LossCause, string>> }> = proxyDocs): string {
	const parts = [intro.trim()];
	for (const { proxy, docs } of sections) if (docs[cause]) parts.push(`**${proxy}.** ${docs[cause]!.trim()}`);
	return parts.join('\n\n');
}

/** A rule reporting one cause of `forgeable`: the client can choose the user header (impersonation, error). */
export function forgeryRule(spec: Common & { cause: ForgeCause }): Rule {
	return {
		id: spec.id,
		aliases: spec.aliases,
		category: 'impersonation',
		severity: spec.severity ?? 'error',
		summary: spec.summary,
		docs: spec.docs,
		inputs: routeInputs,
		check({ deployment, report }) {
			each(deployment.routes, (route) => route.forgeries.filter((forgery) => forgery.cause === spec.cause), (route, forgery, verdict) => report(forgeryReport(route, forgery, verdict)));
		},
	};
}

/** A rule reporting one cause of not `delivered`: the signed-in user never reaches Navidrome (broken, warning). */
export function lossRule(spec: Common & { cause: LossCause }): Rule {
	return {
		id: spec.id,
		aliases: spec.aliases,
		category: 'broken',
		severity: spec.severity ?? 'warning',
		summary: spec.summary,
		docs: spec.docs,
		inputs: routeInputs,
		check({ deployment, report }) {
			each(deployment.routes, (route) => route.losses.filter((loss) => loss.cause === spec.cause), (route, loss, verdict) => report(lossReport(route, loss, verdict)));
		},
	};
}

/** Each outcome once per location (several routes often share the directive that decides). */
function each<T extends Explanation>(routes: readonly ProxyRoute[], pick: (route: ProxyRoute) => T[], emit: (route: ProxyRoute, outcome: T, verdict: Exclude<GateVerdict, { state: 'moot' }>) => void): void {
	const seen = new Set<string>();
	for (const route of routes) {
		for (const outcome of pick(route)) {
			const verdict = judgeRoute(route, outcome.witnesses ?? route.witnesses);
			if (verdict.state === 'moot') continue;
			const key = `${outcome.location.file}\u0000${outcome.location.span.start}\u0000${outcome.location.span.end}`;
			if (seen.has(key)) continue;
			seen.add(key);
			emit(route, outcome, verdict);
		}
	}
}

/** The user header as Navidrome reads it on this route. */
export function userHeaderOf(route: ProxyRoute): string {
	return canonicalHeaderName(route.target?.intended.settings.userHeader.value || 'Remote-User');
}

function forgeryReport(route: ProxyRoute, forgery: Forgery, verdict: Exclude<GateVerdict, { state: 'moot' }>): Report {
	const header = userHeaderOf(route);
	const who = forgery.who === 'anyone' ? 'anyone' : 'any user the auth service lets through';
	const paths = verdict.paths;
	const subsonic = paths.some((path) => /\/rest\//.test(path)) ? ' On /rest/* that is the whole Subsonic API.' : '';
	const live = forgery.consequence ?? `${who} can send "${header}: admin" and be logged in as admin`;
	const later = forgery.consequence ? `this would hold: ${forgery.consequence}` : `${who} could send "${header}: admin" and be logged in as admin`;
	const message =
		verdict.state === 'live'
			? `${sentence(forgery.what)}: ${live}.${subsonic} ${forgery.fix}`
			: `Latent: ${sentence(forgery.what)}. ${verdict.today} ${after(verdict.why)}, ${later}${paths.length > 0 ? ` on ${listPaths(paths)}` : ''}. ${forgery.fix}`;
	return finish(route, forgery, verdict, message);
}

function lossReport(route: ProxyRoute, loss: Explanation, verdict: Exclude<GateVerdict, { state: 'moot' }>): Report {
	const message =
		verdict.state === 'live'
			? `${sentence(loss.what)}: Navidrome never receives the signed-in user there, so external auth silently does nothing. ${loss.fix}`
			: `Latent: ${sentence(loss.what)}. ${verdict.today} ${after(verdict.why)}, Navidrome would still never receive the signed-in user there. ${loss.fix}`;
	return finish(route, loss, verdict, message);
}

function finish(route: ProxyRoute, outcome: Explanation, verdict: Exclude<GateVerdict, { state: 'moot' }>, message: string): Report {
	const related = [...(outcome.related ?? [])];
	const instance = route.target;
	const site = instance && !instance.assumed ? trustedSourcesSite(instance) : undefined;
	if (site && !related.some((entry) => entry.file === site.location.file && entry.span.start === site.location.span.start)) {
		const trust =
			route.peer.trusted === 'yes'
				? `Navidrome trusts the proxy's address ${route.peer.address}`
				: route.peer.trusted === 'no'
					? `the proxy's address${route.peer.address ? ` ${route.peer.address}` : ''} is not in this list`
					: "Navidrome trusts these sources; the proxy's address is not pinned, so it is taken to be among them";
		related.push({ ...site.location, message: trust });
	}
	if (verdict.state === 'latent' && verdict.why === 'version' && instance?.imageLocation) {
		related.push({ ...instance.imageLocation, message: 'the pinned Navidrome release' });
	}
	const report: Report = { location: outcome.location, message: message.trim(), related };
	if (verdict.state === 'latent') {
		report.severity = 'information';
		report.latent = verdict.why;
	} else if (outcome.severity) report.severity = outcome.severity;
	if (outcome.fixes?.length) report.fixes = outcome.fixes;
	return report;
}

function after(why: 'version' | 'trust'): string {
	return why === 'version' ? 'After an upgrade' : 'If the trust list ever covers this proxy';
}

function sentence(text: string): string {
	const trimmed = text.trim().replace(/[.:]+$/, '');
	// Only a plain word is capitalised: names such as `strip-user@file` or `request_header` keep their case.
	return /^[a-z]+(?=\s)/.test(trimmed) ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) : trimmed;
}
