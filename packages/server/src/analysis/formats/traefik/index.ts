/** Traefik configuration: labels, file-provider and static files, CLI flags, rules. */
export { field, fieldPath, parseGoBool, parseGoInt, readList, splitCsv, walkNodes } from './config-node.js';
export type { ConfigNode, ConfigScalar, EntrySource, ListItem, ListSyntax, ListValue } from './config-node.js';
export { readDynamic, splitQualified } from './dynamic.js';
export type { DynamicConfig, ForwardAuthDef, HeaderEntry, MiddlewareDef, MiddlewareKind, RouterDef, ServerDef, ServiceDef } from './dynamic.js';
export { readEnvConfig, readFlags } from './flags.js';
export type { CommandPart, FlagConfig } from './flags.js';
export { parseTraefikFile, traefikHandler } from './handler.js';
export type { TraefikFile } from './handler.js';
export { decodeLabels } from './labels.js';
export type { LabelDecode } from './labels.js';
export { evaluateRule, matcherNames, parseRule, queryPairs, ruleLiterals, rulePriority } from './rule.js';
export type { MatcherName, Probe, RuleArgument, RuleLiterals, RuleNode, RuleParse, Truth } from './rule.js';
export { looksDynamic, looksStatic, readStatic } from './static.js';
export type { EntryPointDef, ProviderDef, StaticConfig } from './static.js';
export { parseTomlArray, parseTraefikToml } from './toml.js';
export { parseTraefikYaml } from './yaml.js';
