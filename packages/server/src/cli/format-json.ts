/**
The JSON output contract: paths relative to the current directory, 0-based lines and characters. `files` and
`findings` as ever; `coverage` (when given) says what was judged (`judged`: files by kind, `navidromes`, `routes`),
what was assumed (`assumed`: sentences) and what could not be seen (`skipped` files, `unseen` proxy services).
*/
import type { Finding } from '../analysis/findings.js';
import type { FileKind } from '../analysis/files.js';
import type { Coverage } from '../analysis/verdict.js';

export type RelativePath = (enginePath: string) => string;

export function formatJson(files: Array<{ path: string; kind: FileKind }>, findings: Finding[], relative: RelativePath, coverage?: Coverage): string {
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
		...(coverage ? { coverage: relativeCoverage(coverage, relative) } : {}),
	};
	return `${JSON.stringify(output, null, 2)}\n`;
}

/** A coverage with its paths made relative, as the JSON and SARIF outputs show it. */
export function relativeCoverage(coverage: Coverage, relative: RelativePath): Coverage {
	return {
		...coverage,
		skipped: coverage.skipped.map((file) => ({ ...file, path: relative(file.path) })),
		unseen: coverage.unseen.map((proxy) => ({ ...proxy, file: relative(proxy.file) })),
		assumed: coverage.assumed.map((assumption) => (assumption.file ? { ...assumption, file: relative(assumption.file) } : assumption)),
	};
}
