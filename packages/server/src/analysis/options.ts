/** What the caller of an analysis chooses: assumed versions when nothing pins one, and per-rule levels. */
export type AnalysisOptions = {
	/** Assumed Navidrome version when no image tag tells. */
	navidromeVersion?: string;
	/** Assumed Caddy version when no image tag tells. */
	caddyVersion?: string;
	/** Per-rule severity overrides. */
	ruleSeverity?: Record<string, 'off' | 'error' | 'warning' | 'information' | 'hint'>;
};
