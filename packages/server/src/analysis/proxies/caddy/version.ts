/**
Which Caddy release a Caddyfile runs on: the image tag of the Caddy service that mounts it, else `options.caddyVersion`,
else the newest release (and messages say so). Floating tags (`caddy:2.11-alpine`) give a range of patch releases, and
every version-dependent judgement considers the whole range (proxies.md §2.2, §2.4).
*/
import { compareVersions, formatVersion, type Version } from '@navidrome-extauth/core';
import type { Location } from '../../findings.js';
import type { ComposeService } from '../../formats/compose/types.js';
import type { CaddyVersionRange, CopyHeadersEra } from './types.js';

/** The newest Caddy release the spec was checked against (proxies.md, "Source snapshots read"). */
export const newestCaddy: Version = [2, 11, 4];

/** Last patch release of each minor line, to bound floating `X.Y` tags. */
const lastPatch: Record<string, number> = { '2.4': 6, '2.5': 2, '2.6': 4, '2.7': 6, '2.8': 4, '2.9': 1, '2.10': 2, '2.11': newestCaddy[2] };

/** `2.8.4`, `2.8.4-alpine`, `v2.11`, `2.11-alpine`, `2`, `latest`, `alpine`, `builder`. */
export function parseCaddyVersion(text: unknown): { low: Version; high: Version; floating: 'none' | 'patch' | 'major' } | undefined {
	if (typeof text !== 'string' || text.length > 128) return undefined;
	const tag = text.trim().toLowerCase();
	if (tag === 'latest' || tag === 'alpine' || tag === 'builder' || tag.startsWith('builder-') || tag.startsWith('windowsservercore')) {
		return { low: newestCaddy, high: newestCaddy, floating: 'major' };
	}
	const match = /^v?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?:[-+][0-9a-z.+-]*)?$/.exec(tag);
	if (!match) return undefined;
	const major = Number(match[1]);
	if (match[2] === undefined) {
		// `caddy:2` follows the newest 2.x release.
		if (major === newestCaddy[0]) return { low: newestCaddy, high: newestCaddy, floating: 'major' };
		return { low: [major, 0, 0], high: [major, 999, 999], floating: 'major' };
	}
	const minor = Number(match[2]);
	if (match[3] === undefined) {
		const last = lastPatch[`${major}.${minor}`] ?? (compareVersions([major, minor, 0], newestCaddy) > 0 ? 0 : 999);
		return { low: [major, minor, 0], high: [major, minor, last], floating: last === 0 ? 'none' : 'patch' };
	}
	const version: Version = [major, minor, Number(match[3])];
	return { low: version, high: version, floating: 'none' };
}

/** Whether an image is Caddy itself (official image or a custom build named `…/caddy`), so its tag is a Caddy version. */
export function isCaddyImage(repository: string | undefined): boolean {
	if (!repository) return false;
	const last = repository.toLowerCase().split('/').pop() ?? '';
	return last === 'caddy';
}

/** Whether a compose service runs Caddy (any Caddy-based image, or a service named like it). */
export function looksLikeCaddyService(service: ComposeService): boolean {
	const last = service.image?.repository.toLowerCase().split('/').pop() ?? '';
	return last.startsWith('caddy') || (!service.image && service.name.toLowerCase().includes('caddy'));
}

export function caddyVersionRange(service: { compose: { path: string }; service: ComposeService } | undefined, optionVersion: string | undefined): CaddyVersionRange {
	const image = service?.service.image;
	if (image && isCaddyImage(image.repository) && image.tag !== undefined) {
		const parsed = parseCaddyVersion(image.tag);
		if (parsed) {
			const location = imageTagLocation(service!.compose.path, image);
			const name = `${image.repository}:${image.tag}`;
			return { low: parsed.low, high: parsed.high, source: 'image', description: describe(name, parsed), location };
		}
	}
	const option = parseCaddyVersion(optionVersion);
	if (option) return { low: option.low, high: option.high, source: 'option', description: describe(`Caddy ${optionVersion!.trim()} (caddyVersion option)`, option) };
	return { low: newestCaddy, high: newestCaddy, source: 'assumed', description: `Caddy ${formatVersion(newestCaddy)} (no version pinned; assumed the newest release)` };
}

function describe(name: string, parsed: { low: Version; high: Version; floating: 'none' | 'patch' | 'major' }): string {
	if (parsed.floating === 'patch') return `${name} (${formatVersion(parsed.low)}–${formatVersion(parsed.high)}: the tag does not pin the patch release)`;
	if (parsed.floating === 'major') return `${name} (a floating tag; assumed ${formatVersion(parsed.high)})`;
	return name;
}

function imageTagLocation(file: string, image: NonNullable<ComposeService['image']>): Location {
	if (image.verbatim && image.tag !== undefined) {
		const start = image.contentSpan.start + image.repository.length + 1;
		return { file, span: { start, end: start + image.tag.length } };
	}
	return { file, span: image.contentSpan };
}

/** Whether some version in the range is at least `minimum`. */
export function rangeReaches(range: { high: Version }, minimum: Version): boolean {
	return compareVersions(range.high, minimum) >= 0;
}

/** Whether some version in the range is below `bound`. */
export function rangeBelow(range: { low: Version }, bound: Version): boolean {
	return compareVersions(range.low, bound) < 0;
}

/** Whether every version in the range is at least `minimum`. */
export function rangeAtLeast(range: { low: Version }, minimum: Version): boolean {
	return compareVersions(range.low, minimum) >= 0;
}

const passthroughFrom: Version = [2, 9, 0];
const deleteFrom: Version = [2, 11, 2];

/** The copy_headers behaviours (proxies.md §2.2) present in a version range, oldest first. */
export function copyHeadersEras(range: { low: Version; high: Version }): CopyHeadersEra[] {
	const eras: CopyHeadersEra[] = [];
	if (rangeBelow(range, passthroughFrom)) eras.push('placeholder');
	if (rangeReaches(range, passthroughFrom) && rangeBelow(range, deleteFrom)) eras.push('passthrough');
	if (rangeReaches(range, deleteFrom)) eras.push('delete');
	return eras;
}

/** The part of the range within an era, e.g. `2.11.0–2.11.1` for `caddy:2.11` in the passthrough era. */
export function eraOverlap(range: { low: Version; high: Version }, era: CopyHeadersEra): string {
	const bounds: Record<CopyHeadersEra, [Version, Version]> = {
		placeholder: [[0, 0, 0], [2, 8, 999]],
		passthrough: [passthroughFrom, [2, 11, 1]],
		delete: [deleteFrom, [999, 999, 999]],
	};
	const [eraLow, eraHigh] = bounds[era];
	const low = compareVersions(range.low, eraLow) > 0 ? range.low : eraLow;
	const high = compareVersions(range.high, eraHigh) < 0 ? range.high : eraHigh;
	return compareVersions(low, high) === 0 ? formatVersion(low) : `${formatVersion(low)}–${formatVersion(high)}`;
}

/** Caddy ≥ 2.11.4 drops request headers whose names contain `_` (proxies.md §2.2). */
export const underscoreDropFrom: Version = [2, 11, 4];
