/**
`check --fix`: applies the preferred fixes the rules offer, re-analyses and repeats (at most `maxFixPasses` times, as
eslint does), then writes each changed file once, atomically, and only inside the checked roots.

What counts as safe here:
- only a finding's first fix marked `isPreferred`, and only when every one of its edits lands in a file this run read
  and may write; a fix is applied whole or not at all;
- within one pass no two applied edits overlap or touch (a later one waits for the next pass, against the new text);
- a file is written only when it lies, by its real path, inside a checked root (never only in an `--allow-read`
  folder, never through a symbolic link that leads out), still holds the text the fixes were computed on, and is a
  regular file; the new text goes to a temporary file in the same folder, with the old file's mode, then is renamed
  over it.
*/
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sep } from 'node:path';
import type { AnalysisResult } from '../analysis/engine.js';
import type { Finding } from '../analysis/findings.js';
import { basename, dirname, resolvePath, type ReadProblem, type WorkspaceView } from '../analysis/files.js';
import { isSystemPath } from './read-boundary.js';

/** Passes of fix-then-re-analyse before `--fix` stops (eslint uses the same bound). */
export const maxFixPasses = 10;

/** One fix as applied: the rule that offered it, its title, and the files its edits changed. */
export type AppliedFix = { ruleId: string; title: string; files: string[] };

/** A preferred fix that was left alone: the file it would have changed, and why not (a phrase, never content). */
export type SkippedFix = { finding: Finding; title: string; file: string; reason: string };

/**
A workspace that serves edited texts over another one. Every text is read once and kept, so each pass sees the same
bytes the previous pass's edits were computed on.
*/
export type EditableWorkspace = WorkspaceView & {
	problem(path: string): ReadProblem | undefined;
	/** The current text of a path: edited, else as first read (or given); `undefined` when never read. */
	text(path: string): string | undefined;
	/** The text as first read (or given). */
	original(path: string): string | undefined;
	/** Paths whose current text differs from the original, in name order. */
	changed(): string[];
	/** Replace the current text of a path that was read. */
	edit(path: string, text: string): void;
};

/** Wrap `base`; `given` are texts that do not come from `base` (standard input) and win over it. */
export function editableWorkspace(base: WorkspaceView & { problem?(path: string): ReadProblem | undefined }, given: Iterable<{ path: string; text: string }> = []): EditableWorkspace {
	const originals = new Map<string, string>();
	const edits = new Map<string, string>();
	for (const file of given) originals.set(file.path, file.text);
	const read = (path: string): string | undefined => {
		if (originals.has(path)) return originals.get(path);
		const text = base.readFile(path);
		if (text !== undefined) originals.set(path, text);
		return text;
	};
	return {
		readFile: (path) => edits.get(path) ?? read(path),
		listFiles: (glob) => base.listFiles(glob),
		problem: (path) => (originals.has(path) ? undefined : base.problem?.(path)),
		text: (path) => edits.get(path) ?? originals.get(path),
		original: (path) => originals.get(path),
		changed: () => [...edits].filter(([path, text]) => text !== originals.get(path)).map(([path]) => path).sort(),
		edit(path, text) {
			if (!originals.has(path)) throw new Error(`${path} was never read`);
			edits.set(path, text);
		},
	};
}

type Edit = { file: string; start: number; end: number; newText: string };
type Chosen = { finding: Finding; title: string; edits: Edit[] };

/**
The preferred fixes to apply to `findings` in one pass, in finding order: each finding's first preferred fix whose
edits all fit the current texts, lie in files `mayEdit` allows (else it is skipped, with the reason), and neither
overlap nor touch an edit chosen before them (those wait for the next pass).
*/
export function selectFixes(findings: readonly Finding[], text: (path: string) => string | undefined, mayEdit: (path: string) => string | undefined): { chosen: Chosen[]; skipped: SkippedFix[] } {
	const chosen: Chosen[] = [];
	const skipped: SkippedFix[] = [];
	const taken = new Map<string, Edit[]>();
	const clashes = (edit: Edit, others: readonly Edit[]): boolean => others.some((other) => other.file === edit.file && edit.start <= other.end && other.start <= edit.end);
	for (const finding of findings) {
		const fix = finding.fixes?.find((candidate) => candidate.isPreferred);
		if (!fix || fix.edits.length === 0) continue;
		const edits: Edit[] = fix.edits.map((edit) => ({ file: edit.file, start: edit.span.start, end: edit.span.end, newText: edit.newText }));
		const refused = edits.map((edit) => ({ file: edit.file, reason: mayEdit(edit.file) })).find((entry) => entry.reason !== undefined);
		if (refused) {
			skipped.push({ finding, title: fix.title, file: refused.file, reason: refused.reason! });
			continue;
		}
		const fits = edits.every((edit, index) => {
			const current = text(edit.file);
			return current !== undefined && Number.isInteger(edit.start) && Number.isInteger(edit.end) && edit.start >= 0 && edit.start <= edit.end && edit.end <= current.length && typeof edit.newText === 'string' && !clashes(edit, edits.slice(0, index));
		});
		if (!fits || edits.some((edit) => clashes(edit, taken.get(edit.file) ?? []))) continue;
		for (const edit of edits) taken.set(edit.file, [...(taken.get(edit.file) ?? []), edit]);
		chosen.push({ finding, title: fix.title, edits });
	}
	return { chosen, skipped };
}

/** `text` with non-overlapping `edits` applied (offsets into the original `text`). */
export function applyEdits(text: string, edits: ReadonlyArray<{ start: number; end: number; newText: string }>): string {
	let out = text;
	for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = `${out.slice(0, edit.start)}${edit.newText}${out.slice(edit.end)}`;
	return out;
}

export type FixRun = {
	/** The analysis of the fixed texts. */
	result: AnalysisResult;
	applied: AppliedFix[];
	/** Preferred fixes of the final analysis that `mayEdit` refused. */
	skipped: SkippedFix[];
	/** Analyses made, the first included. */
	passes: number;
};

/**
Analyse, apply the selected fixes to `workspace`'s texts, and repeat until a pass applies nothing or `maxPasses`
passes were made. `analyze` must read every text through `workspace`. Nothing is written.
*/
export function fixInMemory(options: { workspace: EditableWorkspace; analyze: () => AnalysisResult; mayEdit: (path: string) => string | undefined; maxPasses?: number }): FixRun {
	const { workspace, mayEdit } = options;
	const applied: AppliedFix[] = [];
	let result = options.analyze();
	let passes = 1;
	for (;;) {
		const { chosen, skipped } = selectFixes(result.findings, workspace.text, mayEdit);
		if (chosen.length === 0 || passes >= (options.maxPasses ?? maxFixPasses)) return { result, applied, skipped, passes };
		const byFile = new Map<string, Edit[]>();
		for (const fix of chosen) for (const edit of fix.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
		for (const [file, edits] of byFile) workspace.edit(file, applyEdits(workspace.text(file)!, edits));
		for (const fix of chosen) applied.push({ ruleId: fix.finding.ruleId, title: fix.title, files: [...new Set(fix.edits.map((edit) => edit.file))] });
		result = options.analyze();
		passes++;
	}
}

/**
Where `--fix` may write: inside `roots` (absolute engine paths) by name and by real path. `problem(path)` is
`undefined` when the path may be written, else why not (a phrase without the path).
*/
export function createWriteBoundary(roots: readonly string[]): { problem(path: string): string | undefined } {
	const given = roots.filter((root) => root.startsWith('/')).map((root) => resolvePath('/', root));
	const real = new Set(given);
	for (const root of given) {
		try {
			real.add(toEngine(realpathSync.native(toNative(root))));
		} catch {
			// a root that does not exist holds nothing to write
		}
	}
	const inside = (path: string): boolean => [...real].some((root) => root === '/' || path === root || path.startsWith(`${root}/`));
	return {
		problem(given) {
			const path = resolvePath('/', given);
			if (isSystemPath(path) || !inside(path)) return 'it is outside the checked folders';
			let target: string;
			try {
				target = toEngine(realpathSync.native(toNative(path)));
			} catch (error) {
				return `it cannot be resolved (${(error as NodeJS.ErrnoException)?.code ?? 'error'})`;
			}
			if (isSystemPath(target) || !inside(target)) return 'it links to a place outside the checked folders';
			return undefined;
		},
	};
}

/**
Replace the file at `path` (an engine path; through symbolic links, its real path) by `text`, provided `readCurrent`
still gives `expected` and `mayWrite` allows it. The text is written to a new temporary file beside the target
(created exclusively, so no planted link is followed), flushed, given the target's mode (and owner, where allowed),
and renamed over the target. Returns why it was not written (a phrase without the path), or `undefined` on success.
*/
export function writeFileAtomically(path: string, text: string, checks: { expected: string; readCurrent: (path: string) => string | undefined; mayWrite: (path: string) => string | undefined }): string | undefined {
	const refusal = checks.mayWrite(path);
	if (refusal !== undefined) return refusal;
	let target: string;
	let stats;
	try {
		target = realpathSync.native(toNative(path));
		stats = lstatSync(target);
	} catch (error) {
		return `it cannot be written (${(error as NodeJS.ErrnoException)?.code ?? 'error'})`;
	}
	if (!stats.isFile()) return 'it is not a regular file';
	if (checks.readCurrent(path) !== checks.expected) return 'it changed while it was being fixed';
	const engineTarget = toEngine(target);
	const temporary = toNative(`${dirname(engineTarget)}/.${basename(engineTarget)}.${process.pid}-${randomBytes(6).toString('hex')}.fix-tmp`);
	let fd: number | undefined;
	try {
		fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), stats.mode & 0o7777);
		const bytes = Buffer.from(text, 'utf8');
		for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
		try {
			fchownSync(fd, stats.uid, stats.gid);
		} catch {
			// only root may give a file away; the owner is then whoever runs the fix
		}
		fchmodSync(fd, stats.mode & 0o7777);
		fsyncSync(fd);
		closeSync(fd);
		fd = undefined;
		renameSync(temporary, target);
		return undefined;
	} catch (error) {
		if (fd !== undefined) {
			try {
				closeSync(fd);
			} catch {
				// nothing left to do
			}
		}
		try {
			unlinkSync(temporary);
		} catch {
			// never created, or already gone
		}
		return `it cannot be written (${(error as NodeJS.ErrnoException)?.code ?? 'error'})`;
	}
}

function toNative(path: string): string {
	return sep === '/' ? path : path.slice(1).split('/').join(sep);
}

function toEngine(path: string): string {
	return sep === '/' ? path : `/${path.split(sep).join('/')}`;
}
