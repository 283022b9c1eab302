/**
The server's settings (`navidrome-extauth.*`): read through `workspace/configuration` when the client supports it,
else from `initializationOptions` and `workspace/didChangeConfiguration` (Neovim 0.7 offers only those). Any shape
is accepted; what cannot be read falls back to the defaults.
*/
import type { AnalysisOptions } from '../analysis/model/deployment.js';
import { parseRuleLevel, type RuleLevel } from '../analysis/findings.js';
import { allowReadLimits, serverSettingKeys, settingsSection } from '../shared/settings.js';

export { settingsSection };

export type { RuleLevel };

export type ServerSettings = {
	enable: boolean;
	/** Rule id → severity override or `off` (as the engine spells it: `info` is `information`). */
	rules: Record<string, RuleLevel>;
	navidromeVersion: string | undefined;
	caddyVersion: string | undefined;
	/** Absolute folders outside the workspace folders whose files includes and imports may read. */
	allowRead: string[];
};

export const defaultSettings: ServerSettings = { enable: true, rules: {}, navidromeVersion: undefined, caddyVersion: undefined, allowRead: [] };

/**
Reads our section from what a client sent: the section itself (`{ enable, rules, … }`), an object holding it under
`navidrome-extauth` (or `settings.navidrome-extauth`), or flat dotted keys (`"navidrome-extauth.enable": false`).
*/
export function readSettings(raw: unknown): ServerSettings {
	const section = findSection(raw);
	if (!section) return { ...defaultSettings, rules: {}, allowRead: [] };
	const rules: Record<string, RuleLevel> = {};
	if (isObject(section.rules)) {
		for (const [id, level] of Object.entries(section.rules)) {
			const mapped = typeof level === 'string' ? parseRuleLevel(level.trim().toLowerCase()) : undefined;
			if (mapped && id.length > 0 && id.length < 200) rules[id] = mapped;
		}
	}
	return {
		enable: typeof section.enable === 'boolean' ? section.enable : true,
		rules,
		navidromeVersion: nonEmptyString(section.navidromeVersion),
		caddyVersion: nonEmptyString(section.caddyVersion),
		allowRead: Array.isArray(section.allowRead) ? section.allowRead.filter((path): path is string => typeof path === 'string' && path.startsWith('/') && path.length < allowReadLimits.pathLength).slice(0, allowReadLimits.entries) : [],
	};
}

/** Whether `raw` carries our section at all (so an unrelated didChangeConfiguration does not reset settings). */
export function hasSection(raw: unknown): boolean {
	return findSection(raw) !== undefined;
}

export function analysisOptions(settings: ServerSettings): AnalysisOptions {
	const options: AnalysisOptions = {};
	if (settings.navidromeVersion) options.navidromeVersion = settings.navidromeVersion;
	if (settings.caddyVersion) options.caddyVersion = settings.caddyVersion;
	if (Object.keys(settings.rules).length > 0) options.ruleSeverity = { ...settings.rules };
	return options;
}

function findSection(raw: unknown): Record<string, unknown> | undefined {
	if (!isObject(raw)) return undefined;
	if (isObject(raw[settingsSection])) return raw[settingsSection] as Record<string, unknown>;
	if (isObject(raw.settings)) return findSection(raw.settings);
	const dotted: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(raw)) if (key.startsWith(`${settingsSection}.`)) dotted[key.slice(settingsSection.length + 1)] = value;
	if (Object.keys(dotted).length > 0) return dotted;
	if (serverSettingKeys.some((key) => key in raw)) return raw;
	return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
