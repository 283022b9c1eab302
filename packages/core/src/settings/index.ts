/** Settings: the catalog, the TOML scanner and effective-settings resolution (re-exported by the package index). */
export { settingsCatalog, findSetting, settingDoc, settingDefault } from './catalog.js';
export { resolveSettings, newestNavidromeRelease } from './resolve.js';
export { scanToml } from './toml.js';
export type { TomlEntry, TomlError, TomlErrorCode, TomlKeySegment, TomlScan, TomlStringStyle, TomlTableHeader, TomlValueKind } from './toml.js';
export { checkHttpUrl, parseGoUrl } from './url.js';
export type { GoUrl, GoUrlResult, HttpUrlProblem } from './url.js';
