/** Every rule the engine runs, in documentation order. */
import { composeVariable } from './common/compose-variable.js';
import { parseError } from './common/parse-error.js';
import { addressMissingUnix } from './navidrome/address-missing-unix.js';
import { ipEntriesWithSocket } from './navidrome/ip-entries-with-socket.js';
import { legacyAndNewSet } from './navidrome/legacy-and-new-set.js';
import { legacyName } from './navidrome/legacy-name.js';
import { logoutUrlNotAbsolute } from './navidrome/logout-url-not-absolute.js';
import { optionUnknownToVersion } from './navidrome/option-unknown-to-version.js';
import { proxyIpUnpinned } from './navidrome/proxy-ip-unpinned.js';
import { publishedPort } from './navidrome/published-port.js';
import { settingWrongType } from './navidrome/setting-wrong-type.js';
import { trustAll } from './navidrome/trust-all.js';
import { trustBroad } from './navidrome/trust-broad.js';
import { trustPublic } from './navidrome/trust-public.js';
import { trustedSourceIgnored } from './navidrome/trusted-source-ignored.js';
import { unixSocketEntry } from './navidrome/unix-socket-entry.js';
import { userHeaderCloudflare } from './navidrome/user-header-cloudflare.js';
import { userHeaderInvalid } from './navidrome/user-header-invalid.js';
import { userHeaderUnderscore } from './navidrome/user-header-underscore.js';
import { userHeaderWeak } from './navidrome/user-header-weak.js';
import type { Rule } from './rule.js';

export const rules: readonly Rule[] = [
	trustAll,
	trustPublic,
	trustBroad,
	trustedSourceIgnored,
	unixSocketEntry,
	ipEntriesWithSocket,
	addressMissingUnix,
	optionUnknownToVersion,
	legacyAndNewSet,
	legacyName,
	publishedPort,
	proxyIpUnpinned,
	userHeaderInvalid,
	userHeaderUnderscore,
	userHeaderWeak,
	userHeaderCloudflare,
	logoutUrlNotAbsolute,
	settingWrongType,
	composeVariable,
	parseError,
];

export function findRule(id: string): Rule | undefined {
	return rules.find((rule) => rule.id === id);
}
