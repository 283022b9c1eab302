/** Every rule the engine runs, in documentation order. */
import { caddySyntaxVersion } from './caddy/syntax-version.js';
import { composeVariable } from './common/compose-variable.js';
import { parseError } from './common/parse-error.js';
import { templated } from './common/templated.js';
import { readRefused } from './io/read-refused.js';
import { routeBypassNostrip } from './route/bypass-nostrip.js';
import { routeStripGap } from './route/strip-gap.js';
import { routeClientInput } from './route/client-input.js';
import { routeInheritLost } from './route/inherit-lost.js';
import { routeLiteralUser } from './route/literal-user.js';
import { routePlaceholder } from './route/placeholder.js';
import { routeAuthNoUser } from './route/auth-no-user.js';
import { routeStripAfterAuth } from './route/strip-after-auth.js';
import { routeNeverMapped } from './route/never-mapped.js';
import { routeWrongName } from './route/wrong-name.js';
import { routeRenamed } from './route/renamed.js';
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
import { trustUnusable } from './navidrome/trust-unusable.js';
import { unixSocketEntry } from './navidrome/unix-socket-entry.js';
import { userHeaderCloudflare } from './navidrome/user-header-cloudflare.js';
import { userHeaderInvalid } from './navidrome/user-header-invalid.js';
import { userHeaderUnderscore } from './navidrome/user-header-underscore.js';
import { userHeaderWeak } from './navidrome/user-header-weak.js';
import { nginxUnderscores } from './nginx/underscores.js';
import { traefikPriorityShadow } from './traefik/priority-shadow.js';
import { traefikPriority } from './traefik/priority.js';
import { traefikTrustforward } from './traefik/trustforward.js';
import type { Rule } from './rule.js';

export const rules: readonly Rule[] = [
	trustAll,
	trustPublic,
	trustBroad,
	trustedSourceIgnored,
	trustUnusable,
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
	routeBypassNostrip,
	routeStripGap,
	routeClientInput,
	routeInheritLost,
	routePlaceholder,
	routeAuthNoUser,
	routeLiteralUser,
	routeStripAfterAuth,
	routeNeverMapped,
	routeWrongName,
	routeRenamed,
	caddySyntaxVersion,
	nginxUnderscores,
	traefikPriority,
	traefikPriorityShadow,
	traefikTrustforward,
	composeVariable,
	parseError,
	templated,
	readRefused,
];

/** A rule by its id or by one of its former ids. */
export function findRule(id: string): Rule | undefined {
	return rules.find((rule) => rule.id === id) ?? rules.find((rule) => rule.aliases?.includes(id));
}
