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
	return found.flatMap(stacks);
}

/**
A fixture of sibling stacks (`a/`, `b/`, each with its own nginx.conf, testing which Navidrome each proxy links to) runs
as one case per stack: nginx runs one configuration at a time, and each stack's folder analysed alone must get the
verdict its nginx really has.
*/
function stacks(fixture: { name: string; folder: string }): Array<{ name: string; folder: string }> {
	const own = ['nginx.conf', 'nginx', 'conf.d', 'sites-enabled'].some((entry) => existsSync(join(fixture.folder, entry)));
	if (own) return [fixture];
	const inner = readdirSync(fixture.folder).sort().filter((name) => statSync(join(fixture.folder, name)).isDirectory() && existsSync(join(fixture.folder, name, 'nginx.conf')));
	return inner.length > 0 ? inner.map((name) => ({ name: `${fixture.name}/${name}`, folder: join(fixture.folder, name) })) : [fixture];
}
