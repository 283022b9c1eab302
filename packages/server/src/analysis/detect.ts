/**
What a file is, by its name and, when the name does not tell, by the first bytes of its content. Pure: the CLI reads
the prefix through its read boundary and passes it in. Sniffing is cheap line-anchored regexes on at most
`sniffBytes` characters (no parse), and only for names that may hold configuration (`maySniff`); a file whose content
says nothing stays unread, silently, unless it mentions Navidrome's settings, when it is listed as skipped.
*/
import { detectFileKind, type FileKind } from './files.js';

/** The file kinds the engine reads, in the words of `--kind`. */
export const fileKinds: readonly FileKind[] = ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', 'nginx', 'traefik', 'apache', 'haproxy', 'systemd', 'shell'];

/** How many characters of a file are enough to tell its kind. */
export const sniffBytes = 16 * 1024;

/**
A file that may hold configuration but is not read, and why:
- `not-read`: recognised as a kind this tool does not read;
- `unrecognised`: it mentions Navidrome's settings or port, but its kind could not be told.
*/
export type SkippedFile = { path: string; reason: 'not-read' | 'unrecognised'; what: string };

/** How a file's kind was decided: its name, its content, `--kind`, or (for a file named on the command line) its extension. */
export type DetectedBy = 'name' | 'content' | 'option' | 'extension';

export type Detection = { kind: FileKind; by: DetectedBy } | { kind?: undefined; skipped: Omit<SkippedFile, 'path'> };

/** Extensions worth sniffing (after a `.template`/`.tmpl` suffix is set aside). */
const sniffedExtensions = new Set(['conf', 'cfg', 'ini', 'yml', 'yaml', 'json', 'toml', 'service', 'template', 'tmpl']);
/** Names of files that are never configuration of ours, whatever they contain. */
const neverSniffed = /^(package(-lock)?\.json|tsconfig[\w.-]*\.json|jsconfig\.json|composer\.json|renovate\.json|\.?eslintrc[\w.-]*|\.prettierrc[\w.-]*|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.pre-commit-[\w.-]+\.ya?ml|mkdocs\.ya?ml|\.?codecov\.ya?ml|\.?mergify\.ya?ml|dependabot\.ya?ml)$/;

/**
Whether discovery should read a prefix of `path` to tell its kind: its name says nothing, and its extension (or, with
none, a Caddy-like name) may hold configuration. Dot-files other than `.env*` and CI workflow folders are left alone.
*/
export function maySniff(path: string): boolean {
	if (detectFileKind(path) !== undefined) return false;
	const slash = path.lastIndexOf('/');
	const lower = path.slice(slash + 1).toLowerCase();
	if (neverSniffed.test(lower) || /(^|\/)\.github\/workflows\//i.test(path)) return false;
	const dot = lower.lastIndexOf('.');
	if (dot < 0) return lower.includes('caddy') || lower.includes('navidrome');
	if (dot === 0) return false;
	return sniffedExtensions.has(lower.slice(dot + 1));
}

// Content signals, tried by the family of the file's extension. Each wants two independent hints, so prose that names
// a directive once is not taken for a config. No pattern has nested quantifiers over one character class.
const composeYaml = { top: /^services:[ \t]*(#.*)?$/m, service: /^[ \t]+(image|build):[ \t]*\S/m };
const composeJson = { top: /"services"\s*:\s*\{/, service: /"(image|build)"\s*:/ };
const traefikYaml = { top: /^(http|tcp|udp):[ \t]*(#.*)?$/m, section: /^[ \t]+(routers|middlewares|services|serversTransports):[ \t]*(#.*)?$/m };
const traefikStatic = /^entryPoints:[ \t]*(#.*)?$/m;
const traefikToml = /^[ \t]*\[(http|tcp|udp)\.(routers|middlewares|services)[\].]|^[ \t]*\[entryPoints[\].]/m;
const nginxBlock = /^[ \t]*(server|http|upstream[ \t]+[\w.-]+)[ \t]*\{|^[ \t]*location[ \t]+[^{;\n]*\{/m;
const nginxDirective = /^[ \t]*(proxy_pass|listen|server_name|proxy_set_header|auth_request|include|return|root|ssl_certificate|fastcgi_pass)[ \t]+[^;{}\n]*;/m;
const caddyDirective = /^[ \t]*(reverse_proxy|forward_auth|file_server|encode|tls|header_up|handle_path|handle|route|basic_?auth|respond|redir|php_fastcgi|import)([ \t][^;\n]*)?$/m;
/** A site block's opening line: addresses separated by spaces or commas, then `{` (or the global options block). */
const caddySite = /^[ \t]*[^\s{};#,]+(?:(?:[ \t]*,[ \t]*|[ \t]+)[^\s{};#,]+)*[ \t]*\{[ \t]*$/m;
const navidromeToml = /^[ \t]*\[ExtAuth\]|^[ \t]*(ExtAuth\.\w+|ReverseProxy(Whitelist|UserHeader)|MusicFolder|DataFolder|CacheFolder|ScanSchedule|ScanInterval|PasswordEncryptionKey|EnableTranscodingConfig|DefaultTheme|BaseUrl|LogLevel|SessionTimeout)[ \t]*=/im;
const ndLine = /^[ \t]*(export[ \t]+)?ND_[A-Z0-9_]+[ \t]*=/m;
const yamlKey = /^[ \t]*[\w.-]+[ \t]*:[ \t]/m;
const systemdService = { section: /^\[Service\][ \t]*$/m, environment: /^[ \t]*(Environment(File)?[ \t]*=|ExecStart[ \t]*=[^\n]*navidrome)/m };
/** A script's `#!` line naming a shell, and a variable it exports to Navidrome. */
const shellScript = { shebang: /^#![ \t]*\S*\b(env[ \t]+)?(ba|da|k|z|a)?sh\b/, exports: /^[ \t]*export[ \t]+ND_[A-Z0-9_]+=/m };
const apache = /^[ \t]*<VirtualHost\b|^[ \t]*ProxyPass(Reverse|Match)?[ \t]+\S|^[ \t]*RequestHeader[ \t]+(set|unset|append|add|merge|edit\*?|setifempty)[ \t]/im;
const haproxy = { section: /^(frontend|backend|listen)[ \t]+\S+/m, directive: /^[ \t]+(bind|server|default_backend|use_backend)[ \t]/m };
/** Navidrome's settings or port: what makes an unrecognised file worth listing as skipped. */
const mentionsNavidrome = /\bND_[A-Z][A-Z0-9_]*[ \t]*[=:]|\bExtAuth\b|ReverseProxy(Whitelist|UserHeader)|:4533\b/;

/** The extension that tells a file's family, after a `.template`/`.tmpl` suffix is set aside (`''` for none). */
function extensionOf(path: string): string {
	const lower = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
	const inner = lower.replace(/\.(template|tmpl)$/, '');
	const dot = inner.lastIndexOf('.');
	if (dot > 0) return inner.slice(dot + 1);
	return inner === lower ? '' : 'template';
}

/**
The kind `prefix` (the first `sniffBytes` characters of `path`) says, a skip when it is configuration this tool does
not read (or mentions Navidrome's settings without saying what it is), or `undefined` when it says nothing. Binary
text says nothing. Only the signals of the extension's family are tried, unless `anyFamily` (a file named on the
command line, whose extension may say nothing: `site.txt`).
*/
export function sniffFileKind(path: string, prefix: string, anyFamily = false): Detection | undefined {
	const text = prefix.length > sniffBytes ? prefix.slice(0, sniffBytes) : prefix;
	if (text.includes('\u0000')) return undefined;
	const extension = extensionOf(path);
	const any = anyFamily || extension === 'template' || extension === '';
	const content = (kind: FileKind): Detection => ({ kind, by: 'content' });
	if (any || extension === 'yml' || extension === 'yaml' || extension === 'json') {
		if (composeYaml.top.test(text) && composeYaml.service.test(text)) return content('compose');
		if (text.trimStart().startsWith('{') && composeJson.top.test(text) && composeJson.service.test(text)) return content('compose');
		if (traefikYaml.top.test(text) && traefikYaml.section.test(text)) return content('traefik');
		if (traefikStatic.test(text) && /^providers:/m.test(text)) return content('traefik');
	}
	if (any || extension === 'toml') {
		if (traefikToml.test(text)) return content('traefik');
		if (navidromeToml.test(text)) return content('navidrome-toml');
	}
	if (any && shellScript.shebang.test(text) && shellScript.exports.test(text)) return content('shell');
	if (any || extension === 'service' || extension === 'conf') {
		if (systemdService.section.test(text)) return systemdService.environment.test(text) ? content('systemd') : undefined;
	}
	if (any || extension === 'conf' || extension === 'cfg' || extension === 'ini') {
		if (nginxBlock.test(text) && nginxDirective.test(text)) return content('nginx');
		if (caddyDirective.test(text) && caddySite.test(text) && !nginxDirective.test(text)) return content('caddyfile');
		if (ndLine.test(text) && !yamlKey.test(text)) return content('dotenv');
		if (apache.test(text)) return content('apache');
		if (haproxy.section.test(text) && haproxy.directive.test(text)) return content('haproxy');
	}
	if (mentionsNavidrome.test(text)) return { skipped: { reason: 'unrecognised', what: 'it mentions Navidrome settings, but its kind was not recognised (name it with --kind PATH=KIND)' } };
	return undefined;
}

/**
The best guess for a file named on the command line, whose text is read whatever its name: its name, then its
content, then its extension (`.conf` nginx, `.yml`/`.yaml`/`.json` compose, `.toml` navidrome.toml).
`undefined` only when none of them tells.
*/
export function guessFileKind(path: string, text: string): Detection | undefined {
	const named = detectFileKind(path);
	if (named) return { kind: named, by: 'name' };
	const sniffed = sniffFileKind(path, text.slice(0, sniffBytes), true);
	if (sniffed?.kind) return sniffed;
	const byExtension: Record<string, FileKind> = { conf: 'nginx', yml: 'compose', yaml: 'compose', json: 'compose', toml: 'navidrome-toml' };
	const kind = byExtension[extensionOf(path)];
	return kind ? { kind, by: 'extension' } : sniffed;
}

/** A `--kind` value as a file kind, or `undefined` when it names none. */
export function parseFileKind(text: string): FileKind | undefined {
	return fileKinds.find((kind) => kind === text.trim().toLowerCase());
}
