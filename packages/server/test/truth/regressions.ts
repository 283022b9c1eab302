/**
Minimal disagreements the differential test found, kept after the fix (each also has a rule fixture where one fits).
`config` is the generator's data; differential.test.ts runs them first.
*/
import type { Config } from './generate.js';

export const regressions: Array<{ name: string; config: Config }> = [
	{
		// Caddy: basic_auth alone, the header stripped: the signed-in user never arrives (was: no loss).
		name: 'caddy basicauth with header_up -Remote-User',
		config: {
			proxy: 'caddy',
			base: '',
			snippets: [],
			sites: [{ matchers: [], body: [{ kind: 'basicauth', on: undefined }, { kind: 'reverse_proxy', on: undefined, to: 'navidrome', up: [{ header: 'Remote-User', value: null }] }] }],
		},
	},
	{
		// nginx: a `map` whose result is $remote_user forwards the client's own Basic user (was: safe).
		name: 'nginx map from $remote_user',
		config: { proxy: 'nginx', base: '', map: 1, http: [], snippets: [], servers: [{ underscores: false, body: [{ kind: 'location', modifier: '', path: '/', body: [{ kind: 'proxy_pass', to: 'navidrome' }] }, { kind: 'proxy_set_header', header: 'Remote-User', value: '$mapped' }] }] },
	},
	{
		// nginx: auth_request plus $remote_user: forgeable by a signed-in user and the auth answer never delivered.
		name: 'nginx auth_request with $remote_user',
		config: { proxy: 'nginx', base: '', map: 1, http: [], snippets: [], servers: [{ underscores: false, body: [{ kind: 'auth_request', off: false }, { kind: 'location', modifier: '', path: '/api/', body: [{ kind: 'proxy_pass', to: 'navidrome' }, { kind: 'proxy_set_header', header: 'Remote-User', value: '$remote_user' }] }] }] },
	},
];

/**
Configs of the CI sample (seed 16, 300 runs; differential.test.ts) that disagree and are not triaged yet, by number.
The list only shrinks: a fixed one must leave it, a new one fails the test. docs/truth.md groups them by class.
*/
export const open: Record<'caddy' | 'nginx', number[]> = {
	caddy: [22, 34, 45, 47, 55, 87, 88, 108, 110, 111, 112, 122, 126, 127, 132, 151, 158, 164, 169, 170, 183, 187, 189, 190, 194, 197, 198, 200, 203, 205, 212, 234, 252, 255, 258, 267, 269, 277, 282, 284, 286],
	nginx: [15, 23, 25, 30, 35, 45, 47, 72, 93, 98, 101, 122, 125, 133, 165, 169, 174, 176, 190, 192, 197, 217, 221, 271, 296],
};
