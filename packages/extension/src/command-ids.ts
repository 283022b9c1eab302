/**
Command ids. The palette ids differ from the server's, because vscode-languageclient registers the server's
executeCommand ids as VS Code commands itself.
*/

/** Commands the server implements (its executeCommandProvider), called with workspace/executeCommand. */
export const serverCommands = {
	simulateRequest: 'navidrome-extauth.simulateRequest',
	showEffectiveSettings: 'navidrome-extauth.showEffectiveSettings',
	showRuleDocumentation: 'navidrome-extauth.showRuleDocumentation',
} as const;

/** Commands this extension contributes to the palette. */
export const paletteCommands = {
	simulate: 'navidrome-extauth.simulate',
	openEffectiveSettings: 'navidrome-extauth.openEffectiveSettings',
	openRuleDocumentation: 'navidrome-extauth.openRuleDocumentation',
	showOutput: 'navidrome-extauth.showOutput',
	restartServer: 'navidrome-extauth.restartServer',
} as const;
