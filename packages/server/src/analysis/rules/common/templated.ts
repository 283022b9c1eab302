import { findTemplates, type TemplateKind } from '../../formats/template.js';
import type { FileKind } from '../../files.js';
import type { Rule } from '../rule.js';

const forms: Record<TemplateKind, string> = {
	expression: '`{{ … }}`',
	control: '`{% … %}`/`{{ if … }}`',
	comment: '`{# … #}`/`{{/* … */}}`',
	placeholder: '`__NAME__`',
};

const kinds: readonly FileKind[] = ['nginx', 'caddyfile', 'compose', 'traefik', 'navidrome-toml', 'dotenv'];

export const templated: Rule = {
	id: 'syntax/templated',
	category: 'syntax',
	severity: 'information',
	summary: 'A config file holds template markup (Go template, Jinja, `__NAME__`); it is read as opaque values, once noted per file.',
	docs: `Config files rendered by Ansible, Helm, gomplate, confd or a shell script hold template markup: Go-template and
Jinja \`{{ value }}\`, \`{% if … %}\`/\`{{ if … }}\` blocks, \`{# comments #}\` and \`__NAME__\` placeholders. The analysis
reads such markup as an opaque value: a line of markup alone reads as blank, so the structure around it is still
checked, and markup inside a value is never a syntax error. Nothing is concluded from what a template renders to:
\`proxy_pass http://{{ upstream }}\` is an unknown upstream, not a link to any service. Both branches of an
\`{% if %}\` are read as if they both applied, and a loop's body once.

This note says, once per file, that the findings for it rest only on the parts written out plainly. To check what is
really deployed, run the check on the rendered files as well (for example the output of
[\`ansible.builtin.template\`](https://docs.ansible.com/ansible/latest/collections/ansible/builtin/template_module.html)
or \`helm template\`). Caddy's own placeholders (\`{http.request.header.X}\`, \`{$ENV}\`, \`{env.X}\`), nginx's \`$var\`
and Compose's \`\${VAR}\` are not templates and keep their meaning. The markup follows
[Go's text/template](https://pkg.go.dev/text/template) and [Jinja](https://jinja.palletsprojects.com/en/stable/templates/).`,
	inputs: kinds,
	check({ deployment, report }) {
		for (const file of deployment.files.values()) {
			if (!kinds.includes(file.kind) || !/\{[{%#]|__[A-Z]/.test(file.text)) continue;
			const spans = findTemplates(file.text);
			const first = spans[0];
			if (!first) continue;
			const found = (Object.keys(forms) as TemplateKind[]).filter((kind) => spans.some((span) => span.kind === kind)).map((kind) => forms[kind]).join(', ');
			const count = spans.length === 1 ? 'One template value' : `${spans.length} template values`;
			report({
				location: { file: file.path, span: { start: first.start, end: first.end } },
				message: `Templated file: ${count} (${found}) read as opaque; findings here rest only on what is written out plainly. Check the rendered file too.`,
			});
		}
	},
};
