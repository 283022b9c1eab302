/**
The little markdown the rule docs use, as DOM nodes built with `textContent` (never `innerHTML`): headings,
paragraphs, `-` lists, fenced code, and inline `code`, **bold** and [links](…) (shown as their text and address,
not followed: the page loads nothing).
*/

/** One block: a heading, paragraph, list or code block. */
export type Block = { kind: 'heading' | 'paragraph' | 'code'; text: string } | { kind: 'list'; items: string[] };

/** Inline pieces of a line. */
export type Inline = { kind: 'text' | 'code' | 'strong'; text: string };

export function parseBlocks(markdown: string): Block[] {
	const blocks: Block[] = [];
	const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
	let paragraph: string[] = [];
	let list: string[] | undefined;
	const flush = (): void => {
		if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
		if (list) blocks.push({ kind: 'list', items: list });
		paragraph = [];
		list = undefined;
	};
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		if (/^\s*```/.test(line)) {
			flush();
			const code: string[] = [];
			for (i++; i < lines.length && !/^\s*```/.test(lines[i]!); i++) code.push(lines[i]!);
			blocks.push({ kind: 'code', text: code.join('\n') });
		} else if (/^#{1,6}\s/.test(line)) {
			flush();
			blocks.push({ kind: 'heading', text: line.replace(/^#+\s*/, '') });
		} else if (/^\s*[-*]\s+/.test(line)) {
			if (paragraph.length) flush();
			(list ??= []).push(line.replace(/^\s*[-*]\s+/, ''));
		} else if (line.trim() === '') flush();
		else if (list && /^\s+\S/.test(line)) list[list.length - 1] += ` ${line.trim()}`;
		else {
			if (list) flush();
			paragraph.push(line.trim());
		}
	}
	flush();
	return blocks;
}

export function parseInline(text: string): Inline[] {
	const out: Inline[] = [];
	const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
	let at = 0;
	for (const match of text.matchAll(pattern)) {
		if (match.index > at) out.push({ kind: 'text', text: text.slice(at, match.index) });
		if (match[1] !== undefined) out.push({ kind: 'code', text: match[1] });
		else if (match[2] !== undefined) out.push({ kind: 'strong', text: match[2] });
		else out.push({ kind: 'text', text: `${match[3]} (${match[4]})` });
		at = match.index + match[0].length;
	}
	if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
	return out;
}

/** Renders markdown into a fresh element of `document`. */
export function renderMarkdown(document: Document, markdown: string): HTMLElement {
	const root = document.createElement('div');
	root.className = 'markdown';
	const inline = (parent: HTMLElement, text: string): void => {
		for (const piece of parseInline(text)) {
			if (piece.kind === 'text') parent.append(document.createTextNode(piece.text));
			else {
				const element = document.createElement(piece.kind);
				element.textContent = piece.text;
				parent.append(element);
			}
		}
	};
	for (const block of parseBlocks(markdown)) {
		if (block.kind === 'list') {
			const ul = document.createElement('ul');
			for (const item of block.items) {
				const li = document.createElement('li');
				inline(li, item);
				ul.append(li);
			}
			root.append(ul);
		} else if (block.kind === 'code') {
			const pre = document.createElement('pre');
			pre.textContent = block.text;
			root.append(pre);
		} else {
			const element = document.createElement(block.kind === 'heading' ? 'h4' : 'p');
			inline(element, block.text);
			root.append(element);
		}
	}
	return root;
}
