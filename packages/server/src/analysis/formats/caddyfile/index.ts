/** Caddyfile lexer, parser and tree helpers (proxies.md §2.4). */
export type * from './ast.js';
export { parseCaddyfile } from './parser.js';
export { isCaddySpace, isOnNewLine, lexCaddyfile, type LexOptions, type LexResult } from './lexer.js';
export { expandEnv, type EnvExpansion } from './env.js';
export { directiveMatcher, interpretMatcherDefinition, type MatcherReference } from './matchers.js';
export { findDirectives, iterateBlock, iterateDirectives, matcherDefinitionsIn, walkDirectives, type DirectiveVisit, type WalkOptions } from './walk.js';
