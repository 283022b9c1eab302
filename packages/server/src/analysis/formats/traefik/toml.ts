/**
Traefik TOML files read into the shared config tree through the core's tolerant `scanToml` (exact offsets, dotted
keys, `[table]` and `[[array]]` headers, inline tables). The scanner keeps arrays as raw text; `parseTomlArray` reads
the few shapes Traefik files use in them (strings, numbers, booleans, nested arrays, inline tables such as
`servers = [ { url = "http://navidrome:4533" } ]`).
*/
import { scanToml, type TomlEntry, type TomlTableHeader } from '@navidrome-extauth/core';
import type { SyntaxError } from '../syntax-error.js';
import { findTemplates, maskTemplates, withoutTemplateErrors } from '../template.js';
import { newNode, type ConfigNode, type ConfigScalar } from './config-node.js';

const maxDepth = 32;

export function parseTraefikToml(file: string, text: string): { root: ConfigNode; errors: SyntaxError[] } {
	// Template markup is opaque (formats/template.ts): scanned masked, so quotes inside it end no string; a string
	// holding it then reads as written, and a bare value TOML cannot read is dropped without a syntax error.
	const templates = findTemplates(text);
	const source = maskTemplates(text, templates, 'fill');
	const scan = scanToml(source);
	if (source !== text) restoreTemplatedStrings(scan.entries, text, source);
	const errors: SyntaxError[] = withoutTemplateErrors(scan.errors.map((error) => ({ message: error.message, span: { start: error.start, end: error.end } })), templates);
	const root = newNode('', { file, span: { start: 0, end: text.length } });
	const builder = new Builder(file, text, root);
	type Event = { at: number; table?: TomlTableHeader; entry?: TomlEntry };
	const events: Event[] = [...scan.tables.map((table) => ({ at: table.start, table })), ...scan.entries.map((entry) => ({ at: entry.keyStart, entry }))];
	events.sort((a, b) => a.at - b.at);
	for (const event of events) {
		if (event.table) builder.openTable(event.table);
		else if (event.entry) builder.addEntry(event.entry);
	}
	return { root, errors };
}

/** Strings whose masked source is their value verbatim get their written text back (`Host(\`{{ domain }}\`)`). */
function restoreTemplatedStrings(entries: TomlEntry[], text: string, masked: string): void {
	for (const entry of entries) {
		if (entry.kind !== 'string' || typeof entry.value !== 'string' || entry.contentEnd - entry.contentStart !== entry.value.length) continue;
		const written = text.slice(entry.contentStart, entry.contentEnd);
		if (written === entry.value || !masked.startsWith(entry.value, entry.contentStart)) continue;
		entry.value = written;
		entry.raw = text.slice(entry.valueStart, entry.valueEnd);
	}
}

class Builder {
	/** The node each header opened, by header offset (an `[[array]]` header opens a new element). */
	private readonly bases = new Map<number, ConfigNode>();

	constructor(
		private readonly file: string,
		private readonly text: string,
		private readonly root: ConfigNode,
	) {}

	openTable(table: TomlTableHeader): void {
		const location = { file: this.file, span: { start: table.start, end: table.end } };
		const parentPath = table.segments.slice(0, -1);
		let node = this.root;
		for (const segment of parentPath) node = this.descend(node, segment.name, { file: this.file, span: { start: segment.start, end: segment.end } });
		const last = table.segments[table.segments.length - 1];
		if (!last) return;
		const keyLocation = { file: this.file, span: { start: last.start, end: last.end } };
		const target = this.child(node, last.name, keyLocation);
		if (table.isArray) {
			target.items ??= [];
			const element = newNode('', location);
			target.items.push(element);
			this.bases.set(table.start, element);
		} else this.bases.set(table.start, target);
	}

	addEntry(entry: TomlEntry): void {
		let node = entry.table ? (this.bases.get(entry.table.start) ?? this.root) : this.root;
		const relative = entry.path.slice(entry.table ? entry.table.path.length : 0);
		if (relative.length === 0) return;
		const keyLocation = { file: this.file, span: { start: entry.keyStart, end: entry.keyEnd } };
		for (const name of relative.slice(0, -1)) node = this.descend(node, name, keyLocation);
		const target = this.child(node, relative[relative.length - 1]!, keyLocation);
		target.location = { file: this.file, span: { start: entry.keyStart, end: entry.valueEnd } };
		if (entry.kind === 'array') {
			parseTomlArray(this.file, this.text, entry.valueStart, target, 0);
			return;
		}
		if (entry.kind === 'inline-table') return;
		target.scalar = this.scalar(entry);
	}

	private scalar(entry: TomlEntry): ConfigScalar {
		const value = entry.value === undefined ? entry.raw : String(entry.value);
		const location = { file: this.file, span: { start: entry.contentStart, end: entry.contentEnd } };
		const verbatim = this.text.slice(entry.contentStart, entry.contentEnd) === value;
		const quote = entry.stringStyle === 'basic' || entry.stringStyle === 'multiline-basic' ? '"' : entry.stringStyle === 'literal' || entry.stringStyle === 'multiline-literal' ? "'" : '';
		return { value, location, verbatim, isNull: false, quote };
	}

	/** The child named `name`, created if missing; into an array of tables, its last element. */
	private descend(node: ConfigNode, name: string, keyLocation: ConfigNode['keyLocation']): ConfigNode {
		const child = this.child(node, name, keyLocation);
		return child.items && child.items.length > 0 && !child.scalar ? child.items[child.items.length - 1]! : child;
	}

	private child(node: ConfigNode, name: string, keyLocation: ConfigNode['keyLocation']): ConfigNode {
		let child = node.children.find((candidate) => candidate.name === name);
		if (!child) {
			child = newNode(name, keyLocation ?? node.location, keyLocation);
			node.children.push(child);
		}
		return child;
	}
}

/**
Reads the TOML array starting at `start` (`[`) into `target.items`. Tolerant: stops at the first thing it does not
understand. Returns the offset after the closing `]`.
*/
export function parseTomlArray(file: string, text: string, start: number, target: ConfigNode, depth: number): number {
	const reader = new ArrayReader(file, text);
	reader.at = start;
	return reader.array(target, depth);
}

class ArrayReader {
	at = 0;

	constructor(
		private readonly file: string,
		private readonly text: string,
	) {}

	array(target: ConfigNode, depth: number): number {
		const open = this.at;
		if (this.text[open] !== '[' || depth > maxDepth) return open;
		this.at++;
		target.items = [];
		for (let guard = 0; guard < 100_000; guard++) {
			this.skipSpace(true);
			const char = this.text[this.at];
			if (char === undefined) break;
			if (char === ']') {
				target.listSyntax = { kind: 'toml-array', open: { start: open, end: open + 1 }, close: { start: this.at, end: this.at + 1 } };
				target.location = { file: this.file, span: { start: target.location.span.start, end: this.at + 1 } };
				this.at++;
				return this.at;
			}
			if (char === ',') {
				this.at++;
				continue;
			}
			const item = newNode('', { file: this.file, span: { start: this.at, end: this.at } });
			if (!this.value(item, depth + 1)) break;
			item.location = { file: this.file, span: { start: item.location.span.start, end: this.at } };
			target.items.push(item);
		}
		return this.at;
	}

	private value(target: ConfigNode, depth: number): boolean {
		const char = this.text[this.at];
		if (char === '"' || char === "'") {
			const scalar = this.string();
			if (!scalar) return false;
			target.scalar = scalar;
			return true;
		}
		if (char === '[') {
			const before = this.at;
			this.array(target, depth);
			return this.at > before;
		}
		if (char === '{') return this.inlineTable(target, depth);
		const match = /^[A-Za-z0-9_+\-.:]+/.exec(this.text.slice(this.at, this.at + 256));
		if (!match) return false;
		const start = this.at;
		this.at += match[0].length;
		target.scalar = { value: match[0], location: { file: this.file, span: { start, end: this.at } }, verbatim: true, isNull: false, quote: '' };
		return true;
	}

	private inlineTable(target: ConfigNode, depth: number): boolean {
		if (depth > maxDepth) return false;
		this.at++;
		for (let guard = 0; guard < 10_000; guard++) {
			this.skipSpace(false);
			const char = this.text[this.at];
			if (char === undefined || char === '\n') return false;
			if (char === '}') {
				this.at++;
				return true;
			}
			if (char === ',') {
				this.at++;
				continue;
			}
			const keys: Array<{ name: string; start: number; end: number }> = [];
			for (;;) {
				this.skipSpace(false);
				const key = this.key();
				if (!key) return false;
				keys.push(key);
				this.skipSpace(false);
				if (this.text[this.at] !== '.') break;
				this.at++;
			}
			this.skipSpace(false);
			if (this.text[this.at] !== '=') return false;
			this.at++;
			this.skipSpace(false);
			let node = target;
			for (const key of keys) {
				const keyLocation = { file: this.file, span: { start: key.start, end: key.end } };
				let child = node.children.find((candidate) => candidate.name === key.name);
				if (!child) {
					child = newNode(key.name, keyLocation, keyLocation);
					node.children.push(child);
				}
				node = child;
			}
			const valueStart = this.at;
			if (!this.value(node, depth + 1)) return false;
			node.location = { file: this.file, span: { start: keys[0]!.start, end: Math.max(valueStart, this.at) } };
		}
		return false;
	}

	private key(): { name: string; start: number; end: number } | undefined {
		const char = this.text[this.at];
		if (char === '"' || char === "'") {
			const start = this.at;
			const scalar = this.string();
			return scalar ? { name: scalar.value, start, end: this.at } : undefined;
		}
		const match = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.at, this.at + 256));
		if (!match) return undefined;
		const start = this.at;
		this.at += match[0].length;
		return { name: match[0], start, end: this.at };
	}

	/** A single-line basic or literal string (multi-line strings are rare in these arrays and end the read). */
	private string(): ConfigScalar | undefined {
		const quote = this.text[this.at] as '"' | "'";
		const start = this.at + 1;
		let value = '';
		let index = start;
		for (; index < this.text.length; index++) {
			const char = this.text[index]!;
			if (char === '\n') return undefined;
			if (char === quote) break;
			if (char === '\\' && quote === '"') {
				const next = this.text[index + 1];
				const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
				if (next !== undefined && next in simple) {
					value += simple[next];
					index++;
					continue;
				}
				const unicode = next === 'u' ? 4 : next === 'U' ? 8 : 0;
				const hex = this.text.slice(index + 2, index + 2 + unicode);
				if (unicode && /^[0-9A-Fa-f]+$/.test(hex) && hex.length === unicode) {
					const code = Number.parseInt(hex, 16);
					value += code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
					index += 1 + unicode;
					continue;
				}
				return undefined;
			}
			value += char;
		}
		if (this.text[index] !== quote) return undefined;
		this.at = index + 1;
		const verbatim = this.text.slice(start, index) === value;
		return { value, location: { file: this.file, span: { start, end: index } }, verbatim, isNull: false, quote };
	}

	private skipSpace(newlines: boolean): void {
		for (;;) {
			const char = this.text[this.at];
			if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) this.at++;
			else if (char === '#' && newlines) {
				const end = this.text.indexOf('\n', this.at);
				this.at = end < 0 ? this.text.length : end;
			} else return;
		}
	}
}
