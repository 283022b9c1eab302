/** Builds a small deployment (compose + Caddyfile + extras) in memory and runs the engine on it; finds the Caddy fixtures. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer, type AnalysisResult } from '../../src/analysis/engine.js';
import type { AnalysisOptions } from '../../src/analysis/model/deployment.js';
import { caddyAnalysis } from '../../src/analysis/proxies/caddy/index.js';
import type { CaddyRoute } from '../../src/analysis/proxies/caddy/types.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

export type Deployment = { caddyfile: string; caddyImage?: string | null; noCompose?: boolean; navidromeEnv?: Record<string, string>; caddyEnv?: Record<string, string>; extra?: Record<string, string>; options?: AnalysisOptions };

const rulesRoot = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));

/**
Every Caddy fixture folder with a Caddyfile, sorted: the route rules' `fire-caddy-*`/`ok-caddy-*` cases
(`route/<cause>/…`) and the Caddy rules' own (`caddy/<rule>/…`). `name` is the path under fixtures/rules.
*/
export function caddyFixtureFolders(): Array<{ name: string; folder: string }> {
	const found: Array<{ name: string; folder: string }> = [];
	const visit = (area: string, keep: (name: string) => boolean): void => {
		const root = join(rulesRoot, area);
		if (!existsSync(root)) return;
		for (const rule of readdirSync(root).sort()) {
			if (!statSync(join(root, rule)).isDirectory()) continue;
			for (const name of readdirSync(join(root, rule)).sort()) {
				const folder = join(root, rule, name);
				if (keep(name) && existsSync(join(folder, 'Caddyfile'))) found.push({ name: `${area}/${rule}/${name}`, folder });
			}
		}
	};
	visit('caddy', () => true);
	visit('route', (name) => /^(?:fire|ok)-caddy-/.test(name));
	return found;
}

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
	return caddyAnalysis(result.deployment)?.files.flatMap((file) => file.sites.flatMap((site) => site.routes)) ?? [];
}

/** `requests → authenticated/fate` lines, sorted, for compact assertions. */
export function summary(result: AnalysisResult): string[] {
	return result.deployment.routes
		.filter((route) => route.proxy === 'caddy')
		.map((route) => `${route.requests} → ${route.authenticated ? 'auth' : 'bypass'}/${route.header.fate}`)
		.sort();
}

/** `rule category` of the Caddy rules' and route rules' findings. */
export function caddyFindings(result: AnalysisResult): string[] {
	return result.findings.filter((finding) => finding.ruleId.startsWith('caddy/') || finding.ruleId.startsWith('route/')).map((finding) => `${finding.ruleId} ${finding.category}`);
}
