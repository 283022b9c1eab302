export { capturedHeader, identifyAuthService, sendsHeader, type AuthService, type AuthServiceKind } from '../../model/auth-services.js';
export { argLocation, at, directiveText, insertIntoLevel, locationHead, nginxWord, where } from './edits.js';
export { analyseUserHeader, clearPatternCovers, headerVariable, underscoreDirectives, type ForgeCause, type LossCause, type UserHeaderAnalysis } from './header.js';
export { chain, describeLevel, descendants, effectiveArray, effectiveValue, httpOf, serverOf, type Level, type LevelKind } from './levels.js';
export { locationArgs, selectLocation, type LocationMatch } from './locations.js';
export { lowerRoute, typicalPaths, witnessesOf, type LowerContext, type NginxRouteFacts } from './lower.js';
export { buildNginxModel, nginxAdapter, nginxModel, type NginxModel, type NginxRoute } from './model.js';
export { parseProxyUrl, resolveProxyPass, substituteVariables, type ProxyTarget, type TargetScope } from './targets.js';
