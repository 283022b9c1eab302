/**
Suppression comments, as eslint and hadolint users expect (every supported format uses `#` comments):
- `# navidrome-extauth-disable-next-line <rule-id> [<rule-id>…]` silences those rules (all, when none is named) on the next line;
- `# navidrome-extauth-disable-file <rule-id> [<rule-id>…]` silences them in the whole file.
*/
import type { LineIndex } from './text.js';

export type Suppressions = {
	isSuppressed(ruleId: string, line: number): boolean;
};

const marker = /#\s*navidrome-extauth-disable-(next-line|file)\b([^\n\r]*)/g;
const none: Suppressions = { isSuppressed: () => false };

export function readSuppressions(text: string, lines: LineIndex): Suppressions {
	if (!text.includes('navidrome-extauth-disable')) return none;
	const wholeFile = new Set<string>();
	const byLine = new Map<number, Set<string>>();
	for (const match of text.matchAll(marker)) {
		const ids = new Set((match[2] ?? '').split(/[\s,]+/).filter((id) => id.length > 0 && !id.startsWith('--')));
		if (ids.size === 0) ids.add('*');
		if (match[1] === 'file') for (const id of ids) wholeFile.add(id);
		else byLine.set(lines.position(match.index ?? 0).line + 1, ids);
	}
	return {
		isSuppressed(ruleId, line) {
			if (wholeFile.has('*') || wholeFile.has(ruleId)) return true;
			const ids = byLine.get(line);
			return ids !== undefined && (ids.has('*') || ids.has(ruleId));
		},
	};
}
