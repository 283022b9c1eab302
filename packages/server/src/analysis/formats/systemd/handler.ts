import { basename, dirname, resolvePath } from '../../files.js';
import type { FormatHandler, ParseContext } from '../handler.js';
import { capSyntaxErrors, type SyntaxError } from '../syntax-error.js';
import { parseSystemdUnit, type SystemdUnit } from './parse.js';

/**
Where an `EnvironmentFile=` (or `--configfile`) path of a unit is looked for: the path as written (systemd wants it
absolute; a relative one is taken from the unit's folder), then a file of the same name beside the unit, as a
repository that keeps a host's `/etc/systemd/system/navidrome.service` and `/etc/navidrome/navidrome.env` together
holds them.
*/
export function unitFileCandidates(unitPath: string, path: string): string[] {
	const exact = resolvePath(dirname(unitPath), path);
	const beside = resolvePath(dirname(unitPath), basename(path));
	return exact === beside ? [exact] : [exact, beside];
}

/** The first candidate that can be read, with its text, or the read boundary's refusal of the path as written. */
export function readUnitFile(context: Pick<ParseContext, 'readText' | 'readProblem'>, unitPath: string, path: string): { path: string; text: string } | { refused: ReturnType<NonNullable<ParseContext['readProblem']>> } {
	const candidates = unitFileCandidates(unitPath, path);
	for (const candidate of candidates) {
		const text = context.readText(candidate);
		if (text !== undefined) return { path: candidate, text };
	}
	return { refused: context.readProblem?.(candidates[0]!) };
}

/** systemd units: the `[Service]` settings; an `EnvironmentFile=` the read boundary refused is reported at its entry. */
export const systemdHandler: FormatHandler<SystemdUnit> = {
	kind: 'systemd',
	parse(file, context) {
		const data = parseSystemdUnit(file.text);
		const errors: SyntaxError[] = [...data.errors];
		const dependencies: string[] = [];
		for (const entry of data.entries) {
			if (entry.key !== 'EnvironmentFile' || entry.reset || entry.opaque) continue;
			dependencies.push(...unitFileCandidates(file.path, entry.path));
			const read = readUnitFile(context, file.path, entry.path);
			if ('refused' in read && read.refused) errors.push({ message: `Not read: ${read.refused.message}`, span: entry.pathSpan, file: file.path, refused: { path: resolvePath(dirname(file.path), entry.path), problem: read.refused } });
		}
		return { data, errors: capSyntaxErrors(errors), dependencies };
	},
};
