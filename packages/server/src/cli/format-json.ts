/** The JSON output contract: paths relative to the current directory, 0-based lines and characters. */
import type { Finding } from '../analysis/findings.js';
import type { FileKind } from '../analysis/files.js';

export type RelativePath = (enginePath: string) => string;

export function formatJson(files: Array<{ path: string; kind: FileKind }>, findings: Finding[], relative: RelativePath): string {
	const output = {
		files: files.map((file) => ({ path: relative(file.path), kind: file.kind })),
		findings: findings.map((finding) => ({
			ruleId: finding.ruleId,
			category: finding.category,
			severity: finding.severity,
			file: relative(finding.file),
			range: finding.range,
			message: finding.message,
			...(finding.related?.length ? { related: finding.related.map((r) => ({ file: relative(r.file), range: r.range, message: r.message })) } : {}),
			...(finding.fixes?.length
				? { fixes: finding.fixes.map((fix) => ({ title: fix.title, ...(fix.isPreferred ? { isPreferred: true } : {}), edits: fix.edits.map((e) => ({ file: relative(e.file), range: e.range, newText: e.newText })) })) }
				: {}),
			...(finding.tags?.length ? { tags: finding.tags } : {}),
		})),
	};
	return `${JSON.stringify(output, null, 2)}\n`;
}
