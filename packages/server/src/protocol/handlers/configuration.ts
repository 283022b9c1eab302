/** Settings: `workspace/configuration` when the client supports it, else what `initialize` and `didChangeConfiguration` carry. */
import type { DidChangeConfigurationParams } from 'vscode-languageserver/node';
import { clientFlags, settingsSection } from '../../shared/settings.js';
import type { Context } from '../context.js';
import { hasSection, readSettings } from '../settings.js';
import { isObject } from './request.js';

const configurationTimeoutMs = 1000;

export function didChangeConfiguration(context: Context, params: DidChangeConfigurationParams): void {
	const { state } = context;
	if (state.capabilities.workspace?.configuration) state.settingsReady = fetchSettings(context);
	else if (hasSection(params?.settings)) {
		state.settings = readSettings(params.settings);
		state.yamlSyntaxReportedByClient = readYamlSyntaxFlag(params.settings) ?? state.yamlSyntaxReportedByClient;
	} else return;
	for (const folder of state.folders.values()) folder.dirty = true;
	context.scheduler.schedule(0);
}

/** Reads our section through `workspace/configuration`, waiting at most a second; keeps the settings on failure. */
export async function fetchSettings({ state, client }: Context): Promise<void> {
	let timeout: ReturnType<typeof setTimeout> | undefined;
	try {
		const raw = await Promise.race([client.getConfiguration(settingsSection), new Promise<undefined>((resolve) => (timeout = setTimeout(() => resolve(undefined), configurationTimeoutMs)))]);
		if (hasSection(raw)) state.settings = readSettings(raw);
		else if (isObject(raw)) state.settings = readSettings({ [settingsSection]: raw });
		state.yamlSyntaxReportedByClient = readYamlSyntaxFlag(raw) ?? state.yamlSyntaxReportedByClient;
	} catch (error) {
		client.log(`navidrome-extauth: workspace/configuration failed (${(error as Error)?.message ?? error}); keeping the current settings`);
	} finally {
		clearTimeout(timeout);
	}
}

/** `yamlSyntaxReportedByClient` at the top of what a client sent, or inside our section. */
export function readYamlSyntaxFlag(raw: unknown): boolean | undefined {
	if (!isObject(raw)) return undefined;
	const section = isObject(raw[settingsSection]) ? raw[settingsSection] : isObject(raw.settings) && isObject(raw.settings[settingsSection]) ? raw.settings[settingsSection] : undefined;
	const value = raw[clientFlags.yamlSyntaxReportedByClient] ?? section?.[clientFlags.yamlSyntaxReportedByClient];
	return typeof value === 'boolean' ? value : undefined;
}
