/**
SARIF 2.1.0 for code-scanning upload. Lines and columns are 1-based, columns in UTF-16 code units (SARIF's default
`columnKind`), and file URIs are relative to `%SRCROOT%` (the current directory). With a coverage, the run's
invocation carries one `note` notification per line of what was judged, assumed and not seen (skipped files and proxy
services with their location), and the run's `properties.coverage` the same as the JSON output's `coverage`.
*/
import type { Finding, Severity } from '../analysis/findings.js';
import type { Rule } from '../analysis/rules/rule.js';
import { ruleDocsUrl } from '../analysis/rules/rule.js';
import type { Range } from '../analysis/text.js';
import { coverageNotes, type Coverage } from '../analysis/verdict.js';
import { relativeCoverage, type RelativePath } from './format-json.js';

const levels: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
/** GitHub ranks security alerts by this 0–10 score. */
const securitySeverity: Record<string, string> = { impersonation: '9.1', exposure: '7.5', broken: '4.0', 'ignored-setting': '4.0', hardening: '3.0' };

export function formatSarif(findings: Finding[], rules: readonly Rule[], relative: RelativePath, rootUri: string, toolVersion: string, coverage?: Coverage): string {
	const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
	const uri = (file: string): string => relative(file).split('\\').join('/').split('/').map(encodeURIComponent).join('/');
	const region = (range: Range) => ({
		startLine: range.start.line + 1,
		startColumn: range.start.character + 1,
		endLine: range.end.line + 1,
		endColumn: range.end.character + 1,
	});
	const log = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: 'navidrome-extauth',
						informationUri: 'https://github.com/navidrome-extauth/navidrome-extauth',
						version: toolVersion,
						rules: rules.map((rule) => ({
							id: rule.id,
							name: rule.id.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
							shortDescription: { text: rule.summary },
							fullDescription: { text: rule.summary },
							helpUri: ruleDocsUrl(rule.id),
							help: { text: rule.docs, markdown: rule.docs },
							defaultConfiguration: { level: levels[rule.severity] },
							properties: {
								tags: ['security', rule.category],
								precision: 'high',
								...(securitySeverity[rule.category] ? { 'security-severity': securitySeverity[rule.category] } : {}),
							},
						})),
					},
				},
				originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
				...(coverage ? coverageParts(coverage, relative, uri) : {}),
				results: findings.map((finding) => ({
					ruleId: finding.ruleId,
					...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
					level: levels[finding.severity],
					message: { text: finding.message },
					locations: [{ physicalLocation: { artifactLocation: { uri: uri(finding.file), uriBaseId: '%SRCROOT%' }, region: region(finding.range) } }],
					...(finding.related?.length
						? {
								relatedLocations: finding.related.map((related, id) => ({
									id,
									message: { text: related.message },
									physicalLocation: { artifactLocation: { uri: uri(related.file), uriBaseId: '%SRCROOT%' }, region: region(related.range) },
								})),
							}
						: {}),
					...(finding.fixes?.length
						? {
								fixes: finding.fixes.map((fix) => ({
									description: { text: fix.title },
									artifactChanges: groupByFile(fix.edits).map(([file, edits]) => ({
										artifactLocation: { uri: uri(file), uriBaseId: '%SRCROOT%' },
										replacements: edits.map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } })),
									})),
								})),
							}
						: {}),
					partialFingerprints: { primaryLocationLineHash: `${finding.ruleId}:${uri(finding.file)}:${finding.range.start.line + 1}` },
				})),
			},
		],
	};
	return `${JSON.stringify(log, null, 2)}\n`;
}

function groupByFile<T extends { file: string }>(edits: T[]): Array<[string, T[]]> {
	const groups = new Map<string, T[]>();
	for (const edit of edits) groups.set(edit.file, [...(groups.get(edit.file) ?? []), edit]);
	return [...groups];
}

/** The run's `invocations` (coverage as notifications) and `properties.coverage`. */
function coverageParts(coverage: Coverage, relative: RelativePath, uri: (file: string) => string): Record<string, unknown> {
	const at = (file: string) => [{ physicalLocation: { artifactLocation: { uri: uri(file), uriBaseId: '%SRCROOT%' } } }];
	return {
		invocations: [
			{
				executionSuccessful: true,
				toolExecutionNotifications: coverageNotes(coverage, relative).map((note) => ({ level: 'note', message: { text: note.text }, ...(note.file ? { locations: at(note.file) } : {}) })),
			},
		],
		properties: { coverage: relativeCoverage(coverage, relative) },
	};
}
