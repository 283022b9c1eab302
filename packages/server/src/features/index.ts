/** Editor features on top of the engine: pure functions returning plain data with UTF-16 offsets; no LSP types. */
export { hover } from './hover.js';
export type { HoverResult } from './hover.js';
export { complete, safeUserHeaders } from './completion.js';
export type { CompletionKind, CompletionResult } from './completion.js';
export { codeActions, disableEdit, disableFileEdit, fixAll, fixAllKind, showRuleDocumentationCommand } from './code-actions.js';
export type { CodeActionResult, FixAllResult } from './code-actions.js';
export { effectiveSettings, readSimulateArguments, ruleDocumentation, simulateRequest } from './commands.js';
export type { EffectiveSettingValue, InstanceSettings, InstanceSummary, RuleDocumentation, SimulateArguments, SimulationResult } from './commands.js';
export { formatTraceMarkdown, formatTraceText, simulate, traceSummary } from './simulate.js';
export type { HeaderTrace, NavidromeOutcome, PeerAddress, RouteSummary, RouteTrace, SimulatedRequest, SimulationTrace } from './simulate.js';
export type { FeatureContext } from './context.js';
export { isSecretName } from './settings-info.js';
