import type { FileKind } from '../files.js';
import { composeHandler } from './compose/handler.js';
import { dotenvHandler } from './dotenv/handler.js';
import type { FormatHandler } from './handler.js';
import { nginxHandler } from './nginx/handler.js';
import { navidromeTomlHandler } from './toml/handler.js';

/** One handler per file kind the engine reads. */
const handlers: FormatHandler[] = [
	composeHandler as FormatHandler,
	dotenvHandler as FormatHandler,
	navidromeTomlHandler as FormatHandler,
	nginxHandler as FormatHandler,
];

export const formatHandlers: ReadonlyMap<FileKind, FormatHandler> = new Map(handlers.map((handler) => [handler.kind, handler]));
