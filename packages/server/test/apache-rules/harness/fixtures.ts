/** The Apache rule fixtures: `fire-apache-*` and `ok-apache-*` under fixtures/rules/route/<cause>/. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rulesFixturesRoot } from '../../nginx-rules/harness/fixtures.js';

export function apacheFixtures(): Array<{ name: string; folder: string }> {
	const found: Array<{ name: string; folder: string }> = [];
	const route = join(rulesFixturesRoot, 'route');
	for (const cause of readdirSync(route).sort()) {
		for (const name of readdirSync(join(route, cause)).sort()) {
			if (/^(fire|ok)-apache-/.test(name) && statSync(join(route, cause, name)).isDirectory()) found.push({ name: `route/${cause}/${name}`, folder: join(route, cause, name) });
		}
	}
	return found;
}

/**
Constructs the real server cannot run here: mod_auth_openidc needs an OpenID provider and mod_auth_mellon a SAML
IdP, and neither module is installed. Fixtures using them are checked by the rules test only (modelled, not measured).
*/
export const modelledOnly = /^[ \t]*AuthType[ \t]+("?)(openid-connect|auth-openidc|mellon)\1[ \t]*$/im;

export function usesModelledOnly(folder: string): boolean {
	const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
	return walk(folder).some((path) => !path.endsWith('.yaml') && modelledOnly.test(readFileSync(path, 'utf8')));
}
