import type { Span } from '../text.js';

/** A parse problem in one file. Parsers return these instead of throwing. */
export type SyntaxError = { message: string; span: Span; file?: string };
