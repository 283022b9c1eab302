/** A VS Code style glob (`**`, `*`, `?`, `{a,b}`, `[Cc]`) as a RegExp over `/`-separated paths, for manifest tests. */
export function globToRegExp(glob: string): RegExp {
	let source = '';
	for (let index = 0; index < glob.length; index++) {
		const char = glob[index] ?? '';
		if (glob.startsWith('**/', index)) {
			source += '(?:[^/]*/)*';
			index += 2;
		} else if (glob.startsWith('**', index)) {
			source += '.*';
			index += 1;
		} else if (char === '[' && glob.indexOf(']', index) > index) {
			// A character class (`[Cc]`), as VS Code and LSP globs have it.
			const end = glob.indexOf(']', index);
			source += `[${glob.slice(index + 1, end).replace(/[\\\]^]/g, '\\$&')}]`;
			index = end;
		} else if (char === '*') source += '[^/]*';
		else if (char === '?') source += '[^/]';
		else if (char === '{') source += '(?:';
		else if (char === '}') source += ')';
		else if (char === ',') source += '|';
		else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${source}$`);
}

export function globMatches(glob: string, path: string): boolean {
	// VS Code matches a pattern without a slash against the file name only.
	const target = glob.includes('/') ? path : path.slice(path.lastIndexOf('/') + 1);
	return globToRegExp(glob).test(target);
}
