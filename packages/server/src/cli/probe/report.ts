/** The probe's output: a per-path table (text) or `{ proxy, results, … }` (json). */
import { escapeControls } from '../format-text.js';
import type { ProbeReport, ProbeResult, StaticVerdict } from './types.js';

export function formatProbeJson(report: ProbeReport): string {
	return `${JSON.stringify(report, undefined, 2)}\n`;
}

export function formatProbeText(report: ProbeReport): string {
	const lines: string[] = [];
	lines.push(`Measured ${escapeControls(report.config, 'path')} with ${escapeControls(report.version)} on 127.0.0.1 (a copy in a sandbox; your files were not changed).`);
	lines.push(`Forged ${report.userHeader}: ${report.forgedUser}; the fake auth service signs in its own user.`);
	lines.push('');
	const rows = report.results.map((result) => [
		result.host,
		result.path,
		result.spoofable ? 'YES' : result.placeholder ? 'no (a literal placeholder did)' : 'no',
		result.delivered === null ? '- (no auth asked)' : result.delivered ? 'yes' : 'NO',
		describeStatic(result.static),
		result.agrees ? 'agrees' : 'DISAGREES',
	]);
	const header = ['host', 'path', 'forged user reached Navidrome', 'signed-in user delivered', 'static analysis', ''];
	const table = [header, ...rows].map((row) => row.map((cell) => escapeControls(cell)));
	const widths = header.map((_, column) => Math.min(48, Math.max(...table.map((row) => row[column]!.length))));
	for (const row of table) lines.push(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
	const spoofable = report.results.filter((result) => result.spoofable);
	const disagreements = report.results.filter((result) => !result.agrees);
	lines.push('');
	lines.push(`${spoofable.length} of ${report.results.length} path${report.results.length === 1 ? '' : 's'} let a forged user reach Navidrome; ${disagreements.length === 0 ? 'the static analysis agrees on every path' : `${disagreements.length} disagree${disagreements.length === 1 ? 's' : ''} with the static analysis`}.`);
	if (spoofable.length > 0) lines.push('', 'Spoofable:', ...spoofable.map((result) => `  ${escapeControls(`${result.host}${result.path}`)}: ${escapeControls(result.evidence[0] ?? '')}${result.evidence.length > 1 ? ` (+${result.evidence.length - 1} more)` : ''}`));
	if (disagreements.length > 0) lines.push('', 'Where the measurement and the static analysis disagree:', ...disagreements.flatMap(details));
	const findings = [...new Set(report.results.flatMap((result) => result.static.findings))];
	if (findings.length > 0) lines.push('', 'Findings of the static analysis at these outcomes:', ...findings.map((finding) => `  ${escapeControls(finding)}`));
	if (report.notes.length > 0) lines.push('', 'Notes:', ...report.notes.map((note) => `  ${escapeControls(note)}`));
	return `${lines.join('\n')}\n`;
}

function details(result: ProbeResult): string[] {
	const lines = [`  ${escapeControls(result.host)}${escapeControls(result.path)}:`];
	for (const evidence of result.evidence) lines.push(`    measured: ${escapeControls(evidence)}`);
	for (const forgery of result.static.forgeries) lines.push(`    static: ${forgery.cause} (${forgery.who}) on ${escapeControls(forgery.route)}`);
	for (const loss of result.static.losses) lines.push(`    static: ${loss.cause} on ${escapeControls(loss.route)}`);
	if (result.static.routes.length === 0) lines.push('    static: no route to Navidrome names this path');
	return lines;
}

function describeStatic(verdict: StaticVerdict): string {
	if (verdict.routes.length === 0) return 'no route';
	const parts = [verdict.spoofable ? `spoofable (${[...new Set(verdict.forgeries.map((forgery) => forgery.cause))].join(', ')})` : verdict.placeholder ? 'literal placeholder' : 'not spoofable'];
	if (verdict.delivered === false) parts.push(`lost (${[...new Set(verdict.losses.map((loss) => loss.cause))].join(', ')})`);
	if (verdict.gate && verdict.gate !== 'live') parts.push(verdict.gate);
	return parts.join(', ');
}
