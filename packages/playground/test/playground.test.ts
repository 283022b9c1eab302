/**
The playground in real headless Chromium (Debian's /usr/bin/chromium through playwright-core), served on loopback
and opened from file://. Without Chromium the browser tests are skipped with a notice, except under CI=true, where
they fail.
*/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../browser.js';
import { distDir, serve, type Served } from '../serve.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Navidrome's documentation layout for Caddy + Authelia: /share and /rest skip forward_auth and nothing strips Remote-User (proxies.md §2.1 C1d). */
const docsCaddyfile = `music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/authz/forward-auth
		copy_headers Remote-User Remote-Groups
	}
	reverse_proxy navidrome:4533
}
`;

/** Navidrome 0.63 trusting exactly the Caddy container's pinned address (proxies.md §8). */
const docsCompose = `services:
  caddy:
    image: caddy:2.11.2
    ports:
      - "443:443"
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
    networks:
      proxy:
        ipv4_address: 172.30.0.10
  authelia:
    image: authelia/authelia:4.39
    networks: [proxy]
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.30.0.10/32
      ND_EXTAUTH_USERHEADER: Remote-User
    networks: [proxy]
networks:
  proxy:
    ipam:
      config:
        - subnet: 172.30.0.0/24
`;

const impersonation = 'anyone can log in as admin via /share/*, /rest/*';

type Hooks = { playground: { files(): Array<{ name: string; text: string; kind?: string }> } };

async function verdictText(page: Page): Promise<string> {
	return (await page.textContent('#verdict')) ?? '';
}

async function waitForVerdict(page: Page, text: string, present = true): Promise<void> {
	await page.waitForFunction(([needle, want]) => (document.getElementById('verdict')?.dataset.level !== 'pending' && (document.getElementById('verdict')?.textContent ?? '').includes(needle)) === want, [text, present] as const, { timeout: 15_000, polling: 50 });
}

/** Replaces the text of the open tab as a paste would: select all, then insert. */
async function pasteInto(page: Page, tab: string, text: string): Promise<void> {
	await page.click(`#tabs .tab:has-text("${tab}") >> nth=0`);
	await page.click(`.cm-editor[data-file="${tab}"] .cm-content`);
	await page.keyboard.press('Control+A');
	await page.keyboard.insertText(text);
}

describe('playground', function () {
	this.timeout(120_000);

	before(function () {
		this.timeout(60_000);
		execFileSync(process.execPath, ['build.mjs'], { cwd: packageDir, stdio: 'pipe' });
	});

	describe('the bundle', () => {
		it('should hold no network call', () => {
			for (const name of readdirSync(distDir)) {
				const text = readFileSync(join(distDir, name), 'utf8');
				for (const call of ['fetch(', 'XMLHttpRequest', 'WebSocket', 'sendBeacon', 'EventSource', 'importScripts', 'RTCPeerConnection']) assert.ok(!text.includes(call), `${name} contains ${call}`);
			}
		});

		it('should forbid connections in its CSP', () => {
			const html = readFileSync(join(distDir, 'index.html'), 'utf8');
			const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
			assert.ok(csp, 'no CSP meta tag');
			assert.match(csp, /^default-src 'none';/);
			assert.doesNotMatch(csp, /connect-src/);
			assert.match(html, /nothing leaves your browser/);
		});

		it('should stay under 1.5 MB', () => {
			const total = readdirSync(distDir).reduce((sum, name) => sum + statSync(join(distDir, name)).size, 0);
			assert.ok(total < 1.5e6, `dist/ is ${total} bytes`);
		});
	});

	describe('in Chromium', () => {
		let browser: Browser | undefined;
		let served: Served | undefined;

		before(async function () {
			const missing = chromiumMissing();
			if (missing) {
				if (process.env.CI === 'true') throw new Error(`playground browser tests under CI: ${missing}`);
				console.log(`    [skipped] playground browser tests: ${missing}`);
				this.skip();
			}
			served = await serve();
			browser = await launchChromium();
		});

		after(async () => {
			await browser?.close();
			await served?.close();
		});

		async function open(url: string): Promise<Page> {
			const page = await browser!.newPage();
			page.on('pageerror', (error) => console.log(`    page error: ${error.message}`));
			await page.goto(url);
			await page.waitForFunction(() => document.getElementById('verdict')?.dataset.level !== 'pending', undefined, { timeout: 15_000 });
			return page;
		}

		it('should find the docs example unsafe, fix it in place and then not', async () => {
			const page = await open(served!.url);
			const requestsAfterLoad: string[] = [];
			page.on('request', (request) => requestsAfterLoad.push(request.url()));
			// Start from an empty deployment: remove the example's tabs, add two files by name.
			while (await page.$('#tabs .tab .close')) await page.click('#tabs .tab .close >> nth=0');
			for (const name of ['compose.yaml', 'Caddyfile']) {
				await page.fill('#add-name', name);
				await page.click('#add-button');
			}
			await pasteInto(page, 'compose.yaml', docsCompose);
			await pasteInto(page, 'Caddyfile', docsCaddyfile);
			await waitForVerdict(page, impersonation);
			assert.match(await verdictText(page), /^Unsafe: anyone can log in as admin via \/share\/\*, \/rest\/\*/);
			assert.match(await verdictText(page), /2 files checked: 1 error\./);
			const files = await page.evaluate(() => (globalThis as unknown as Hooks).playground.files());
			assert.deepEqual(files.map((file) => [file.name, file.text]), [['compose.yaml', docsCompose], ['Caddyfile', docsCaddyfile]]);

			const finding = page.locator('.finding[data-rule="route/bypass-nostrip"]');
			assert.equal(await finding.count(), 1);
			assert.match((await finding.textContent()) ?? '', /Caddyfile:3:15: error \[route\/bypass-nostrip\] Requests to \/share\/\*, \/rest\/\* reach Navidrome/);
			await page.waitForSelector('.cm-editor[data-file="Caddyfile"] .cm-lintRange-error', { timeout: 10_000 });
			// The rule's docs render from its markdown.
			await finding.locator('button.docs-toggle').click();
			assert.match((await finding.locator('.markdown').textContent()) ?? '', /Caddy forwards every client header by default/);

			await finding.locator('button.fix').first().click();
			await waitForVerdict(page, impersonation, false);
			assert.equal(await page.locator('.finding[data-rule="route/bypass-nostrip"]').count(), 0);
			assert.equal(await page.locator('.cm-editor[data-file="Caddyfile"] .cm-lintRange-error').count(), 0);
			const fixed = await page.evaluate(() => (globalThis as unknown as Hooks).playground.files().find((file) => file.name === 'Caddyfile')?.text);
			assert.match(fixed ?? '', /@public path \/share\/\* \/rest\/\*\n\trequest_header @public -Remote-User\n/);
			assert.doesNotMatch(await verdictText(page), /^Unsafe/);
			assert.deepEqual(requestsAfterLoad, [], 'the page made requests while checking');
			await page.close();
		});

		it('should refuse to send anything, even when asked', async () => {
			const page = await open(served!.url);
			const before = served!.requests.length;
			const outcome = await page.evaluate(async (url) => {
				try {
					await (globalThis as unknown as { fetch(url: string): Promise<unknown> }).fetch(`${url}leak`);
					return 'sent';
				} catch {
					return 'blocked';
				}
			}, served!.url);
			assert.equal(outcome, 'blocked');
			// A worker from a Blob URL, like the engine's, inherits the page's policy.
			const fromWorker = await page.evaluate(
				(url) =>
					new Promise<string>((resolve) => {
						const source = `fetch(${JSON.stringify(url)}).then(() => postMessage('sent'), () => postMessage('blocked'))`;
						const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
						worker.onmessage = (event) => resolve(String(event.data));
					}),
				`${served!.url}leak-from-worker`,
			);
			assert.equal(fromWorker, 'blocked');
			assert.equal(served!.requests.slice(before).length, 0);
			assert.deepEqual([...new Set(served!.requests)].sort(), ['/', '/engine.js', '/playground.css', '/playground.js']);
			await page.close();
		});

		it('should work from file:// and share through the fragment only', async () => {
			const page = await open(pathToFileURL(join(distDir, 'index.html')).href);
			await waitForVerdict(page, 'anyone can log in as admin');
			await page.click('button.example[data-example="nginx-safe"]');
			await waitForVerdict(page, 'anyone can log in as admin', false);
			const files = await page.evaluate(() => (globalThis as unknown as Hooks).playground.files());
			assert.ok(files.some((file) => file.name === 'nginx/snippets/proxy.conf'), 'the example brings its included files');
			await page.click('#share-button');
			await page.waitForFunction(() => location.hash.startsWith('#v1.'));
			const url = page.url();
			const expected = await verdictText(page);
			const shared = await open(url);
			await waitForVerdict(shared, expected.slice(0, 30));
			assert.deepEqual(await shared.evaluate(() => (globalThis as unknown as Hooks).playground.files()), files);
			assert.equal(new URL(url).protocol, 'file:');
			await shared.close();
			await page.close();
		});

		it('should load every example with one click', async () => {
			const page = await open(served!.url);
			const names = await page.$$eval('button.example', (buttons) => buttons.map((button) => (button as HTMLElement).dataset.example ?? ''));
			assert.ok(names.includes('caddy-unsafe') && names.includes('traefik-safe') && names.includes('nginx-unsafe'), names.join(' '));
			for (const name of names) {
				const done = Number((await page.evaluate(() => document.documentElement.dataset.analyses)) ?? 0);
				await page.click(`button.example[data-example="${name}"]`);
				await page.waitForFunction((seen) => Number(document.documentElement.dataset.analyses ?? 0) > seen, done, { timeout: 15_000 });
				assert.match(await verdictText(page), /\d+ files? checked/, name);
			}
			await page.click('button.example[data-example="caddy-unsafe"]');
			await waitForVerdict(page, 'anyone can log in as admin');
			await page.click('button.example[data-example="safe-caddy-authelia"]');
			await waitForVerdict(page, 'anyone can log in as admin', false);
			await page.close();
		});

		it('should simulate a request with the deployment settings', async () => {
			const page = await open(served!.url);
			await page.fill('#sim-peer', '172.31.0.10');
			await page.fill('#sim-path', '/rest/ping');
			await page.fill('#sim-user', 'admin');
			await page.click('#simulate button[type=submit]');
			await page.waitForSelector('#sim-result[data-outcome]');
			assert.match((await page.textContent('#sim-result')) ?? '', /Logged in as admin/);
			await page.fill('#sim-peer', '203.0.113.9');
			await page.click('#simulate button[type=submit]');
			await page.waitForSelector('#sim-result[data-outcome=fallback]');
			assert.match((await page.textContent('#sim-result')) ?? '', /TrustedSources "172\.31\.0\.10\/32"/);
			await page.close();
		});

		it('should offer a kind picker when the name says nothing', async () => {
			const page = await open(served!.url);
			await page.fill('#add-name', 'edge/site.conf');
			await page.click('#add-button');
			assert.equal(await page.isVisible('#kind-label'), true);
			await page.selectOption('#kind-picker', 'nginx');
			await pasteInto(page, 'edge/site.conf', 'server {\n\tlisten 80;\n\tlocation / {\n\t\tproxy_pass http://navidrome:4533;\n\t}\n}\n');
			await page.waitForSelector('.finding[data-rule="route/bypass-nostrip"]', { timeout: 15_000 });
			await page.click('#tabs .tab:has-text("compose.yaml")');
			assert.equal(await page.isVisible('#kind-label'), false);
			await page.close();
		});
	});
});
