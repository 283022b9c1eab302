/**
Navidrome configured outside Compose: a standalone `.env` or `*.env` file that no compose file in view consumes, a
systemd unit (merged with its `*.service.d/*.conf` drop-ins, its `EnvironmentFile=` files read), and a shell script
that exports `ND_*`. Each gives the environment Navidrome starts with, a site for every variable, and the
navidrome.toml it names, if in view; `navidrome.ts` turns them into instances.
*/
import { basename, dirname, resolvePath } from '../files.js';
import type { ComposeFile } from '../formats/compose/types.js';
import type { DotenvEntry, DotenvFile } from '../formats/dotenv/parse.js';
import type { ShellAssignment, ShellScript } from '../formats/shell/parse.js';
import { unitFileCandidates } from '../formats/systemd/handler.js';
import { mergeUnits, type SystemdAssignment, type SystemdUnit } from '../formats/systemd/parse.js';
import type { SecretMark } from '../secrets.js';
import { verbatimSite, type ValueSite } from './value-site.js';

/** The parsed files of the kinds a native Navidrome is configured by, as the workspace has them. */
export type NativeFiles = {
	dotenv: ReadonlyArray<{ path: string; data: DotenvFile }>;
	systemd: ReadonlyArray<{ path: string; data: SystemdUnit }>;
	shell: ReadonlyArray<{ path: string; data: ShellScript }>;
};

export type NativeEnv = Map<string, { value: string; site: ValueSite; opaque?: boolean }>;

/** One native Navidrome before its settings are resolved. */
export type NativeSource = {
	origin: { kind: 'dotenv' | 'systemd' | 'shell'; file: string; files: string[] };
	env: NativeEnv;
	toml: { path: string; text: string } | undefined;
	/** Files its settings also come from that are not in view (an `EnvironmentFile=`, a sourced file, `--configfile`), as written. */
	unread: string[];
};

export type NativeInputs = {
	composeFiles: readonly ComposeFile[];
	dotenv: (path: string) => DotenvFile | undefined;
	tomlAt: (path: string) => { path: string; text: string } | undefined;
	/** Whether the read boundary refused a path (it may exist); without it, an unreadable optional file counts as missing. */
	refused?: (path: string) => boolean;
	files: NativeFiles;
};

/** `.env.example`, `.env.sample`, `.env.dist`: templates to copy, not settings in use. */
const sampleEnv = /\.(example|sample|dist|defaults?|orig|bak)$/i;

/**
Every native Navidrome in view: systemd units first, then shell scripts, then `.env` files that neither they nor any
compose file consume (a service's `env_file`, the project `.env` Compose interpolates from). A file that sets no
`ND_*` variable and runs no `navidrome` gives nothing.
*/
export function findNativeSources(inputs: NativeInputs): NativeSource[] {
	const consumed = composeConsumed(inputs.composeFiles);
	const sources: NativeSource[] = [];
	for (const source of systemdSources(inputs, consumed)) sources.push(source);
	for (const source of shellSources(inputs, consumed)) sources.push(source);
	for (const { path, data } of inputs.files.dotenv) {
		if (consumed.has(path) || sampleEnv.test(basename(path))) continue;
		const env: NativeEnv = new Map();
		addDotenv(env, path, data);
		if (!hasNavidromeVariable(env)) continue;
		sources.push({ origin: { kind: 'dotenv', file: path, files: [path] }, env, toml: undefined, unread: [] });
	}
	return sources;
}

/** Env files a compose file in view reads: each service's `env_file`, the project `.env`, an `include:`'s `env_file` (and its members'). */
function composeConsumed(composeFiles: readonly ComposeFile[]): Set<string> {
	const consumed = new Set<string>();
	const seen = new Set<ComposeFile>();
	const visit = (compose: ComposeFile): void => {
		if (seen.has(compose)) return;
		seen.add(compose);
		consumed.add(resolvePath(dirname(compose.path), '.env'));
		for (const service of compose.services) for (const envFile of service.envFiles) consumed.add(envFile.path);
		for (const include of compose.includes ?? []) for (const path of include.envFiles) consumed.add(path);
		for (const member of compose.members ?? []) visit(member);
	};
	for (const compose of composeFiles) visit(compose);
	return consumed;
}

function hasNavidromeVariable(env: NativeEnv): boolean {
	for (const name of env.keys()) if (name.toUpperCase().startsWith('ND_')) return true;
	return false;
}

/** A `.env`'s entries onto `env` (later wins); `KEY` lines without `=` take nothing from a shell we cannot see. */
function addDotenv(env: NativeEnv, path: string, data: DotenvFile): void {
	for (const entry of data.values.values()) {
		if (entry.fromShell) continue;
		env.set(entry.name, { value: entry.value, site: verbatimSite(path, entry.valueSpan, { file: path, span: entry.nameSpan }, entry.verbatim, dotenvSecret(path, entry)) });
	}
}

/** A `.env` entry whose value was interpolated from a secret-looking variable. */
function dotenvSecret(path: string, entry: DotenvEntry): SecretMark | undefined {
	return entry.secretVia ? { via: entry.secretVia.name, where: `${basename(path)}:${entry.secretVia.line}`, parts: [entry.secretVia.value] } : undefined;
}

function addWritten(env: NativeEnv, file: string, assignment: SystemdAssignment | ShellAssignment): void {
	const site = verbatimSite(file, assignment.valueSpan, { file, span: assignment.nameSpan }, assignment.verbatim);
	env.set(assignment.name, { value: assignment.value, site, ...(assignment.opaque ? { opaque: true } : {}) });
}

/** The first candidate path that reads as a `.env`, with the path it was read at. */
function readEnvFile(inputs: NativeInputs, candidates: readonly string[]): { path: string; data: DotenvFile } | undefined {
	for (const path of candidates) {
		const data = inputs.dotenv(path);
		if (data) return { path, data };
	}
	return undefined;
}

function firstToml(inputs: NativeInputs, candidates: readonly string[]): { path: string; text: string } | undefined {
	for (const path of candidates) {
		const found = inputs.tomlAt(path);
		if (found) return found;
	}
	return undefined;
}

/** The navidrome binary among a command's words (after systemd's `@-:+!` prefixes), and its `--configfile`/`-c` value. */
function navidromeCommand(words: ReadonlyArray<{ text: string; opaque: boolean }>): { configFile: string | undefined } | undefined {
	const index = words.findIndex((word) => /(^|\/)navidrome$/i.test(word.text.replace(/^[@\-:+!]+/, '')));
	if (index < 0) return undefined;
	let configFile: string | undefined;
	for (let i = index + 1; i < words.length; i++) {
		const word = words[i]!;
		const inline = /^(?:--configfile|-c)=(.+)$/.exec(word.text);
		if (inline && !word.opaque) configFile = inline[1];
		else if ((word.text === '--configfile' || word.text === '-c') && words[i + 1] && !words[i + 1]!.opaque) configFile = words[i + 1]!.text;
	}
	return { configFile };
}

/**
systemd units with their drop-ins: a unit `X.service` and the `X.service.d/*.conf` beside it (in name order) make one
service; drop-ins whose unit is not in view make one of their own. It is Navidrome when `ExecStart=` runs the
`navidrome` binary, or (no `ExecStart=` in view) when it sets `ND_*` variables. `EnvironmentFile=` files override
`Environment=`, as systemd reads them.
*/
function* systemdSources(inputs: NativeInputs, consumed: Set<string>): Generator<NativeSource> {
	const groups = new Map<string, { unit?: { path: string; data: SystemdUnit }; dropIns: Array<{ path: string; data: SystemdUnit }> }>();
	for (const file of inputs.files.systemd) {
		const folder = dirname(file.path);
		const dropIn = basename(folder).toLowerCase().endsWith('.service.d');
		const key = dropIn ? folder.slice(0, -2) : file.path;
		let group = groups.get(key);
		if (!group) groups.set(key, (group = { dropIns: [] }));
		if (dropIn) group.dropIns.push(file);
		else group.unit = file;
	}
	for (const group of groups.values()) {
		const dropIns = [...group.dropIns].sort((a, b) => (basename(a.path) < basename(b.path) ? -1 : basename(a.path) > basename(b.path) ? 1 : 0));
		const parts = [...(group.unit ? [group.unit] : []), ...dropIns].map((file) => ({ path: file.path, unit: file.data }));
		const merged = mergeUnits(parts);
		const commands = merged.execStart.map((command) => navidromeCommand(command.words));
		const runs = commands.find((command) => command !== undefined);
		if (merged.execStart.length > 0 && !runs) continue;
		const env: NativeEnv = new Map();
		const files = parts.map((part) => part.path);
		const unread: string[] = [];
		for (const { assignment, file } of merged.environment) addWritten(env, file, assignment);
		for (const envFile of merged.environmentFiles) {
			const candidates = unitFileCandidates(envFile.file, envFile.path);
			const read = envFile.opaque ? undefined : readEnvFile(inputs, candidates);
			if (!read) {
				// `-` marks a file that may be missing; one the read boundary refused may still hold settings.
				if (!envFile.optional || envFile.opaque || inputs.refused?.(candidates[0]!)) unread.push(envFile.path);
				continue;
			}
			consumed.add(read.path);
			files.push(read.path);
			addDotenv(env, read.path, read.data);
		}
		if (!runs && !hasNavidromeVariable(env)) continue;
		const anchor = group.unit?.path ?? dropIns[0]!.path;
		const named = runs?.configFile ?? env.get('ND_CONFIGFILE')?.value;
		let toml: { path: string; text: string } | undefined;
		if (named) {
			toml = firstToml(inputs, unitFileCandidates(anchor, named));
			if (!toml) unread.push(named);
		} else if (merged.workingDirectory && !merged.workingDirectory.opaque) toml = firstToml(inputs, unitFileCandidates(anchor, resolvePath(merged.workingDirectory.path, 'navidrome.toml')));
		if (toml) files.push(toml.path);
		yield { origin: { kind: 'systemd', file: anchor, files }, env, toml, unread };
	}
}

/** Shell scripts that hand `ND_*` variables to Navidrome (exported, or on the `navidrome` command line), files they source included. */
function* shellSources(inputs: NativeInputs, consumed: Set<string>): Generator<NativeSource> {
	for (const { path, data } of inputs.files.shell) {
		const env: NativeEnv = new Map();
		const files = [path];
		const sourced: string[] = [];
		const unread: string[] = [];
		for (const word of data.sourced) {
			const read = readEnvFile(inputs, unitFileCandidates(path, word.text));
			if (!read) {
				unread.push(word.text);
				continue;
			}
			const before = env.size;
			addDotenv(env, read.path, read.data);
			if (env.size > before) sourced.push(read.path);
		}
		for (const assignment of data.exported) addWritten(env, path, assignment);
		if (!hasNavidromeVariable(env)) continue;
		for (const file of sourced) {
			consumed.add(file);
			files.push(file);
		}
		const named = data.navidrome.find((command) => command.configFile)?.configFile?.text ?? env.get('ND_CONFIGFILE')?.value;
		const toml = named ? firstToml(inputs, unitFileCandidates(path, named)) : undefined;
		if (toml) files.push(toml.path);
		else if (named) unread.push(named);
		yield { origin: { kind: 'shell', file: path, files }, env, toml, unread };
	}
}
