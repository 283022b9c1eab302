/**
The `navidrome-extauth.*` settings: their keys, the section the client sends to the server (through
`workspace/configuration`, `initializationOptions` and `workspace/didChangeConfiguration`) and the flags a client
adds to say what it does itself.
*/

/** The settings prefix, the `workspace/configuration` section and the diagnostic provider's identifier. */
export const settingsSection = 'navidrome-extauth';

/** A rule's severity override as the settings spell it. */
export const ruleLevels = ['off', 'error', 'warning', 'info'] as const;
export type RuleLevel = (typeof ruleLevels)[number];

/** `navidrome-extauth.trace.server`, as LSP's TraceValue. */
export const traceLevels = ['off', 'messages', 'verbose'] as const;
export type TraceLevel = (typeof traceLevels)[number];

/** The settings the server reads (after the `navidrome-extauth.` prefix). */
export const serverSettingKeys = ['enable', 'allowRead', 'rules', 'navidromeVersion', 'caddyVersion'] as const;
/** The settings only the client reads (`trace.server`: vscode-languageclient's protocol trace). */
export const clientSettingKeys = ['trace.server'] as const;
/** Every setting the extension contributes (`contributes.configuration`), after the prefix. */
export const settingKeys = [...serverSettingKeys, ...clientSettingKeys] as const;
export type SettingKey = (typeof settingKeys)[number];

/** Bounds of `allowRead`: entries kept, and the longest path. */
export const allowReadLimits = { entries: 100, pathLength: 4096 } as const;

/** The section as the extension sends it (normalised; absent optional keys mean the server's own default). */
export type SettingsSection = {
	enable: boolean;
	/** Rule id → severity override or `off`. */
	rules: Record<string, RuleLevel>;
	navidromeVersion?: string;
	caddyVersion?: string;
	/** Absolute folders outside the workspace folders whose files includes and imports may read (the read boundary). */
	allowRead?: string[];
	trace: { server: TraceLevel };
};

/**
What a client says about itself, at the top of `initializationOptions` or inside the section (and, for
`yamlSyntaxReportedByClient`, of every configuration answer).
*/
export type ClientFlags = {
	/** The client reports YAML syntax errors itself (VS Code with an active YAML extension); the server then leaves them out on compose files. */
	yamlSyntaxReportedByClient?: boolean;
	/** The client renders command results itself (the VS Code extension); others get a `window/showMessage` or `window/showDocument`. */
	commandResultsShownByClient?: boolean;
	/** The client wants the `navidrome-extauth/coverage` notification (coverage.ts): what each analysis judged. */
	coverageNotifications?: boolean;
};

/** The names of the client flags, for readers of untyped input. */
export const clientFlags = { yamlSyntaxReportedByClient: 'yamlSyntaxReportedByClient', commandResultsShownByClient: 'commandResultsShownByClient', coverageNotifications: 'coverageNotifications' } as const satisfies { [K in keyof ClientFlags]-?: K };

/** `initializationOptions` and configuration answers as the VS Code extension sends them. */
export type InitializationOptions = SettingsSection & ClientFlags;
