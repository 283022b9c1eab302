import type { Rule } from '../rule.js';

export const parseError: Rule = {
	id: 'syntax/parse-error',
	category: 'syntax',
	severity: 'error',
	summary: 'A file that cannot be parsed; the rest of the deployment is still analysed.',
	docs: `Reports syntax errors in compose files, \`.env\`, navidrome.toml, Caddyfiles, nginx and Traefik configs, at the
position the parser stopped. Everything that could be read is still analysed, so other findings stay accurate.
(The language server does not repeat YAML syntax errors on compose files: the YAML extension reports those.)`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', 'nginx', 'traefik'],
	check({ deployment, report }) {
		for (const file of deployment.files.values()) {
			for (const error of file.errors) if (!error.refused) report({ location: { file: error.file ?? file.path, span: error.span }, message: error.message });
		}
	},
};
