/** The kinds of file the engine reads (the engine's `FileKind`; a test keeps the two equal). */
export const fileKinds = ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', 'nginx', 'traefik', 'apache', 'haproxy', 'systemd', 'shell'] as const;
export type FileKind = (typeof fileKinds)[number];
