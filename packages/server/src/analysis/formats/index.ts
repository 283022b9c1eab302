import type { FileKind } from '../files.js';
import { apacheHandler } from './apache/handler.js';
import { caddyfileHandler } from './caddyfile/handler.js';
import { composeHandler } from './compose/handler.js';
import { dotenvHandler } from './dotenv/handler.js';
import type { FormatHandler } from './handler.js';
import { haproxyHandler } from './haproxy/handler.js';
import { nginxHandler } from './nginx/handler.js';
import { shellHandler } from './shell/handler.js';
import { systemdHandler } from './systemd/handler.js';
import { navidromeTomlHandler } from './toml/handler.js';
import { traefikHandler } from './traefik/handler.js';

/** One handler per file kind the engine reads. */
const handlers: FormatHandler[] = [
	apacheHandler as FormatHandler,
	caddyfileHandler as FormatHandler,
	composeHandler as FormatHandler,
	dotenvHandler as FormatHandler,
	haproxyHandler as FormatHandler,
	navidromeTomlHandler as FormatHandler,
	nginxHandler as FormatHandler,
	shellHandler as FormatHandler,
	systemdHandler as FormatHandler,
	traefikHandler as FormatHandler,
];

export const formatHandlers: ReadonlyMap<FileKind, FormatHandler> = new Map(handlers.map((handler) => [handler.kind, handler]));
