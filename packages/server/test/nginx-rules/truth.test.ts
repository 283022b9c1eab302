/**
Truth tests: every nginx rule fixture (`fire-nginx-*`/`ok-nginx-*` of the route rules, and nginx/underscores) runs on the real nginx (Debian nginx-light 1.22, plus
libnginx-mod-http-headers-more-filter for fixtures using headers-more) with the echo upstream and fake auth services
of proxies.md §1, and gets the forged requests of §3.1. What Navidrome would see decides the truth:

- "impersonation possible": a forged user reached Navidrome;
- "user never delivered": a path that needs auth lets valid credentials through, but never with the user;
- "safe": neither.

The two are judged independently (a route can be both). The engine must agree on the very same fixture: an
impersonation-category finding (live or latent: nginx forwards the forged header either way) exactly when
impersonation is possible, a broken-category route or nginx finding exactly when the user is never delivered.
*/
import assert from 'node:assert/strict';
import { limiter } from '../harness/net.js';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Analyzer } from '../../src/analysis/engine.js';
import { nginxModel } from '../../src/analysis/proxies/nginx/index.js';
import { repoRoot } from '../harness/cli.js';
import { fixtureWorkspace, readFixtureFolder } from '../harness/fixtures.js';
import { nginxFixtures } from './harness/fixtures.js';
import { findNginx, freePort, headersMoreModule, prepareConfig, removePrefix, startNginx, testConfig } from './harness/nginx.js';
import { observe, probeHosts, probePaths, send, variants, type Exchange } from './harness/probe.js';
import { startUpstreams, type Upstreams } from './harness/upstreams.js';

const fixtures: Array<{ name: string; folder: string }> = nginxFixtures().concat(['nginx-safe', 'nginx-unsafe'].map((name) => ({ name: `examples/${name}`, folder: join(repoRoot, 'examples', name) })));

/** Every file of a folder, recursively. */
function listFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? listFiles(join(folder, name)) : [join(folder, name)]));
}

/** A copy of a fixture with its `.fixed` files in place of the originals (the fixture after its preferred fixes). */
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

type EngineView = Verdict & { header: string; findings: string[]; allFixable: boolean };

function engineVerdict(folder: string): EngineView {
	const files = readFixtureFolder(folder);
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
	const judged = nginxModel(result.deployment).routes.filter((route) => route.target.instance.intended.settings.extAuthEnabled);
	const proxyRule = (ruleId: string): boolean => ruleId.startsWith('nginx/') || ruleId.startsWith('route/');
	const broken = (finding: (typeof result.findings)[number]): boolean => finding.category === 'broken' && proxyRule(finding.ruleId);
	// With external auth off in every Navidrome it reaches, no finding is due, but nginx forwards the same headers:
	// compare its routes' outcomes before the gate then.
	const routes = nginxModel(result.deployment).routes;
	const ungated = judged.length === 0 && routes.length > 0;
	return {
		impersonation: ungated ? routes.some((route) => route.route.forgeries.length > 0) : result.findings.some((finding) => finding.category === 'impersonation'),
		neverDelivered: ungated ? routes.some((route) => route.route.losses.length > 0) : result.findings.some(broken),
		header: judged[0]?.userHeader ?? 'Remote-User',
		findings: result.findings.filter((finding) => proxyRule(finding.ruleId)).map((finding) => `${finding.ruleId} (${finding.category}${finding.latent ? `, latent ${finding.latent}` : ''}) ${finding.message}`),
		allFixable: result.findings.filter((finding) => finding.category === 'impersonation' || broken(finding)).every((finding) => finding.fixes?.some((fix) => fix.isPreferred)),
	};
}

type TruthRun = { verdict: Verdict; summary: string; nginxT: { status: number | string; stderr: string } } | { skipped: string };

/** Requests in flight across all fixtures: the upstreams share this process, and a burst would overflow their backlogs. */
const requestLimit = limiter(32);

async function runFixture(nginx: string, folder: string, header: string, upstreams: Upstreams): Promise<TruthRun> {
	const port = await freePort();
	const config = prepareConfig(folder, port, upstreams);
	try {
		if (config.needsHeadersMore && !existsSync(headersMoreModule)) {
			if (process.env.CI === 'true') throw new Error(`${headersMoreModule} is missing; CI must install libnginx-mod-http-headers-more-filter`);
			return { skipped: 'libnginx-mod-http-headers-more-filter is not installed' };
		}
		const nginxT = await testConfig(nginx, config);
		if (nginxT.status !== 0) return { verdict: { impersonation: false, neverDelivered: false }, summary: '', nginxT };
		const running = await startNginx(nginx, config, port);
		const exchanges: Exchange[] = [];
		try {
			const requests = variants(header, config.files.values());
			const paths = probePaths(config.files.values());
			const sent = probeHosts(config.files.values()).flatMap((host) => paths.flatMap((path) => requests.map((variant) => requestLimit(() => send(port, host, path, variant)))));
			exchanges.push(...(await Promise.all(sent)));
		} catch (error) {
			throw new Error(`${(error as Error).message}; nginx error log:\n${running.errorLog().slice(-3000)}`);
		} finally {
			await running.stop();
		}
		const observation = observe(exchanges, header);
		const summary = [
			...observation.impersonation.map((exchange) => `impersonation: ${exchange.path} [${exchange.variant.name}]`),
			...observation.neverDelivered.map((path) => `never delivered: ${path}`),
		].join('; ');
		return { verdict: { impersonation: observation.impersonation.length > 0, neverDelivered: observation.neverDelivered.length > 0 }, summary, nginxT };
	} finally {
		removePrefix(config);
	}
}

function describeVerdict(verdict: Verdict): string {
	const said = [verdict.impersonation ? 'impersonation possible' : '', verdict.neverDelivered ? 'user never delivered' : ''].filter(Boolean);
	return said.length > 0 ? said.join(' and ') : 'safe';
}

describe('nginx rules against the real nginx (proxies.md §1, §3.1)', function () {
	this.timeout(120_000);
	let nginx: string | undefined;
	let upstreams: Upstreams | undefined;
	const runs = new Map<string, Promise<TruthRun>>();
	const engine = new Map<string, EngineView>();

	const fixedRoot = mkdtempSync(join(tmpdir(), 'nginx-truth-fixed-'));
	const cases = fixtures.flatMap((fixture) => {
		const fixed = fixedCopy(fixture.folder, fixedRoot);
		return [{ ...fixture, original: undefined }, ...(fixed ? [{ name: `${fixture.name} after its quick fixes`, folder: fixed, original: fixture.name }] : [])];
	});

	before(async () => {
		nginx = findNginx();
		if (!nginx) return;
		// The engine runs first: synchronous work while requests are in flight would starve the in-process upstreams.
		for (const item of cases) engine.set(item.name, engineVerdict(item.folder));
		upstreams = await startUpstreams();
		const limit = limiter(6);
		for (const item of cases) {
			const run = limit(() => runFixture(nginx!, item.folder, engine.get(item.name)!.header, upstreams!));
			// Each test awaits its own run; a failure must not become an unhandled rejection meanwhile.
			run.catch(() => undefined);
			runs.set(item.name, run);
		}
	});

	after(async () => {
		await Promise.allSettled(runs.values());
		await upstreams?.close();
		rmSync(fixedRoot, { recursive: true, force: true });
	});

	it('should have nginx rule fixtures for rows N1 to N4', () => {
		assert.ok(fixtures.length >= 12, `only ${fixtures.length} fixtures`);
	});

	for (const fixture of cases) {
		it(`should agree with nginx on ${fixture.name}`, async function () {
			if (!nginx) {
				if (process.env.CI === 'true') assert.fail('nginx is not installed; CI must run the nginx truth tests (apt-get install nginx-light)');
				console.log('    notice: nginx is not installed, skipping the nginx truth test');
				this.skip();
			}
			const run = await runs.get(fixture.name)!;
			if ('skipped' in run) {
				console.log(`    notice: ${run.skipped}, skipping ${fixture.name}`);
				this.skip();
			}
			assert.equal(run.nginxT.status, 0, `nginx -t refused the fixture: ${run.nginxT.stderr.trim()}`);
			const view = engine.get(fixture.name)!;
			const said = `nginx: ${describeVerdict(run.verdict)} (${run.summary || 'nothing forged or lost'}); engine: ${view.findings.join(' | ') || 'no nginx findings'}`;
			assert.equal(view.impersonation, run.verdict.impersonation, `impersonation disagrees. ${said}`);
			assert.equal(view.neverDelivered, run.verdict.neverDelivered, `never-delivered disagrees. ${said}`);
			// When every impersonation or broken finding offered a preferred fix, applying them must make nginx safe.
			if (fixture.original && engine.get(fixture.original)!.allFixable) assert.equal(describeVerdict(run.verdict), 'safe', `the quick fixes left the deployment unsafe. ${said}`);
		});
	}
});
