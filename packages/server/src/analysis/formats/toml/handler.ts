import { scanToml } from '@navidrome-extauth/core';
import type { FormatHandler } from '../handler.js';

/** navidrome.toml: the core's scanner gives syntax errors; settings are resolved per instance from the text. */
export const navidromeTomlHandler: FormatHandler<{ text: string }> = {
	kind: 'navidrome-toml',
	parse(file) {
		const scan = scanToml(file.text);
		return { data: { text: file.text }, errors: scan.errors.map((error) => ({ message: error.message, span: { start: error.start, end: error.end } })), dependencies: [] };
	},
};
