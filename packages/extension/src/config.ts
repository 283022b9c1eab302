/**
The extension's settings and how they reach the language server. Pure: the client passes whatever
`workspace.getConfiguration` returns, and this module turns it into the exact shape the server reads, dropping values
the settings schema would reject (a hand-edited settings.json can hold anything).
*/
import { allowReadLimits, settingsSection, traceLevels, type RuleLevel, type SettingsSection, type TraceLevel } from '@navidrome-extauth/server/shared';

export const section = settingsSection;

export type { RuleLevel, TraceLevel };

/** What the server reads from `workspace/configuration` (section `navidrome-extauth`) and initializationOptions. */
export type ServerSettings = SettingsSection;

export const defaultSettings: ServerSettings = { enable: true, rules: {}, trace: { server: 'off' } };

const ruleLevels: Record<string, RuleLevel> = {
	off: 'off',
	error: 'error',
	warning: 'warning',
	warn: 'warning',
	info: 'info',
	information: 'info',
};

/** More rule entries than this is not a hand-written setting; ignore the rest rather than send megabytes. */
const maxRuleEntries = 500;
const maxRuleIdLength = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `0.63.2`, `v2.11`, ` 2 ` → `0.63.2`, `2.11`, `2`; anything else → undefined (the server then assumes its own). */
export function normalizeVersion(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.length > 50) return undefined;
	const match = /^\s*v?(\d{1,9}(?:\.\d{1,9}){0,2})\s*$/i.exec(value);
	return match?.[1];
}

export function normalizeRules(value: unknown): Record<string, RuleLevel> {
	const rules: Record<string, RuleLevel> = {};
	if (!isRecord(value)) return rules;
	let count = 0;
	for (const [id, level] of Object.entries(value)) {
		if (count >= maxRuleEntries) break;
		if (id.length === 0 || id.length > maxRuleIdLength || typeof level !== 'string') continue;
		const normalized = Object.hasOwn(ruleLevels, level.trim().toLowerCase()) ? ruleLevels[level.trim().toLowerCase()] : undefined;
		if (!normalized) continue;
		rules[id] = normalized;
		count++;
	}
	return rules;
}

/** Absolute paths only, at most 100, each under 4 KiB; anything else is dropped. */
export function normalizeAllowRead(value: unknown): string[] {
	if (!Array.isArray(value)) return [];
	return value.filter((entry): entry is string => typeof entry === 'string' && entry.startsWith('/') && entry.length < allowReadLimits.pathLength).slice(0, allowReadLimits.entries);
}

function normalizeTrace(value: unknown): TraceLevel {
	return (traceLevels as readonly unknown[]).includes(value) ? (value as TraceLevel) : 'off';
}

/** Maps the raw value of the `navidrome-extauth` section to the server's settings. Never throws. */
export function toServerSettings(raw: unknown): ServerSettings {
	if (!isRecord(raw)) return structuredClone(defaultSettings);
	const trace = isRecord(raw.trace) ? raw.trace.server : undefined;
	const settings: ServerSettings = {
		enable: typeof raw.enable === 'boolean' ? raw.enable : defaultSettings.enable,
		rules: normalizeRules(raw.rules),
		trace: { server: normalizeTrace(trace) },
	};
	const navidromeVersion = normalizeVersion(raw.navidromeVersion);
	if (navidromeVersion) settings.navidromeVersion = navidromeVersion;
	const caddyVersion = normalizeVersion(raw.caddyVersion);
	if (caddyVersion) settings.caddyVersion = caddyVersion;
	const allowRead = normalizeAllowRead(raw.allowRead);
	if (allowRead.length > 0) settings.allowRead = allowRead;
	return settings;
}

/**
Whether a `workspace/configuration` item asks for this extension's whole section (the only shape the server asks for;
other sections are answered unchanged).
*/
export function isOwnSection(item: { section?: string | null }): boolean {
	return item.section === section;
}
