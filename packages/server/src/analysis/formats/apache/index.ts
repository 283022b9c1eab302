export type { ApacheArg, ApacheConfig, ApacheDirective, ApacheErrorCode, ApacheNode, ApacheParseError, ApacheSection } from './ast.js';
export { guessServerRoot } from './handler.js';
export { defaultApacheLimits, includeCandidates, parseApache, type ApacheLimits, type ApacheParseOptions, type ApacheParseResult } from './parser.js';
