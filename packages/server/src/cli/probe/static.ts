/**
What the static analysis says about one request path, read from the engine's neutral routes before the gate (the
proxy forwards the same headers whatever Navidrome trusts), with the gate's verdict and the findings reported at the
outcomes' locations beside it. The same reading as the truth tests (test/caddy-rules/truth.test.ts).
*/
import type { Finding } from '../../analysis/findings.js';
import { judgeRoute } from '../../analysis/model/gate.js';
import type { Forgery, ProxyRoute } from '../../analysis/model/deployment.js';
import type { StaticVerdict } from './types.js';

/** How the Caddy lowering words a literal placeholder (proxies/caddy/lower.ts), as the truth tests read it. */
const literalText = ' to the literal text ';

/** A placeholder forgery that only ever sends the literal text (no client value passes through). */
function isLiteral(forgery: Forgery): boolean {
	return forgery.cause === 'placeholder' && forgery.what.includes(literalText) && !forgery.what.includes('passes through');
}

export function staticVerdict(routes: readonly ProxyRoute[], path: string, findings: readonly Finding[], relative: (path: string) => string): StaticVerdict {
	const covering = routes.filter((route) => route.target && route.witnesses.includes(path));
	const name = (route: ProxyRoute): string => `${route.requests} → ${route.upstream}`;
	const covers = (route: ProxyRoute, witnesses: readonly string[] | undefined): boolean => (witnesses ?? route.witnesses).includes(path);
	const forgeries = covering.flatMap((route) => route.forgeries.filter((forgery) => covers(route, forgery.witnesses)).map((forgery) => ({ route, explanation: forgery, literal: isLiteral(forgery), entry: { cause: forgery.cause, who: forgery.who, route: name(route) } })));
	const authenticated = covering.filter((route) => route.authenticated);
	const losses = authenticated.flatMap((route) => route.losses.filter((loss) => covers(route, loss.witnesses)).map((loss) => ({ route, explanation: loss, entry: { cause: loss.cause, route: name(route) } })));
	const outcomes = [...forgeries, ...losses];
	const first = outcomes[0];
	const at = new Set(outcomes.map(({ explanation }) => `${explanation.location.file}\u0000${explanation.location.span.start}`));
	const shown = findings.filter((finding) => at.has(`${finding.file}\u0000${finding.span.start}`)).map((finding) => `${finding.ruleId} (${finding.severity}) ${relative(finding.file)}:${finding.range.start.line + 1}`);
	return {
		routes: covering.map(name),
		spoofable: forgeries.some((forgery) => !forgery.literal),
		placeholder: forgeries.some(({ explanation }) => explanation.cause === 'placeholder' && explanation.what.includes(literalText)),
		delivered: authenticated.length === 0 ? null : losses.length === 0,
		forgeries: forgeries.map(({ entry }) => entry),
		losses: losses.map(({ entry }) => entry),
		gate: first ? judgeRoute(first.route, [path]).state : null,
		findings: [...new Set(shown)],
	};
}

