import type { Rule } from '../rule.js';

export const parseError: Rule = {
	id: 'syntax/parse-error',
	category: 'syntax',
	severity: 'error',
	summary: 'A file that cannot be parsed; the rest of the deployment is still analysed.',
	docs: `Reports syntax errors in compose files, \`.env\`, navidrome.toml, Caddyfiles, nginx and Traefik configs, at the
position the parser stopped. Everything that could be read is still analysed, so other findings stay accurate.
Duplicate keys in compose files are reported too: Compose refuses a mapping that repeats a key. (In VS Code with the
YAML extension active, compose YAML syntax errors are left to that extension; every other editor gets them here.)`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'caddyfile', 'nginx', 'traefik', 'apache', 'haproxy'],
	check({ deployment, report }) {
		for (const file of deployment.files.values()) {
			for (const error of file.errors) if (!error.refused) report({ location: { file: error.file ?? file.path, span: error.span }, message: error.message });
		}
	},
};
