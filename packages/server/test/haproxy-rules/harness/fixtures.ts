/** The HAProxy rule fixtures: `fire-haproxy-*` and `ok-haproxy-*` under fixtures/rules/route/<cause>/. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rulesFixturesRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'rules');

/** `{ name: 'route/bypass-nostrip/fire-haproxy-rest-bypass', folder }`, sorted by name. */
export function haproxyFixtures(): Array<{ name: string; folder: string }> {
	const found: Array<{ name: string; folder: string }> = [];
	const route = join(rulesFixturesRoot, 'route');
	for (const cause of readdirSync(route).sort()) {
		const folder = join(route, cause);
		if (!existsSync(folder) || !statSync(folder).isDirectory()) continue;
		for (const name of readdirSync(folder).sort()) {
			if (/^(fire|ok)-haproxy-/.test(name) && statSync(join(folder, name)).isDirectory()) found.push({ name: `route/${cause}/${name}`, folder: join(folder, name) });
		}
	}
	return found;
}
