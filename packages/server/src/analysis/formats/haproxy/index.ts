export type { HaproxyAcl, HaproxyAclTest, HaproxyCondition, HaproxyConfig, HaproxyLine, HaproxyParseError, HaproxyRule, HaproxySection, HaproxySectionKind, HaproxyServer, HaproxySwitch, HaproxyTerm, HaproxyWord } from './ast.js';
export { haproxyHandler } from './handler.js';
export { parseAclTest, parseCondition, parseHaproxy, splitWords, type HaproxyParseResult } from './parser.js';
