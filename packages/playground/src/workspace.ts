/**
The playground's deployment: the tabs as files under one folder, and the engine's `WorkspaceView` over them. Nothing
here touches the network or a filesystem; a compose `env_file`, a Caddy `import` or an nginx `include` reads another tab.
*/
import { detectFileKind, resolvePath, type FileKind, type WorkspaceView } from '../../server/src/analysis/files.js';
import { compileGlob } from '../../server/src/analysis/glob.js';

/** The folder the tabs live in; findings name `/deployment/<tab name>`. */
export const root = '/deployment';

/** One tab. `kind` is the user's pick when the name says nothing (`undefined`: read only when another file includes it). */
export type PlaygroundFile = { name: string; text: string; kind?: FileKind };

export const fileKinds: ReadonlyArray<{ kind: FileKind; label: string }> = [
	{ kind: 'compose', label: 'Compose file' },
	{ kind: 'dotenv', label: '.env file' },
	{ kind: 'navidrome-toml', label: 'navidrome.toml' },
	{ kind: 'caddyfile', label: 'Caddyfile' },
	{ kind: 'nginx', label: 'nginx config' },
	{ kind: 'traefik', label: 'Traefik config' },
];

/** The absolute path of a tab: its name, `/`-separated, under `root` (`..` cannot leave it). */
export function pathOf(name: string): string {
	return resolvePath(root, resolvePath('/', name).slice(1));
}

/** The kind the engine gives a tab: what its name says, else the user's pick. */
export function kindOf(file: PlaygroundFile): FileKind | undefined {
	return detectFileKind(pathOf(file.name)) ?? file.kind;
}

/** A read-only view of the tabs for `Analyzer.analyze`. */
export function workspaceOf(files: readonly PlaygroundFile[]): WorkspaceView {
	const texts = new Map(files.map((file) => [pathOf(file.name), file.text]));
	return {
		readFile: (path) => texts.get(path),
		listFiles: (glob) => {
			const matcher = compileGlob(glob);
			return matcher ? [...texts.keys()].filter((path) => matcher.test(path)).sort() : [];
		},
	};
}

/** The engine's input files: every tab with a kind (by name or picked). */
export function analysisFiles(files: readonly PlaygroundFile[]): Array<{ path: string; text: string; kind: FileKind }> {
	const out: Array<{ path: string; text: string; kind: FileKind }> = [];
	for (const file of files) {
		const kind = kindOf(file);
		if (kind) out.push({ path: pathOf(file.name), text: file.text, kind });
	}
	return out;
}
