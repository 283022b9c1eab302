/**
A deployment's verdict in words, shared by the CLI and the browser playground: the count line the CLI's text output
ends with (`4 files checked: 1 error, 1 warning.`), a headline naming the worst thing the findings say
(`Unsafe: anyone can log in as admin via /share/*, /rest/*`), and the coverage of a check (what was judged, what was
assumed, what could not be seen), so that silence is never an all-clear. Pure: findings and the model in, words out.
*/
import { newestNavidromeRelease } from '@navidrome-extauth/core';
import type { SkippedFile } from './detect.js';
import type { FileKind } from './files.js';
import type { Category, Finding, Severity } from './findings.js';
import type { Deployment, ProxyRoute } from './model/deployment.js';
import type { ComposeService } from './formats/compose/types.js';

/** `unsafe`: impersonation or exposure; `broken`: external auth silently does not work; `notes`: the rest. */
export type VerdictLevel = 'unsafe' | 'broken' | 'notes' | 'ok';

export type Verdict = {
	level: VerdictLevel;
	/** One sentence, most serious problem first. */
	headline: string;
	/** The CLI's count line (`summaryLine`). */
	summary: string;
};

const severityOrder: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** The last line of `check`'s text output: files checked and findings per severity. */
export function summaryLine(fileCount: number, findings: readonly Pick<Finding, 'severity'>[]): string {
	const counts = new Map<Severity, number>();
	for (const finding of findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
	const parts = severityOrder.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}${counts.get(s) === 1 || s === 'information' ? '' : 's'}`);
	return `${fileCount} file${fileCount === 1 ? '' : 's'} checked: ${parts.length ? parts.join(', ') : 'no findings'}.`;
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
The verdict of one analysis. Impersonation names the requests on which a client's own user header reaches Navidrome
(routes whose header fate is `passthrough`, proxies.md §2.1 C1d), since that is what an attacker sends.
*/
export function verdictOf(fileCount: number, findings: readonly Finding[], routes: readonly ProxyRoute[] = []): Verdict {
	const summary = summaryLine(fileCount, findings);
	const shown = findings.filter((finding) => finding.severity !== 'hint');
	const of = (category: Category): Finding[] => shown.filter((finding) => finding.category === category);
	// Latent findings become exploitable only after an upgrade or a trust change (model/gate.ts): never "unsafe" today.
	const latent = shown.filter((finding) => finding.latent);
	const impersonation = of('impersonation').filter((finding) => !finding.latent);
	if (impersonation.length > 0) {
		const open = [...new Set(routes.filter((route) => route.header.fate === 'passthrough' && route.target).map((route) => route.requests))];
		const via = open.length > 0 ? ` via ${open.join(', ')}` : '';
		return { level: 'unsafe', headline: `Unsafe: anyone can log in as admin${via} (${plural(impersonation.length, 'impersonation risk', 'impersonation risks')}).`, summary };
	}
	const exposure = of('exposure').filter((finding) => finding.severity === 'error');
	if (exposure.length > 0) return { level: 'unsafe', headline: `Unsafe: too much is trusted or reachable (${plural(exposure.length, 'exposure risk', 'exposure risks')}).`, summary };
	const broken = [...of('broken'), ...of('syntax')].filter((finding) => finding.severity === 'error' || finding.severity === 'warning');
	if (broken.length > 0) return { level: 'broken', headline: `Broken: external auth does not work as written (${plural(broken.length, 'problem', 'problems')}).`, summary };
	if (latent.length > 0) return { level: 'notes', headline: `No live impersonation; ${plural(latent.length, 'latent risk', 'latent risks')} would become exploitable after an upgrade or a trust change.`, summary };
	if (shown.length > 0) return { level: 'notes', headline: `No impersonation found; ${plural(shown.length, 'finding', 'findings')} to look at.`, summary };
	if (fileCount === 0) return { level: 'ok', headline: `Nothing judged: ${nothingToJudge}.`, summary };
	return { level: 'ok', headline: 'No problems found.', summary };
}

/** Why a check with no file judged what it judged: the kinds it looked for. */
export const nothingToJudge = 'no compose file, .env, navidrome.toml, Caddyfile, nginx or Traefik config was found';

/** What a check covered, for the CLI's text, JSON and SARIF output. */
export type Coverage = {
	/** Files read, by kind. */
	judged: Partial<Record<FileKind, number>>;
	/** Navidrome instances judged, the assumed one included when a proxy route reaches it. */
	navidromes: number;
	/** Proxy routes judged. */
	routes: number;
	/** What the findings take for granted, in words (an assumed Navidrome, a version no image tag pins), and where. */
	assumed: Array<{ file?: string; message: string }>;
	/** Files that look like configuration but were not read. */
	skipped: SkippedFile[];
	/** Proxy services in compose files whose routes are not in view (config in a database, a proxy kind not read). */
	unseen: Array<{ file: string; service: string; image: string; message: string }>;
};

/** The coverage of one analysis; `skipped` comes from discovery (cli/node-workspace.ts). */
export function coverageOf(result: { files: ReadonlyArray<{ kind: FileKind }>; deployment: Deployment }, skipped: readonly SkippedFile[] = []): Coverage {
	const judged: Partial<Record<FileKind, number>> = {};
	for (const file of result.files) judged[file.kind] = (judged[file.kind] ?? 0) + 1;
	const { deployment } = result;
	const assumed: Coverage['assumed'] = [];
	// The assumed instance counts only when a route reaches it: a lone proxy config of something else judges nothing.
	const navidromes = deployment.navidromes.filter((instance) => !instance.assumed || deployment.routes.some((route) => route.target === instance));
	for (const instance of navidromes) {
		if (instance.assumed) assumed.push({ message: `${instance.assumed}.` });
		else if (instance.versionSource === 'assumed') {
			const file = instance.compose?.path ?? instance.origin?.file ?? instance.tomlFile;
			const newest = newestNavidromeRelease.join('.');
			const message = instance.service
				? `service "${instance.service.name}": its image tag does not pin a Navidrome version, so it is judged as the newest release (${newest})`
				: `no compose service in view runs this config, so no image tag pins the Navidrome version; it is judged as the newest release (${newest})`;
			assumed.push({ ...(file ? { file } : {}), message });
		}
		// A native instance whose settings are partly in files not in view (an EnvironmentFile= outside the checked folders).
		if (instance.origin?.unread && instance.trustTemplated) {
			const names = instance.origin.unread.map((path) => `'${path}'`).join(', ');
			assumed.push({ file: instance.origin.file, message: `its settings also come from ${names}, which is not in view, so external auth is assumed on with the proxy trusted` });
		}
	}
	const unseen: Coverage['unseen'] = [];
	// The kinds of file in each folder or below it (and whether an NPM proxy_host config is), built once.
	const below = new Map<string, Set<FileKind | 'npm'>>();
	for (const file of deployment.files.values()) {
		for (let end = file.path.lastIndexOf('/'); end >= 0; end = file.path.lastIndexOf('/', end - 1)) {
			const folder = file.path.slice(0, end + 1);
			let kinds = below.get(folder);
			if (!kinds) below.set(folder, (kinds = new Set()));
			kinds.add(file.kind);
			if (file.kind === 'nginx' && file.path.includes('/proxy_host/')) kinds.add('npm');
			if (end === 0) break;
		}
	}
	for (const { compose, service } of deployment.services) {
		const proxy = proxyImage(service);
		if (!proxy) continue;
		// In view: a file of the kind the proxy reads in the compose file's folder or below (its stack).
		const folder = compose.path.slice(0, compose.path.lastIndexOf('/') + 1);
		const hasKind = (kind: FileKind | 'npm'): boolean => below.get(folder)?.has(kind) ?? false;
		const inView =
			proxy.reads === 'npm'
				? hasKind('npm')
				: proxy.reads === 'traefik'
					? hasKind('traefik') || compose.services.some((other) => other.labels.some((label) => label.key.toLowerCase().startsWith('traefik.')))
					: proxy.reads !== undefined && hasKind(proxy.reads);
		if (!inView) unseen.push({ file: compose.path, service: service.name, image: service.image!.value, message: proxy.unseen });
	}
	return { judged, navidromes: navidromes.length, routes: deployment.routes.length, assumed, skipped: [...skipped], unseen };
}

const kindNames: Record<FileKind, [string, string]> = {
	compose: ['compose file', 'compose files'],
	dotenv: ['.env file', '.env files'],
	'navidrome-toml': ['navidrome.toml', 'navidrome.toml files'],
	caddyfile: ['Caddyfile', 'Caddyfiles'],
	nginx: ['nginx config', 'nginx configs'],
	traefik: ['Traefik config', 'Traefik configs'],
	apache: ['Apache config', 'Apache configs'],
	haproxy: ['HAProxy config', 'HAProxy configs'],
	systemd: ['systemd unit', 'systemd units'],
	shell: ['shell script', 'shell scripts'],
};

/**
The coverage as notes (paths through `relative`): `Judged: …`, then `Assumed: …` and `Not seen: …`, the last with the
file they are about. The CLI prints them before its count line; SARIF carries them as notifications.
*/
export function coverageNotes(coverage: Coverage, relative: (path: string) => string = (path) => path): Array<{ text: string; file?: string }> {
	const notes: Array<{ text: string; file?: string }> = [];
	const kinds = (Object.keys(kindNames) as FileKind[]).filter((kind) => coverage.judged[kind]);
	if (kinds.length === 0) notes.push({ text: `Nothing judged: ${nothingToJudge}.` });
	else {
		const parts = kinds.map((kind) => plural(coverage.judged[kind]!, ...kindNames[kind]));
		notes.push({ text: `Judged: ${parts.join(', ')} (${plural(coverage.navidromes, 'Navidrome instance', 'Navidrome instances')}, ${plural(coverage.routes, 'proxy route', 'proxy routes')}).` });
		if (coverage.navidromes === 0 && coverage.routes === 0) notes.push({ text: 'Nothing about external auth was judged: no Navidrome instance and no proxy route to one is in view.' });
	}
	for (const assumption of coverage.assumed) notes.push(assumption.file ? { text: `Assumed: ${relative(assumption.file)}: ${assumption.message}.`, file: assumption.file } : { text: `Assumed: ${assumption.message}` });
	for (const file of coverage.skipped) notes.push({ text: `Not seen: ${relative(file.path)}: ${file.what}.`, file: file.path });
	for (const proxy of coverage.unseen) notes.push({ text: `Not seen: ${relative(proxy.file)}: service "${proxy.service}" (${proxy.image}) ${proxy.message}.`, file: proxy.file });
	return notes;
}

/**
A compose service that runs a reverse proxy, by its image: which kind of file would hold its routes (`npm`: Nginx
Proxy Manager's generated `proxy_host` files) and what to say when none is in view.
*/
function proxyImage(service: ComposeService): { reads: FileKind | 'npm' | undefined; unseen: string } | undefined {
	const repository = service.image?.repository.toLowerCase();
	if (!repository) return undefined;
	const last = repository.split('/').pop()!;
	if (last.includes('nginx-proxy-manager')) return { reads: 'npm', unseen: 'is Nginx Proxy Manager, which keeps its proxy hosts in its database; no data/nginx/proxy_host/*.conf it generates is in view' };
	if (last === 'caddy-docker-proxy') return { reads: undefined, unseen: 'builds its Caddyfile from container labels, which this tool does not read' };
	if (last === 'nginx-proxy' || last === 'docker-gen') return { reads: undefined, unseen: "generates its nginx config from the containers' VIRTUAL_HOST settings, which this tool does not read" };
	if (last === 'httpd' || last.startsWith('apache')) return { reads: 'apache', unseen: 'is Apache httpd, and no httpd.conf or site config is in view' };
	if (last.startsWith('haproxy')) return { reads: 'haproxy', unseen: 'is HAProxy, and no haproxy.cfg is in view' };
	if (last === 'envoy' || last.startsWith('envoy-')) return { reads: undefined, unseen: 'is Envoy, a proxy this tool does not read' };
	if (last === 'caddy' || last.startsWith('caddy-')) return { reads: 'caddyfile', unseen: 'is Caddy, and no Caddyfile is in view' };
	if (last === 'nginx' || last.startsWith('nginx-') || last === 'swag' || last === 'letsencrypt' || last === 'openresty') return { reads: 'nginx', unseen: 'is nginx, and no nginx config is in view' };
	if (last === 'traefik') return { reads: 'traefik', unseen: 'is Traefik, and neither its dynamic configuration nor traefik.* labels are in view' };
	return undefined;
}
