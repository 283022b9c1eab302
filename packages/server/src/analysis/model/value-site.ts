/**
Where a setting's value is written, so findings about part of a value (one TrustedSources entry) land on the exact
characters even when the value came through `${VAR}` interpolation from a `.env` file.
*/
import type { Location } from '../findings.js';
import type { Span } from '../text.js';
import type { Segment } from '../formats/interpolate.js';
import type { SecretMark } from '../secrets.js';

export type ValueSite = {
	/** The whole written value (content, without quotes). */
	location: Location;
	/** The key or variable name that holds the value. */
	keyLocation: Location;
	/** Maps a span of the effective value to the text that produced it; `undefined` when no exact mapping exists. */
	locate(valueSpan: Span): Location | undefined;
	/** Whether the written text is exactly the value, so an edit can replace part of it. */
	verbatim: boolean;
	/** The value came through a secret-looking variable: show `(hidden: from ${VIA} in WHERE)`, never the value. */
	secret?: SecretMark;
};

/** A value written literally at `span` in `file`. */
export function verbatimSite(file: string, span: Span, keyLocation: Location, verbatim: boolean, secret?: SecretMark): ValueSite {
	const location = { file, span };
	return {
		location,
		keyLocation,
		verbatim,
		...(secret ? { secret } : {}),
		locate: (part) => (verbatim ? { file, span: { start: span.start + part.start, end: span.start + part.end } } : undefined),
	};
}

/** A compose value built by interpolation: literal runs map into the compose file, `${VAR}` runs into the `.env`. */
export function interpolatedSite(
	file: string,
	span: Span,
	keyLocation: Location,
	segments: Segment[],
	sourceVerbatim: boolean,
	variableSite: (name: string) => ValueSite | undefined,
	secret?: SecretMark,
): ValueSite {
	return {
		location: { file, span },
		keyLocation,
		verbatim: false,
		...(secret ? { secret } : {}),
		locate(part) {
			const segment = segments.find((s) => s.start <= part.start && part.end <= s.end);
			if (!segment) return undefined;
			if (segment.kind === 'literal') {
				if (!sourceVerbatim) return undefined;
				const start = span.start + segment.sourceOffset + (part.start - segment.start);
				return { file, span: { start, end: start + (part.end - part.start) } };
			}
			const site = variableSite(segment.name);
			return site?.locate({ start: part.start - segment.start, end: part.end - segment.start });
		},
	};
}
