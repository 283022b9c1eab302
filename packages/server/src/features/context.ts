/**
What every editor feature gets: the document under the cursor and the latest analysis of the deployment it belongs
to. Features are pure functions of this; they return plain data with UTF-16 offsets (the protocol layer converts).
*/
import { compileTrustedSources, findSetting, type SettingDoc, type TrustedSourceEntry } from '@navidrome-extauth/core';
import type { AnalysisResult } from '../analysis/engine.js';
import type { FileKind } from '../analysis/files.js';
import type { Location } from '../analysis/findings.js';
import type { NavidromeInstance } from '../analysis/model/deployment.js';
import { siteOf } from '../analysis/model/navidrome.js';
import type { Span } from '../analysis/text.js';
import { instanceUsesFile } from './settings-info.js';
import { composePlace, contains, dotenvPlace, tomlPlace, type CursorPlace } from './text-context.js';

export type FeatureContext = {
	/** Engine path of the document. */
	path: string;
	text: string;
	kind: FileKind | undefined;
	/** UTF-16 offset of the cursor. */
	offset: number;
	/** The latest analysis of the deployment holding the document, if one ran. */
	analysis: AnalysisResult | undefined;
	/** Current text of another file (open document or disk). */
	readText(path: string): string | undefined;
};

/** The context with its offset inside the text (callers may pass any number). */
export function clamped(context: FeatureContext): FeatureContext {
	const text = typeof context.text === 'string' ? context.text : '';
	const offset = Number.isFinite(context.offset) ? Math.max(0, Math.min(Math.trunc(context.offset), text.length)) : 0;
	return offset === context.offset && text === context.text ? context : { ...context, text, offset };
}

/** A setting written at the cursor, with the instances that read it from this place. */
export type SettingAt = {
	doc: SettingDoc;
	/** The name as written (`ND_EXTAUTH_TRUSTEDSOURCES`, `TrustedSources` under `[ExtAuth]`). */
	name: string;
	place: CursorPlace;
	/** The compose service the entry belongs to, for compose files. */
	service: string | undefined;
	instances: NavidromeInstance[];
};

/** The setting whose key or value is under the cursor, in compose `environment`, `.env` or navidrome.toml. */
export function settingAt(context: FeatureContext): SettingAt | undefined {
	const found = placeOf(context);
	if (!found?.place.entry || found.section === 'labels') return undefined;
	const doc = findSetting(found.key ?? found.place.entry.key);
	if (!doc) return undefined;
	return { doc, name: found.place.entry.key, place: found.place, service: found.service, instances: instancesFor(context, found.service) };
}

type Found = {
	place: CursorPlace;
	/** The full setting key when the format qualifies it (TOML tables). */
	key: string | undefined;
	service: string | undefined;
	section?: 'environment' | 'labels';
	/** How a new key is written on this line. */
	form: 'map' | 'list' | 'dotenv' | 'toml';
	/** The TOML `[table]` in effect. */
	table?: string;
};

export function placeOf(context: FeatureContext): Found | undefined {
	const { kind, text, offset } = context;
	if (kind === 'compose') {
		const place = composePlace(text, offset);
		if (place.section === undefined) return undefined;
		return { place, key: undefined, service: place.service, section: place.section, form: place.form };
	}
	if (kind === 'dotenv') return { place: dotenvPlace(text, offset), key: undefined, service: undefined, form: 'dotenv' };
	if (kind === 'navidrome-toml') {
		const place = tomlPlace(text, offset);
		return { place, key: place.fullKey, service: undefined, form: 'toml', table: place.table };
	}
	return undefined;
}

/** Instances configured from this document (for a compose file: from the service the cursor is in). */
export function instancesFor(context: FeatureContext, service: string | undefined): NavidromeInstance[] {
	const instances = context.analysis?.deployment.navidromes ?? [];
	if (context.kind === 'compose') return instances.filter((instance) => instance.compose?.path === context.path && (service === undefined || instance.service?.name === service));
	return instances.filter((instance) => instanceUsesFile(instance, context.path));
}

/** Instances for a command: those configured from `path`, else every instance of the deployment. */
export function instancesOfDocument(analysis: AnalysisResult | undefined, path: string | undefined): NavidromeInstance[] {
	const instances = analysis?.deployment.navidromes ?? [];
	if (path === undefined) return instances;
	const own = instances.filter((instance) => instanceUsesFile(instance, path));
	return own.length > 0 ? own : instances;
}

export type EntryAt = {
	entry: TrustedSourceEntry;
	location: Location;
	instance: NavidromeInstance | undefined;
	/** Whether the entry was compiled against the instance's real `Address`. */
	addressKnown: boolean;
};

/** The TrustedSources entry under the cursor: through instances' value sites (interpolation included), else by reading the line. */
export function trustedEntryAt(context: FeatureContext): EntryAt | undefined {
	for (const instance of context.analysis?.deployment.navidromes ?? []) {
		const source = instance.intended.settings.trustedSources.source;
		if (source.kind === 'default') continue;
		const site = siteOf(instance, source);
		if (!site) continue;
		for (const entry of instance.trust.entries) {
			const location = site.locate({ start: entry.start, end: entry.end });
			if (location && location.file === context.path && contains(location.span, context.offset)) return { entry, location, instance, addressKnown: true };
		}
	}
	const setting = settingAt(context);
	const entry = setting?.place.entry;
	if (!setting || !entry || setting.place.inKey || entry.valueSpan === undefined || entry.value === undefined) return undefined;
	if (setting.doc.type !== 'cidr-list') return undefined;
	// Only a value written as-is maps offsets one to one.
	if (context.text.slice(entry.valueSpan.start, entry.valueSpan.end) !== entry.value) return undefined;
	const instance = setting.instances[0];
	const address = instance?.intended.settings.address.value;
	const compiled = compileTrustedSources(entry.value, address === undefined ? {} : { address });
	for (const candidate of compiled.entries) {
		const span: Span = { start: entry.valueSpan.start + candidate.start, end: entry.valueSpan.start + candidate.end };
		if (contains(span, context.offset)) return { entry: candidate, location: { file: context.path, span }, instance, addressKnown: address !== undefined };
	}
	return undefined;
}
