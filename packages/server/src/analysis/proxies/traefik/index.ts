/** Traefik: the adapter that adds routes, and the linked model the Traefik rules read. */
export { traefikAdapter, traefikModels } from './adapter.js';
export { lowerRoute, lowerRoutes, worstView } from './lower.js';
export { buildTraefikModel, buildTraefikModels, isTraefikService, providerVisible } from './build.js';
export type { ReadText, Scope } from './build.js';
export { analyseHeader, expandChain, forwardAuthCovers, goRegexpMatches, headerEntryFor, isAuthStep, middlewareRefs, qualify } from './chain.js';
export type { ChainExpansion, ChainLookup } from './chain.js';
export type { ChainStep, HeaderAnalysis, MiddlewareRef, NavidromeRoute, Origin, Reach, ReachTable, RouterView, StaticSource, TraefikMiddleware, TraefikModel, TraefikRouter, TraefikService } from './model.js';
export { buildReachTable, describePaths, reachOf, winners } from './reach.js';
export { findComposeService, instanceFor, resolveEndpoints, resolveUrl } from './targets.js';
export type { Endpoint } from './targets.js';
