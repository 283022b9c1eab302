/**
Which documents the language server checks, per file kind of the engine (`packages/server/src/analysis/files.ts`).
Pure data: the client builds its document selector from it, and test/manifest.test.ts checks the
manifest's activation events and language contributions against it.
*/
import { languageIdKinds, sniffedLanguageIds, type FileKind } from '@navidrome-extauth/server/shared';

export type { FileKind };

/** A VS Code document filter, as plain data. */
export type DocumentFilter = { scheme: string; language?: string; pattern?: string };

/** Glob patterns (VS Code syntax) of the files of each kind, whatever language id an editor gives them. */
export const filePatterns: Readonly<Record<FileKind, readonly string[]>> = {
	compose: ['**/compose*.y*ml', '**/docker-compose*.y*ml', '**/compose*.json', '**/docker-compose*.json'],
	dotenv: ['**/.env', '**/*.env', '**/.env.*'],
	'navidrome-toml': ['**/navidrome*.toml'],
	caddyfile: ['**/Caddyfile*', '**/*.caddyfile', '**/*.caddy'],
	nginx: ['**/nginx.conf', '**/sites-*/*', '**/conf.d/*.conf', '**/nginx/*.conf', '**/*.subdomain.conf', '**/*.subfolder.conf', '**/proxy_host/*.conf'],
	traefik: ['**/traefik*.y*ml', '**/traefik*.toml', '**/dynamic/*.y*ml', '**/dynamic/*.toml'],
	apache: ['**/httpd.conf', '**/apache2.conf', '**/apache2/**/*.conf', '**/httpd/**/*.conf'],
	haproxy: ['**/haproxy.cfg', '**/haproxy/*.cfg'],
	systemd: ['**/*.service', '**/*.service.d/*.conf'],
	shell: ['**/*.sh'],
};

/**
Language ids that mark a file of a kind on their own (the server's table, shared/files.ts `languageIdKinds`). VS Code
1.100 calls `compose.yaml` `dockercompose`, older versions and some extensions call it `yaml`; `caddyfile`, `nginx`,
`apacheconf` and `haproxy` are contributed by this extension when no other one does.
*/
export const languageIds: Readonly<Partial<Record<FileKind, readonly string[]>>> = (() => {
	const byKind: Partial<Record<FileKind, string[]>> = {};
	for (const [id, kind] of Object.entries(languageIdKinds) as Array<[string, FileKind]>) (byKind[kind] ??= []).push(id);
	return byKind;
})();

/**
Language ids of several kinds and of files of none (`yaml`, `toml`, `properties`…): their documents are sent too, and the
server reads those whose name or content tells a kind. They activate nothing: most such files are not deployments.
*/
export const sniffedLanguages: readonly string[] = sniffedLanguageIds;

/** Languages whose files are only checked when their name matches (`yaml` is every YAML file). */
const patternLanguages: Readonly<Partial<Record<FileKind, readonly string[]>>> = {
	compose: ['dockercompose', 'yaml'],
};

/** Kinds whose files alone make no deployment (every repository has shell scripts): checked, but never activating. */
const quietKinds: ReadonlySet<FileKind> = new Set(['shell']);

const schemes = ['file', 'untitled'] as const;

/** The client's document selector: every language id and every pattern, on saved and untitled documents. */
export function documentSelector(): DocumentFilter[] {
	const selector: DocumentFilter[] = [];
	const seen = new Set<string>();
	const add = (filter: DocumentFilter) => {
		const key = JSON.stringify(filter);
		if (!seen.has(key)) {
			seen.add(key);
			selector.push(filter);
		}
	};
	for (const kind of Object.keys(filePatterns) as FileKind[]) {
		for (const language of languageIds[kind] ?? []) {
			for (const scheme of schemes) add({ scheme, language });
		}
		for (const pattern of filePatterns[kind]) {
			for (const language of patternLanguages[kind] ?? []) add({ scheme: 'file', language, pattern });
			add({ scheme: 'file', pattern });
		}
	}
	for (const language of sniffedLanguages) add({ scheme: 'file', language });
	return selector;
}

/** Activation events that must be in the manifest: one per language id and one `workspaceContains` per pattern (but for quiet kinds). */
export function requiredActivationEvents(): string[] {
	const events = new Set<string>();
	for (const kind of Object.keys(filePatterns) as FileKind[]) {
		if (quietKinds.has(kind)) continue;
		for (const language of languageIds[kind] ?? []) events.add(`onLanguage:${language}`);
		for (const pattern of filePatterns[kind]) events.add(`workspaceContains:${pattern}`);
	}
	return [...events];
}
