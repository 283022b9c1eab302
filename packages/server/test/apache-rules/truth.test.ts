/**
Truth tests: every Apache rule fixture (`fire-apache-*`/`ok-apache-*` of the route rules) and the Apache examples run
on the real Apache httpd (Debian apache2 2.4) with the echo upstream and fake auth services of the nginx truth tests,
and get forged, lower-case and credentialed requests on /app/, /rest/ping.view, /share/abc and the configuration's own
paths. What Navidrome would see decides the truth, as for nginx:

- "impersonation possible": a forged user reached Navidrome, or a request without valid credentials arrived as a user;
- "user never delivered": a path that needs a login lets valid credentials through, but never with the user;
- "safe": neither.

The engine must agree on the very same fixture: an impersonation-category finding exactly when impersonation is
possible, a broken-category route finding exactly when the user is never delivered; after the preferred quick fixes
(`.fixed`), Apache must find the deployment safe. Fixtures using mod_auth_openidc or mod_auth_mellon are modelled only
(`harness/fixtures.ts`): this machine has no OpenID provider or SAML IdP.
*/
import assert from 'node:assert/strict';
import { limiter } from '../harness/net.js';
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Analyzer } from '../../src/analysis/engine.js';
import { apacheModel } from '../../src/analysis/proxies/apache/index.js';
import { repoRoot } from '../harness/cli.js';
import { fixtureWorkspace, readFixtureFolder } from '../harness/fixtures.js';
import { freePort } from '../nginx-rules/harness/nginx.js';
import { observe, send, type Exchange } from '../nginx-rules/harness/probe.js';
import { startUpstreams, type Upstreams } from '../nginx-rules/harness/upstreams.js';
import { findApache, prepareApache, removeApache, startApache, testApache } from './harness/apache.js';
import { apacheFixtures, usesModelledOnly } from './harness/fixtures.js';
import { apacheVariants, probeHosts, probePaths } from './harness/probe.js';

const all = apacheFixtures().concat(['apache-safe', 'apache-unsafe'].map((name) => ({ name: `examples/${name}`, folder: join(repoRoot, 'examples', name) })));
const modelled = all.filter((fixture) => usesModelledOnly(fixture.folder));
const fixtures = all.filter((fixture) => !modelled.includes(fixture));

function listFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => (statSync(join(folder, name)).isDirectory() ? listFiles(join(folder, name)) : [join(folder, name)]));
}

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
type EngineView = Verdict & { header: string; findings: string[]; allFixable: boolean; routes: number };

function engineVerdict(folder: string): EngineView {
	const files = readFixtureFolder(folder);
	const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files) });
	const routes = apacheModel(result.deployment).routes;
	const broken = (finding: (typeof result.findings)[number]): boolean => finding.category === 'broken' && finding.ruleId.startsWith('route/');
	return {
		impersonation: result.findings.some((finding) => finding.category === 'impersonation'),
		neverDelivered: result.findings.some(broken),
		header: routes[0]?.userHeader ?? 'Remote-User',
		findings: result.findings.filter((finding) => finding.ruleId.startsWith('route/')).map((finding) => `${finding.ruleId} (${finding.category}${finding.latent ? `, latent ${finding.latent}` : ''}) ${finding.message}`),
		allFixable: result.findings.filter((finding) => finding.category === 'impersonation' || broken(finding)).every((finding) => finding.fixes?.some((fix) => fix.isPreferred)),
		routes: routes.length,
	};
}

type TruthRun = { verdict: Verdict; summary: string; syntax: { status: number | string; stderr: string } };

const requestLimit = limiter(16);

async function runFixture(apache: string, folder: string, header: string, upstreams: Upstreams): Promise<TruthRun> {
	const port = await freePort();
	const config = prepareApache(folder, port, upstreams);
	try {
		const syntax = await testApache(apache, config);
		if (syntax.status !== 0) return { verdict: { impersonation: false, neverDelivered: false }, summary: '', syntax };
		const running = await startApache(apache, config, port);
		const exchanges: Exchange[] = [];
		try {
			const texts = [...config.files.values()];
			const variants = apacheVariants(header, texts);
			const paths = probePaths(texts);
			const sent = probeHosts(texts).flatMap((host) => paths.flatMap((path) => variants.map((variant) => requestLimit(() => send(port, host, path, variant)))));
			exchanges.push(...(await Promise.all(sent)));
		} catch (error) {
			throw new Error(`${(error as Error).message}; Apache error log:\n${running.errorLog().slice(-3000)}`);
		} finally {
			await running.stop();
		}
		const observation = observe(exchanges, header);
		const summary = [...observation.impersonation.map((exchange) => `impersonation: ${exchange.path} [${exchange.variant.name}]`), ...observation.neverDelivered.map((path) => `never delivered: ${path}`)].slice(0, 8).join('; ');
		return { verdict: { impersonation: observation.impersonation.length > 0, neverDelivered: observation.neverDelivered.length > 0 }, summary, syntax };
	} finally {
		removeApache(config);
	}
}

function describeVerdict(verdict: Verdict): string {
	const said = [verdict.impersonation ? 'impersonation possible' : '', verdict.neverDelivered ? 'user never delivered' : ''].filter(Boolean);
	return said.length > 0 ? said.join(' and ') : 'safe';
}

describe('Apache rules against the real Apache httpd', function () {
	this.timeout(120_000);
	let apache: string | undefined;
	let upstreams: Upstreams | undefined;
	const runs = new Map<string, Promise<TruthRun>>();
	const engine = new Map<string, EngineView>();
	const fixedRoot = mkdtempSync(join(tmpdir(), 'apache-truth-fixed-'));
	const cases = fixtures.flatMap((fixture) => {
		const fixed = fixedCopy(fixture.folder, fixedRoot);
		return [{ ...fixture, original: undefined as string | undefined }, ...(fixed ? [{ name: `${fixture.name} after its quick fixes`, folder: fixed, original: fixture.name }] : [])];
	});

	before(async () => {
		apache = findApache();
		if (!apache) return;
		for (const item of cases) engine.set(item.name, engineVerdict(item.folder));
		upstreams = await startUpstreams();
		const limit = limiter(3);
		for (const item of cases) {
			const run = limit(() => runFixture(apache!, item.folder, engine.get(item.name)!.header, upstreams!));
			run.catch(() => undefined);
			runs.set(item.name, run);
		}
	});

	after(async () => {
		await Promise.allSettled(runs.values());
		await upstreams?.close();
		rmSync(fixedRoot, { recursive: true, force: true });
	});

	it('should have at least 12 Apache fixtures run on the real server, must-fire and must-not-fire', () => {
		assert.ok(fixtures.filter((fixture) => fixture.name.includes('/fire-apache-')).length >= 6, 'too few fire-apache-* fixtures');
		assert.ok(fixtures.filter((fixture) => fixture.name.includes('/ok-apache-')).length >= 6, 'too few ok-apache-* fixtures');
		assert.ok(fixtures.length >= 12, `only ${fixtures.length} fixtures`);
	});

	it('should leave out only fixtures that need mod_auth_openidc or mod_auth_mellon', () => {
		for (const fixture of modelled) assert.ok(usesModelledOnly(fixture.folder), fixture.name);
		assert.ok(modelled.length <= 3, `${modelled.length} fixtures are modelled only`);
	});

	for (const fixture of cases) {
		it(`should agree with Apache on ${fixture.name}`, async function () {
			if (!apache) {
				if (process.env.CI === 'true') assert.fail('apache2 is not installed; CI must run the Apache truth tests (apt-get install apache2 apache2-utils)');
				console.log('    notice: apache2 is not installed, skipping the Apache truth test');
				this.skip();
			}
			const run = await runs.get(fixture.name)!;
			assert.equal(run.syntax.status, 0, `apache2 -t refused the fixture: ${run.syntax.stderr.trim()}`);
			const view = engine.get(fixture.name)!;
			assert.ok(view.routes > 0, 'the engine found no Apache route to Navidrome');
			const said = `Apache: ${describeVerdict(run.verdict)} (${run.summary || 'nothing forged or lost'}); engine: ${view.findings.join(' | ') || 'no route findings'}`;
			assert.equal(view.impersonation, run.verdict.impersonation, `impersonation disagrees. ${said}`);
			assert.equal(view.neverDelivered, run.verdict.neverDelivered, `never-delivered disagrees. ${said}`);
			if (fixture.original && engine.get(fixture.original)!.allFixable) assert.equal(describeVerdict(run.verdict), 'safe', `the quick fixes left the deployment unsafe. ${said}`);
		});
	}
});
