/** Every rule the engine runs, in documentation order. */
import { caddyBypassNostrip } from './caddy/bypass-nostrip.js';
import { caddyCopyhdrNameMismatch } from './caddy/copyhdr-name-mismatch.js';
import { caddyCopyhdrPlaceholder } from './caddy/copyhdr-placeholder.js';
import { caddyCopyhdrVersion } from './caddy/copyhdr-version.js';
import { caddyHeaderupStripsAuth } from './caddy/headerup-strips-auth.js';
import { caddyPassthruPlaceholder } from './caddy/passthru-placeholder.js';
import { caddyStripAfterAuth } from './caddy/strip-after-auth.js';
import { caddyStripMatcherGap } from './caddy/strip-matcher-gap.js';
import { caddySyntaxVersion } from './caddy/syntax-version.js';
import { composeVariable } from './common/compose-variable.js';
import { parseError } from './common/parse-error.js';
import { readRefused } from './io/read-refused.js';
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
import { nginxAuthvarMismatch } from './nginx/authvar-mismatch.js';
import { nginxBypassNoStrip } from './nginx/bypass-nostrip.js';
import { nginxInheritLost } from './nginx/inherit-lost.js';
import { nginxPassthruVar } from './nginx/passthru-var.js';
import { nginxRemoteUserVar } from './nginx/remote-user-var.js';
import { nginxUnderscores } from './nginx/underscores.js';
import { traefikAuthresponseMissing } from './traefik/authresponse-missing.js';
import { traefikBypassNostrip } from './traefik/bypass-nostrip.js';
import { traefikPriorityShadow } from './traefik/priority-shadow.js';
import { traefikPriority } from './traefik/priority.js';
import { traefikStripAfterAuth } from './traefik/strip-after-auth.js';
import { traefikTrustforward } from './traefik/trustforward.js';
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
	caddyBypassNostrip,
	caddyStripMatcherGap,
	caddyPassthruPlaceholder,
	caddyStripAfterAuth,
	caddyHeaderupStripsAuth,
	caddyCopyhdrVersion,
	caddyCopyhdrPlaceholder,
	caddyCopyhdrNameMismatch,
	caddySyntaxVersion,
	nginxBypassNoStrip,
	nginxInheritLost,
	nginxPassthruVar,
	nginxRemoteUserVar,
	nginxUnderscores,
	nginxAuthvarMismatch,
	traefikBypassNostrip,
	traefikAuthresponseMissing,
	traefikStripAfterAuth,
	traefikPriority,
	traefikPriorityShadow,
	traefikTrustforward,
	composeVariable,
	parseError,
	readRefused,
];

export function findRule(id: string): Rule | undefined {
	return rules.find((rule) => rule.id === id);
}
