/**
Route rules replaced per-proxy rules (caddy/bypass-nostrip, nginx/bypass-nostrip, … → route/bypass-nostrip). The old
ids stay accepted: in suppression comments, in per-rule severity settings, on the command line and when looking a
rule up for its documentation.
*/
import assert from 'node:assert/strict';
import { parseArguments } from '../../src/cli/args.js';
import { Analyzer } from '../../src/analysis/engine.js';
import type { AnalysisOptions } from '../../src/analysis/model/deployment.js';
import { findRule, rules } from '../../src/analysis/rules/index.js';
import { fixtureWorkspace } from '../harness/fixtures.js';

const compose = `services:
  caddy:
    image: caddy:2.11.4
    volumes:
      - ./Caddyfile:/etc/caddy/Caddyfile:ro
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: 172.16.0.0/12
`;

/** Navidrome's documented example: /share/* and /rest/* skip forward_auth and nothing strips Remote-User. */
function caddyfile(comment = ''): string {
	return `${comment}music.example.com {
	@protected not path /share/* /rest/*
	forward_auth @protected authelia:9091 {
		uri /api/authz/forward-auth
		copy_headers Remote-User
	}
	reverse_proxy navidrome:4533
}
`;
}

function ruleIds(text: string, options: AnalysisOptions = {}): string[] {
	const files = [
		{ path: '/a/compose.yaml', text: compose },
		{ path: '/a/Caddyfile', text },
	];
	return new Analyzer().analyze({ workspace: fixtureWorkspace(files), files, options }).findings.map((finding) => `${finding.ruleId}:${finding.severity}`);
}

describe('former rule ids', () => {
	it('should report the docs example under the route rule', () => {
		assert.ok(ruleIds(caddyfile()).includes('route/bypass-nostrip:error'));
	});

	it('should honour a suppression comment naming the former id', () => {
		assert.ok(!ruleIds(caddyfile('# navidrome-extauth-disable-file caddy/bypass-nostrip\n')).includes('route/bypass-nostrip:error'));
		// A former id of another rule does not silence this one.
		assert.ok(ruleIds(caddyfile('# navidrome-extauth-disable-file caddy/strip-after-auth\n')).includes('route/bypass-nostrip:error'));
	});

	it('should honour a severity setting written for the former id', () => {
		assert.ok(!ruleIds(caddyfile(), { ruleSeverity: { 'caddy/bypass-nostrip': 'off' } }).includes('route/bypass-nostrip:error'));
		const files = [
			{ path: '/a/compose.yaml', text: compose },
			{ path: '/a/Caddyfile', text: caddyfile() },
		];
		const findings = new Analyzer().analyze({ workspace: fixtureWorkspace(files), files, options: { ruleSeverity: { 'caddy/bypass-nostrip': 'hint' } } }).findings;
		const finding = findings.find((candidate) => candidate.ruleId === 'route/bypass-nostrip');
		assert.equal(finding?.severity, 'hint');
	});

	it('should find a rule by a former id, and no former id is also a current id', () => {
		assert.equal(findRule('nginx/inherit-lost')?.id, 'route/inherit-lost');
		assert.equal(findRule('traefik/authresponse-missing')?.id, 'route/auth-no-user');
		// nginx/authvar-mismatch was split by cause: both parts answer to it.
		assert.deepEqual(rules.filter((rule) => rule.aliases?.includes('nginx/authvar-mismatch')).map((rule) => rule.id).sort(), ['route/never-mapped', 'route/wrong-name']);
		const aliases = rules.flatMap((rule) => rule.aliases ?? []);
		for (const alias of aliases) assert.ok(!rules.some((rule) => rule.id === alias), `${alias} is both an id and a former id`);
	});

	it('should accept a former id in --rule', () => {
		const known = rules.flatMap((rule) => [rule.id, ...(rule.aliases ?? [])]);
		const parsed = parseArguments(['check', '--rule', 'caddy/bypass-nostrip=off', '.'], known);
		assert.notEqual(parsed.command, 'error');
	});
});
