/** The kinds of file the engine reads (the engine's `FileKind`; a test keeps the two equal). */
export const fileKinds = ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', 'nginx', 'traefik', 'apache', 'haproxy', 'systemd', 'shell'] as const;
export type FileKind = (typeof fileKinds)[number];

/**
Language ids that tell an open document's kind when its name does not: VS Code's own (`dockercompose`, `shellscript`)
and those of the common extensions for Caddy, nginx, Apache httpd, HAProxy, systemd and dotenv (and this extension's
`caddyfile`, `nginx`, `apacheconf`, `haproxy`). A name the engine recognises wins over the language id: editors give
ids by file associations that overlap (`sites-enabled/*` is nginx to one extension and Apache to Debian).
*/
export const languageIdKinds = {
	dockercompose: 'compose',
	caddyfile: 'caddyfile',
	nginx: 'nginx',
	apacheconf: 'apache',
	haproxy: 'haproxy',
	systemd: 'systemd',
	'systemd-unit-file': 'systemd',
	shellscript: 'shell',
	dotenv: 'dotenv',
} as const satisfies Record<string, FileKind>;

/**
Language ids shared by several kinds and by files of no kind of ours (`yaml`: compose or Traefik; `toml`: Traefik or
navidrome.toml; `properties`, VS Code's id for `.conf` and `.env`: nginx, Apache, dotenv…). A document of one of them
is read when its name or its content (a bounded prefix) tells the kind, and left alone when neither does.
*/
export const sniffedLanguageIds = ['yaml', 'json', 'toml', 'ini', 'properties'] as const;
