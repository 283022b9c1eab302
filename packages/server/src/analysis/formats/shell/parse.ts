/**
A small, tolerant reader of POSIX shell scripts for what they hand to Navidrome: exported variables (`export ND_X=…`,
`NAME=…` then `export NAME`, assignments under `set -a`), assignments prefixed to a `navidrome` command
(`ND_X=… navidrome`, `exec env ND_X=… /opt/navidrome/navidrome`), `navidrome --configfile PATH` (or `-c`), and files
read with `.`/`source`. Quotes are handled (single: literal; double: `\$ \` \" \\` escapes); anything the shell computes
(`$VAR`, `$(…)`, backquotes) is left as written and marks the value opaque. Here-document bodies are skipped. Not a
shell: no functions, branches or loops are followed (every line counts). Linear in the text; never throws.
*/
import type { Span } from '../../text.js';

export type ShellAssignment = {
	name: string;
	value: string;
	nameSpan: Span;
	/** The value's characters in the file (without quotes). */
	valueSpan: Span;
	/** Whether `value` equals the text at `valueSpan` (no quotes or escapes inside it). */
	verbatim: boolean;
	/** The value holds something the shell computes (`$VAR`, `$(…)`, backquotes): its real text is unknown. */
	opaque: boolean;
	/** 1-based line of the name. */
	line: number;
};

export type ShellWord = { text: string; span: Span; opaque: boolean };

export type ShellScript = {
	/** Variables the script exports (or hands to a `navidrome` command), in order; a later one of a name wins. */
	exported: ShellAssignment[];
	/** `navidrome` commands, with the `--configfile`/`-c` value when literal. */
	navidrome: Array<{ span: Span; configFile: ShellWord | undefined }>;
	/** Files read with `.` or `source` (literal paths only). */
	sourced: ShellWord[];
};

type Word = ShellWord & { sources: number[]; changed: boolean[]; quoted: boolean };

const assignmentPattern = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const wrappers = new Set(['exec', 'nohup', 'command', 'nice', 'time', 'setsid', 'chpst']);

export function parseShell(text: string): ShellScript {
	const script: ShellScript = { exported: [], navidrome: [], sourced: [] };
	if (typeof text !== 'string') return script;
	const assigned = new Map<string, ShellAssignment>();
	let allExport = false;
	const lines = lineCounter(text);
	for (const command of readCommands(text)) {
		let index = 0;
		const prefix: ShellAssignment[] = [];
		while (index < command.length && assignmentPattern.test(command[index]!.text) && !command[index]!.quoted) prefix.push(toAssignment(command[index++]!, lines));
		const first = command[index];
		if (!first) {
			for (const assignment of prefix) {
				assigned.set(assignment.name, assignment);
				if (allExport) script.exported.push(assignment);
			}
			continue;
		}
		const name = first.text;
		if (name === 'export' || ((name === 'declare' || name === 'typeset') && command.slice(index + 1).some((word) => /^-\w*x/.test(word.text)))) {
			for (const word of command.slice(index + 1)) {
				if (word.text.startsWith('-')) continue;
				if (assignmentPattern.test(word.text)) script.exported.push(toAssignment(word, lines));
				else {
					const earlier = assigned.get(word.text);
					if (earlier) script.exported.push(earlier);
				}
			}
			continue;
		}
		if (name === 'set') {
			for (let i = index + 1; i < command.length; i++) {
				const flag = command[i]!.text;
				if (flag === '-o' || flag === '+o') {
					if (command[i + 1]?.text === 'allexport') allExport = flag === '-o';
					i++;
				} else if (/^-[a-zA-Z]*a/.test(flag)) allExport = true;
				else if (/^\+[a-zA-Z]*a/.test(flag)) allExport = false;
			}
			continue;
		}
		if ((name === '.' || name === 'source') && command[index + 1] && !command[index + 1]!.opaque) {
			script.sourced.push(plain(command[index + 1]!));
			continue;
		}
		// The program run, past wrappers and `env NAME=…` assignments (which go to it as well).
		let at = index;
		const env = [...prefix];
		for (; at < command.length; at++) {
			const word = command[at]!.text;
			if (wrappers.has(word)) continue;
			if (word === 'env') {
				while (at + 1 < command.length && (assignmentPattern.test(command[at + 1]!.text) || command[at + 1]!.text.startsWith('-'))) {
					const next = command[++at]!;
					if (assignmentPattern.test(next.text)) env.push(toAssignment(next, lines));
				}
				continue;
			}
			break;
		}
		const program = command[at];
		if (!program || !/(^|\/)navidrome$/i.test(program.text)) continue;
		script.exported.push(...env);
		let configFile: ShellWord | undefined;
		for (let i = at + 1; i < command.length; i++) {
			const word = command[i]!.text;
			const inline = /^(--configfile|-c)=(.+)$/.exec(word);
			if (inline && !command[i]!.opaque) {
				const offset = command[i]!.text.length - inline[2]!.length;
				configFile = { text: inline[2]!, span: { start: command[i]!.sources[offset] ?? command[i]!.span.start, end: command[i]!.span.end }, opaque: false };
			} else if ((word === '--configfile' || word === '-c') && command[i + 1] && !command[i + 1]!.opaque) configFile = plain(command[i + 1]!);
		}
		script.navidrome.push({ span: { start: program.span.start, end: command[command.length - 1]!.span.end }, configFile });
	}
	return script;
}

function plain(word: Word): ShellWord {
	return { text: word.text, span: word.span, opaque: word.opaque };
}

function toAssignment(word: Word, lines: (offset: number) => number): ShellAssignment {
	const eq = word.text.indexOf('=');
	const name = word.text.slice(0, eq);
	const value = word.text.slice(eq + 1);
	const nameSpan = { start: word.sources[0]!, end: word.sources[eq - 1]! + 1 };
	const valueStart = value.length > 0 ? word.sources[eq + 1]! : word.sources[eq]! + 1;
	const valueEnd = value.length > 0 ? word.sources[word.text.length - 1]! + 1 : valueStart;
	let verbatim = valueEnd - valueStart === value.length;
	for (let i = eq + 1; verbatim && i < word.text.length; i++) if (word.changed[i] || word.sources[i] !== valueStart + (i - eq - 1)) verbatim = false;
	return { name, value, nameSpan, valueSpan: { start: valueStart, end: valueEnd }, verbatim, opaque: word.opaque, line: lines(nameSpan.start) };
}

/**
The simple commands of a script, as words: split at unquoted newlines, `;`, `&`, `|` and parentheses, after comments
are dropped and backslash-newlines joined. Here-document bodies (`<<EOF` … `EOF`) are skipped.
*/
function* readCommands(text: string): Generator<Word[]> {
	let i = 0;
	let words: Word[] = [];
	const heredocs: string[] = [];
	const length = text.length;
	while (i < length) {
		const char = text[i]!;
		if (char === '\n' || char === '\r') {
			if (words.length > 0) yield words;
			words = [];
			i = char === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
			// Here-document bodies start on the next line and end at a line of just the delimiter.
			while (heredocs.length > 0 && i < length) {
				const delimiter = heredocs[0]!;
				const end = lineEnd(text, i);
				if (text.slice(i, end).replace(/^\t+/, '') === delimiter) heredocs.shift();
				i = end < length && text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
			}
			continue;
		}
		if (char === ' ' || char === '\t') {
			i++;
			continue;
		}
		if (char === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
			i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
			continue;
		}
		if (char === '#') {
			i = lineEnd(text, i);
			continue;
		}
		if (char === ';' || char === '&' || char === '|' || char === '(' || char === ')' || char === '{' || char === '}') {
			if (words.length > 0) yield words;
			words = [];
			i++;
			continue;
		}
		if (char === '<' && text[i + 1] === '<') {
			// `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"`; `<<<` is a here-string (a word follows).
			let j = i + 2;
			if (text[j] === '<') {
				i = j + 1;
				continue;
			}
			if (text[j] === '-') j++;
			while (text[j] === ' ' || text[j] === '\t') j++;
			const word = readWord(text, j);
			if (word.word.text) heredocs.push(word.word.text);
			i = word.end;
			continue;
		}
		if (char === '<' || char === '>') {
			// A redirection's target is not an argument.
			let j = i + 1;
			while (text[j] === '>' || text[j] === '&' || text[j] === '|') j++;
			while (text[j] === ' ' || text[j] === '\t') j++;
			i = j < length && text[j] !== '\n' && text[j] !== '\r' ? readWord(text, j).end : j;
			continue;
		}
		const { word, end } = readWord(text, i);
		// A file descriptor number before a redirection (`2>&1`) is no word.
		if (!(/^\d+$/.test(word.text) && (text[end] === '>' || text[end] === '<'))) words.push(word);
		i = Math.max(end, i + 1);
	}
	if (words.length > 0) yield words;
}

const wordEnd = new Set([' ', '\t', '\n', '\r', ';', '&', '|', '(', ')', '<', '>']);

/** One shell word from `start`: quotes removed, escapes applied, `$…` and backquotes kept as written (opaque). */
function readWord(text: string, start: number): { word: Word; end: number } {
	let value = '';
	const sources: number[] = [];
	const changed: boolean[] = [];
	let opaque = false;
	let quoted = false;
	const push = (chars: string, source: number, rewritten: boolean): void => {
		for (let k = 0; k < chars.length; k++) {
			value += chars[k];
			sources.push(source + (rewritten ? 0 : k));
			changed.push(rewritten);
		}
	};
	let i = start;
	const length = text.length;
	while (i < length) {
		const char = text[i]!;
		if (wordEnd.has(char)) break;
		if (char === '\\') {
			if (text[i + 1] === '\n') {
				i += 2;
				continue;
			}
			if (i + 1 < length) push(text[i + 1]!, i + 1, true);
			i += 2;
			continue;
		}
		if (char === "'") {
			const close = text.indexOf("'", i + 1);
			const end = close < 0 ? length : close;
			// A quote before the `=` makes the word no assignment (`'A=1'` is a command name).
			quoted ||= !value.includes('=');
			if (end > i + 1) push(text.slice(i + 1, end), i + 1, false);
			i = end + 1;
			continue;
		}
		if (char === '"') {
			quoted ||= !value.includes('=');
			let j = i + 1;
			while (j < length && text[j] !== '"') {
				const inner = text[j]!;
				if (inner === '\\' && j + 1 < length && '$`"\\\n'.includes(text[j + 1]!)) {
					if (text[j + 1] !== '\n') push(text[j + 1]!, j + 1, true);
					j += 2;
				} else {
					if (inner === '$' || inner === '`') opaque = true;
					push(inner, j, false);
					j++;
				}
			}
			i = j + 1;
			continue;
		}
		if (char === '$' || char === '`') {
			opaque = true;
			const end = skipExpansion(text, i);
			push(text.slice(i, end), i, false);
			i = end;
			continue;
		}
		push(char, i, false);
		i++;
	}
	return { word: { text: value, span: { start, end: Math.min(i, length) }, opaque, sources, changed, quoted }, end: Math.min(i, length) };
}

/** The end of a `$name`, `${…}`, `$(…)` or backquoted expansion starting at `start` (nesting of the same bracket counted). */
function skipExpansion(text: string, start: number): number {
	const length = text.length;
	if (text[start] === '`') {
		const close = text.indexOf('`', start + 1);
		return close < 0 ? length : close + 1;
	}
	const open = text[start + 1];
	if (open === '{' || open === '(') {
		const close = open === '{' ? '}' : ')';
		let depth = 0;
		for (let j = start + 1; j < length; j++) {
			if (text[j] === open) depth++;
			else if (text[j] === close && --depth === 0) return j + 1;
			else if (text[j] === '\n' && open === '{') return j;
		}
		return length;
	}
	let j = start + 1;
	if (j < length && /[@*#?$!0-9-]/.test(text[j]!)) return j + 1;
	while (j < length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
	return j;
}

function lineEnd(text: string, from: number): number {
	let i = from;
	while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
	return i;
}

/** 1-based line of an offset (CR, LF and CRLF each end a line); offsets may come in any order. */
function lineCounter(text: string): (offset: number) => number {
	const starts: number[] = [0];
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
	}
	return (offset) => {
		let low = 0;
		let high = starts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (starts[middle]! <= offset) low = middle;
			else high = middle - 1;
		}
		return low + 1;
	};
}
