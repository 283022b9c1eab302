/**
Proxy adapters read their own parsed files from the deployment and add `ProxyRoute`s to it. Each proxy (Caddy,
nginx, Traefik) lives in its own folder and registers one adapter here.
*/
import type { ParseContext } from '../formats/handler.js';
import type { Deployment } from '../model/deployment.js';
import { apacheAdapter } from './apache/index.js';
import { caddyAdapter } from './caddy/index.js';
import { haproxyAdapter } from './haproxy/index.js';
import { nginxAdapter } from './nginx/index.js';
import { traefikAdapter } from './traefik/adapter.js';

export type ProxyAdapter = (deployment: Deployment, context: ParseContext) => void;

export const proxyAdapters: readonly ProxyAdapter[] = [
	// one adapter per line
	apacheAdapter,
	caddyAdapter,
	haproxyAdapter,
	nginxAdapter,
	traefikAdapter,
];
