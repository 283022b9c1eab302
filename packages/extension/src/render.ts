/**
Turns the server's command results into the markdown and messages the extension shows. Pure and defensive: a result
of an unexpected shape (an older or newer server) still renders something readable instead of throwing.
*/
import type { DecisionResult, RuleDocumentation as ServerRuleDocumentation } from '@navidrome-extauth/server/shared';

export type SimulationInput = { peer: string; path: string; headerName: string; headerValue: string | undefined };

/** `navidrome-extauth.simulateRequest`'s decision (see the core's `decide`). */
export type SimulationResult = DecisionResult;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
Reads the result: `{ outcome, username?, reason, explanation }`, or the same under `decision` next to the `config`
the server decided with.
*/
export function asSimulationResult(value: unknown): SimulationResult | undefined {
	if (!isRecord(value)) return undefined;
	const source = isRecord(value.decision) ? value.decision : value;
	const { outcome, username, reason, explanation } = source;
	if ((outcome !== 'authenticated' && outcome !== 'fallback') || typeof reason !== 'string') return undefined;
	return {
		outcome,
		...(typeof username === 'string' ? { username } : {}),
		reason,
		explanation: typeof explanation === 'string' ? explanation : '',
	};
}

/** Markdown inline code that survives backticks and newlines in user input. */
export function inlineCode(text: string): string {
	const flat = text.replace(/[\r\n]+/g, ' ').slice(0, 500);
	if (flat === '') return '(empty)';
	const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
	const fence = '`'.repeat(longest + 1);
	const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
	return `${fence}${pad}${flat}${pad}${fence}`;
}

/** One line for an information message. */
export function simulationMessage(result: SimulationResult): string {
	if (result.outcome === 'authenticated') {
		return `Navidrome would log this request in as '${result.username ?? '?'}' (${result.reason}).`;
	}
	return `Navidrome would not take the user from the header (${result.reason}); it falls back to its own login.`;
}

export function simulationMarkdown(input: SimulationInput, result: SimulationResult): string {
	const header = input.headerValue === undefined ? '(not sent)' : `${inlineCode(input.headerName)}: ${inlineCode(input.headerValue)}`;
	const decision = result.outcome === 'authenticated'
		? `**Logged in as ${inlineCode(result.username ?? '')}** (\`${result.reason}\`)`
		: `**Not logged in by the header** (\`${result.reason}\`): Navidrome falls back to its own login (web UI form, Subsonic credentials).`;
	return [
		'# Simulated request',
		'',
		'| | |',
		'|---|---|',
		`| peer address | ${inlineCode(input.peer)} |`,
		`| path | ${inlineCode(input.path)} |`,
		`| user header | ${header} |`,
		'',
		`## Decision`,
		'',
		decision,
		'',
		'## Why',
		'',
		result.explanation || '(the server gave no explanation)',
		'',
	].join('\n');
}

type SettingRow = { key: string; value: string; source: string };

function settingRows(settings: unknown): SettingRow[] {
	if (!Array.isArray(settings)) return [];
	return settings.filter(isRecord).map((setting) => {
		const source = isRecord(setting.source) ? setting.source : {};
		const kind = typeof source.kind === 'string' ? source.kind : '?';
		const name = typeof source.name === 'string' ? ` ${inlineCode(source.name)}` : '';
		const uri = typeof source.uri === 'string' && /^file:\/\//.test(source.uri) ? source.uri : undefined;
		const range = isRecord(source.range) && isRecord(source.range.start) && typeof source.range.start.line === 'number' ? source.range.start.line + 1 : undefined;
		const file = uri ? decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1)) : undefined;
		const where = uri && file ? `, [${file.replace(/[[\]]/g, '')}${range ? `:${range}` : ''}](${uri}${range ? `#L${range}` : ''})` : '';
		return {
			key: typeof setting.key === 'string' ? setting.key : '?',
			value: setting.hidden === true ? '(hidden)' : typeof setting.value === 'string' ? setting.value : JSON.stringify(setting.value ?? null) ?? '',
			source: kind === 'default' ? 'default' : `${kind}${name}${where}`,
		};
	});
}

/**
`navidrome-extauth.showEffectiveSettings`'s result: `{ instances: [{ id, version, extAuthEnabled, settings: [...] }] }`
becomes one table per Navidrome instance; markdown or `{ markdown }` passes through; anything else is shown as JSON.
*/
export function effectiveSettingsMarkdown(result: unknown): string {
	if (typeof result === 'string') return result;
	if (isRecord(result) && typeof result.markdown === 'string') return result.markdown;
	if (isRecord(result) && Array.isArray(result.instances)) {
		const lines = ['# Effective settings', ''];
		const instances = result.instances.filter(isRecord);
		if (instances.length === 0) lines.push('No Navidrome service was found for this document.', '');
		for (const instance of instances) {
			const version = typeof instance.version === 'string' ? ` ${instance.version}` : '';
			const versionSource = typeof instance.versionSource === 'string' ? ` (${instance.versionSource})` : '';
			lines.push(`## ${inlineCode(typeof instance.id === 'string' ? instance.id : 'navidrome')}: Navidrome${version}${versionSource}`, '');
			if (typeof instance.extAuthEnabled === 'boolean') lines.push(`External auth is **${instance.extAuthEnabled ? 'on' : 'off'}**.`, '');
			const rows = settingRows(instance.settings);
			if (rows.length > 0) {
				lines.push('| setting | value | from |', '|---|---|---|');
				for (const row of rows) lines.push(`| ${inlineCode(row.key)} | ${inlineCode(row.value)} | ${row.source.replace(/\|/g, '\\|')} |`);
				lines.push('');
			}
		}
		return lines.join('\n');
	}
	return ['# Effective settings', '', '```json', JSON.stringify(result ?? null, null, 2) ?? 'null', '```', ''].join('\n');
}

/** `navidrome-extauth.showRuleDocumentation`'s result; `url` may be missing from an older server. */
export type RuleDocumentation = Omit<ServerRuleDocumentation, 'url'> & { url?: string };

export function asRuleDocumentation(value: unknown): RuleDocumentation | undefined {
	if (!isRecord(value) || typeof value.ruleId !== 'string' || typeof value.markdown !== 'string') return undefined;
	return { ruleId: value.ruleId, markdown: value.markdown, ...(typeof value.url === 'string' ? { url: value.url } : {}) };
}

export function ruleDocumentationMarkdown(docs: RuleDocumentation): string {
	const body = /^\s*#/.test(docs.markdown) ? docs.markdown : `# ${docs.ruleId}\n\n${docs.markdown}`;
	// The server's markdown may link the page already.
	const link = docs.url && /^https:\/\//.test(docs.url) && !docs.markdown.includes(docs.url) ? `\n\n[Open this page on the web](${docs.url})\n` : '\n';
	return `${body.trimEnd()}${link}`;
}

/** A valid HTTP header name (RFC 9110 token), short enough to show. */
function isHeaderName(text: string): boolean {
	return /^[!#$%&'*+.^_`|~\w-]{1,100}$/.test(text);
}

/**
The effective user header name from a `showEffectiveSettings` result: the first `{ key: 'ExtAuth.UserHeader', value }`
entry (any nesting, first instance first), or a `userHeader` property holding a string or `{ value }`. Undefined when
the shape does not tell.
*/
export function userHeaderFrom(result: unknown, depth = 0): string | undefined {
	if (depth > 4) return undefined;
	if (Array.isArray(result)) {
		for (const item of result.slice(0, 100)) {
			const found = userHeaderFrom(item, depth + 1);
			if (found) return found;
		}
		return undefined;
	}
	if (!isRecord(result)) return undefined;
	const isUserHeaderKey = (key: string) => key.toLowerCase().replace(/[^a-z]/g, '').endsWith('userheader');
	if (typeof result.key === 'string' && isUserHeaderKey(result.key) && typeof result.value === 'string' && result.hidden !== true) {
		return isHeaderName(result.value) ? result.value : undefined;
	}
	for (const [key, value] of Object.entries(result)) {
		if (!isUserHeaderKey(key)) continue;
		const text = typeof value === 'string' ? value : isRecord(value) && typeof value.value === 'string' ? value.value : undefined;
		if (text && isHeaderName(text)) return text;
	}
	for (const value of Object.values(result)) {
		const found = userHeaderFrom(value, depth + 1);
		if (found) return found;
	}
	return undefined;
}
