/**
The bridge between catalog settings and a Navidrome instance of the deployment: which effective value a setting has,
where it came from, and whether its value may be shown at all (secrets never are).
*/
import { formatVersion, type EffectiveSettings, type ResolvedSetting, type SettingDoc, type SettingKey, type SettingSource } from '@navidrome-extauth/core';
import type { Location } from '../analysis/findings.js';
import type { NavidromeInstance } from '../analysis/model/deployment.js';
import { siteOf } from '../analysis/model/navidrome.js';
import { hiddenText, isSecretName, isSecretValue, maskUrlPasswords, type SecretMark } from '../analysis/secrets.js';

export { isSecretName } from '../analysis/secrets.js';

const fields: Record<SettingKey, keyof EffectiveSettings> = {
	'ExtAuth.TrustedSources': 'trustedSources',
	ReverseProxyWhitelist: 'trustedSources',
	'ExtAuth.UserHeader': 'userHeader',
	ReverseProxyUserHeader: 'userHeader',
	'ExtAuth.LogoutURL': 'logoutURL',
	Address: 'address',
	Port: 'port',
	UnixSocketPerm: 'unixSocketPerm',
	EnableUserEditing: 'enableUserEditing',
	BaseUrl: 'baseUrl',
	PasswordEncryptionKey: 'passwordEncryptionKeySet',
	EnableSharing: 'enableSharing',
	DevAutoLoginUsername: 'devAutoLoginUsername',
};

/** The effective value of a catalog setting (legacy names resolve to the setting they feed). */
export function effectiveSetting(settings: EffectiveSettings, key: SettingKey): ResolvedSetting<unknown> | undefined {
	const field = fields[key];
	const value = field ? settings[field] : undefined;
	return value && typeof value === 'object' && 'source' in value ? (value as ResolvedSetting<unknown>) : undefined;
}

export function isSecretSetting(doc: SettingDoc | undefined, ...names: Array<string | undefined>): boolean {
	if (doc?.secret) return true;
	return names.some((name) => name !== undefined && isSecretName(name));
}

export const hiddenValue = '(hidden)';

/**
A setting's value as a user may see it: `(hidden)` for a secret setting, `(hidden: from ${VAR} in .env:3)` for a value
that came through a secret-looking variable, else the value with URL passwords masked. `text` is `undefined` when
hidden; otherwise it is the display text (see `displayValue`).
*/
export function visibleValue(doc: SettingDoc | undefined, source: SourceDescription, value: unknown): { text: string; hidden: boolean } {
	const origin = { secretSetting: isSecretSetting(doc, doc?.envName, source.name), secret: source.secret };
	if (isSecretValue(origin)) return { text: hiddenText(origin), hidden: true };
	return { text: maskUrlPasswords(displayValue(value)), hidden: false };
}

/** A value for display: strings as written (empty shown as such), others as JSON. */
export function displayValue(value: unknown): string {
	if (typeof value === 'string') return value === '' ? '(empty)' : value;
	if (typeof value === 'boolean' || typeof value === 'number') return String(value);
	return value === undefined ? '(unset)' : JSON.stringify(value) ?? String(value);
}

export type SourceDescription = {
	kind: 'default' | 'env' | 'toml';
	/** The env variable or TOML key that supplied the value. */
	name: string | undefined;
	/** Where it is written, when known (the value's text; for env vars possibly a `.env` file). */
	location: Location | undefined;
	keyLocation: Location | undefined;
	/** The value came through a secret-looking variable. */
	secret: SecretMark | undefined;
};

export function describeSource(instance: NavidromeInstance, source: SettingSource): SourceDescription {
	if (source.kind === 'default') return { kind: 'default', name: undefined, location: undefined, keyLocation: undefined, secret: undefined };
	const site = siteOf(instance, source);
	return { kind: source.kind, name: source.kind === 'env' ? source.name : source.key, location: site?.location, keyLocation: site?.keyLocation, secret: site?.secret };
}

/** "0.58.0 (image tag)" / "newest release assumed". */
export function describeInstanceVersion(instance: NavidromeInstance): string {
	if (!instance.version) return 'version unknown; the newest release is assumed';
	const how = instance.versionSource === 'image' ? 'from the image tag' : 'from the navidromeVersion setting';
	return `Navidrome ${formatVersion(instance.version)}, ${how}`;
}

/** Whether a Navidrome instance reads its settings from `path` (compose service, navidrome.toml, env_file or interpolated `.env`). */
export function instanceUsesFile(instance: NavidromeInstance, path: string): boolean {
	if (instance.compose?.path === path || instance.tomlFile === path) return true;
	if (instance.service?.envFiles.some((file) => file.path === path)) return true;
	for (const { site } of instance.env.values()) if (site.location.file === path || site.keyLocation.file === path) return true;
	return false;
}
