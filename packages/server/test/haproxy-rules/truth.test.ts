/**
Truth tests: every HAProxy rule fixture (`fire-haproxy-*`/`ok-haproxy-*` of the route rules, and examples/haproxy-*)
runs on the real HAProxy (Debian haproxy 2.6, built with Lua) with the echo upstream and fake auth services of
nginx-rules/harness/upstreams.ts, and our own auth-request Lua script (harness/auth-request.lua) standing in for
haproxy-auth-request. Forged, lower/upper-case and credentialed requests go to /app/, /rest/ping.view, /share/abc and
the paths the ACLs test. What Navidrome would see decides the truth:

- "impersonation possible": a forged user reached Navidrome;
- "user never delivered": a path that needs auth lets valid credentials through, but never with the user;
- "safe": neither.

The engine must agree on the very same fixture (forgeable ⇔ an impersonation finding, live or latent; not delivered
⇔ a broken route finding), and a fixture whose every such finding has a preferred fix must be safe after the fixes.
*/
import assert from 'node:assert/strict';
import { limiter } from '../harness/net.js';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { canonicalHeaderName } from '@navidrome-extauth/core';
import { Analyzer } from '../../src/analysis/engine.js';
import { haproxyModel } from '../../src/analysis/proxies/haproxy/index.js';
import { repoRoot } from '../harness/cli.js';
import { fixtureWorkspace, readFixtureFolder } from '../harness/fixtures.js';
import { startUpstreams, type Upstreams } from '../nginx-rules/harness/upstreams.js';
import { haproxyFixtures } from './harness/fixtures.js';
import { findHaproxy, freePort, haproxyFile, hasLua, prepareConfig, removeConfig, startHaproxy, testConfig } from './harness/haproxy.js';
import { observe, probeHosts, probePaths, send, variants, type Exchange } from './harness/probe.js';

const fixtures: Array<{ name: string; folder: string }> = haproxyFixtures().concat(['haproxy-safe', 'haproxy-unsafe'].map((name) => ({ name: `examples/${name}`, folder: join(repoRoot, 'examples', name) })));

function listFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? listFiles(join(folder, name)) : [join(folder, name)]));
}

/** A copy of a fixture with its `.fixed` files in place of the originals. */
function fixedCopy(folder: string, parent: string): string | undefined {
	const fixed = listFiles(folder).filter((file) => file.endsWith('.fixed'));
	if (fixed.length === 0) return undefined;
	const copy = mkdtempSync(join(parent, 'fixed-'));
	cpSync(folder, copy, { recursive: true });
	for (const file of fixed) {
		const target = join(copy, relative(folder, file));
		renameSync(target, target.slice(0, -'.fixed'.length));
	}
	return copy;
}

type Verdict = { impersonation: boolean; neverDelivered: boolean };
type EngineView = Verdict & { header: string; routes: number; findings: string[]; allFixable: boolean };

function engineVerdict(folder: string): EngineView {
	const files = readFixtureFolder(folder);
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
	const routes = haproxyModel(result.deployment).routes;
	const judged = routes.filter((route) => route.target.instance.intended.settings.extAuthEnabled);
	const broken = (finding: (typeof result.findings)[number]): boolean => finding.category === 'broken' && finding.ruleId.startsWith('route/');
	return {
		impersonation: result.findings.some((finding) => finding.category === 'impersonation'),
		neverDelivered: result.findings.some(broken),
		header: canonicalHeaderName(judged[0]?.target.instance.intended.settings.userHeader.value || 'Remote-User'),
		routes: routes.length,
		findings: result.findings.filter((finding) => finding.ruleId.startsWith('route/')).map((finding) => `${finding.ruleId} (${finding.category}${finding.latent ? `, latent ${finding.latent}` : ''}) ${finding.message}`),
		allFixable: result.findings.filter((finding) => finding.category === 'impersonation' || broken(finding)).every((finding) => finding.fixes?.some((fix) => fix.isPreferred)),
	};
}

type TruthRun = { verdict: Verdict; summary: string; check: { status: number | string; stderr: string } };

const requestLimit = limiter(16);

async function runFixture(haproxy: string, folder: string, header: string, upstreams: Upstreams): Promise<TruthRun> {
	const port = await freePort();
	const config = prepareConfig(folder, port, upstreams);
	try {
		const check = await testConfig(haproxy, config);
		if (check.status !== 0) return { verdict: { impersonation: false, neverDelivered: false }, summary: '', check };
		const running = await startHaproxy(haproxy, config, port);
		const exchanges: Exchange[] = [];
		try {
			const source = readFileSync(haproxyFile(folder), 'utf8');
			const requests = variants(header, source);
			const paths = probePaths(source);
			const sent = probeHosts(source).flatMap((host) => paths.flatMap((path) => requests.map((variant) => requestLimit(() => send(port, host, path, variant)))));
			exchanges.push(...(await Promise.all(sent)));
		} catch (error) {
			throw new Error(`${(error as Error).message}; haproxy output:\n${running.log().slice(-3000)}`);
		} finally {
			await running.stop();
		}
		const observation = observe(exchanges, header);
		const summary = [...observation.impersonation.map((exchange) => `impersonation: ${exchange.path} [${exchange.variant.name}]`), ...observation.neverDelivered.map((path) => `never delivered: ${path}`)].join('; ');
		return { verdict: { impersonation: observation.impersonation.length > 0, neverDelivered: observation.neverDelivered.length > 0 }, summary, check };
	} finally {
		removeConfig(config);
	}
}

function describeVerdict(verdict: Verdict): string {
	const said = [verdict.impersonation ? 'impersonation possible' : '', verdict.neverDelivered ? 'user never delivered' : ''].filter(Boolean);
	return said.length > 0 ? said.join(' and ') : 'safe';
}

describe('HAProxy route rules against the real HAProxy', function () {
	this.timeout(120_000);
	let haproxy: string | undefined;
	let missing: string | undefined;
	let upstreams: Upstreams | undefined;
	const runs = new Map<string, Promise<TruthRun>>();
	const engine = new Map<string, EngineView>();
	const fixedRoot = mkdtempSync(join(tmpdir(), 'haproxy-truth-fixed-'));
	const cases = fixtures.flatMap((fixture) => {
		const fixed = fixedCopy(fixture.folder, fixedRoot);
		return [{ ...fixture, original: undefined as string | undefined }, ...(fixed ? [{ name: `${fixture.name} after its quick fixes`, folder: fixed, original: fixture.name }] : [])];
	});

	before(async () => {
		haproxy = findHaproxy();
		if (!haproxy) missing = 'haproxy is not installed';
		else if (!hasLua(haproxy)) missing = 'haproxy is built without Lua';
		if (missing) return;
		// The engine runs first: synchronous work while requests are in flight would starve the in-process upstreams.
		for (const item of cases) engine.set(item.name, engineVerdict(item.folder));
		upstreams = await startUpstreams();
		const limit = limiter(3);
		for (const item of cases) {
			const run = limit(() => runFixture(haproxy!, item.folder, engine.get(item.name)!.header, upstreams!));
			run.catch(() => undefined);
			runs.set(item.name, run);
		}
	});

	after(async () => {
		await Promise.allSettled(runs.values());
		await upstreams?.close();
		rmSync(fixedRoot, { recursive: true, force: true });
	});

	it('should have at least 12 HAProxy fixtures, must-fire and must-not-fire', () => {
		const own = haproxyFixtures();
		assert.ok(own.length >= 12, `only ${own.length} fixtures`);
		assert.ok(own.some((fixture) => fixture.name.includes('/fire-')) && own.some((fixture) => fixture.name.includes('/ok-')));
	});

	for (const fixture of cases) {
		it(`should agree with HAProxy on ${fixture.name}`, async function () {
			if (missing) {
				if (process.env.CI === 'true') assert.fail(`${missing}; CI must run the HAProxy truth tests (apt-get install haproxy)`);
				console.log(`    notice: ${missing}, skipping the HAProxy truth test`);
				this.skip();
			}
			const run = await runs.get(fixture.name)!;
			assert.equal(run.check.status, 0, `haproxy -c refused the fixture: ${run.check.stderr.trim()}`);
			const view = engine.get(fixture.name)!;
			assert.ok(view.routes > 0, 'the engine found no HAProxy route to Navidrome');
			const said = `haproxy: ${describeVerdict(run.verdict)} (${run.summary || 'nothing forged or lost'}); engine: ${view.findings.join(' | ') || 'no route findings'}`;
			assert.equal(view.impersonation, run.verdict.impersonation, `impersonation disagrees. ${said}`);
			assert.equal(view.neverDelivered, run.verdict.neverDelivered, `never-delivered disagrees. ${said}`);
			if (fixture.original && engine.get(fixture.original)!.allFixable) assert.equal(describeVerdict(run.verdict), 'safe', `the quick fixes left the deployment unsafe. ${said}`);
		});
	}
});
