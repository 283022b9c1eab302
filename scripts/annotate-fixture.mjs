#!/usr/bin/env node
// Fixture authoring aid: rewrites lines `#@ <needle> <expectation>` into caret markers under the first occurrence of
// <needle> in the closest preceding non-marker line. Wrap a needle containing spaces in backticks: #@ `a b` warning[x]: y
// Usage: node scripts/annotate-fixture.mjs <file>...
import { readFileSync, writeFileSync } from 'node:fs';

const marker = /^(\s*#\s*)(\^+)\s*(💡\s*)?(error|warning|information|hint)\[/u;
for (const file of process.argv.slice(2)) {
	const lines = readFileSync(file, 'utf8').split('\n');
	let target = '';
	const out = lines.map((line) => {
		const match = /^#@ (`[^`]+`|\S+) (.*)$/.exec(line);
		if (!match) {
			if (!marker.test(line)) target = line;
			return line;
		}
		const needle = match[1].startsWith('`') ? match[1].slice(1, -1) : match[1];
		const column = target.indexOf(needle);
		if (column < 1) throw new Error(`${file}: '${needle}' not found after column 0 in: ${target}`);
		return `#${' '.repeat(column - 1)}${'^'.repeat(needle.length)} ${match[2]}`;
	});
	writeFileSync(file, out.join('\n'));
}
