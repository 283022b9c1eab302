/**
Traefik files (`traefik.yml`, `traefik.toml`, and `*.yml`/`*.toml` under a `dynamic/` or `traefik` folder): parsed as
YAML or TOML into the shared config tree; whether a file holds static configuration, file-provider (dynamic)
configuration or both is read from its top-level keys.
*/
import type { FormatHandler } from '../handler.js';
import type { SyntaxError } from '../syntax-error.js';
import type { ConfigNode } from './config-node.js';
import { looksDynamic, looksStatic } from './static.js';
import { parseTraefikToml } from './toml.js';
import { parseTraefikYaml } from './yaml.js';

export type TraefikFile = {
	path: string;
	format: 'yaml' | 'toml';
	root: ConfigNode;
	isStatic: boolean;
	isDynamic: boolean;
};

export function parseTraefikFile(path: string, text: string): { file: TraefikFile; errors: SyntaxError[] } {
	const format = /\.toml$/i.test(path) ? 'toml' : 'yaml';
	const { root, errors } = format === 'toml' ? parseTraefikToml(path, text) : parseTraefikYaml(path, text);
	return { file: { path, format, root, isStatic: looksStatic(root), isDynamic: looksDynamic(root) }, errors };
}

export const traefikHandler: FormatHandler<TraefikFile> = {
	kind: 'traefik',
	parse(source) {
		const { file, errors } = parseTraefikFile(source.path, source.text);
		return { data: file, errors, dependencies: [] };
	},
};
