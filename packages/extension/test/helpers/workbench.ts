/** Drives the VS Code workbench (1.100.3 DOM) in headless Chromium through playwright-core. */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { chromiumPath } from './code-server.js';

/** The little of the DOM these helpers touch inside the page (the package is typed without the DOM library). */
type DomElement = { textContent: string | null; getAttribute(name: string): string | null; style: { top: string } };
type DomDocument = { querySelectorAll(selector: string): ArrayLike<DomElement> };

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
	});
}

/** Waits until an element matching `selector` contains `text`; rejects (times out) when none does. */
export async function waitForText(page: Page, selector: string, text: string, timeout = 30_000): Promise<void> {
	await page.waitForFunction(
		([css, needle]) => Array.from((globalThis as unknown as { document: DomDocument }).document.querySelectorAll(css)).some((element) => (element.textContent ?? '').includes(needle) || (element.getAttribute('aria-label') ?? '').includes(needle)),
		[selector, text] as const,
		{ timeout, polling: 100 },
	);
}

/** Waits until no element matching `selector` contains `text` any more. */
export async function waitForNoText(page: Page, selector: string, text: string, timeout = 30_000): Promise<void> {
	await page.waitForFunction(
		([css, needle]) => !Array.from((globalThis as unknown as { document: DomDocument }).document.querySelectorAll(css)).some((element) => (element.textContent ?? '').includes(needle) || (element.getAttribute('aria-label') ?? '').includes(needle)),
		[selector, text] as const,
		{ timeout, polling: 100 },
	);
}

export async function texts(page: Page, selector: string): Promise<string[]> {
	return page.$$eval(selector, (elements) => elements.map((element) => element.getAttribute('aria-label') || element.textContent || ''));
}

export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
	await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
	await page.waitForSelector('.monaco-workbench', { timeout: 30_000 });
	// The explorer is ready once the folder's files are listed.
	await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 30_000 });
}

/**
Opens a file the way a user would: a top-level file of the workspace by a click on its row in the Explorer, anything
else (an absolute path) with Quick Open (Ctrl+P). Waits for its editor.
*/
export async function openFile(page: Page, nameOrPath: string, timeout = 30_000): Promise<void> {
	const name = nameOrPath.slice(nameOrPath.lastIndexOf('/') + 1);
	const explorerRow = page.locator(`.explorer-folders-view .monaco-list-row[aria-label*="${name}"]`).first();
	if (name === nameOrPath && (await explorerRow.isVisible())) {
		await explorerRow.click();
	} else {
		await page.keyboard.press('Control+P');
		const input = page.locator('.quick-input-widget input');
		await input.waitFor({ state: 'visible', timeout });
		await input.fill(nameOrPath);
		const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`).first();
		await row.waitFor({ timeout });
		await row.click();
	}
	await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout });
	await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout });
}

/** The text of the visible editor lines (Monaco renders spaces as U+00A0). */
export async function editorText(page: Page): Promise<string> {
	const lines = await page.$$eval('.editor-instance .monaco-editor .view-lines .view-line', (elements) =>
		elements
			.map((element) => ({ top: Number.parseFloat((element as unknown as DomElement).style.top) || 0, text: element.textContent ?? '' }))
			.sort((a, b) => a.top - b.top)
			.map((line) => line.text),
	);
	return lines.join('\n').replace(/\u00a0/g, ' ');
}

/** The on-screen box of the first editor token containing `text`. */
export async function tokenBox(page: Page, text: string): Promise<{ x: number; y: number; width: number; height: number }> {
	const token = page.locator('.editor-instance .monaco-editor .view-lines .view-line span[class^="mtk"]', { hasText: text }).first();
	await token.waitFor({ timeout: 30_000 });
	const box = await token.boundingBox();
	if (!box) throw new Error(`no box for '${text}'`);
	return box;
}
