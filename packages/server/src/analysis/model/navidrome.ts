/**
Finds Navidrome instances (compose services running the Navidrome image, a standalone navidrome.toml, and the native
ones of `native.ts`: a standalone `.env`, a systemd unit, a shell script) and resolves
their effective settings through the core, keeping a site for every input so findings point at the written text.
*/
import { isTemplated } from '../formats/template.js';
import { compareVersions, compileTrustedSources, newestNavidromeRelease, parseVersion, resolveSettings, type SettingSource } from '@navidrome-extauth/core';
import type { Location } from '../findings.js';
import { basename, dirname, resolvePath } from '../files.js';
import type { ComposeFile, ComposeService, KeyValueEntry } from '../formats/compose/types.js';
import type { DotenvEntry, DotenvFile } from '../formats/dotenv/parse.js';
import { hiddenText, isSecretName, secretFragments, type SecretMark } from '../secrets.js';
import type { AnalysisOptions, NavidromeInstance } from './deployment.js';
import { findNativeSources, type NativeFiles, type NativeSource } from './native.js';
import { interpolatedSite, verbatimSite, type ValueSite } from './value-site.js';

export type TomlSource = { path: string; text: string };

export type NavidromeInputs = {
	composeFiles: ComposeFile[];
	dotenv: (path: string) => DotenvFile | undefined;
	/** navidrome.toml files in the workspace, and a reader for linked ones elsewhere. */
	tomlFiles: TomlSource[];
	readToml: (path: string) => TomlSource | undefined;
	options: AnalysisOptions;
	/** Standalone `.env` files, systemd units and shell scripts in view (`native.ts`). */
	nativeFiles?: NativeFiles;
	/** Whether the read boundary refused a path (`ParseContext.readProblem`). */
	refused?: (path: string) => boolean;
};

export function isNavidromeService(service: ComposeService): boolean {
	const repository = service.image?.repository.toLowerCase();
	if (repository && (repository === 'navidrome' || repository.endsWith('/navidrome'))) return true;
	if (!service.image && service.name.toLowerCase().includes('navidrome')) return true;
	return service.environment.some((entry) => entry.key.toUpperCase().startsWith('ND_EXTAUTH_') || entry.key.toUpperCase() === 'ND_REVERSEPROXYWHITELIST');
}

export function findNavidromes(inputs: NavidromeInputs): NavidromeInstance[] {
	const instances: NavidromeInstance[] = [];
	const linkedToml = new Set<string>();
	// By path, so that linking a service's mounts costs the same however many navidrome.toml files are in view.
	const tomlByPath = new Map<string, TomlSource>();
	for (const toml of inputs.tomlFiles) if (!tomlByPath.has(toml.path)) tomlByPath.set(toml.path, toml);
	const tomlAt = (path: string): TomlSource | undefined => tomlByPath.get(path) ?? inputs.readToml(path);
	for (const compose of inputs.composeFiles) {
		for (const service of compose.services) {
			if (!isNavidromeService(service)) continue;
			const toml = findLinkedToml(service, tomlAt);
			if (toml) linkedToml.add(toml.path);
			instances.push(buildInstance(compose, service, toml, inputs));
		}
	}
	if (inputs.nativeFiles) instances.push(...nativeNavidromes(inputs, tomlAt, linkedToml));
	for (const toml of inputs.tomlFiles) {
		if (!linkedToml.has(toml.path)) instances.push(buildInstance(undefined, undefined, toml, inputs));
	}
	return instances;
}

/** What an assumed instance takes for granted (issue 13: a proxy config alone is judged, never silently passed). */
export const assumedNavidromeText =
	'No Navidrome configuration is in view, so this assumes external auth is on, Navidrome trusts this proxy, and the user header is Remote-User';

/**
The Navidrome a lone proxy config fronts, when none is in view: the newest release with external auth on and every
peer trusted (the proxy among them), so that every route rule judges the proxy as if the rest were set up as documented.
*/
export function assumedNavidrome(options: AnalysisOptions): NavidromeInstance {
	const instance = buildInstance(undefined, undefined, undefined, { composeFiles: [], dotenv: () => undefined, tomlFiles: [], readToml: () => undefined, options }, { ND_EXTAUTH_TRUSTEDSOURCES: '0.0.0.0/0,::/0' });
	return { ...instance, id: 'navidrome (assumed)', assumed: assumedNavidromeText };
}

/** Instances of native sources (`native.ts`); the navidrome.toml each names is theirs, not a standalone one. */
function nativeNavidromes(inputs: NavidromeInputs, tomlAt: (path: string) => TomlSource | undefined, linkedToml: Set<string>): NavidromeInstance[] {
	const sources = findNativeSources({ composeFiles: inputs.composeFiles, dotenv: inputs.dotenv, tomlAt, refused: inputs.refused, files: inputs.nativeFiles! });
	return sources.map((source) => {
		if (source.toml) linkedToml.add(source.toml.path);
		return nativeInstance(source, inputs);
	});
}

/**
A native instance: its id is the file that stands for it. A TrustedSources value the shell or systemd computes (`$PROXY`,
`%i`) is opaque, like a template: no rule judges its entries and the proxy is taken to be trusted. So is one that may
come from a file not in view (an `EnvironmentFile=` outside the checked folders) when nothing in view sets it:
external auth is then assumed on with the proxy trusted, as for a lone proxy config, never taken to be off.
*/
function nativeInstance(source: NativeSource, inputs: NavidromeInputs): NavidromeInstance {
	let instance = buildInstance(undefined, undefined, source.toml, inputs, {}, source.env);
	const trusted = instance.intended.settings.trustedSources.source;
	let opaque = trusted.kind === 'env' && source.env.get(trusted.name)?.opaque === true;
	if (trusted.kind === 'default' && source.unread.length > 0) {
		instance = buildInstance(undefined, undefined, source.toml, inputs, { ND_EXTAUTH_TRUSTEDSOURCES: '0.0.0.0/0,::/0' }, source.env);
		opaque = true;
	}
	const origin = { ...source.origin, ...(source.unread.length > 0 ? { unread: source.unread } : {}) };
	return { ...instance, id: source.origin.file, origin, ...(opaque ? { trustTemplated: true } : {}) };
}

/** A navidrome.toml reaches the container through a bind mount of the file or of its folder. */
function findLinkedToml(service: ComposeService, tomlAt: (path: string) => TomlSource | undefined): TomlSource | undefined {
	const configFile = service.environment.find((entry) => entry.key === 'ND_CONFIGFILE')?.value;
	for (const volume of service.volumes) {
		if (volume.type !== 'bind') continue;
		if (basename(volume.source).toLowerCase().endsWith('.toml')) {
			if (!configFile || configFile === volume.target || basename(volume.source).toLowerCase().startsWith('navidrome')) {
				const found = tomlAt(volume.source);
				if (found) return found;
			}
			continue;
		}
		const inContainer = configFile && configFile.startsWith(`${volume.target}/`) ? configFile.slice(volume.target.length + 1) : 'navidrome.toml';
		const candidate = resolvePath(volume.source, inContainer);
		const found = tomlAt(candidate);
		if (found) return found;
	}
	return undefined;
}

function buildInstance(
	compose: ComposeFile | undefined,
	service: ComposeService | undefined,
	toml: TomlSource | undefined,
	inputs: NavidromeInputs,
	assumedEnv: Record<string, string> = {},
	nativeEnv?: ReadonlyMap<string, { value: string; site: ValueSite }>,
): NavidromeInstance {
	const env = new Map<string, { value: string; site: ValueSite }>();
	if (compose && service) collectEnvironment(compose, service, inputs, env);
	for (const [name, { value, site }] of nativeEnv ?? []) env.set(name, { value, site });
	const tagVersion = parseVersion(service?.image?.tag);
	const optionVersion = parseVersion(inputs.options.navidromeVersion);
	const version = tagVersion ?? optionVersion;
	const versionSource = tagVersion ? 'image' : optionVersion ? 'option' : 'assumed';
	const envRecord: Record<string, string> = { ...assumedEnv };
	for (const [name, { value }] of env) envRecord[name] = value;
	const settings = resolveSettings({ env: envRecord, toml: toml?.text, navidromeVersion: version ? version.join('.') : undefined });
	// The newest release resolves like an unknown version, so one resolution serves both.
	const intended = version && compareVersions(version, newestNavidromeRelease) < 0 ? resolveSettings({ env: envRecord, toml: toml?.text }) : settings;
	const sites = new Map<string, ValueSite>();
	for (const [name, { site }] of env) sites.set(name, site);
	const port = Number.parseInt(String(settings.settings.port.value), 10) || 4533;
	const publishedPorts = service ? service.ports.filter((p) => portCovers(p.target, port)) : [];
	const imageLocation = compose && service?.image ? imageTagLocation(service.image.file ?? compose.path, service) : undefined;
	return {
		id: service?.name ?? toml?.path ?? 'navidrome',
		service,
		compose,
		tomlFile: toml?.path,
		tomlText: toml?.text,
		settings,
		intended,
		sites,
		env,
		version,
		versionSource,
		imageLocation,
		port,
		publishedPorts,
		hostNetwork: service?.networkMode?.value === 'host',
		networks: service ? (service.networks?.map((n) => n.name) ?? ['default']) : [],
		trust: compileTrustedSources(intended.settings.trustedSources.value, { address: intended.settings.address.value }),
		...(isTemplated(intended.settings.trustedSources.value) ? { trustTemplated: true } : {}),
	};
}

function imageTagLocation(file: string, service: ComposeService): Location {
	const image = service.image!;
	if (image.verbatim && image.tag !== undefined) {
		const tagStart = image.contentSpan.start + image.repository.length + 1;
		return { file, span: { start: tagStart, end: tagStart + image.tag.length } };
	}
	return { file, span: image.contentSpan };
}

/** `4533`, `4533/tcp` or a range `4500-4600` covering the port. */
function portCovers(target: string, port: number): boolean {
	const [range = ''] = target.split('/');
	const [low, high = low] = range.split('-');
	const from = Number.parseInt(low ?? '', 10);
	const to = Number.parseInt(high ?? '', 10);
	return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

/** `env_file` entries in order, then `environment`, which wins (Compose's precedence). */
function collectEnvironment(compose: ComposeFile, service: ComposeService, inputs: NavidromeInputs, env: Map<string, { value: string; site: ValueSite }>): void {
	for (const envFile of service.envFiles) {
		const dotenv = inputs.dotenv(envFile.path);
		if (!dotenv) continue;
		for (const entry of dotenv.values.values()) {
			if (entry.fromShell) continue;
			const keyLocation = { file: envFile.path, span: entry.nameSpan };
			env.set(entry.name, { value: entry.value, site: verbatimSite(envFile.path, entry.valueSpan, keyLocation, entry.verbatim, dotenvSecret(envFile.path, entry)) });
		}
	}
	const projectEnvPath = resolvePath(dirname(compose.path), '.env');
	const variableSite = (name: string): ValueSite | undefined => {
		const entry = inputs.dotenv(projectEnvPath)?.values.get(name);
		return entry ? verbatimSite(projectEnvPath, entry.valueSpan, { file: projectEnvPath, span: entry.nameSpan }, entry.verbatim, dotenvSecret(projectEnvPath, entry)) : undefined;
	};
	const variableSecret = (name: string): SecretMark | undefined => {
		const entry = inputs.dotenv(projectEnvPath)?.values.get(name);
		if (!entry || entry.fromShell) return undefined;
		if (isSecretName(name)) return { via: name, where: `${basename(projectEnvPath)}:${entry.line}`, parts: [entry.value] };
		return dotenvSecret(projectEnvPath, entry);
	};
	for (const entry of service.environment) {
		if (entry.value === undefined) continue;
		env.set(entry.key, { value: entry.value, site: siteOfEntry(entry.file ?? compose.path, entry, variableSite, variableSecret) });
	}
}

/** A `.env` entry whose value was interpolated from a secret-looking variable. */
function dotenvSecret(path: string, entry: DotenvEntry): SecretMark | undefined {
	return entry.secretVia ? { via: entry.secretVia.name, where: `${basename(path)}:${entry.secretVia.line}`, parts: [entry.secretVia.value] } : undefined;
}

function siteOfEntry(file: string, entry: KeyValueEntry, variableSite: (name: string) => ValueSite | undefined, variableSecret: (name: string) => SecretMark | undefined): ValueSite {
	const keyLocation = { file, span: entry.keySpan };
	if (entry.interpolation) {
		// Only variables whose text is part of the value count (`${X:+alt}` contributes `alt`, not X's value).
		let secret: SecretMark | undefined;
		for (const segment of entry.interpolation.segments) {
			if (segment.kind !== 'variable') continue;
			const mark = variableSecret(segment.name);
			if (!mark) continue;
			secret = secret ? { ...secret, parts: [...secret.parts, ...mark.parts] } : mark;
		}
		return interpolatedSite(file, entry.valueSpan, keyLocation, entry.interpolation.segments, entry.rawVerbatim, variableSite, secret);
	}
	return verbatimSite(file, entry.valueSpan, keyLocation, entry.verbatim);
}

/**
What no output about this instance may contain, with the placeholder to show instead: values that came through
secret-looking variables and URL passwords in any input. For a last scrub of messages no rule builds itself.
*/
export function instanceSecrets(instance: NavidromeInstance): Array<{ fragments: string[]; display: string }> {
	const secrets: Array<{ fragments: string[]; display: string }> = [];
	for (const [name, { value, site }] of instance.env) {
		const origin = { name, secret: site.secret };
		const fragments = secretFragments(value, origin);
		if (fragments.length === 0) continue;
		const display = site.secret ? hiddenText(origin) : isSecretName(name) ? `(hidden: ${name})` : '***';
		secrets.push({ fragments, display });
	}
	// Where two secrets share text, the one naming the variable it came through is shown.
	return secrets.sort((a, b) => Number(b.display.startsWith('(hidden: from')) - Number(a.display.startsWith('(hidden: from')));
}

/** The site of a resolved setting's source, or `undefined` for defaults. */
export function siteOf(instance: NavidromeInstance, source: SettingSource): ValueSite | undefined {
	if (source.kind === 'env') return instance.sites.get(source.name);
	if (source.kind === 'toml' && instance.tomlFile) {
		const key = `toml:${source.key}`;
		let site = instance.sites.get(key);
		if (!site) {
			const file = instance.tomlFile;
			// Only escapes make a TOML string differ from its source text.
			const verbatim = instance.tomlText?.slice(source.valueStart, source.valueEnd).includes('\\') === false;
			site = verbatimSite(file, { start: source.valueStart, end: source.valueEnd }, { file, span: { start: source.keyStart, end: source.keyEnd } }, verbatim);
			instance.sites.set(key, site);
		}
		return site;
	}
	return undefined;
}

