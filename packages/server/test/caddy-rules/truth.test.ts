/**
Truth tests: every Caddy fixture (`route/<cause>/{fire,ok}-caddy-*` and `caddy/<rule>/*`, with every `.fixed` result of
its quick fixes) runs in the real Caddy 2.6.2 with the proxies.md §1 harness, and the neutral Caddy routes the engine
lowers for that fixture, evaluated for Caddy 2.6.2, must match what the upstream received from forged requests. The
routes are read before the gate: the real Caddy forwards the same headers whatever Navidrome trusts or reads.
- a forgery (other than a literal placeholder) ⇔ a forged user, or a fixed one without credentials, reached the upstream;
- a loss ⇔ on a protected path an accepted user never reached it;
- a `placeholder` forgery naming a literal text ⇔ a literal `{…}` placeholder reached it;
- none of these ⇔ safe.
Every fixture also goes through `caddy adapt`, which must accept it exactly when our parser finds no error and no syntax
newer (or older) than 2.6.2.
*/
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions, parseVersion } from '@navidrome-extauth/core';
import { Analyzer } from '../../src/analysis/engine.js';
import type { Block, Directive } from '../../src/analysis/formats/caddyfile/index.js';
import type { ProxyRoute } from '../../src/analysis/model/route.js';
import { caddyAnalysis } from '../../src/analysis/proxies/caddy/index.js';
import { witnessPaths } from '../../src/analysis/proxies/caddy/paths.js';
import type { CaddyFileAnalysis } from '../../src/analysis/proxies/caddy/types.js';
import { fixtureWorkspace, readFixtureFolder, type FixtureFile } from '../harness/fixtures.js';
import { adapt, authServer, caddyEnvironment, close, echoServer, findCaddy, freePort, listen, probe, startCaddy, type CaddyEnvironment, type Probe } from './harness.js';
import { caddyFixtureFolders } from './helpers.js';

const fixturesRoot = fileURLToPath(new URL('../fixtures/rules/', import.meta.url));
const target = parseVersion('2.6.2')!;

type Case = { name: string; folder: string; files: FixtureFile[]; caddyfile: string };

/** Every fixture folder, plus one case per `Caddyfile.fixed` (the fixture with its preferred fixes applied). */
function loadCases(): Case[] {
	const cases: Case[] = [];
	for (const { name, folder } of caddyFixtureFolders()) {
		const files = readFixtureFolder(folder).map((file) => (basename(file.path) === 'compose.yaml' ? { ...file, text: pinCaddy(file.text) } : file));
		const caddyfile = join(folder, 'Caddyfile');
		cases.push({ name, folder, files, caddyfile });
		const fixed = `${caddyfile}.fixed`;
		if (existsSync(fixed)) {
			const text = readFileSync(fixed, 'utf8');
			cases.push({ name: `${name} (fixed)`, folder, files: files.map((file) => (file.path === caddyfile ? { ...file, text } : file)), caddyfile });
		}
	}
	return cases;
}

/** The truth table was recorded with Caddy 2.6.2, so the engine judges every fixture for that version. */
function pinCaddy(compose: string): string {
	return compose.replace(/^(\s*image:\s*["']?(?:[\w.-]+\/)*caddy):[^\s"']+/gm, '$1:2.6.2');
}

type Verdict = { impersonation: boolean; broken: boolean; placeholder: boolean };
type Observation = Verdict & { notes: string[] };
type Result = { adaptOk: boolean; adaptOutput: string; expectValid: boolean; engine: Verdict; engineFindings: string[]; observed?: Observation; extAuthOff?: boolean; error?: string };

/** Caddy routes to a Navidrome with external auth intended (Navidrome ignores the header otherwise). */
function judged(routes: readonly ProxyRoute[]): ProxyRoute[] {
	return routes.filter((route) => route.proxy === 'caddy' && route.target?.intended.settings.extAuthEnabled);
}

/** A literal placeholder is its own class; its explanation says `to the literal text {…}` (lower.ts). */
function literal(what: string): boolean {
	return what.includes(' to the literal text ');
}

function engineVerdict(routes: readonly ProxyRoute[]): Verdict {
	const forgeries = judged(routes).flatMap((route) => route.forgeries);
	return {
		// A merged explanation can name both a literal placeholder and a pass-through (a tag spanning both eras).
		impersonation: forgeries.some((forgery) => forgery.cause !== 'placeholder' || !literal(forgery.what) || forgery.what.includes('passes through')),
		broken: judged(routes).some((route) => route.losses.length > 0),
		placeholder: forgeries.some((forgery) => forgery.cause === 'placeholder' && literal(forgery.what)),
	};
}

/** Whether Caddy 2.6.2 should load it: no parse error and no syntax outside 2.6.2. */
function validFor262(file: CaddyFileAnalysis): boolean {
	if (file.parse.errors.length > 0) return false;
	return file.features.every((feature) => {
		const min = parseVersion(feature.minVersion);
		const removed = feature.removedIn ? parseVersion(feature.removedIn) : undefined;
		return (!min || compareVersions(target, min) >= 0) && (!removed || compareVersions(target, removed) < 0);
	});
}

type Edit = { start: number; end: number; text: string };

/** The fixture rewritten for the harness: site on the test port, Navidrome upstreams on the echo port, the rest on the auth port. */
function harnessConfig(file: CaddyFileAnalysis, text: string, ports: { caddy: number; echo: number; auth: number }): string {
	const edits: Edit[] = [];
	const sites = file.parse.ast.sites;
	assert.equal(sites.length, 1, 'truth fixtures have one site');
	sites[0]!.addresses.forEach((address, index) => edits.push({ start: address.token.span.start, end: address.token.span.end, text: index === 0 ? `http://127.0.0.1:${ports.caddy}` : '' }));
	const upstream = (token: { text: string; span: { start: number; end: number } }, port: number): void => {
		const scheme = /^[a-z0-9+.-]+:\/\//i.exec(token.text)?.[0] ?? '';
		edits.push({ start: token.span.start, end: token.span.end, text: `${scheme}127.0.0.1:${port}` });
	};
	const visit = (block: Block): void => {
		for (const directive of block.directives) {
			if (directive.name === 'reverse_proxy' || directive.name === 'forward_auth') {
				const args = directive.args[0] && /^[@/*]/.test(directive.args[0].text) ? directive.args.slice(1) : directive.args;
				const lines: Directive[] = directive.block?.directives.filter((line) => line.name === 'to') ?? [];
				for (const token of [...args, ...lines.flatMap((line) => line.args)]) {
					upstream(token, directive.name === 'reverse_proxy' && token.text.includes('navidrome') ? ports.echo : ports.auth);
				}
			}
			if (directive.block && directive.name !== 'forward_auth' && directive.name !== 'reverse_proxy') visit(directive.block);
		}
	};
	for (const item of file.parse.ast.items) if (item.kind === 'site' || item.kind === 'named-route') visit(item.block);
	const global = file.parse.ast.globalOptions;
	if (global?.block.open) edits.push({ start: global.block.open.span.end, end: global.block.open.span.end, text: '\n\tadmin off\n\tauto_https off' });
	else edits.push({ start: 0, end: 0, text: '{\n\tadmin off\n\tauto_https off\n}\n' });
	let result = text;
	for (const edit of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
	return result;
}

/** Paths to probe: Navidrome's, the fixture's matcher paths and what lies just outside them. */
function probePaths(text: string): string[] {
	const patterns: string[] = [];
	for (const line of text.split('\n')) {
		const words = line.trim().split(/\s+/);
		const pathAt = words.indexOf('path');
		if (pathAt >= 0) patterns.push(...words.slice(pathAt + 1).filter((word) => word.startsWith('/')));
		else if (words[1]?.startsWith('/') && !words[0]!.startsWith('#') && words[0] !== 'uri') patterns.push(words[1]);
	}
	const paths = new Set(witnessPaths(patterns).paths);
	for (const path of ['/REST/ping', '//rest/ping', '/bypass/x', '/rest', '/share']) paths.add(path);
	return [...paths].slice(0, 48);
}

/** Headers copied into the user header by placeholders (`{header.X}`): the client forges those too. */
function copiedHeaders(text: string): string[] {
	return [...new Set([...text.matchAll(/\{(?:http\.request\.)?header\.([A-Za-z0-9_-]+)\}/g)].map((match) => match[1]!))];
}

async function observe(port: number, header: string, text: string): Promise<Observation> {
	const forged: Array<[string, string]> = [[header, 'admin'], ...copiedHeaders(text).filter((name) => name.toLowerCase() !== header.toLowerCase()).map((name): [string, string] => [name, 'admin'])];
	const notes: string[] = [];
	const observation: Observation = { impersonation: false, broken: false, placeholder: false, notes };
	const judge = (path: string, label: string, result: Probe): void => {
		if (!result.reached) return;
		const value = result.values[0] ?? '';
		if (value === 'admin') {
			observation.impersonation = true;
			notes.push(`${label} ${path}: forged value reached the upstream`);
		} else if (value.startsWith('{')) {
			observation.placeholder = true;
			notes.push(`${label} ${path}: literal ${value}`);
		} else if (value !== '' && !label.startsWith('Auth-')) {
			// No credentials, yet the request arrives as some fixed user: everyone is that user.
			observation.impersonation = true;
			notes.push(`${label} ${path}: arrived as the fixed user ${value}`);
		}
	};
	await Promise.all(
		probePaths(text).map(async (path) => {
			const anonymous = await probe(port, path, forged, header);
			judge(path, 'no credentials', anonymous);
			judge(path, 'lower-case name', await probe(port, path, [[header.toLowerCase(), 'admin']], header));
			judge(path, 'Auth-OK + forged', await probe(port, path, [['Authorization', 'Bearer good'], ...forged], header));
			judge(path, 'Auth-200-no-hdr + forged', await probe(port, path, [['Authorization', 'Bearer anon'], ...forged], header));
			const accepted = await probe(port, path, [['Authorization', 'Bearer good']], header);
			judge(path, 'Auth-OK', accepted);
			// Protected (the auth service refused the anonymous request) and the accepted user never arrives (a literal
			// placeholder is its own class).
			const received = accepted.values[0] ?? '';
			if (anonymous.status === 401 && accepted.reached && received !== 'alice' && !received.startsWith('{')) {
				observation.broken = true;
				notes.push(`Auth-OK ${path}: upstream got ${JSON.stringify(accepted.values)}`);
			}
		}),
	);
	return observation;
}

const cases = loadCases();

describe('Caddy rules agree with the real Caddy 2.6.2', function () {
	this.timeout(180_000);
	const caddyVersion = findCaddy();
	const results = new Map<string, Result>();
	let home: string | undefined;
	let echo: Server | undefined;
	let auth: Server | undefined;

	before(async function () {
		if (!caddyVersion) return;
		home = mkdtempSync(join(tmpdir(), 'caddy-truth-'));
		echo = echoServer();
		auth = authServer();
		const ports = { echo: await listen(echo), auth: await listen(auth) };
		const env: CaddyEnvironment = caddyEnvironment(home);
		const queue = [...cases.entries()];
		const worker = async (): Promise<void> => {
			for (let next = queue.shift(); next; next = queue.shift()) {
				const [index, testCase] = next;
				results.set(testCase.name, await runCase(testCase, index, home!, env, ports));
			}
		};
		await Promise.all(Array.from({ length: 8 }, worker));
	});

	after(async () => {
		if (echo) await close(echo);
		if (auth) await close(auth);
		if (home) rmSync(home, { recursive: true, force: true });
	});

	it('should have truth fixtures for every row C1–C9 of the truth table', () => {
		const texts = cases.map((testCase) => testCase.files.find((file) => file.path === testCase.caddyfile)?.text ?? '').join('\n');
		for (const row of ['C1', 'C3', 'C4', 'C5', 'C6', 'C7a', 'C7b', 'C8', 'C9']) assert.ok(texts.includes(`§2.1 ${row}`), `no fixture for ${row}`);
		// C2 is the Navidrome-docs layout itself.
		assert.ok(cases.some((testCase) => testCase.name.endsWith('strip-after-auth/fire-caddy-docs-quickstart')), 'no fixture for C2');
	});

	for (const testCase of cases) {
		it(`should agree on ${testCase.name}`, function () {
			if (!caddyVersion) {
				if (process.env.CI === 'true') assert.fail('caddy 2.6.x is not on PATH (apt-get install -y caddy); the truth tests cannot run in CI without it');
				console.log(`      (notice: caddy 2.6.x not on PATH; skipping the truth test for ${testCase.name})`);
				this.skip();
			}
			const result = results.get(testCase.name);
			assert.ok(result, 'the case did not run');
			assert.equal(result.error, undefined, result.error);
			assert.equal(result.adaptOk, result.expectValid, `caddy adapt ${result.adaptOk ? 'accepted' : 'rejected'} it, the parser says ${result.expectValid ? 'valid' : 'invalid'} for 2.6.2:\n${result.adaptOutput}`);
			if (result.extAuthOff) {
				assert.deepEqual(result.engine, { impersonation: false, broken: false, placeholder: false }, result.engineFindings.join('\n'));
				return;
			}
			if (!result.observed) return;
			const { notes, ...observed } = result.observed;
			assert.deepEqual(result.engine, observed, `engine findings:\n${result.engineFindings.join('\n') || '(none)'}\nCaddy:\n${notes.join('\n') || '(safe)'}`);
		});
	}
});

async function runCase(testCase: Case, index: number, home: string, env: CaddyEnvironment, ports: { echo: number; auth: number }): Promise<Result> {
	const analysis = new Analyzer().analyze({ files: testCase.files, workspace: fixtureWorkspace(testCase.files), options: { caddyVersion: '2.6.2' } });
	const file = caddyAnalysis(analysis.deployment)?.files.find((candidate) => candidate.file === testCase.caddyfile);
	const engine = engineVerdict(analysis.deployment.routes);
	const engineFindings = judged(analysis.deployment.routes).flatMap((route) => [...route.forgeries, ...route.losses].map((outcome) => `${outcome.cause}: ${outcome.what}`));
	if (!file) return { adaptOk: false, adaptOutput: '', expectValid: true, engine, engineFindings, error: 'the engine did not analyse the Caddyfile' };
	const text = testCase.files.find((candidate) => candidate.path === testCase.caddyfile)!.text;
	const folder = join(home, `case-${index}`);
	mkdirSync(folder, { recursive: true });
	const original = join(folder, 'Caddyfile');
	writeFileSync(original, text);
	const result: Result = { adaptOk: false, adaptOutput: '', expectValid: validFor262(file), engine, engineFindings };
	const navidrome = analysis.deployment.navidromes.find((instance) => instance.intended.settings.extAuthEnabled);
	if (!result.expectValid || !navidrome) {
		const adapted = await adapt(original, env);
		result.adaptOk = adapted.ok;
		result.adaptOutput = adapted.output;
		// Without external auth Navidrome ignores the header, whatever Caddy forwards: nothing to compare.
		if (!navidrome) result.extAuthOff = true;
		return result;
	}
	// A Caddy that starts has accepted the file (the harness only changes addresses and upstreams).
	const header = navidrome.intended.settings.userHeader.value;
	const port = await freePort();
	const config = join(folder, 'harness.Caddyfile');
	writeFileSync(config, harnessConfig(file, text, { caddy: port, ...ports }));
	let caddy;
	try {
		caddy = await startCaddy(config, port, env);
		result.adaptOk = true;
		result.observed = await observe(port, header, text);
	} catch (error) {
		const message = (error as Error).message;
		if (message.startsWith('caddy exited')) result.adaptOutput = message;
		else result.error = `${relative(fixturesRoot, testCase.folder)}: ${message}`;
	} finally {
		await caddy?.stop();
	}
	return result;
}
