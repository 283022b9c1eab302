export { evaluateCondition, evaluateTest, type RequestFacts, type Tri } from './conditions.js';
export { insertFirstRule, lineText, mappingLine } from './explain.js';
export { buildHaproxyModel, haproxyAdapter, haproxyModel, typicalPaths, type HaproxyModel, type HaproxyRoute } from './model.js';
export { buildProgram, type HaproxyProgram, type HaproxyProxy } from './program.js';
export { formatParts, sanitizeHeader, simulate, type HeaderValue, type RunResult, type Scenario } from './simulate.js';
export { authServiceOf, resolveServer, scopeFor, type HaproxyScope, type ServerTarget } from './targets.js';
