import type { Related } from '../../findings.js';
import { describeLevel, locationHead } from '../../proxies/nginx/index.js';
import type { Rule } from '../rule.js';
import { assumedNote, directiveText, insertIntoLevel, judgedRoutes, onceReporter, where } from './helpers.js';

// spec: proxies.md §3.1 ([E] N2b vs N2c, N4), the inheritance facts below the table, and §9 (NGINX-INHERIT-LOST)
export const nginxInheritLost: Rule = {
	id: 'nginx/inherit-lost',
	category: 'impersonation',
	severity: 'error',
	summary: 'An outer `proxy_set_header` for the user header is silently not inherited by a location that has its own lines.',
	docs: `nginx inherits \`proxy_set_header\` lines from the enclosing level (http → server → location → nested location)
**only if the level has none of its own**. One unrelated line such as \`proxy_set_header X-Real-IP $remote_addr;\`
(written there or brought in by an \`include\`d snippet) drops every inherited one, including the server's
\`proxy_set_header Remote-User $user;\` mapping or \`proxy_set_header Remote-User "";\` strip. The client's own
\`Remote-User\` then reaches Navidrome: on a bypass location anyone can log in as anyone; behind \`auth_request\` any
signed-in user can become another. The finding's related information points at the outer line that was lost.

**Fix:** repeat \`proxy_set_header H …;\` in the level that has its own lines (the quick fix does), or remove the
header once with headers-more \`more_clear_input_headers H;\` at server level, which is not subject to this
inheritance.

See [nginx: \`proxy_set_header\`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'nginx'],
	check({ deployment, report }) {
		const once = onceReporter(report);
		const { model, routes } = judgedRoutes(deployment);
		for (const route of routes) {
			const header = route.header;
			const lost = header.lost;
			if (!header.forgeable || header.forgeCause !== 'inherit-lost' || !lost) continue;
			const name = route.userHeader;
			const dropping = lost.droppedAt === route.level ? 'has its own proxy_set_header lines' : `takes its proxy_set_header lines from ${describeLevel(lost.droppedAt)}`;
			const consequence = header.protection ? `any signed-in client can send '${name}: admin' and become admin` : `anyone can send '${name}: admin' and be logged in as admin`;
			const related: Related[] = lost.lines.map((line) => ({ file: line.file, span: line.span, message: `Not inherited by ${where(route)}: ${directiveText(line)}` }));
			const shadow = header.headerLines?.directives[0];
			if (shadow) related.push({ file: shadow.file, span: shadow.span, message: `This proxy_set_header makes ${describeLevel(lost.droppedAt)} drop every inherited one` });
			const edit = insertIntoLevel(lost.droppedAt, lost.lines.map(directiveText), model.readText);
			once({
				location: locationHead(route.location),
				message: `${describeLevel(route.level)} ${dropping}, so nginx drops the inherited '${directiveText(lost.lines[0]!)}' of ${describeLevel(lost.from)}: the client's own ${name} reaches Navidrome, and ${consequence}. Repeat the line here.${assumedNote(route)}`,
				related,
				fixes: edit ? [{ title: `Repeat the ${name} line in ${describeLevel(lost.droppedAt)}`, edits: [edit], isPreferred: true }] : [],
			});
		}
	},
};
