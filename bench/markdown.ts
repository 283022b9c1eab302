import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Replaces (or appends) the `## …` section starting with `heading` in a markdown file. */
export function replaceSection(path: string, heading: string, section: string): void {
	const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
	const start = text.indexOf(`${heading}\n`);
	if (start < 0) {
		writeFileSync(path, `${text.trimEnd()}\n\n${section.trim()}\n`);
		return;
	}
	const next = text.indexOf('\n## ', start + heading.length);
	const end = next < 0 ? text.length : next + 1;
	writeFileSync(path, `${text.slice(0, start)}${section.trim()}\n${next < 0 ? '' : `\n${text.slice(end)}`}`);
}
