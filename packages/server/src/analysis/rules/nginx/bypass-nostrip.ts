import type { Directive } from '../../formats/nginx/index.js';
import type { Level } from '../../proxies/nginx/index.js';
import type { Rule } from '../rule.js';
import { assumedNote, directiveText, insertIntoLevel, judgedRoutes, nginxWord, onceReporter, where } from './helpers.js';
import { locationHead } from '../../proxies/nginx/index.js';

// spec: proxies.md §3.1 ([E] N1d, N1e, N1f, N4), §3.2, §6 and §9 (NGINX-BYPASS-NOSTRIP)
export const nginxBypassNoStrip: Rule = {
	id: 'nginx/bypass-nostrip',
	category: 'impersonation',
	severity: 'error',
	summary: 'A location proxies to Navidrome and forwards the client\'s own user header.',
	docs: `nginx forwards every client request header it does not redefine. A \`location\` that reaches Navidrome without
\`auth_request\` (none, or \`auth_request off\`) and with no \`proxy_set_header H "";\` among the \`proxy_set_header\`
lines in effect there passes a client's \`Remote-User: admin\` straight to Navidrome, which trusts the proxy's address
and logs the client in as \`admin\` (on \`/rest/\` that is the whole Subsonic API; unknown names are created, the first
one as admin). Typical bypass locations are \`/rest/\` and \`/share/\`. Client copies in other letter cases pass as
well. The same holds for a location behind \`auth_request\` that never sets H: any signed-in user can claim to be
anyone.

Not reported when headers-more's \`more_clear_input_headers H;\` (server or http level, also wildcards) or
\`proxy_pass_request_headers off\` already removes the client's copies. A location whose strip was lost through
\`proxy_set_header\` inheritance is reported by nginx/inherit-lost instead.

**Fix:** \`proxy_set_header H "";\` in every bypass location, next to its other \`proxy_set_header\` lines (the quick
fix also repeats lines the location inherited, since adding one drops the inherited ones), or
\`more_clear_input_headers H;\` at server level with the headers-more module.

See [nginx: \`auth_request\`](https://nginx.org/en/docs/http/ngx_http_auth_request_module.html) and [nginx: \`proxy_set_header\`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const once = onceReporter(report);
		const { model, routes } = judgedRoutes(deployment);
		for (const route of routes) {
			const header = route.header;
			if (!header.forgeable || header.forgeCause !== 'no-handling') continue;
			const name = route.userHeader;
			if (header.protection) {
				once({
					location: locationHead(route.location),
					message: `${where(route)} is behind ${header.protection.name} but nothing sets or clears ${name}: any signed-in client can send '${name}: admin' and be logged in as admin. Map the auth answer with auth_request_set and proxy_set_header ${name}.${assumedNote(route)}`,
				});
				continue;
			}
			const gate = header.disabledBy ? `with ${header.disabledBy.name} off` : 'without auth_request';
			const lines = [`proxy_set_header ${nginxWord(name)} "";`, ...inheritedLines(route.level, header.headerLines)];
			const edit = insertIntoLevel(route.level, lines, model.readText);
			once({
				location: locationHead(route.location),
				message: `${where(route)} proxies to Navidrome ${gate} and forwards the client's own ${name}: anyone can send '${name}: admin' and be logged in as admin. Add proxy_set_header ${name} "";${assumedNote(route)}`,
				fixes: edit ? [{ title: `Clear ${name} in ${where(route)}`, edits: [edit], isPreferred: true }] : [],
			});
		}
	},
};

/**
Lines the location inherits today: adding one `proxy_set_header` drops them, so the fix repeats them (an `include`
that brought them is repeated as the `include`).
*/
function inheritedLines(level: Level, lines: { level: Level; directives: Directive[] } | undefined): string[] {
	if (!lines || lines.level === level) return [];
	const file = lines.level.block?.file ?? lines.level.root;
	const texts: string[] = [];
	for (const directive of lines.directives) {
		let anchor: Directive = directive;
		for (let hops = 0; anchor.file !== file && anchor.via && hops < 64; hops++) anchor = anchor.via;
		const text = directiveText(anchor);
		if (!texts.includes(text)) texts.push(text);
	}
	return texts;
}
