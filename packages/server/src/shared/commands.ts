/**
Command ids. The extension's palette ids differ from the server's, because vscode-languageclient registers the
server's executeCommand ids as VS Code commands itself.
*/

/** Commands the server implements (its `executeCommandProvider`), called with `workspace/executeCommand`. */
export const serverCommands = {
	simulateRequest: 'navidrome-extauth.simulateRequest',
	showEffectiveSettings: 'navidrome-extauth.showEffectiveSettings',
	showRuleDocumentation: 'navidrome-extauth.showRuleDocumentation',
} as const;

export type ServerCommand = (typeof serverCommands)[keyof typeof serverCommands];

/** Commands the VS Code extension contributes to the palette (`contributes.commands`). */
export const paletteCommands = {
	simulate: 'navidrome-extauth.simulate',
	openEffectiveSettings: 'navidrome-extauth.openEffectiveSettings',
	openRuleDocumentation: 'navidrome-extauth.openRuleDocumentation',
	showOutput: 'navidrome-extauth.showOutput',
	restartServer: 'navidrome-extauth.restartServer',
} as const;

export type PaletteCommand = (typeof paletteCommands)[keyof typeof paletteCommands];

/** The `source` of every diagnostic the server publishes (the extension's status bar counts only these). */
export const diagnosticSource = 'navidrome-extauth';

/** The code action kind of "fix all" (`source.fixAll` and its sub-kind of ours). */
export const fixAllKind = 'source.fixAll.navidrome-extauth';

/** Whether `command` is one the server runs. */
export function isServerCommand(command: unknown): command is ServerCommand {
	return typeof command === 'string' && (Object.values(serverCommands) as string[]).includes(command);
}
