/**
The server's commands as pure functions: rule documentation, a simulated request through the core's `decide()` for
one Navidrome instance of the deployment, and each instance's effective settings with their sources (secrets hidden).
*/
import { decide, formatVersion, settingsCatalog, type Decision, type HeaderValue } from '@navidrome-extauth/core';
import type { AnalysisResult } from '../analysis/engine.js';
import type { NavidromeInstance } from '../analysis/model/deployment.js';
import { findRule } from '../analysis/rules/index.js';
import { ruleDocsUrl } from '../analysis/rules/rule.js';
import { LineIndex, type Range, type Span } from '../analysis/text.js';
import { instancesOfDocument } from './context.js';
import { ruleMarkdown } from './markdown.js';
import { instanceSecrets } from '../analysis/model/navidrome.js';
import { maskUrlPasswords, type Secret } from '../analysis/secrets.js';
import { formatTraceMarkdown, hideSecrets, simulate, traceSummary, type SimulationTrace } from './simulate.js';
import { describeSource, effectiveSetting, visibleValue } from './settings-info.js';
import type { RuleDocumentation } from '../shared/results.js';

export type { RuleDocumentation };

export function ruleDocumentation(ruleId: unknown): RuleDocumentation | undefined {
	if (typeof ruleId !== 'string') return undefined;
	const rule = findRule(ruleId);
	return rule ? { ruleId: rule.id, markdown: ruleMarkdown(rule), url: ruleDocsUrl(rule.id) } : undefined;
}

export type InstanceSummary = {
	id: string;
	version: string | undefined;
	versionSource: NavidromeInstance['versionSource'];
};

export type SimulateArguments = {
	/**
	The peer Navidrome sees: `ip`, `ip:port`, `[v6]:port`, or `@` for a UNIX-socket client. With `trace`, optional: the
	client's own address on the direct path (each proxy route has its own peer, the proxy's address).
	*/
	peer: string | null | undefined;
	path: string | undefined;
	headers: Record<string, HeaderValue>;
	/** Pick an instance by id when the deployment has several. */
	instance: string | undefined;
	/** Set when the request goes through the proxy route model (arguments with `trace: true`, `via`, `credentials` or `host`). */
	trace?: { via: string | undefined; credentials: string | undefined; host: string | undefined; method: string | undefined };
};

export type SimulationResult = {
	instance: InstanceSummary | null;
	/** The inputs `decide()` was given; values that came through secret-looking variables are shown as `(hidden: …)`. */
	config: { trustedSources: string; userHeader: string; address: string; navidromeVersion: string | undefined };
	/**
	For `peer`, the core's decision; with `trace` and no `peer`, the decision of the first route that reaches Navidrome
	(one that logs someone in first), else the decision at the deployment's first proxy address.
	*/
	decision: Decision;
	/** With `trace`: the request through every route that covers it (features/simulate.ts). */
	simulation?: SimulationTrace;
	/** With `trace`: one line per route (`caddy:Caddyfile:7: AUTHENTICATED as admin`). */
	summary?: string[];
	/** With `trace`: the whole trace as markdown. */
	markdown?: string;
};

/** Reads untrusted command arguments; `undefined` when they are not an object with a usable peer. */
export function readSimulateArguments(raw: unknown): SimulateArguments | undefined {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
	const object = raw as Record<string, unknown>;
	const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 10_000 ? value : undefined);
	const traced = object.trace === true || ['via', 'credentials', 'host'].some((key) => typeof object[key] === 'string');
	const peer = object.peer === null ? null : typeof object.peer === 'string' ? object.peer : undefined;
	if (peer === undefined && !traced) return undefined;
	const headers: Record<string, HeaderValue> = {};
	if (typeof object.headers === 'object' && object.headers !== null && !Array.isArray(object.headers)) {
		for (const [name, value] of Object.entries(object.headers as Record<string, unknown>)) {
			if (typeof value === 'string') headers[name] = value;
			else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) headers[name] = value as string[];
		}
	}
	return {
		peer,
		path: typeof object.path === 'string' ? object.path : undefined,
		headers,
		instance: typeof object.instance === 'string' ? object.instance : undefined,
		...(traced ? { trace: { via: text(object.via), credentials: text(object.credentials), host: text(object.host), method: text(object.method) } } : {}),
	};
}

export function simulateRequest(analysis: AnalysisResult | undefined, documentPath: string | undefined, args: SimulateArguments): SimulationResult {
	const candidates = instancesOfDocument(analysis, documentPath);
	const instance = (args.instance === undefined ? undefined : candidates.find((c) => c.id === args.instance) ?? analysis?.deployment.navidromes.find((c) => c.id === args.instance)) ?? candidates[0];
	const settings = instance?.settings.settings;
	const config = {
		trustedSources: settings?.trustedSources.value ?? '',
		userHeader: settings?.userHeader.value ?? 'Remote-User',
		address: settings?.address.value ?? '0.0.0.0',
		navidromeVersion: instance?.version ? formatVersion(instance.version) : undefined,
	};
	const secrets = instance ? instanceSecrets(instance) : [];
	if (args.trace) return traceRequest(analysis, instance, config, args, args.trace, secrets);
	const decision = decide({ remoteAddr: args.peer, headers: args.headers, ...(args.path === undefined ? {} : { path: args.path }) }, config);
	if (secrets.length === 0) return { instance: instance ? summary(instance) : null, config, decision };
	return { instance: summary(instance!), config: hideSecrets(config, secrets), decision: hideSecrets(decision, secrets) };
}

/** `simulateRequest` with `trace`: the request through the proxy route model (features/simulate.ts). */
function traceRequest(analysis: AnalysisResult | undefined, instance: NavidromeInstance | undefined, config: SimulationResult['config'], args: SimulateArguments, trace: NonNullable<SimulateArguments['trace']>, secrets: readonly Secret[]): SimulationResult {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(args.headers)) if (typeof value === 'string') headers[name] = value;
	else if (Array.isArray(value) && value.length > 0) headers[name] = value.join(', ');
	const simulation = simulate(analysis, {
		path: args.path ?? '/app/',
		headers,
		...(trace.host !== undefined ? { host: trace.host } : {}),
		...(trace.method !== undefined ? { method: trace.method } : {}),
		...(trace.credentials !== undefined ? { credentials: trace.credentials } : {}),
		...(trace.via !== undefined ? { via: trace.via } : {}),
		...(typeof args.peer === 'string' ? { clientAddress: args.peer } : {}),
		...(instance ? { instance: instance.id } : {}),
	});
	const decided = simulation.routes.filter((route) => route.navidrome.decision);
	const first = decided.find((route) => route.navidrome.outcome === 'authenticated') ?? decided[0];
	const peer = typeof args.peer === 'string' ? args.peer : simulation.available.find((route) => route.kind === 'proxy')?.peer.address ?? null;
	const decision = first?.navidrome.decision ?? decide({ remoteAddr: peer, headers: args.headers, ...(args.path === undefined ? {} : { path: args.path }) }, config);
	return {
		instance: instance ? summary(instance) : null,
		config: hideSecrets(config, secrets),
		decision: hideSecrets(decision, secrets),
		simulation,
		summary: simulation.routes.map(traceSummary),
		markdown: formatTraceMarkdown(simulation),
	};
}

export type EffectiveSettingValue = {
	key: string;
	envName: string;
	tomlKey: string;
	/** Display text of the value: `(hidden)` for secret settings, `(hidden: from ${VAR} in .env:3)` for values through secret-looking variables, URL passwords as `***`. */
	value: string;
	hidden: boolean;
	/** The catalog key whose input supplied the value (a legacy name when the legacy value won). */
	fromKey: string;
	source: { kind: 'default' | 'env' | 'toml'; name: string | undefined; file: string | undefined; span: Span | undefined; range: Range | undefined };
};

export type InstanceSettings = InstanceSummary & { settings: EffectiveSettingValue[]; extAuthEnabled: boolean };

export function effectiveSettings(analysis: AnalysisResult | undefined, documentPath: string | undefined, readText: (path: string) => string | undefined): InstanceSettings[] {
	const indexes = new Map<string, LineIndex | undefined>();
	const rangeOf = (file: string, span: Span): Range | undefined => {
		if (!indexes.has(file)) {
			const text = readText(file);
			indexes.set(file, text === undefined ? undefined : new LineIndex(text));
		}
		return indexes.get(file)?.range(span);
	};
	return instancesOfDocument(analysis, documentPath).map((instance) => {
		const values: EffectiveSettingValue[] = [];
		for (const doc of settingsCatalog) {
			if (doc.deprecatedBy) continue;
			const setting = effectiveSetting(instance.settings.settings, doc.key);
			if (!setting) continue;
			const source = describeSource(instance, setting.source);
			const shown = visibleValue(doc, source, setting.value);
			const location = source.location;
			values.push({
				key: doc.key,
				envName: doc.envName,
				tomlKey: doc.tomlKey,
				value: shown.hidden ? shown.text : typeof setting.value === 'string' ? maskUrlPasswords(setting.value) : String(setting.value),
				hidden: shown.hidden,
				fromKey: setting.fromKey,
				source: { kind: source.kind, name: source.name, file: location?.file, span: location?.span, range: location ? rangeOf(location.file, location.span) : undefined },
			});
		}
		return { ...summary(instance), extAuthEnabled: instance.settings.settings.extAuthEnabled, settings: values };
	});
}

function summary(instance: NavidromeInstance): InstanceSummary {
	return { id: instance.id, version: instance.version ? formatVersion(instance.version) : undefined, versionSource: instance.versionSource };
}
