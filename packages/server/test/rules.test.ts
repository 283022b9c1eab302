/**
Data-driven rule tests. Each rule has fixture folders under fixtures/rules/<rule-id>/: `fire-*` cases must produce the
findings their inline markers describe, `ok-*` cases must produce none of that rule. Both must exist for every rule.
A `<file>.fixed` beside a fixture file is what that file becomes after applying every preferred fix (or, with a
`fix.json` of `{ "title": "<prefix>" }`, every fix whose title starts with that prefix); the fixed files are analysed
again and the findings those fixes resolve must be gone. A `fire-*` case that expects a fix (`💡`) needs a `.fixed` file.
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

type Edit = { span: { start: number; end: number }; newText: string };

/** Applies edits (identical ones once, as two findings may offer the same fix); overlapping edits throw. */
export function applyEdits(text: string, edits: Edit[]): string {
	const unique = new Map(edits.map((edit) => [`${edit.span.start}:${edit.span.end}:${edit.newText}`, edit]));
	const sorted = [...unique.values()].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
	let result = text;
	let limit = Infinity;
	for (const edit of sorted) {
		if (edit.span.end > limit || (edit.span.end === limit && edit.span.start === edit.span.end && edit.span.start !== limit)) throw new Error(`overlapping edits at ${edit.span.start}–${edit.span.end}`);
		result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
		limit = edit.span.start;
	}
	return result;
}

function fixSelector(folder: string): (fix: { title: string; isPreferred?: boolean }) => boolean {
	const path = join(folder, 'fix.json');
	if (!existsSync(path)) return (fix) => fix.isPreferred === true;
	const { title } = JSON.parse(readFileSync(path, 'utf8')) as { title: string };
	return (fix) => fix.title.startsWith(title);
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

	it('should have a .fixed file in every fire-* fixture that expects a fix', () => {
		const missing: string[] = [];
		for (const rule of rules) {
			for (const folder of caseFolders(rule.id).filter((path) => path.split(/[\\/]/).pop()!.startsWith('fire-'))) {
				const files = readFixtureFolder(folder);
				const expectsFix = files.some((file) => readExpectations(file.path, file.text).some((e) => e.hasFix && e.ruleId === rule.id));
				if (expectsFix && !files.some((file) => existsSync(`${file.path}.fixed`))) missing.push(relative(fixturesRoot, folder));
			}
		}
		assert.deepEqual(missing, []);
	});

	it('should explain itself in every rule doc and link public docs, with spec sections kept in code comments', () => {
		for (const rule of rules) {
			assert.ok(rule.docs.length > 80, `${rule.id} has no real documentation`);
			// Spec citations live in `// spec:` comments next to the rule (test/features/user-text.test.ts checks them).
			assert.doesNotMatch(rule.docs, /\.md §/, `${rule.id} cites a spec section in user-facing docs`);
			if (!rule.id.startsWith('syntax/') && !rule.id.startsWith('compose/')) assert.match(rule.docs, /\]\(https:\/\//, `${rule.id} links no public documentation`);
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
					const selected = fixSelector(folder);
					const fixed = findings.filter((f) => f.ruleId === rule.id && (f.fixes ?? []).some(selected));
					const allEdits = fixed.flatMap((f) => f.fixes!.filter(selected).flatMap((fix) => fix.edits));
					let anyFixed = false;
					const fixedFiles = files.map((file) => {
						const fixedPath = `${file.path}.fixed`;
						if (!existsSync(fixedPath)) return file;
						anyFixed = true;
						const text = applyEdits(file.text, allEdits.filter((e) => e.file === file.path));
						assert.equal(text, readFileSync(fixedPath, 'utf8'), `fixes of ${name} applied to ${relative(folder, file.path)}`);
						return { path: file.path, text };
					});
					if (anyFixed) {
						assert.ok(fixed.length > 0, `${name} has .fixed files but no finding of ${rule.id} offers the selected fix`);
						assert.deepEqual(allEdits.filter((e) => !files.some((file) => file.path === e.file && existsSync(`${file.path}.fixed`))).map((e) => e.file), [], 'every edited file needs a .fixed file');
						const again = new Analyzer().analyze({ files: fixedFiles, workspace: fixtureWorkspace(fixedFiles, folder), options });
						const before = findings.filter((f) => f.ruleId === rule.id).length;
						const after = again.findings.filter((f) => f.ruleId === rule.id);
						assert.ok(after.length <= before - fixed.length, `after the fixes of ${name}, ${rule.id} still reports: ${after.map((f) => describeFinding(f, folder)).join('; ')}`);
					}
				});
			}
		});
	}
});
