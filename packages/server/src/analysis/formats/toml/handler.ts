import { scanToml } from '@navidrome-extauth/core';
import type { FormatHandler } from '../handler.js';
import { findTemplates, maskTemplates, withoutTemplateErrors } from '../template.js';

/**
navidrome.toml: the core's scanner gives syntax errors; settings are resolved per instance from the text. Template
markup is opaque (formats/template.ts): its lines read as blank, the rest is masked, and a value TOML cannot read
because it holds markup (`Port = {{ port }}`) is no syntax error.
*/
export const navidromeTomlHandler: FormatHandler<{ text: string }> = {
	kind: 'navidrome-toml',
	parse(file) {
		const templates = findTemplates(file.text);
		const scan = scanToml(maskTemplates(file.text, templates, 'fill'));
		const errors = scan.errors.map((error) => ({ message: error.message, span: { start: error.start, end: error.end } }));
		return { data: { text: file.text }, errors: withoutTemplateErrors(errors, templates), dependencies: [] };
	},
};
