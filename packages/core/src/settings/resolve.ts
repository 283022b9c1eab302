/**
Effective Navidrome settings from environment variables and `navidrome.toml`, the way a given Navidrome version
computes them (navidrome-extauth.md §1.2 legacy-name precedence, §1.3 env/file forms, §1.4 Address), plus the
problems a self-hoster should hear about. Never throws.

Precedence per name, highest first (viper): an `ND_…`-spelled key inside the file (remapped with `viper.Set` since
0.61.0), the environment variable, the file key, the default. Empty environment variables count as unset (viper
ignores them, and Navidrome's own checks use `os.Getenv(…) != ""`).
*/
import type {
	EffectiveSettings,
	ResolvedSetting,
	ResolvedSettings,
	SettingDoc,
	SettingKey,
	SettingSource,
	SettingsInput,
	SettingsProblem,
	SettingsProblemCode,
} from '../types.js';
import { compareVersions, formatVersion, parseVersion, type Version } from '../version.js';
import { settingDefault, settingDoc, settingsCatalog } from './catalog.js';
import { formatGoFloat, isHttpToken, parseGoBool, parseGoInt, parseOctalMode } from './go-values.js';
import { scanToml, type TomlEntry } from './toml.js';
import { checkHttpUrl, parseGoUrl } from './url.js';

/** Unknown versions behave like this one: the newest release, where a set legacy name still wins (§1.2). */
export const newestNavidromeRelease: Version = [0, 63, 2];

const extAuthRelease: Version = [0, 59, 0];
const envNameInFileRelease: Version = [0, 61, 0];
const unixSocketRelease: Version = [0, 50, 0];
const legacyRelease: Version = [0, 44, 0];

type Origin = 'env' | 'toml' | 'toml-env-name';

type Observation = {
	key: SettingKey;
	origin: Origin;
	/** How the input is spelled: the env name, or the TOML key as written. */
	name: string;
	text: string | undefined;
	entry: TomlEntry | undefined;
	source: SettingSource;
};

type Winner<T> = { value: T; observation: Observation };

type Context = {
	version: Version | undefined;
	env: Map<string, string>;
	toml: Map<SettingKey, Observation>;
	tomlEnvNamed: Map<SettingKey, Observation>;
	problems: SettingsProblem[];
};

type ValueType = 'string' | 'boolean' | 'integer';

/** Resolve the effective settings. Bad input of any shape gives defaults, never an exception. */
export function resolveSettings(input: SettingsInput): ResolvedSettings {
	try {
		return resolve(input);
	} catch {
		return resolve({});
	}
}

function resolve(input: SettingsInput): ResolvedSettings {
	const object = typeof input === 'object' && input !== null ? input : {};
	const version = parseVersion(object.navidromeVersion);
	const context: Context = { version, env: readEnv(object.env), toml: new Map(), tomlEnvNamed: new Map(), problems: [] };
	if (typeof object.toml === 'string') readToml(context, object.toml);

	const trustedSources = resolvePair(context, 'ExtAuth.TrustedSources', 'ReverseProxyWhitelist');
	const userHeader = resolvePair(context, 'ExtAuth.UserHeader', 'ReverseProxyUserHeader');
	const logoutURL = resolveSingle<string>(context, 'ExtAuth.LogoutURL', 'string');
	const address = resolveSingle<string>(context, 'Address', 'string');
	const port = resolveSingle<number>(context, 'Port', 'integer');
	const unixSocketPerm = resolveSingle<string>(context, 'UnixSocketPerm', 'string');
	const enableUserEditing = resolveSingle<boolean>(context, 'EnableUserEditing', 'boolean');
	const baseUrl = resolveSingle<string>(context, 'BaseUrl', 'string');
	const enableSharing = resolveSingle<boolean>(context, 'EnableSharing', 'boolean');
	const devAutoLoginUsername = resolveSingle<string>(context, 'DevAutoLoginUsername', 'string');
	const passwordEncryptionKey = resolveSingle<string>(context, 'PasswordEncryptionKey', 'string');

	checkUserHeader(context, userHeader);
	checkLogoutUrl(context, logoutURL);
	const unix = checkAddress(context, address);
	checkSocketPerm(context, unixSocketPerm, unix);
	checkPort(context, port, unix);
	checkBaseUrl(context, baseUrl);

	const settings: EffectiveSettings = {
		trustedSources,
		userHeader,
		logoutURL,
		address,
		port,
		unixSocketPerm,
		enableUserEditing,
		baseUrl,
		enableSharing,
		devAutoLoginUsername,
		passwordEncryptionKeySet: { ...passwordEncryptionKey, value: passwordEncryptionKey.value !== '' },
		extAuthEnabled: trustedSources.value !== '',
		version,
	};
	return { settings, problems: context.problems };
}

// ─── Inputs ──────────────────────────────────────────────────────────────────────────────────────

function readEnv(env: unknown): Map<string, string> {
	const result = new Map<string, string>();
	if (typeof env !== 'object' || env === null) return result;
	for (const doc of settingsCatalog) {
		for (const name of [doc.envName, ...(doc.extraEnvNames ?? [])]) {
			if (!Object.hasOwn(env, name)) continue;
			const value: unknown = (env as Record<string, unknown>)[name];
			const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : undefined;
			// viper ignores empty variables, and Navidrome's legacy check is `os.Getenv(…) != ""`.
			if (text !== undefined && text !== '') result.set(name, text);
		}
	}
	return result;
}

const docsByTomlKey = new Map(settingsCatalog.map((doc) => [doc.tomlKey.toLowerCase(), doc]));

/** Leaves that name exactly one Navidrome option, so finding them elsewhere means a misplaced key. */
const uniqueLeaves = new Map(
	settingsCatalog
		.filter((doc) => !['Address', 'Port', 'BaseUrl'].includes(doc.key))
		.map((doc) => [doc.tomlKey.toLowerCase().split('.').pop()!, doc]),
);

function readToml(context: Context, text: string): void {
	const scan = scanToml(text);
	for (const error of scan.errors) {
		addProblem(context, 'toml-syntax', undefined, `${error.message} Navidrome cannot read a config file with syntax errors and refuses to start.`, undefined, {
			preventsStartup: true,
			range: { start: error.start, end: error.end },
		});
	}
	for (const entry of scan.entries) {
		if (entry.inArrayTable || entry.kind === 'invalid') continue;
		const lower = entry.key.toLowerCase();
		const doc = docsByTomlKey.get(lower);
		if (doc) {
			record(context, context.toml, doc, entry, 'toml');
			continue;
		}
		// Navidrome ≥ 0.61.0 remaps ND_-prefixed file keys: strip `nd_`, then `_` → `.` (conf.ndKeyToCanonical).
		const envNamed = lower.startsWith('nd_') ? docsByTomlKey.get(lower.slice(3).replaceAll('_', '.')) : undefined;
		if (envNamed) {
			record(context, context.tomlEnvNamed, envNamed, entry, 'toml-env-name');
			continue;
		}
		reportMisplaced(context, entry, lower);
	}
}

function record(context: Context, into: Map<SettingKey, Observation>, doc: SettingDoc, entry: TomlEntry, origin: Origin): void {
	const observation: Observation = { key: doc.key, origin, name: entry.key, text: undefined, entry, source: tomlSource(entry) };
	const previous = into.get(doc.key);
	// Exact duplicates are TOML errors already; spellings that differ only in case are the same key to viper.
	if (previous && previous.name !== entry.key) {
		addProblem(
			context,
			'duplicate-key',
			doc.key,
			`"${previous.name}" and "${entry.key}" are the same setting to Navidrome, which ignores letter case in keys. Only one of them is used, and which one is not predictable; keep one.`,
			previous.source,
			{ related: [observation.source], range: 'key' },
		);
	}
	into.set(doc.key, observation);
}

function reportMisplaced(context: Context, entry: TomlEntry, lower: string): void {
	const segments = lower.split('.');
	const leaf = segments[segments.length - 1]!;
	const doc = uniqueLeaves.get(leaf);
	if (!doc) return;
	const where = entry.table ? ` below [${entry.table.path.join('.')}]` : ' at the top level';
	const [table, name] = doc.tomlKey.split('.');
	const fix = name
		? `write "${doc.tomlKey}" above the first [table] header, or "${name}" below [${table}]`
		: `move "${doc.tomlKey}" above the first [table] header`;
	addProblem(
		context,
		'misplaced-key',
		doc.key,
		`Written${where}, this key is read as "${entry.key}", which is not a Navidrome option, so it is ignored; ${fix}.`,
		tomlSource(entry),
		{ range: 'key' },
	);
}

function tomlSource(entry: TomlEntry): SettingSource {
	return {
		kind: 'toml',
		key: entry.key,
		keyStart: entry.keyStart,
		keyEnd: entry.keyEnd,
		valueStart: entry.contentStart,
		valueEnd: entry.contentEnd,
		quotedStart: entry.valueStart,
		quotedEnd: entry.valueEnd,
	};
}

// ─── Precedence ──────────────────────────────────────────────────────────────────────────────────

/** The inputs for one name that this version reads, highest precedence first; reports names it does not know. */
function collect(context: Context, doc: SettingDoc): Observation[] {
	const envNamed = context.tomlEnvNamed.get(doc.key);
	const env = [doc.envName, ...(doc.extraEnvNames ?? [])].flatMap((name): Observation[] => {
		const text = context.env.get(name);
		return text === undefined ? [] : [{ key: doc.key, origin: 'env', name, text, entry: undefined, source: { kind: 'env', name } }];
	});
	const file = context.toml.get(doc.key);
	const all = [...(envNamed ? [envNamed] : []), ...env, ...(file ? [file] : [])];
	const { version } = context;
	if (version && doc.sinceVerified !== false && compareVersions(version, doc.since) < 0) {
		for (const observation of all) unknownToVersion(context, doc, observation, version);
		return [];
	}
	if (!envNamed) return all;
	if (version && compareVersions(version, envNameInFileRelease) < 0) {
		addProblem(
			context,
			'unknown-to-version',
			doc.key,
			`"${envNamed.name}" is the environment-variable spelling. Navidrome ${formatVersion(version)} does not understand it in the config file and ignores it (only 0.61.0 and later remap it); write "${doc.tomlKey}".`,
			envNamed.source,
			{ range: 'key' },
		);
		return all.filter((observation) => observation !== envNamed);
	}
	addProblem(
		context,
		'env-name-in-file',
		doc.key,
		`"${envNamed.name}" is the environment-variable spelling. Navidrome 0.61.0 and later remap it to "${doc.tomlKey}" with a warning (and it then overrides the environment variable ${doc.envName} too); write "${doc.tomlKey}" in the config file.`,
		envNamed.source,
		{ range: 'key' },
	);
	if (file) {
		addProblem(
			context,
			'both-names-set',
			doc.key,
			`The config file sets both "${envNamed.name}" and "${file.name}". Current Navidrome builds refuse to start when both are present; remove "${envNamed.name}".`,
			envNamed.source,
			{ related: [file.source], preventsStartup: true, range: 'key' },
		);
	}
	return all;
}

function unknownToVersion(context: Context, doc: SettingDoc, observation: Observation, version: Version): void {
	const legacy = settingsCatalog.find((candidate) => candidate.deprecatedBy === doc.key);
	let advice = '';
	if (compareVersions(version, legacyRelease) < 0 && (legacy || doc.deprecatedBy)) {
		advice = ' External authentication does not exist before 0.44.0.';
	} else if (legacy) {
		const legacySet = context.env.has(legacy.envName) || context.toml.has(legacy.key) || context.tomlEnvNamed.has(legacy.key);
		const off = doc.key === 'ExtAuth.TrustedSources' && !legacySet ? ' Header logins stay off.' : '';
		advice = `${off} On this version use ${observation.origin === 'env' ? legacy.envName : legacy.tomlKey}.`;
	}
	addProblem(
		context,
		'unknown-to-version',
		doc.key,
		`${observation.name} is unknown to Navidrome ${formatVersion(version)} (it was added in ${formatVersion(doc.since)}), which silently ignores it.${advice}`,
		observation.source,
		{ range: 'key' },
	);
}

/** The highest-precedence input whose value converts; reports conversions and the inputs it overrides. */
function pick<T>(context: Context, doc: SettingDoc, observations: Observation[], type: ValueType): Winner<T> | undefined {
	let winner: Winner<T> | undefined;
	for (const observation of observations) {
		if (winner) {
			reportShadowed(context, doc, observation, winner.observation);
			continue;
		}
		const value = convert(context, doc, observation, type);
		if (value !== undefined) winner = { value: value as T, observation };
	}
	return winner;
}

function reportShadowed(context: Context, doc: SettingDoc, loser: Observation, winner: Observation): void {
	// The ND_ spelling next to the TOML key is already a fatal both-names-set.
	if (winner.origin === 'toml-env-name' && loser.origin === 'toml') return;
	const by =
		winner.origin === 'toml-env-name'
			? `"${winner.name}" in the config file, which Navidrome applies as an override above environment variables`
			: loser.origin === 'env'
				? `${winner.name}, which Navidrome reads first`
				: `the environment variable ${winner.name}, which takes precedence over the config file`;
	addProblem(context, 'shadowed', doc.key, `Not used: overridden by ${by}.`, loser.source, { related: [winner.source], range: 'key' });
}

function resolveSingle<T extends string | number | boolean>(context: Context, key: SettingKey, type: ValueType): ResolvedSetting<T> {
	const doc = settingDoc(key);
	const winner = pick<T>(context, doc, collect(context, doc), type);
	if (winner) return { value: winner.value, source: winner.observation.source, fromKey: key };
	return { value: typed(settingDefault(key, context.version), type) as T, source: { kind: 'default' }, fromKey: key };
}

/**
ExtAuth.* and its legacy name (§1.2): before 0.59.0 only the legacy name exists; 0.59.0–0.63.2 let a set legacy
name override the new one; later builds (add0a6dc9) let an explicitly set new name win. Unknown = newest release.
*/
function resolvePair(context: Context, newKey: SettingKey, legacyKey: SettingKey): ResolvedSetting<string> {
	const { version } = context;
	const newDoc = settingDoc(newKey);
	const legacyDoc = settingDoc(legacyKey);
	const newInputs = collect(context, newDoc);
	const legacyInputs = collect(context, legacyDoc);
	const newKnown = !version || compareVersions(version, extAuthRelease) >= 0;
	const legacyKnown = !version || compareVersions(version, legacyRelease) >= 0;
	const fallback: ResolvedSetting<string> = {
		value: settingDefault(newKey, version),
		source: { kind: 'default' },
		fromKey: newKnown || !legacyKnown ? newKey : legacyKey,
	};
	if (!newKnown) {
		const legacy = pick<string>(context, legacyDoc, legacyInputs, 'string');
		return legacy ? { value: legacy.value, source: legacy.observation.source, fromKey: legacyKey } : fallback;
	}
	for (const observation of legacyInputs) reportLegacyName(context, legacyDoc, newDoc, observation);
	const legacy = pick<string>(context, legacyDoc, legacyInputs, 'string');
	const current = pick<string>(context, newDoc, newInputs, 'string');
	const newerThanRelease = version !== undefined && compareVersions(version, newestNavidromeRelease) > 0;
	if (legacyInputs.length > 0 && newInputs.length > 0) {
		const [winner, losers] = newerThanRelease ? [newInputs[0]!, legacyInputs] : [legacyInputs[0]!, newInputs];
		addProblem(context, 'both-names-set', newKey, bothNamesMessage(version, newerThanRelease, legacyInputs[0]!.name, newInputs[0]!.name), winner.source, {
			related: losers.map((observation) => observation.source),
			range: 'key',
		});
	}
	const chosen = newerThanRelease ? (current ?? legacy) : (legacy ?? current);
	if (!chosen) return fallback;
	return { value: chosen.value, source: chosen.observation.source, fromKey: chosen === legacy ? legacyKey : newKey };
}

function bothNamesMessage(version: Version | undefined, newerThanRelease: boolean, legacyName: string, newName: string): string {
	const both = `Both ${legacyName} (deprecated) and ${newName} are set.`;
	if (newerThanRelease) {
		return `${both} Navidrome ${formatVersion(version!)} uses ${newName} and ignores ${legacyName}, but releases up to 0.63.2 do the opposite; remove ${legacyName}.`;
	}
	const who = version
		? `Navidrome ${formatVersion(version)}`
		: `The Navidrome version is unknown, so this assumes the newest release (${formatVersion(newestNavidromeRelease)}), which`;
	return `${both} ${who} uses the deprecated ${legacyName} and silently ignores ${newName}; remove ${legacyName}.`;
}

function reportLegacyName(context: Context, legacyDoc: SettingDoc, newDoc: SettingDoc, observation: Observation): void {
	const replacement = observation.origin === 'env' ? newDoc.envName : newDoc.tomlKey;
	addProblem(
		context,
		'legacy-name',
		legacyDoc.key,
		`${observation.name} is deprecated since Navidrome 0.59.0 (a warning is logged at every start); use ${replacement} instead.`,
		observation.source,
		{ range: 'key' },
	);
}

// ─── Values ──────────────────────────────────────────────────────────────────────────────────────

function typed(text: string, type: ValueType): string | number | boolean {
	if (type === 'boolean') return text === 'true';
	if (type === 'integer') return Number(text);
	return text;
}

/** The value Navidrome's weakly typed decoding makes of an input, or `undefined` (reported) when it cannot. */
function convert(context: Context, doc: SettingDoc, observation: Observation, type: ValueType): string | number | boolean | undefined {
	const { entry } = observation;
	const text = entry ? (entry.kind === 'string' ? (entry.value as string) : undefined) : observation.text;
	if (text !== undefined) {
		if (type === 'string') return text;
		if (type === 'boolean') {
			// mapstructure reads an empty string as false; environment variables are never empty here.
			const value = text === '' ? false : parseGoBool(text);
			if (value === undefined) invalidValue(context, doc, observation, 'is not a boolean (use true or false)');
			return value;
		}
		const value = text === '' ? 0 : parseGoInt(text);
		if (value === undefined) invalidValue(context, doc, observation, 'is not a whole number');
		return value;
	}
	if (!entry) return undefined;
	const kind = entry.kind;
	const scalar = kind === 'integer' || kind === 'float' || kind === 'boolean';
	if (type === 'string') {
		if (!scalar) {
			const what = kind === 'array' ? 'an array' : kind === 'inline-table' ? 'a table' : 'a date';
			const list = doc.type === 'cidr-list' ? ' Write the list as one comma-separated string, e.g. "10.0.0.0/8,192.168.1.0/24".' : '';
			addProblem(
				context,
				'not-a-string',
				doc.key,
				`${observation.name} must be a string, but this is ${what}; Navidrome cannot convert it and most likely refuses to start (not verified).${list}`,
				observation.source,
				{ preventsStartup: true, range: 'value' },
			);
			return undefined;
		}
		const value = kind === 'boolean' ? (entry.value ? '1' : '0') : goNumberText(entry.value as number, kind);
		const shown = doc.secret ? 'text' : `the text "${value}"`;
		addProblem(
			context,
			'not-a-string',
			doc.key,
			`${observation.name} should be a quoted string; Navidrome converts this ${kind === 'boolean' ? 'boolean' : 'number'} to ${shown}.`,
			observation.source,
			{ range: 'value' },
		);
		return value;
	}
	if (!scalar) {
		invalidValue(context, doc, observation, `is ${kind === 'array' ? 'an array' : kind === 'inline-table' ? 'a table' : 'a date'}`);
		return undefined;
	}
	const number = kind === 'boolean' ? (entry.value ? 1 : 0) : (entry.value as number);
	return type === 'boolean' ? number !== 0 : Math.trunc(number);
}

function goNumberText(value: number, kind: string): string {
	return kind === 'integer' && Number.isSafeInteger(value) ? String(value) : formatGoFloat(value);
}

function invalidValue(context: Context, doc: SettingDoc, observation: Observation, what: string): void {
	addProblem(
		context,
		'invalid-value',
		doc.key,
		`The value of ${observation.name} ${what}; Navidrome fails to start with it.`,
		observation.source,
		{ preventsStartup: true, range: 'value' },
	);
}

// ─── Checks on effective values ──────────────────────────────────────────────────────────────────

function checkUserHeader(context: Context, setting: ResolvedSetting<string>): void {
	if (setting.source.kind === 'default' || isHttpToken(setting.value)) return;
	const name = sourceName(setting);
	const trimmed = setting.value.trim();
	const message =
		setting.value === ''
			? `${name} is empty, so no request can ever carry it: header logins never happen.`
			: trimmed !== setting.value && isHttpToken(trimmed)
				? `${name} has spaces around the header name, so it never matches any request; write "${trimmed}".`
				: `${name} contains characters a header name cannot have (such as spaces), so it never matches any request.`;
	addProblem(context, 'user-header-invalid', setting.fromKey, message, setting.source, { range: 'value' });
}

function checkLogoutUrl(context: Context, setting: ResolvedSetting<string>): void {
	if (setting.source.kind === 'default') return;
	const problem = checkHttpUrl(setting.value);
	if (!problem) return;
	const name = sourceName(setting);
	addProblem(
		context,
		'logout-url-not-absolute',
		'ExtAuth.LogoutURL',
		`${name} must be an absolute http:// or https:// URL with a host (like https://auth.example.com/logout), but ${problem.detail}; Navidrome refuses to start.`,
		setting.source,
		{ preventsStartup: true, range: 'value' },
	);
}

/** Returns whether Navidrome will listen on a UNIX socket. */
function checkAddress(context: Context, setting: ResolvedSetting<string>): boolean {
	const value = setting.value;
	const name = sourceName(setting);
	if (value.startsWith('unix:')) {
		const { version } = context;
		if (version && compareVersions(version, unixSocketRelease) < 0) {
			addProblem(
				context,
				'unknown-to-version',
				'Address',
				`UNIX sockets ("unix:…") need Navidrome 0.50.0 or later; ${formatVersion(version)} takes ${name} for a host name and fails to start.`,
				setting.source,
				{ preventsStartup: true, range: 'value' },
			);
			return false;
		}
		return true;
	}
	const lower = value.toLowerCase();
	const wrongCase = lower.startsWith('unix:');
	const looksLikePath = ['/', './', '../', '~/'].some((prefix) => value.startsWith(prefix)) || lower.endsWith('.sock');
	if (!wrongCase && !looksLikePath) return false;
	const fix = wrongCase ? `unix:${value.slice(5)}` : `unix:${value}`;
	addProblem(
		context,
		'address-socket-without-unix',
		'Address',
		`${name} looks like a UNIX socket but does not start with the exact, lower-case prefix "unix:", so Navidrome takes it for a host name and fails to start; write "${fix}".`,
		setting.source,
		{ preventsStartup: true, range: 'value' },
	);
	return false;
}

function checkSocketPerm(context: Context, setting: ResolvedSetting<string>, unix: boolean): void {
	if (!unix || setting.source.kind === 'default' || parseOctalMode(setting.value) !== undefined) return;
	addProblem(
		context,
		'invalid-value',
		'UnixSocketPerm',
		`${sourceName(setting)} must be an octal file mode such as "0660"; Navidrome fails to create the socket and stops.`,
		setting.source,
		{ preventsStartup: true, range: 'value' },
	);
}

function checkPort(context: Context, setting: ResolvedSetting<number>, unix: boolean): void {
	if (unix || setting.source.kind === 'default' || (setting.value >= 0 && setting.value <= 65535)) return;
	addProblem(context, 'invalid-value', 'Port', `${sourceName(setting)} must be between 0 and 65535; Navidrome cannot listen and stops.`, setting.source, {
		preventsStartup: true,
		range: 'value',
	});
}

function checkBaseUrl(context: Context, setting: ResolvedSetting<string>): void {
	if (setting.source.kind === 'default' || setting.value === '') return;
	const parsed = parseGoUrl(setting.value);
	if (parsed.ok) return;
	addProblem(context, 'invalid-value', 'BaseUrl', `${sourceName(setting)} is not a valid URL: ${parsed.error}; Navidrome refuses to start.`, setting.source, {
		preventsStartup: true,
		range: 'value',
	});
}

function sourceName(setting: ResolvedSetting<unknown>): string {
	const { source } = setting;
	return source.kind === 'env' ? source.name : source.kind === 'toml' ? source.key : setting.fromKey;
}

// ─── Problems ────────────────────────────────────────────────────────────────────────────────────

type ProblemOptions = {
	related?: SettingSource[];
	preventsStartup?: boolean;
	/** For TOML sources: highlight the key or the value; or an explicit span. */
	range?: 'key' | 'value' | { start: number; end: number };
};

function addProblem(
	context: Context,
	code: SettingsProblemCode,
	setting: SettingKey | undefined,
	message: string,
	source: SettingSource | undefined,
	options: ProblemOptions = {},
): void {
	const problem: SettingsProblem = {
		code,
		setting,
		message,
		source,
		related: options.related ?? [],
		preventsStartup: options.preventsStartup ?? false,
	};
	const range = options.range;
	if (typeof range === 'object') problem.range = range;
	else if (range && source?.kind === 'toml') {
		problem.range = range === 'key' ? { start: source.keyStart, end: source.keyEnd } : { start: source.valueStart, end: source.valueEnd };
	}
	context.problems.push(problem);
}
