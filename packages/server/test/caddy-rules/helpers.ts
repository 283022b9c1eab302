/** Builds a small deployment (compose + Caddyfile + extras) in memory and runs the engine on it. */
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import type { AnalysisOptions } from '../../src/analysis/model/deployment.js';
import type { CaddyRoute } from '../../src/analysis/proxies/caddy/types.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

export type Deployment = { caddyfile: string; caddyImage?: string | null; noCompose?: boolean; navidromeEnv?: Record<string, string>; caddyEnv?: Record<string, string>; extra?: Record<string, string>; options?: AnalysisOptions };

export function composeText(deployment: Deployment): string {
	const navidromeEnv = { ND_EXTAUTH_TRUSTEDSOURCES: '172.30.0.10/32', ...deployment.navidromeEnv };
	const env = (values: Record<string, string>): string => Object.entries(values).map(([key, value]) => `      ${key}: "${value}"\n`).join('');
	const caddy =
		deployment.caddyImage === null
			? ''
			: `  caddy:\n    image: ${deployment.caddyImage ?? 'caddy:2.11.4'}\n    volumes:\n      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n${deployment.caddyEnv ? `    environment:\n${env(deployment.caddyEnv)}` : ''}`;
	return `services:\n${caddy}  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n${env(navidromeEnv)}`;
}

export function analyzeDeployment(deployment: Deployment): AnalysisResult {
	const files = [
		...(deployment.noCompose ? [] : [{ path: '/w/compose.yaml', text: composeText(deployment) }]),
		{ path: '/w/Caddyfile', text: deployment.caddyfile },
		...Object.entries(deployment.extra ?? {}).map(([path, text]) => ({ path, text })),
	];
	return new Analyzer().analyze({ files, workspace: fixtureWorkspace(files), options: deployment.options ?? {} });
}

export function caddyRoutes(result: AnalysisResult): CaddyRoute[] {
	return result.deployment.caddy?.files.flatMap((file) => file.sites.flatMap((site) => site.routes)) ?? [];
}

/** `requests → authenticated/fate` lines, sorted, for compact assertions. */
export function summary(result: AnalysisResult): string[] {
	return result.deployment.routes
		.filter((route) => route.proxy === 'caddy')
		.map((route) => `${route.requests} → ${route.authenticated ? 'auth' : 'bypass'}/${route.header.fate}`)
		.sort();
}

export function caddyFindings(result: AnalysisResult): string[] {
	return result.findings.filter((finding) => finding.ruleId.startsWith('caddy/')).map((finding) => `${finding.ruleId} ${finding.category}`);
}
