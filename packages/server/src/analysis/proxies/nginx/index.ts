export { capturedHeader, identifyAuthService, sendsHeader, type AuthService, type AuthServiceKind } from './auth-services.js';
export { analyseUserHeader, clearPatternCovers, headerVariable, underscoreDirectives, type ForgeCause, type LossCause, type UserHeaderAnalysis } from './header.js';
export { chain, describeLevel, descendants, effectiveArray, effectiveValue, httpOf, serverOf, type Level, type LevelKind } from './levels.js';
export { buildNginxModel, locationHead, nginxAdapter, nginxModel, type NginxModel, type NginxRoute } from './model.js';
export { parseProxyUrl, resolveProxyPass, substituteVariables, type ProxyTarget, type TargetScope } from './targets.js';
