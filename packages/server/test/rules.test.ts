/**
Data-driven rule tests. Each rule has fixture folders under fixtures/rules/<rule-id>/: `fire-*` cases must produce the
findings their inline markers describe, `ok-*` cases must produce none of that rule. Both must exist for every rule.
A `<file>.fixed` beside a fixture file is what that file becomes after applying every preferred fix.
*/
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer } from '../src/analysis/engine.js';
import type { Finding } from '../src/analysis/findings.js';
import type { AnalysisOptions } from '../src/analysis/model/deployment.js';
import { rules } from '../src/analysis/rules/index.js';
import { readExpectations, type Expectation } from './harness/annotations.js';
import { fixtureWorkspace, readFixtureFolder } from './harness/fixtures.js';

const fixturesRoot = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rules');

function caseFolders(ruleId: string): string[] {
	const folder = join(fixturesRoot, ruleId);
	if (!existsSync(folder)) return [];
	return readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory()).map((name) => join(folder, name));
}

function describeFinding(f: Finding, root: string): string {
	return `${relative(root, f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity}[${f.ruleId}] ${f.message}`;
}

function describeExpectation(e: Expectation, root: string): string {
	return `${relative(root, e.file)}:${e.line + 1}:${e.character + 1} ${e.severity}[${e.ruleId}] …${e.message}… (marker line ${e.markerLine})`;
}

function matches(finding: Finding, expectation: Expectation): boolean {
	if (finding.file !== expectation.file || finding.ruleId !== expectation.ruleId || finding.severity !== expectation.severity) return false;
	if (finding.range.start.line !== expectation.line || finding.range.start.character !== expectation.character) return false;
	const singleLine = finding.range.end.line === finding.range.start.line;
	if (singleLine && finding.range.end.character - finding.range.start.character !== expectation.length) return false;
	if (Boolean(finding.fixes?.length) !== expectation.hasFix) return false;
	return finding.message.includes(expectation.message);
}

export function applyEdits(text: string, edits: Array<{ span: { start: number; end: number }; newText: string }>): string {
	let result = text;
	for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
	return result;
}

describe('rules', () => {
	it('should have a must-fire and a must-not-fire fixture for every rule', () => {
		const missing: string[] = [];
		for (const rule of rules) {
			const names = caseFolders(rule.id).map((folder) => folder.split(/[\\/]/).pop()!);
			if (!names.some((name) => name.startsWith('fire-'))) missing.push(`${rule.id}: no fire-* fixture`);
			if (!names.some((name) => name.startsWith('ok-'))) missing.push(`${rule.id}: no ok-* fixture`);
		}
		assert.deepEqual(missing, []);
	});

	it('should cite a spec section or explain itself in every rule doc', () => {
		for (const rule of rules) {
			assert.ok(rule.docs.length > 80, `${rule.id} has no real documentation`);
			if (!rule.id.startsWith('syntax/') && !rule.id.startsWith('compose/')) assert.match(rule.docs, /(navidrome-extauth|proxies)\.md §\d/, `${rule.id} cites no spec section`);
		}
	});

	for (const rule of rules) {
		describe(rule.id, () => {
			for (const folder of caseFolders(rule.id)) {
				const name = folder.split(/[\\/]/).pop()!;
				it(`${name.startsWith('ok-') ? 'should not fire' : 'should fire'}: ${name}`, () => {
					const files = readFixtureFolder(folder);
					const optionsPath = join(folder, 'options.json');
					const options: AnalysisOptions = existsSync(optionsPath) ? JSON.parse(readFileSync(optionsPath, 'utf8')) : {};
					const result = new Analyzer().analyze({ files, workspace: fixtureWorkspace(files, folder), options });
					const expectations = files.flatMap((file) => readExpectations(file.path, file.text));
					const checked = new Set([rule.id, ...expectations.map((e) => e.ruleId)]);
					const findings = result.findings.filter((f) => checked.has(f.ruleId));
					const unmatched = [...findings];
					const missing: string[] = [];
					for (const expectation of expectations) {
						const index = unmatched.findIndex((f) => matches(f, expectation));
						if (index < 0) missing.push(describeExpectation(expectation, folder));
						else unmatched.splice(index, 1);
					}
					assert.deepEqual(
						{ missing, unexpected: unmatched.map((f) => describeFinding(f, folder)) },
						{ missing: [], unexpected: [] },
					);
					if (name.startsWith('ok-')) assert.equal(findings.filter((f) => f.ruleId === rule.id).length, 0);
					else assert.ok(expectations.some((e) => e.ruleId === rule.id), 'a fire-* fixture must expect the rule');
					for (const file of files) {
						const fixedPath = `${file.path}.fixed`;
						if (!existsSync(fixedPath)) continue;
						const edits = findings.flatMap((f) => (f.fixes ?? []).filter((fix) => fix.isPreferred).flatMap((fix) => fix.edits)).filter((e) => e.file === file.path);
						assert.equal(applyEdits(file.text, edits), readFileSync(fixedPath, 'utf8'), `preferred fixes of ${name}`);
					}
				});
			}
		});
	}
});
