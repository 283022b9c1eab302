import type { Span } from '../../text.js';
import type { NginxErrorCode, NginxParseError } from './ast.js';

/**
Collects parse errors up to a limit and only counts the rest, so that hostile input (100 000 stray `{`) costs no
memory for errors nobody will read.
*/
export class ErrorSink {
	readonly list: NginxParseError[] = [];
	/** Errors past the limit. */
	overflow = 0;

	constructor(private readonly max: number) {}

	add(message: string, span: Span, file: string, code: NginxErrorCode): void {
		if (this.list.length < this.max) this.list.push({ message, span, file, code });
		else this.overflow++;
	}

	/** A point to roll back to when a statement is read again. */
	mark(): { length: number; overflow: number } {
		return { length: this.list.length, overflow: this.overflow };
	}

	reset(mark: { length: number; overflow: number }): void {
		this.list.length = mark.length;
		this.overflow = mark.overflow;
	}
}
