import type { FileKind } from '../files.js';
import { composeHandler } from './compose/handler.js';
import { dotenvHandler } from './dotenv/handler.js';
import type { FormatHandler } from './handler.js';
import { navidromeTomlHandler } from './toml/handler.js';

/** One handler per file kind the engine reads. */
export const formatHandlers: ReadonlyMap<FileKind, FormatHandler> = new Map<FileKind, FormatHandler>(
	[composeHandler, dotenvHandler, navidromeTomlHandler].map((handler) => [handler.kind, handler as FormatHandler]),
);
