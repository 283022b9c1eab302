/**
The HAProxy model of a deployment: for every HTTP frontend (or `listen`) of every HAProxy file, typical Navidrome
requests (per Host name its ACLs test) are run through HAProxy's rules (simulate.ts) as an anonymous client, a
signed-in one and, behind an auth-request step, one the auth service lets through without identity. Requests that end
in a backend whose servers are Navidrome become neutral `ProxyRoute`s, one per backend and outcome, with the causes
of explain.ts. The peer is the compose service running HAProxy (it mounts the file); a host HAProxy is assumed trusted.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import type { Location } from '../../findings.js';
import type { HaproxyAclTest, HaproxyConfig, HaproxyRule } from '../../formats/haproxy/index.js';
import type { ParseContext } from '../../formats/handler.js';
import { filesOfKind, type Deployment, type NavidromeInstance, type ProxyRoute } from '../../model/deployment.js';
import type { AuthRun, Forgery, HeaderFate, Loss } from '../../model/route.js';
import { fetchName, splitTopLevel } from './conditions.js';
import { candidatesOf, lineText, type Candidate, type Runs } from './explain.js';
import { buildProgram, type HaproxyProgram, type HaproxyProxy } from './program.js';
import { simulate, type RunResult, type Scenario } from './simulate.js';
import { authServiceOf, resolveServer, scopeFor, type HaproxyScope, type ServerTarget } from './targets.js';

/** One route of the HAProxy model: the neutral route and what it came from. */
export type HaproxyRoute = { file: string; frontend: HaproxyProxy; backend: HaproxyProxy; target: ServerTarget & { instance: NavidromeInstance }; route: ProxyRoute };

export type HaproxyModel = { programs: HaproxyProgram[]; routes: HaproxyRoute[] };

/** Typical Navidrome request paths (BaseURL-relative): the UI, Subsonic, a share, the native API, login, health. */
export const typicalPaths: readonly string[] = ['/app/', '/rest/ping.view', '/share/abc', '/api/song', '/auth/login', '/ping', '/rest/stream.view', '/share/def', '/api/album'];

/** Witness paths and hosts modelled per frontend. */
const maxPaths = 40;
const maxHosts = 8;
/** Rule evaluations per frontend before fewer paths and hosts are modelled. */
const maxEvaluations = 200_000;

const models = new WeakMap<Deployment, HaproxyModel>();

/** Adds one `ProxyRoute` per backend and outcome that reaches Navidrome (proxies/index.ts registers it). */
export function haproxyAdapter(deployment: Deployment, context: ParseContext): void {
	let model: HaproxyModel;
	try {
		model = buildHaproxyModel(deployment, context);
	} catch {
		// The model is written never to throw; this keeps one bug from hiding every other finding.
		model = { programs: [], routes: [] };
	}
	models.set(deployment, model);
	for (const route of model.routes) deployment.routes.push(route.route);
}

/** The model the adapter built for this deployment (built on demand when the adapter did not run). */
export function haproxyModel(deployment: Deployment): HaproxyModel {
	let model = models.get(deployment);
	if (!model) {
		const readText = (path: string): string | undefined => deployment.files.get(path)?.text;
		model = buildHaproxyModel(deployment, { workspace: { readFile: readText, listFiles: () => [] }, options: deployment.options, readText });
		models.set(deployment, model);
	}
	return model;
}

export function buildHaproxyModel(deployment: Deployment, context: ParseContext): HaproxyModel {
	const readText = (path: string): string | undefined => deployment.files.get(path)?.text ?? context.readText(path);
	const model: HaproxyModel = { programs: [], routes: [] };
	for (const file of filesOfKind<HaproxyConfig>(deployment, 'haproxy')) {
		if (!Array.isArray(file.data?.sections)) continue;
		const program = buildProgram(file.data);
		model.programs.push(program);
		const scope = scopeFor(file.path, deployment);
		for (const frontend of program.proxies) {
			if (frontend.kind === 'backend' || frontend.mode !== 'http' || frontend.section.binds.length === 0) continue;
			model.routes.push(...frontendRoutes(program, frontend, scope, readText));
		}
	}
	return model;
}

type Probe = { host: string; path: string; backend: HaproxyProxy; target: ServerTarget & { instance: NavidromeInstance }; runs: Runs; candidates: Candidate[] };

function frontendRoutes(program: HaproxyProgram, frontend: HaproxyProxy, scope: HaproxyScope, readText: (path: string) => string | undefined): HaproxyRoute[] {
	const targets = new Map<HaproxyProxy, (ServerTarget & { instance: NavidromeInstance }) | undefined>();
	const targetOf = (backend: HaproxyProxy | undefined): (ServerTarget & { instance: NavidromeInstance }) | undefined => {
		if (!backend) return undefined;
		if (!targets.has(backend)) {
			const resolved = backend.section.servers.map((server) => resolveServer(server, scope)).filter((target): target is ServerTarget & { instance: NavidromeInstance } => target.instance !== undefined);
			targets.set(backend, resolved.find((target) => !target.assumed) ?? resolved[0]);
		}
		return targets.get(backend);
	};
	const services = new Map<string, ReturnType<typeof authServiceOf>>();
	const authService = (name: string): ReturnType<typeof authServiceOf> => {
		if (!services.has(name)) services.set(name, authServiceOf(program.backends.get(name), name, scope));
		return services.get(name);
	};
	const headers = [...new Set((scope.instances.length > 0 ? scope.instances : [undefined]).map((instance) => canonicalHeaderName(instance?.intended.settings.userHeader.value || 'Remote-User')))];
	const bases = [...new Set(scope.instances.map((instance) => instance.intended.settings.baseUrl.value.replace(/\/+$/, '')))];
	const probed = probesOf(program, frontend, bases.length > 0 ? bases : ['']);
	// Budget: rule evaluations per frontend stay bounded however many rules, paths and hosts a file has.
	const cost = 4 * headers.length * (frontend.rules.length + frontend.section.useBackend.length + [...program.backends.values()].reduce((most, backend) => Math.max(most, backend.rules.length), 0) + 1);
	const allowed = Math.floor(maxEvaluations / cost);
	const hosts = probed.hosts.slice(0, Math.max(1, Math.floor(allowed / typicalPaths.length)));
	// At the least the UI, Subsonic and a share, the first three typical paths.
	const paths = probed.paths.slice(0, Math.max(3, Math.floor(allowed / hosts.length)));
	const probes: Probe[] = [];
	for (const userHeader of headers) {
		const options = { userHeader, authService };
		for (const host of hosts) {
			for (const path of paths) {
				const run = (scenario: Scenario, forged: boolean): RunResult => simulate(program, frontend, { path, host, scenario, forged }, options);
				const signed = run('signed-in', false);
				const anonymous = run('anonymous', true);
				const backend = targetOf(signed.backend) ? signed.backend : targetOf(anonymous.backend) ? anonymous.backend : undefined;
				const target = targetOf(backend);
				if (!backend || !target) continue;
				const instanceHeader = canonicalHeaderName(target.instance.intended.settings.userHeader.value || 'Remote-User');
				if (instanceHeader !== userHeader) continue;
				const signedForged = run('signed-in', true);
				const bypass = signed.authSteps.some((step) => step.kind === 'lua') ? run('bypass', true) : undefined;
				const runs: Runs = { anonymous, signedForged, signed, bypass };
				const reaches = (result: RunResult): boolean => result.backend === backend && !result.stoppedBy;
				const candidates = candidatesOf(runs, reaches, { header: userHeader, frontend, backend, readText });
				probes.push({ host, path, backend, target, runs, candidates });
			}
		}
	}
	return lower(frontend, probes, hosts, scope);
}

/** Groups probes by backend and outcome, and builds one explanation per cause and location across them. */
function lower(frontend: HaproxyProxy, probes: Probe[], hosts: string[], scope: HaproxyScope): HaproxyRoute[] {
	const keyOf = (candidate: Candidate): string => `${candidate.outcome}\u0000${candidate.cause}\u0000${candidate.location.file}\u0000${candidate.location.span.start}\u0000${candidate.location.span.end}`;
	const byKey = new Map<string, { candidate: Candidate; paths: string[]; hosts: string[] }>();
	for (const probe of probes) {
		for (const candidate of probe.candidates) {
			const key = keyOf(candidate);
			const entry = byKey.get(key) ?? { candidate, paths: [], hosts: [] };
			if (!entry.paths.includes(probe.path)) entry.paths.push(probe.path);
			if (!entry.hosts.includes(probe.host)) entry.hosts.push(probe.host);
			byKey.set(key, entry);
		}
	}
	const built = new Map<string, Forgery | Loss>();
	for (const [key, { candidate, paths, hosts: seen }] of byKey) {
		const requests = `${listPaths(paths)}${hosts.length > 1 ? ` (Host ${seen.join(', ')})` : ''}`;
		const draft = candidate.build(requests);
		const base = { location: candidate.location, what: draft.what, fix: draft.fix, witnesses: paths, ...(draft.fixes && draft.fixes.length > 0 ? { fixes: draft.fixes } : {}), ...(draft.consequence ? { consequence: draft.consequence } : {}), ...(candidate.severity ? { severity: candidate.severity } : {}) };
		built.set(key, candidate.outcome === 'forgery' ? ({ ...base, cause: candidate.cause, who: candidate.who ?? 'anyone' } as Forgery) : ({ ...base, cause: candidate.cause } as Loss));
	}
	const groups = new Map<string, Probe[]>();
	for (const probe of probes) {
		const signature = `${probe.backend.name}\u0000${probe.candidates.map(keyOf).sort().join('\u0001')}`;
		const group = groups.get(signature);
		if (group) group.push(probe);
		else groups.set(signature, [probe]);
	}
	const routes: HaproxyRoute[] = [];
	for (const group of groups.values()) {
		const sample = group[0]!;
		const { backend, target } = sample;
		const keys = sample.candidates.map(keyOf);
		const forgeries = keys.map((key) => built.get(key)!).filter((entry): entry is Forgery => 'who' in entry);
		const losses = keys.map((key) => built.get(key)!).filter((entry): entry is Loss => !('who' in entry));
		const signed = sample.runs.signed;
		const selector = signed.selectedBy ?? sample.runs.anonymous.selectedBy;
		const location: Location = selector ? { file: selector.line.file, span: selector.line.span } : { file: backend.section.file, span: backend.section.header.span };
		const paths = [...new Set(group.map((probe) => probe.path))];
		const groupHosts = [...new Set(group.map((probe) => probe.host))];
		const auth: AuthRun[] = signed.authSteps.map((step) => ({ kind: step.kind === 'lua' ? 'forward-auth' : 'basic', name: lineText(step.rule.line), location: { file: step.rule.line.file, span: step.rule.line.span }, setsUser: signed.entries[0]?.kind === 'auth' }));
		const protectedRoute = !(sample.runs.anonymous.backend === backend && !sample.runs.anonymous.stoppedBy);
		const fate: HeaderFate = forgeries.some((entry) => entry.cause === 'placeholder') ? 'placeholder' : forgeries.length > 0 ? 'passthrough' : signed.entries[0]?.kind === 'auth' ? 'authenticated' : losses.length > 0 ? 'never-delivered' : 'stripped';
		const conditions = [...new Set(group.flatMap((probe) => [...probe.runs.anonymous.undecided, ...probe.runs.signed.undecided]))];
		const requests = `${describeProxy(frontend)} → ${describeProxy(backend)} for ${listPaths(paths)}${hosts.length > 1 ? ` (Host ${groupHosts.join(', ')})` : ''}`;
		const decisive = [...new Set([...signed.history.map((change) => change.rule), ...sample.runs.anonymous.history.map((change) => change.rule)])];
		const assumedNote = target.assumed && !target.instance.assumed ? ` (${target.server.address?.value ?? target.server.name} is taken to be Navidrome '${target.instance.id}', the only instance found)` : '';
		routes.push({
			file: frontend.section.file,
			frontend,
			backend,
			target,
			route: {
				proxy: 'haproxy',
				location,
				requests,
				witnesses: paths,
				conditions,
				upstream: target.server.address?.value ?? target.server.name,
				target: target.instance,
				peer: scope.deployment.links.peerTrust(target.instance, scope.proxyServices),
				auth,
				authenticated: protectedRoute && auth.length > 0,
				forgeries,
				losses,
				header: { fate, detail: `${fateDetail(fate, sample)}${assumedNote}`, locations: decisive.map((rule: HaproxyRule) => ({ file: rule.line.file, span: rule.line.span })) },
			},
		});
	}
	return routes;
}

function fateDetail(fate: HeaderFate, probe: Probe): string {
	const header = canonicalHeaderName(probe.target.instance.intended.settings.userHeader.value || 'Remote-User');
	switch (fate) {
		case 'authenticated':
			return `HAProxy sets ${header} from the auth answer`;
		case 'passthrough':
			return `a client's own ${header} can reach Navidrome`;
		case 'placeholder':
			return `the client's ${header} passes when the auth answer has no user`;
		case 'never-delivered':
			return `the signed-in user never reaches Navidrome in ${header}`;
		default:
			return `HAProxy removes or empties the client's ${header}`;
	}
}

function describeProxy(proxy: HaproxyProxy): string {
	return `${proxy.kind} ${proxy.name}`;
}

function listPaths(paths: readonly string[]): string {
	const shown = paths.slice(0, 4);
	return `${shown.join(', ')}${paths.length > shown.length ? ', …' : ''}`;
}

/** Every ACL test a frontend's requests may meet: its own and inherited ACLs, rules and switches, and its backends'. */
function testsOf(program: HaproxyProgram, frontend: HaproxyProxy): HaproxyAclTest[] {
	const tests: HaproxyAclTest[] = [];
	const proxies = [frontend, ...frontend.section.useBackend.map((entry) => program.backends.get(entry.backend?.value ?? '')), frontend.defaultBackend ? program.backends.get(frontend.defaultBackend.backend?.value ?? '') : undefined];
	for (const proxy of proxies) {
		if (!proxy) continue;
		for (const list of proxy.acls.values()) tests.push(...list);
		const conditions = [...proxy.rules.map((rule) => rule.condition), ...proxy.section.useBackend.map((entry) => entry.condition)];
		for (const condition of conditions) for (const group of condition?.groups ?? []) for (const term of group) if (term.kind === 'anonymous') tests.push(term.test);
	}
	return tests;
}

/** The paths (typical ones under each BaseURL, plus the literal paths its ACLs test) and Host names to model. */
function probesOf(program: HaproxyProgram, frontend: HaproxyProxy, bases: string[]): { paths: string[]; hosts: string[] } {
	const paths = new Set<string>();
	for (const base of bases) for (const path of typicalPaths) paths.add(`${base}${path}`);
	const hosts = new Set<string>(['music.example.com']);
	for (const test of testsOf(program, frontend)) {
		const [head] = splitTopLevel(test.fetch, ',');
		const { name, arg } = fetchName(head ?? '');
		const method = test.flags.find((flag) => flag.flag === '-m')?.arg;
		const values = test.patterns.map((word) => word.value);
		if (/^(path|url|base)(_beg|_dir)?$/.test(name) && method !== 'reg') {
			for (const value of values) {
				if (!value.startsWith('/')) continue;
				paths.add(value);
				if (name.endsWith('_beg') || name.endsWith('_dir') || method === 'beg') paths.add(value.endsWith('/') ? `${value}x` : `${value}/x`);
			}
		} else if (/^(path|url)_reg$/.test(name) || method === 'reg') {
			for (const value of values) {
				const literal = /^\^?(\/[A-Za-z0-9/_.-]*)/.exec(value)?.[1]?.replace(/\\/g, '');
				if (literal && literal.length > 1) paths.add(literal.endsWith('/') ? `${literal}x` : literal);
			}
		} else if (/^(req\.)?hdr(_beg|_dom|_str)?$/.test(name) && (arg ?? '').toLowerCase() === 'host') {
			for (const value of values) if (/^[A-Za-z0-9.-]+$/.test(value) && value.includes('.')) hosts.add(value.toLowerCase());
		}
	}
	return { paths: [...paths].slice(0, maxPaths), hosts: [...hosts].slice(0, maxHosts) };
}
