/**
The nginx rule fixtures: `fire-nginx-*` and `ok-nginx-*` under fixtures/rules/route/<cause>/ (the route rules nginx
lowers into) plus fixtures/rules/nginx/underscores (the one nginx-only rule).
*/
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const rulesFixturesRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'rules');

/** `{ name: 'route/bypass-nostrip/fire-nginx-rest-bypass', folder }`, sorted by name. */
export function nginxFixtures(): Array<{ name: string; folder: string }> {
	const found: Array<{ name: string; folder: string }> = [];
	const add = (rule: string, keep: (name: string) => boolean): void => {
		const folder = join(rulesFixturesRoot, rule);
		if (!existsSync(folder)) return;
		for (const name of readdirSync(folder).sort()) {
			if (keep(name) && statSync(join(folder, name)).isDirectory()) found.push({ name: `${rule}/${name}`, folder: join(folder, name) });
		}
	};
	for (const cause of readdirSync(join(rulesFixturesRoot, 'route')).sort()) add(`route/${cause}`, (name) => /^(fire|ok)-nginx-/.test(name));
	add('nginx/underscores', () => true);
	return found;
}
