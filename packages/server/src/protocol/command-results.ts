/**
Command results as a client's default handlers show them. `workspace/executeCommand` answers with data, and a generic
client (Neovim's default handler, Helix, eglot) drops it; so the server also sends a short `window/showMessage`, or a
`window/showDocument` for a page to open. Clients that render the results themselves (the VS Code extension) say so with
`commandResultsShownByClient: true` in `initializationOptions`. Pure: plain result data in, text out.
*/
import { serverCommands } from '../shared/commands.js';
import { clientFlags } from '../shared/settings.js';

/** What to show for one command result: a message of a few lines, and a page to open when the client can. */
export type CommandResultView = { message: string; url?: string };

/** The longest value shown in a message, in characters. */
const maxValue = 80;
/** Settings listed per Navidrome instance before "… and N more". */
const maxSettings = 6;

export function commandResultView(command: string, result: unknown): CommandResultView | undefined {
	if (!isObject(result)) return undefined;
	if (command === serverCommands.showRuleDocumentation) return ruleView(result);
	if (command === serverCommands.simulateRequest) return simulateView(result);
	if (command === serverCommands.showEffectiveSettings) return settingsView(result);
	return undefined;
}

/** `commandResultsShownByClient` at the top of `initializationOptions`, or inside our section. */
export function readCommandResultsFlag(raw: unknown, section: string): boolean | undefined {
	if (!isObject(raw)) return undefined;
	const inner = isObject(raw[section]) ? raw[section] : undefined;
	const value = raw[clientFlags.commandResultsShownByClient] ?? inner?.[clientFlags.commandResultsShownByClient];
	return typeof value === 'boolean' ? value : undefined;
}

function ruleView(result: Record<string, unknown>): CommandResultView | undefined {
	const { ruleId, markdown, url } = result;
	if (typeof ruleId !== 'string') return undefined;
	// ruleMarkdown: the title line, then the summary paragraph.
	const summary = typeof markdown === 'string' ? plain(markdown.split('\n\n')[1] ?? '') : '';
	const link = typeof url === 'string' && /^https:\/\//.test(url) ? url : undefined;
	return { message: `${ruleId}: ${clip(summary, 300)}${link ? `\nMore: ${link}` : ''}`, ...(link ? { url: link } : {}) };
}

function simulateView(result: Record<string, unknown>): CommandResultView | undefined {
	const decision = isObject(result.decision) ? result.decision : undefined;
	if (!decision) return undefined;
	const instance = isObject(result.instance) && typeof result.instance.id === 'string' ? result.instance.id : undefined;
	const verdict = decision.outcome === 'authenticated' ? `logged in as ${clip(String(decision.username ?? ''), maxValue)}` : 'not logged in through the header';
	const lines = [`Simulated request${instance ? ` to ${instance}` : ''}: ${verdict}.`];
	if (typeof decision.explanation === 'string') lines.push(clip(plain(decision.explanation), 400));
	const routes = Array.isArray(result.summary) ? result.summary.filter((line): line is string => typeof line === 'string') : [];
	for (const route of routes.slice(0, 3)) lines.push(`- ${clip(route, 200)}`);
	if (routes.length > 3) lines.push(`… and ${routes.length - 3} more routes`);
	return { message: lines.join('\n') };
}

function settingsView(result: Record<string, unknown>): CommandResultView | undefined {
	const instances = Array.isArray(result.instances) ? result.instances.filter(isObject) : [];
	if (instances.length === 0) return { message: 'No Navidrome service found for this file.' };
	const lines: string[] = [];
	for (const instance of instances.slice(0, 3)) {
		const version = typeof instance.version === 'string' ? `Navidrome ${instance.version}` : 'version unknown';
		lines.push(`Effective settings of ${String(instance.id)} (${version}${instance.extAuthEnabled === false ? ', external auth off' : ''}):`);
		const settings = (Array.isArray(instance.settings) ? instance.settings.filter(isObject) : []).filter((setting) => isObject(setting.source) && (setting.source.kind !== 'default' || String(setting.key).startsWith('ExtAuth.')));
		for (const setting of settings.slice(0, maxSettings)) {
			const source = setting.source as Record<string, unknown>;
			const from = source.kind === 'default' ? 'default' : `from ${String(source.name ?? source.kind)}`;
			const value = String(setting.value ?? '');
			lines.push(`- ${String(setting.key)} = ${value === '' ? '(empty)' : clip(value, maxValue)} (${from})`);
		}
		if (settings.length > maxSettings) lines.push(`… and ${settings.length - maxSettings} more`);
	}
	if (instances.length > 3) lines.push(`… and ${instances.length - 3} more instances`);
	return { message: lines.join('\n') };
}

/** Markdown emphasis, code and links reduced to their text, on one line. */
function plain(markdown: string): string {
	return markdown
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/[*`]/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

function clip(text: string, max: number): string {
	const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
	return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
