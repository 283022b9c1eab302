/**
The differential run of issue 16: generated configs go through the engine (the neutral routes, read before the gate)
and through the real Caddy 2.6.2 or nginx 1.22 on loopback with forged, lower-case, duplicated and credentialed
probes; per site and path the two must agree on three outcomes:
- `forged`: a forged user (or, without credentials, a fixed user) reached Navidrome ⇔ a forgery on the route;
- `lost`: on a path the auth step protects, an accepted user reached Navidrome without being delivered ⇔ a loss;
- `placeholder`: a literal `{…}` placeholder reached Navidrome ⇔ a `placeholder` forgery naming literal text.
Per path where a route of the engine names that path among its witnesses; per config over everything probed.
A disagreement shrinks greedily (`reductions`) to a minimal config that still disagrees the same way.
*/
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../src/analysis/engine.js';
import type { ProxyRoute } from '../../src/analysis/model/route.js';
import { caddyEnvironment, findCaddy, freePort, startCaddy } from '../caddy-rules/harness.js';
import { fixtureWorkspace } from '../harness/fixtures.js';
import { findNginx, headersMoreModule, startNginx, testConfig, type PreparedConfig } from '../nginx-rules/harness/nginx.js';
import { goGet } from '../nginx-rules/harness/probe.js';
import { caddyConfig, constructs, engineTarget, nginxConfig, reductions, renderCaddy, renderNginx, userHeader, type CaddyConfig, type Config, type NginxConfig, type Rendered, type Target } from './generate.js';
import { startServices, type EchoReply, type Services } from './services.js';

export type Proxy = 'caddy' | 'nginx';

export type Outcome = { forged: boolean; lost: boolean; placeholder: boolean };

export type Disagreement = {
	/** `site/path`, or `config` for the whole-config comparison. */
	where: string;
	engine: Outcome;
	proxy: Outcome;
	notes: string[];
	engineSaid: string[];
};

export type CheckResult =
	| { valid: false; error: string }
	| { valid: true; disagreements: Disagreement[]; comparedPaths: number };

// ---------------------------------------------------------------- the engine's side

type EngineSite = { host: string; paths: Map<string, Outcome>; extra: string[] };
/** `undecided`: a route depends on a path condition the model leaves open, so the whole-config comparison is off. */
type EngineView = { sites: EngineSite[]; whole: Outcome; said: string[]; undecided: boolean };

/** A condition on the path itself that the model does not decide (its outcome is then a "maybe" either way). */
function undecidedPath(route: ProxyRoute): boolean {
	return route.conditions.some((condition) => /path|regexp/i.test(condition));
}

function composeText(proxy: Proxy, config: Config): string {
	const image = proxy === 'caddy' ? 'caddy:2.6.2' : 'nginx:1.22';
	const mounts = proxy === 'caddy' ? ['./Caddyfile:/etc/caddy/Caddyfile:ro'] : ['./nginx.conf:/etc/nginx/nginx.conf:ro', './snippets:/etc/nginx/snippets:ro', './htpasswd:/etc/nginx/htpasswd:ro'];
	const base = config.base ? `      ND_BASEURL: "${config.base}"\n` : '';
	return `services:\n  ${proxy}:\n    image: ${image}\n    volumes:\n${mounts.map((mount) => `      - ${mount}\n`).join('')}    networks:\n      proxy:\n        ipv4_address: 172.30.0.10\n  authelia:\n    image: authelia/authelia:4.39\n    networks: [proxy]\n  other:\n    image: nginx:1.27\n    networks: [proxy]\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32\n${base}    networks: [proxy]\nnetworks:\n  proxy:\n    ipam:\n      config:\n        - subnet: 172.30.0.0/24\n`;
}

/** The nginx main file around the rendered http-level text; `offset` is where that text starts. */
function nginxMain(rendered: Rendered, head = '', prelude = ''): { text: string; offset: number } {
	const start = `${head}events {}\nhttp {\n${prelude}`;
	return { text: `${start}${rendered.text}}\n`, offset: start.length };
}

/** The files the engine reads for one config, and where each site's text lies in the main file. */
export function engineFiles(config: Config): { files: Array<{ path: string; text: string }>; main: string; sites: Rendered['sites'] } {
	const compose = { path: '/w/compose.yaml', text: composeText(config.proxy, config) };
	if (config.proxy === 'caddy') {
		const rendered = renderCaddy(config, engineTarget);
		return { files: [compose, { path: '/w/Caddyfile', text: rendered.text }], main: '/w/Caddyfile', sites: rendered.sites };
	}
	const rendered = renderNginx(config, engineTarget);
	const main = nginxMain(rendered);
	return {
		files: [compose, { path: '/w/nginx.conf', text: main.text }, { path: '/w/htpasswd', text: 'alice:{PLAIN}secret\nadmin:{PLAIN}secret\n' }, ...Object.entries(rendered.extra).map(([path, text]) => ({ path: `/w/${path}`, text }))],
		main: '/w/nginx.conf',
		sites: rendered.sites.map((site) => ({ ...site, start: site.start + main.offset, end: site.end + main.offset })),
	};
}

/** A literal placeholder is its own class; its explanation says `to the literal text {…}` (caddy/lower.ts). */
function literalPlaceholder(what: string): boolean {
	return what.includes(' to the literal text ') && !what.includes('passes through');
}

const none = (): Outcome => ({ forged: false, lost: false, placeholder: false });

function merge(into: Outcome, from: Outcome): void {
	into.forged ||= from.forged;
	into.lost ||= from.lost;
	into.placeholder ||= from.placeholder;
}

/** The route's outcome on `path` (undefined: the route does not name that path). */
function routeOutcome(route: ProxyRoute, path: string | undefined): Outcome {
	const covers = (witnesses: readonly string[] | undefined): boolean => path === undefined || witnesses === undefined || witnesses.length === 0 || witnesses.includes(path);
	const forgeries = route.forgeries.filter((forgery) => covers(forgery.witnesses));
	return {
		forged: forgeries.some((forgery) => !(forgery.cause === 'placeholder' && literalPlaceholder(forgery.what))),
		placeholder: forgeries.some((forgery) => forgery.cause === 'placeholder' && literalPlaceholder(forgery.what)),
		// `auth-no-user` says an auth step runs and never sets the header: the signed-in user is not delivered either.
		lost: route.losses.some((loss) => covers(loss.witnesses)) || forgeries.some((forgery) => forgery.cause === 'auth-no-user'),
	};
}

export function engineView(config: Config, probePaths: (host: string) => string[]): EngineView {
	const { files, main, sites } = engineFiles(config);
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files), options: {} });
	const routes = result.deployment.routes.filter((route) => route.proxy === config.proxy && route.target?.intended.settings.extAuthEnabled);
	const siteOf = (route: ProxyRoute): number[] => {
		const at = sites.findIndex((site) => route.location.file === main && route.location.span.start >= site.start && route.location.span.start < site.end);
		return at >= 0 ? [at] : sites.map((_, index) => index);
	};
	const whole = none();
	for (const route of routes) merge(whole, routeOutcome(route, undefined));
	const view: EngineView = {
		sites: sites.map((site) => ({ host: site.host, paths: new Map(), extra: [] })),
		whole,
		undecided: routes.some(undecidedPath),
		said: routes.flatMap((route) => [...route.forgeries.map((forgery) => `${route.requests}: forgery ${forgery.cause}: ${forgery.what}`), ...route.losses.map((loss) => `${route.requests}: loss ${loss.cause}: ${loss.what}`)]),
	};
	for (const route of routes) {
		for (const index of siteOf(route)) {
			const site = view.sites[index]!;
			// Probe one witness of every outcome, so the whole-config comparison sees what the engine claims.
			for (const outcome of [...route.forgeries, ...route.losses]) site.extra.push((outcome.witnesses ?? [])[0] ?? route.witnesses[0] ?? '');
		}
	}
	for (const [index, site] of view.sites.entries()) {
		site.extra = [...new Set(site.extra.filter(Boolean))].slice(0, 4);
		for (const path of new Set([...probePaths(site.host), ...site.extra])) {
			const taking = routes.filter((route) => siteOf(route).includes(index) && route.witnesses.includes(path));
			if (taking.length === 0 || taking.some(undecidedPath)) continue;
			const outcome = none();
			for (const route of taking) merge(outcome, routeOutcome(route, path));
			site.paths.set(path, outcome);
		}
	}
	return view;
}

// ---------------------------------------------------------------- the proxy's side

/** `authOk`: carries a credential an auth step accepts with identity; `passes`: the auth service answers 200 (with or without identity). */
export type Variant = { name: string; headers: Array<[string, string]>; authOk: boolean; passes?: boolean };

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** The probes: forged, lower-case, duplicated, underscore, client-input and credentialed requests. */
const baseVariants: Variant[] = [
	{ name: 'spoof', headers: [[userHeader, 'admin'], ['X-Forwarded-User', 'admin']], authOk: false },
	{ name: 'lower-case', headers: [[userHeader.toLowerCase(), 'admin']], authOk: false },
	{ name: 'duplicated', headers: [[userHeader, 'admin'], [userHeader.toUpperCase(), 'root']], authOk: false },
	{ name: 'underscore', headers: [[userHeader.replaceAll('-', '_'), 'admin']], authOk: false },
	{ name: 'forged Basic', headers: [['Authorization', basic('admin:whatever')], [userHeader, 'admin']], authOk: false },
	{ name: 'Auth-OK + spoof', headers: [['Authorization', 'Bearer good'], [userHeader, 'admin'], ['X-Forwarded-User', 'admin']], authOk: true },
	{ name: 'Auth-200-no-identity + spoof', headers: [['Authorization', 'Bearer anon'], [userHeader, 'admin']], authOk: false, passes: true },
	{ name: 'Auth-OK', headers: [['Authorization', 'Bearer good']], authOk: true },
	{ name: 'valid Basic', headers: [['Authorization', basic('alice:secret')]], authOk: true },
	{ name: 'valid Basic + spoof', headers: [['Authorization', basic('alice:secret')], [userHeader, 'admin'], ['X-Forwarded-User', 'admin']], authOk: true },
	{ name: 'session + valid Basic', headers: [['Cookie', 'session=good'], ['Authorization', basic('alice:secret')]], authOk: true },
	{ name: 'session + forged Basic', headers: [['Cookie', 'session=good'], ['Authorization', basic('admin:whatever')]], authOk: true },
];

/** The headers the generated `header` matchers test; every probe goes once without and once with them. */
const matcherHeaders: Array<[string, string]> = [['X-Bypass', '1'], ['X-Api-Key', 'k']];

export const variants: Variant[][] = [baseVariants, baseVariants.map((variant) => ({ ...variant, name: `${variant.name} + matcher headers`, headers: [...variant.headers, ...matcherHeaders] }))];

type Exchange = { variant: Variant; status: number; reply: EchoReply | undefined };

/** Requests in flight at once (the services share this process). */
const inFlight = { active: 0, waiting: [] as Array<() => void>, limit: 24 };

async function send(port: number, host: string, path: string, variant: Variant): Promise<Exchange> {
	while (inFlight.active >= inFlight.limit) await new Promise<void>((resolve) => inFlight.waiting.push(resolve));
	inFlight.active++;
	try {
		return await new Promise<Exchange>((resolve) => {
			const headers = [['Host', host], ...variant.headers].flat();
			const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, headers, agent: false, timeout: 15_000 }, (response) => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (body += chunk));
				response.on('end', () => {
					let reply: EchoReply | undefined;
					try {
						const parsed = JSON.parse(body) as EchoReply;
						if (parsed && typeof parsed.upstream === 'string' && Array.isArray(parsed.rawHeaders)) reply = parsed;
					} catch {
						reply = undefined;
					}
					resolve({ variant, status: response.statusCode ?? 0, reply });
				});
			});
			req.on('timeout', () => req.destroy(new Error(`timeout on ${path}`)));
			req.on('error', () => resolve({ variant, status: 0, reply: undefined }));
			req.end();
		});
	} finally {
		inFlight.active--;
		inFlight.waiting.shift()?.();
	}
}

const forgedValues = new Set(['admin', 'root']);
const identities = new Set(['alice', 'alice@example.com']);

/** What Navidrome would make of the exchanges on one path (Go's `Header.Get`: first value, names case-insensitive). */
export function judge(exchanges: readonly Exchange[]): Outcome & { notes: string[] } {
	const notes: string[] = [];
	const outcome = { ...none(), notes };
	const atNavidrome = (exchange: Exchange): boolean => exchange.reply?.upstream === 'navidrome';
	const user = (exchange: Exchange): string => goGet(exchange.reply!.rawHeaders, userHeader);
	for (const exchange of exchanges.filter(atNavidrome)) {
		const value = user(exchange);
		if (value.startsWith('{')) {
			outcome.placeholder = true;
			notes.push(`${exchange.variant.name}: literal ${value}`);
		} else if (forgedValues.has(value)) {
			outcome.forged = true;
			notes.push(`${exchange.variant.name}: forged ${value} reached Navidrome`);
		} else if (value !== '' && !exchange.variant.authOk && !exchange.variant.passes) {
			outcome.forged = true;
			notes.push(`${exchange.variant.name}: arrived as the fixed user ${value}`);
		}
	}
	const anonymous = exchanges.find((exchange) => exchange.variant.name.startsWith('spoof'));
	const served = exchanges.filter((exchange) => exchange.variant.authOk && atNavidrome(exchange));
	// An identity the auth service sent (its user name or e-mail) counts as delivered; a literal placeholder does not.
	// A request carrying both a session and Basic credentials says little (a client-chosen Basic user may be copied):
	// judge on the single-credential ones when any got through.
	const single = served.filter((exchange) => !exchange.variant.name.startsWith('session'));
	const delivered = (single.length > 0 ? single : served).filter((exchange) => identities.has(user(exchange)));
	if (anonymous && !atNavidrome(anonymous) && served.length > 0 && delivered.length === 0) {
		outcome.lost = true;
		notes.push(`protected (anonymous got ${anonymous.status}), yet ${served.map((exchange) => `${exchange.variant.name} arrived as ${JSON.stringify(user(exchange))}`).join(', ')}`);
	}
	return outcome;
}

/** Every site × path of one config, probed on a running proxy. */
async function observe(port: number, hosts: string[], paths: string[][]): Promise<Array<Map<string, Outcome & { notes: string[] }>>> {
	return Promise.all(hosts.map(async (host, index) => {
		const result = new Map<string, Outcome & { notes: string[] }>();
		await Promise.all(paths[index]!.map(async (path) => {
			// Each group is judged on its own (is the path protected for these headers?); the outcomes add up.
			const judged = await Promise.all(variants.map(async (group) => judge(await Promise.all(group.map((variant) => send(port, host, path, variant))))));
			const outcome = { ...none(), notes: judged.flatMap((one) => one.notes) };
			for (const one of judged) merge(outcome, one);
			result.set(path, outcome);
		}));
		return result;
	}));
}

/** Navidrome's paths (issue 16), under the config's BaseURL. */
export function fixedPaths(config: Config): string[] {
	return ['/app/', '/rest/ping', '/share/abc', '/api/song'].map((path) => `${config.base}${path}`);
}

function compare(view: EngineView, observed: Array<Map<string, Outcome & { notes: string[] }>>, hosts: string[]): { disagreements: Disagreement[]; compared: number } {
	const disagreements: Disagreement[] = [];
	const whole = { ...none(), notes: [] as string[] };
	let compared = 0;
	const same = (a: Outcome, b: Outcome): boolean => a.forged === b.forged && a.lost === b.lost && a.placeholder === b.placeholder;
	observed.forEach((paths, index) => {
		for (const [path, outcome] of paths) {
			merge(whole, outcome);
			whole.notes.push(...outcome.notes.map((note) => `${hosts[index]}${path} ${note}`));
			const engine = view.sites[index]!.paths.get(path);
			if (!engine) continue;
			compared++;
			const { notes, ...proxy } = outcome;
			if (!same(engine, proxy)) disagreements.push({ where: `${hosts[index]}${path}`, engine, proxy, notes, engineSaid: view.said });
		}
	});
	const { notes, ...proxy } = whole;
	if (!view.undecided && !same(view.whole, proxy)) disagreements.push({ where: 'config', engine: view.whole, proxy, notes, engineSaid: view.said });
	return { disagreements, compared };
}

// ---------------------------------------------------------------- running the proxies

export type Harness = {
	proxy: Proxy;
	/** Checks a batch of configs in one proxy process where the proxy allows it. */
	check(configs: Config[]): Promise<CheckResult[]>;
	close(): Promise<void>;
};

function execute(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
	return new Promise((resolve) => {
		execFile(command, args, { env, timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}`.trim() }));
	});
}

function caddyTarget(services: Services, index: number, port: number): Target {
	return { navidrome: `127.0.0.1:${services.navidrome}`, auth: `127.0.0.1:${services.auth}`, other: `127.0.0.1:${services.other}`, site: (site) => `http://s${site}-c${index}.test:${port}`, prefix: `c${index}_`, htpasswd: 'htpasswd', listen: undefined };
}

const caddyGlobal = '{\n\tadmin off\n\tauto_https off\n}\n';

/** One Caddy process per batch: every config's sites on one port, told apart by host; snippets prefixed per config. */
export async function caddyHarness(): Promise<Harness> {
	const version = findCaddy();
	if (!version) throw new Error('caddy 2.6.x is not on PATH (apt-get install -y caddy)');
	const services = await startServices();
	const home = mkdtempSync(join(tmpdir(), 'truth-caddy-'));
	const env = caddyEnvironment(home);
	let counter = 0;
	const adaptOne = async (text: string): Promise<{ ok: boolean; output: string }> => {
		const file = join(home, `adapt-${counter++}.Caddyfile`);
		writeFileSync(file, text);
		const result = await execute('caddy', ['adapt', '--config', file, '--adapter', 'caddyfile'], env);
		rmSync(file, { force: true });
		return result;
	};
	return {
		proxy: 'caddy',
		async check(configs) {
			const port = await freePort();
			const texts = configs.map((config, index) => renderCaddy(config as CaddyConfig, caddyTarget(services, index, port)).text);
			const whole = await adaptOne(`${caddyGlobal}${texts.join('')}`);
			const valid = whole.ok ? texts.map(() => whole) : await Promise.all(texts.map((text) => adaptOne(`${caddyGlobal}${text}`)));
			const results: CheckResult[] = valid.map((adapted) => (adapted.ok ? { valid: true, disagreements: [], comparedPaths: 0 } : { valid: false, error: lastLine(adapted.output) }));
			const running = configs.map((_, index) => index).filter((index) => results[index]!.valid);
			if (running.length === 0) return results;
			const views = new Map(running.map((index) => [index, engineView(configs[index]!, () => fixedPaths(configs[index]!))]));
			const file = join(home, `batch-${counter++}.Caddyfile`);
			writeFileSync(file, `${caddyGlobal}${running.map((index) => texts[index]).join('')}`);
			const caddy = await startCaddy(file, port, env);
			try {
				await Promise.all(running.map(async (index) => {
					const config = configs[index] as CaddyConfig;
					const view = views.get(index)!;
					const hosts = config.sites.map((_, site) => `s${site}-c${index}.test`);
					const paths = view.sites.map((site) => [...new Set([...fixedPaths(config), ...site.extra])]);
					const { disagreements, compared } = compare(view, await observe(port, hosts, paths), hosts);
					results[index] = { valid: true, disagreements, comparedPaths: compared };
				}));
			} finally {
				await caddy.stop();
				rmSync(file, { force: true });
			}
			return results;
		},
		async close() {
			await services.close();
			rmSync(home, { recursive: true, force: true });
		},
	};
}

function lastLine(output: string): string {
	const lines = output.split('\n').filter((line) => line.trim() !== '');
	return (lines.find((line) => /Error|error|emerg/.test(line)) ?? lines[lines.length - 1] ?? '').slice(0, 300);
}

/** One nginx per config (the http level is part of what is generated), on its own port and prefix. */
export async function nginxHarness(): Promise<Harness> {
	const nginx = findNginx();
	if (!nginx) throw new Error('nginx is not installed (apt-get install nginx-light libnginx-mod-http-headers-more-filter)');
	const services = await startServices();
	const root = mkdtempSync(join(tmpdir(), 'truth-nginx-'));
	let counter = 0;
	const checkOne = async (config: NginxConfig): Promise<CheckResult> => {
		const port = await freePort();
		const prefix = join(root, `c${counter++}`);
		mkdirSync(prefix, { recursive: true });
		const target: Target = { navidrome: `127.0.0.1:${services.navidrome}`, auth: `127.0.0.1:${services.auth}`, other: `127.0.0.1:${services.other}`, site: (site) => `s${site}.test`, prefix: '', htpasswd: 'htpasswd', listen: `127.0.0.1:${port}` };
		const rendered = renderNginx(config, target);
		const needsHeadersMore = /\bmore_clear_input_headers\b/.test(rendered.text + Object.values(rendered.extra).join(''));
		const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${prefix}/${kind}_temp;`).join('\n');
		const main = nginxMain(rendered, needsHeadersMore ? `load_module ${headersMoreModule};\n` : '', `access_log off;\n${temp}\n`);
		const files = new Map<string, string>([[join(prefix, 'nginx.conf'), main.text], [join(prefix, 'htpasswd'), 'alice:{PLAIN}secret\nadmin:{PLAIN}secret\n'], ...Object.entries(rendered.extra).map(([path, text]): [string, string] => [join(prefix, path), text])]);
		for (const [path, text] of files) {
			mkdirSync(dirname(path), { recursive: true });
			writeFileSync(path, text);
		}
		const prepared: PreparedConfig = { prefix, main: join(prefix, 'nginx.conf'), files, needsHeadersMore };
		try {
			const tested = await testConfig(nginx, prepared);
			if (tested.status !== 0) return { valid: false, error: lastLine(tested.stderr) };
			const view = engineView(config, () => fixedPaths(config));
			const running = await startNginx(nginx, prepared, port);
			try {
				const hosts = config.servers.map((_, site) => `s${site}.test`);
				const paths = view.sites.map((site) => [...new Set([...fixedPaths(config), ...site.extra])]);
				const { disagreements, compared } = compare(view, await observe(port, hosts, paths), hosts);
				return { valid: true, disagreements, comparedPaths: compared };
			} finally {
				await running.stop();
			}
		} finally {
			rmSync(prefix, { recursive: true, force: true });
		}
	};
	return {
		proxy: 'nginx',
		async check(configs) {
			const results: CheckResult[] = new Array(configs.length);
			const queue = configs.map((config, index) => ({ config: config as NginxConfig, index }));
			const worker = async (): Promise<void> => {
				for (let next = queue.shift(); next; next = queue.shift()) results[next.index] = await checkOne(next.config);
			};
			await Promise.all(Array.from({ length: 4 }, worker));
			return results;
		},
		async close() {
			await services.close();
			rmSync(root, { recursive: true, force: true });
		},
	};
}

// ---------------------------------------------------------------- the run

export type Finding = { seed: number; index: number; original: Config; minimal: Config; disagreements: Disagreement[]; text: string };

export type Report = {
	proxy: Proxy;
	seed: number;
	generated: number;
	valid: number;
	invalid: number;
	invalidReasons: Map<string, number>;
	agreed: number;
	comparedPaths: number;
	findings: Finding[];
	constructs: Map<string, number>;
	ms: number;
};

/** The kind of a disagreement, kept while shrinking: which outcome differs and which way. */
function signature(disagreements: readonly Disagreement[]): Set<string> {
	const kinds = new Set<string>();
	for (const disagreement of disagreements) {
		for (const key of ['forged', 'lost', 'placeholder'] as const) if (disagreement.engine[key] !== disagreement.proxy[key]) kinds.add(`${key}:${disagreement.engine[key] ? 'engine' : 'proxy'}`);
	}
	return kinds;
}

/** Greedy shrinking: take the first one-step reduction that still disagrees the same way, until none does. */
export async function shrink(harness: Harness, config: Config, disagreements: Disagreement[], budget = 80): Promise<{ config: Config; disagreements: Disagreement[] }> {
	const wanted = signature(disagreements);
	let current = { config, disagreements };
	let tries = 0;
	for (let progress = true; progress && tries < budget;) {
		progress = false;
		for (const candidate of reductions(current.config)) {
			if (++tries > budget) break;
			const [result] = await harness.check([candidate]);
			if (result?.valid && [...signature(result.disagreements)].some((kind) => wanted.has(kind))) {
				current = { config: candidate, disagreements: result.disagreements };
				progress = true;
				break;
			}
		}
	}
	return current;
}

/** The text of a config as the engine sees it (for printing a minimal disagreement). */
export function configText(config: Config): string {
	const { files } = engineFiles(config);
	return files.filter((file) => !file.path.endsWith('compose.yaml') && !file.path.endsWith('htpasswd')).map((file) => `# ${file.path}${config.base ? ` (ND_BASEURL=${config.base})` : ''}\n${file.text}`).join('\n');
}

/** `maxShrink`: how many disagreements to shrink (each costs up to `budget` proxy runs); the rest are reported as found. */
export type RunOptions = { proxy: Proxy; runs: number; seed: number; batch?: number; shrink?: boolean; maxShrink?: number; /** Only these config numbers of the sample. */ only?: number[]; log?: (line: string) => void };

export function sample(proxy: Proxy, runs: number, seed: number): Config[] {
	return fc.sample<Config>(proxy === 'caddy' ? caddyConfig : nginxConfig, { seed, numRuns: runs });
}

export async function run(options: RunOptions): Promise<Report> {
	const started = Date.now();
	const harness = options.proxy === 'caddy' ? await caddyHarness() : await nginxHarness();
	const report: Report = { proxy: options.proxy, seed: options.seed, generated: 0, valid: 0, invalid: 0, invalidReasons: new Map(), agreed: 0, comparedPaths: 0, findings: [], constructs: new Map(), ms: 0 };
	try {
		const numbered = sample(options.proxy, options.runs, options.seed).map((config, index) => ({ config, index })).filter(({ index }) => !options.only || options.only.includes(index));
		const configs = numbered.map(({ config }) => config);
		const batch = options.batch ?? 25;
		for (let at = 0; at < configs.length; at += batch) {
			const slice = configs.slice(at, at + batch);
			const results = await harness.check(slice);
			for (const [offset, result] of results.entries()) {
				report.generated++;
				const config = slice[offset]!;
				if (!result.valid) {
					report.invalid++;
					const reason = result.error.replace(/\/tmp\/\S+/g, '…').replace(/\d+/g, 'N');
					report.invalidReasons.set(reason, (report.invalidReasons.get(reason) ?? 0) + 1);
					continue;
				}
				report.valid++;
				report.comparedPaths += result.comparedPaths;
				for (const construct of constructs(config)) report.constructs.set(construct, (report.constructs.get(construct) ?? 0) + 1);
				if (result.disagreements.length === 0) {
					report.agreed++;
					continue;
				}
				const shrinkIt = options.shrink !== false && report.findings.length < (options.maxShrink ?? 3);
				const minimal = shrinkIt ? await shrink(harness, config, result.disagreements) : { config, disagreements: result.disagreements };
				const finding: Finding = { seed: options.seed, index: numbered[at + offset]!.index, original: config, minimal: minimal.config, disagreements: minimal.disagreements, text: configText(minimal.config) };
				report.findings.push(finding);
				options.log?.(describeFinding(finding));
			}
			options.log?.(`${options.proxy}: ${report.generated}/${configs.length} generated, ${report.valid} valid, ${report.agreed} agree (${Math.round((Date.now() - started) / 1000)} s)`);
		}
	} finally {
		await harness.close();
	}
	report.ms = Date.now() - started;
	return report;
}

export function describeFinding(finding: Finding): string {
	const outcome = (value: Outcome): string => ['forged', 'lost', 'placeholder'].filter((key) => value[key as keyof Outcome]).join('+') || 'safe';
	return [
		`DISAGREEMENT (seed ${finding.seed}, config #${finding.index}), minimal config:`,
		finding.text,
		...finding.disagreements.map((disagreement) => `  at ${disagreement.where}: engine ${outcome(disagreement.engine)}, ${finding.minimal.proxy} ${outcome(disagreement.proxy)}${disagreement.notes.length ? `\n    proxy: ${disagreement.notes.join('\n    proxy: ')}` : ''}`),
		`  engine said:\n    ${finding.disagreements[0]?.engineSaid.join('\n    ') || '(nothing)'}`,
		`  config as data: ${JSON.stringify(finding.minimal)}`,
	].join('\n');
}
