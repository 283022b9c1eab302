/**
What the server judged, for a client to say when silence is not an all-clear. After each round of analysis whose
coverage changed, the server sends the `navidrome-extauth/coverage` notification with every analysed folder's
coverage, to clients that ask for it with `coverageNotifications: true` in `initializationOptions` (the VS Code
extension; other clients never receive a method they do not know). The server's own shape (analysis/verdict.ts
`Coverage`) is converted to this one in protocol/coverage.ts, paths as URIs.
*/
import type { FileKind } from './files.js';

/** The notification's method. */
export const coverageNotification = 'navidrome-extauth/coverage';

/** One analysed folder: a workspace folder, or the folder of a loose document. */
export type FolderCoverage = {
	/** The folder's URI. */
	uri: string;
	/** Files read, by kind. */
	judged: Partial<Record<FileKind, number>>;
	/** Navidrome instances judged, the assumed one included when a proxy route reaches it. */
	navidromes: number;
	/** Proxy routes judged. */
	routes: number;
	/** A proxy route reaches Navidrome but no instance is in view, so one was assumed (ext auth on, the proxy trusted). */
	navidromeAssumed: boolean;
	/** What the findings take for granted, in words, and in which file. */
	assumed: Array<{ uri?: string; message: string }>;
	/** Files that look like configuration but were not read (`not-read`: a kind this tool does not read). */
	skipped: Array<{ uri: string; reason: 'not-read' | 'unrecognised'; what: string }>;
	/** Proxy services in compose files whose routes are not in view. */
	unseen: Array<{ uri: string; service: string; image: string; message: string }>;
	/** The same in words, one line each (`Judged: …`, `Assumed: …`, `Not seen: …`; paths relative to the folder). */
	notes: string[];
};

/** The notification's params: every folder the server analyses (none when it is turned off). */
export type CoverageParams = { folders: FolderCoverage[] };
