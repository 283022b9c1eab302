// Draws media/icon.png (128×128) from the SVG below with headless Chromium. Run by hand after changing the drawing:
//   node scripts/make-icon.mjs
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
	<defs>
		<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
			<stop offset="0" stop-color="#1f3b73"/>
			<stop offset="1" stop-color="#0f1d3a"/>
		</linearGradient>
		<linearGradient id="shield" x1="0" y1="0" x2="0" y2="1">
			<stop offset="0" stop-color="#4fd1a5"/>
			<stop offset="1" stop-color="#1f9e78"/>
		</linearGradient>
	</defs>
	<rect x="4" y="4" width="120" height="120" rx="26" fill="url(#bg)"/>
	<path d="M64 16 L102 30 V62 C102 86 86 103 64 112 C42 103 26 86 26 62 V30 Z" fill="url(#shield)" stroke="#d9fff0" stroke-width="3" stroke-linejoin="round"/>
	<g fill="#0f1d3a">
		<path d="M56 40 L82 34 V76 h-6 V47 L62 50 V82 h-6 Z"/>
		<ellipse cx="50" cy="82" rx="9" ry="7" transform="rotate(-20 50 82)"/>
		<ellipse cx="70" cy="76" rx="9" ry="7" transform="rotate(-20 70 76)"/>
	</g>
</svg>`;

mkdirSync(new URL('../media/', import.meta.url), { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
	const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
	await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
	await page.screenshot({ path: new URL('../media/icon.png', import.meta.url).pathname, omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
} finally {
	await browser.close();
}
console.log('wrote media/icon.png');
