/** Headless Chromium for the playground's tests and benchmark: Debian's /usr/bin/chromium through playwright-core. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** Why the browser cannot start here, or `undefined` when it can. */
export function chromiumMissing(): string | undefined {
	return existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing (apt-get install chromium)`;
}

export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
	});
}
