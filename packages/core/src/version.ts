/**
Navidrome (and proxy) versions as comparable triples.

Image tags are messy (`0.59.0`, `v0.59`, `0.59.0-beta.1`, `latest`, `develop`, `sha-1a2b3c`), so parsing
never throws: an unparseable tag gives `undefined`, which callers treat as "assume the newest release".
*/
export type Version = readonly [major: number, minor: number, patch: number];

const versionPattern = /^v?(\d{1,6})(?:\.(\d{1,6}))?(?:\.(\d{1,6}))?(?:[-+._][0-9A-Za-z.+-]*)?$/;

/** Parse `1.2.3`, `v1.2`, `1.2.3-rc.1`; anything else (including non-strings) gives `undefined`. */
export function parseVersion(text: unknown): Version | undefined {
	if (typeof text !== 'string' || text.length > 64) return undefined;
	const match = versionPattern.exec(text.trim());
	if (!match) return undefined;
	return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Negative when `a < b`, zero when equal, positive when `a > b`. */
export function compareVersions(a: Version, b: Version): number {
	return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** `true` when `version` is known and at least `minimum`; unknown versions count as the newest release. */
export function isAtLeast(version: Version | undefined, minimum: Version): boolean {
	return version === undefined || compareVersions(version, minimum) >= 0;
}

export function formatVersion(version: Version): string {
	return version.join('.');
}
