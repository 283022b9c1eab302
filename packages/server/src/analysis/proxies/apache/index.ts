export { describeServer, loadedModules, sectionHead, serversOf, type Item, type Section, type SectionKind, type Server } from './config.js';
export { authFacts, environment, headerOps, simulate, valueSource, type AuthFacts, type AuthKind, type EvalContext, type HeaderOp, type HeaderState, type Source } from './headers.js';
export { lowerRoute, userValue, type LowerContext } from './lower.js';
export { apacheAdapter, apacheModel, buildApacheModel, isApacheImage, typicalPaths, type ApacheModel, type ApacheRoute, type ApacheRouteFacts } from './model.js';
export { applied, chooseProxy, decidingSection, locationCovers, regexMatches, type Applied, type ProxyChoice } from './select.js';
export { parseUrl, resolveTarget, scopeOf, type Scope, type Target } from './targets.js';
