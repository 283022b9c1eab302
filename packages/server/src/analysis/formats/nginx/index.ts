export type { Arg, Directive, NginxConfig, NginxErrorCode, NginxParseError, VariableRef } from './ast.js';
export { guessConfigRoot, includeCandidates, isGlob, type IncludeIo } from './include.js';
export { defaultNginxLimits, parseNginx, type NginxLimits, type NginxParseOptions, type NginxParseResult } from './parser.js';
export { argValue, argValues, contextName, findDirective, findDirectives, includeChain, walkDirectives, type DirectiveVisit } from './query.js';
