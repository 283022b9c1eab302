/**
Shell-style globs (`*`, `?`, `[…]`, `[!…]`) as Caddy `import` and nginx `include` use them: wildcards never cross `/`.
One implementation for the engine, the CLI's filesystem view and the tests.
*/

/** A regular expression for the whole glob; `undefined` for patterns long or starry enough to backtrack badly. */
export function globToRegExp(glob: string): RegExp | undefined {
	if (glob.length > 1000 || glob.split('*').length > 6) return undefined;
	let source = '^';
	for (let i = 0; i < glob.length; i++) {
		const ch = glob[i]!;
		if (ch === '*') source += '[^/]*';
		else if (ch === '?') source += '[^/]';
		else if (ch === '[') {
			const close = glob.indexOf(']', i + 2);
			if (close === -1) source += '\\[';
			else {
				const body = glob.slice(i + 1, close).replace(/[\\\][]/g, '\\$&');
				source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
				i = close;
			}
		} else source += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
	}
	try {
		return new RegExp(`${source}$`);
	} catch {
		return undefined;
	}
}

/** Whether a path holds glob characters at all. */
export function isGlob(text: string): boolean {
	return /[*?[]/.test(text);
}
