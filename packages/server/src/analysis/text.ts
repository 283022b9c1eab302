/**
Positions in source text. Parsers work in UTF-16 offsets (JavaScript string indices, which is what LSP
positions count); `LineIndex` turns offsets into 0-based line/character pairs once per document.
*/
export type Position = { line: number; character: number };
export type Range = { start: Position; end: Position };
/** Half-open UTF-16 offset span `[start, end)` into one document's text. */
export type Span = { start: number; end: number };

export class LineIndex {
	/** Offset of the first character of each line. */
	private readonly lineStarts: number[];

	constructor(readonly text: string) {
		const starts = [0];
		for (let i = 0; i < text.length; i++) {
			const code = text.charCodeAt(i);
			if (code === 10) starts.push(i + 1);
			else if (code === 13) {
				if (text.charCodeAt(i + 1) === 10) i++;
				starts.push(i + 1);
			}
		}
		this.lineStarts = starts;
	}

	get lineCount(): number {
		return this.lineStarts.length;
	}

	position(offset: number): Position {
		const clamped = Math.max(0, Math.min(offset, this.text.length));
		let low = 0;
		let high = this.lineStarts.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (this.lineStarts[mid]! <= clamped) low = mid;
			else high = mid - 1;
		}
		return { line: low, character: clamped - this.lineStarts[low]! };
	}

	offset(position: Position): number {
		if (position.line < 0) return 0;
		if (position.line >= this.lineStarts.length) return this.text.length;
		const lineStart = this.lineStarts[position.line]!;
		const next = this.lineStarts[position.line + 1] ?? this.text.length + 1;
		const lineEnd = Math.max(lineStart, next - 1);
		return Math.min(lineStart + Math.max(0, position.character), lineEnd, this.text.length);
	}

	range(span: Span): Range {
		return { start: this.position(span.start), end: this.position(span.end) };
	}

	/** Offset where line `line` starts (clamped). */
	lineStart(line: number): number {
		return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
	}
}
