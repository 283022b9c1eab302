/**
The JSON the server's commands answer with, as the extension (and any client) receives it. The server's own types
(features/commands.ts) are checked against these where protocol/ answers.
*/
import type { serverCommands } from './commands.js';

/** `showRuleDocumentation`'s argument: a rule id, or `{ ruleId }`. */
export type RuleDocumentationArguments = string | { ruleId: string };

/** `showRuleDocumentation`'s result. */
export type RuleDocumentation = { ruleId: string; markdown: string; url: string };

/** The rule categories, as findings and rule tables carry them. */
export const ruleCategories = ['impersonation', 'broken', 'exposure', 'ignored-setting', 'deprecated', 'syntax', 'hardening'] as const;
export type RuleCategory = (typeof ruleCategories)[number];
/** A rule's default severity. */
export type RuleSeverity = 'error' | 'warning' | 'information' | 'hint';
/** What a client knows about a rule without asking the server (the extension's generated rule table). */
export type RuleInfo = { id: string; category: RuleCategory; severity: RuleSeverity; summary: string };

/** One Navidrome instance of the deployment. */
export type InstanceSummary = { id: string; version: string | undefined; versionSource: 'image' | 'option' | 'assumed' };

/** `simulateRequest`'s argument (the first of `arguments`). */
export type SimulateRequestArguments = {
	/** The document whose deployment is simulated. */
	uri?: string;
	/** The peer Navidrome sees: `ip`, `ip:port`, `[v6]:port`, or `@`; optional with `trace`. */
	peer?: string | null;
	path?: string;
	headers?: Record<string, string | string[]>;
	/** An instance id when the deployment has several. */
	instance?: string;
	/** Through the proxy route model (also implied by `via`, `credentials` or `host`). */
	trace?: boolean;
	/** A route id of `simulation.available`. */
	via?: string;
	/** `none`, or `signed-in as <user>`. */
	credentials?: string;
	host?: string;
	method?: string;
};

/** The core's decision (`decide()`). */
export type DecisionResult = { outcome: 'authenticated' | 'fallback'; username?: string; reason: string; explanation: string };

/** A route of the deployment, with the address Navidrome sees on it. */
export type RouteSummaryResult = { id: string; kind: 'proxy' | 'direct'; route: string; requests: string; instance: string; peer: { address: string; guess: boolean; detail: string } };

/** `simulateRequest`'s result. */
export type SimulateRequestResult = {
	instance: InstanceSummary | null;
	/** The inputs `decide()` was given (secret values hidden). */
	config: { trustedSources: string; userHeader: string; address: string; navidromeVersion: string | undefined };
	decision: DecisionResult;
	/** With `trace`: the request through every route that covers it. */
	simulation?: { available: RouteSummaryResult[]; routes: unknown[]; notes: string[] };
	/** With `trace`: one line per route. */
	summary?: string[];
	/** With `trace`: the whole trace as markdown. */
	markdown?: string;
};

/** A 0-based LSP position and range. */
export type PositionResult = { line: number; character: number };
export type RangeResult = { start: PositionResult; end: PositionResult };

/** One effective setting of an instance, with where its value came from. */
export type EffectiveSettingResult = {
	key: string;
	envName: string;
	tomlKey: string;
	/** Display text: `(hidden)` for secrets, URL passwords as `***`. */
	value: string;
	hidden: boolean;
	/** The key whose input supplied the value (a legacy name when the legacy value won). */
	fromKey: string;
	source: { kind: 'default' | 'env' | 'toml'; name: string | undefined; uri: string | undefined; range: RangeResult | undefined };
};

/** `showEffectiveSettings`'s result. */
export type EffectiveSettingsResult = { instances: Array<InstanceSummary & { extAuthEnabled: boolean; settings: EffectiveSettingResult[] }> };

/** Each server command's argument (the first of `workspace/executeCommand`'s `arguments`). */
export type ServerCommandArguments = {
	[serverCommands.simulateRequest]: SimulateRequestArguments;
	[serverCommands.showEffectiveSettings]: { uri?: string };
	[serverCommands.showRuleDocumentation]: RuleDocumentationArguments;
};

/** Each server command's result. */
export type ServerCommandResults = {
	[serverCommands.simulateRequest]: SimulateRequestResult;
	[serverCommands.showEffectiveSettings]: EffectiveSettingsResult;
	[serverCommands.showRuleDocumentation]: RuleDocumentation;
};
