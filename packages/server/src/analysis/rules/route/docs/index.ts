/** Each proxy's section of the route rules' pages, in the order the pages show them. */
import type { ForgeCause, LossCause } from '../../../model/route.js';
import { apacheDocs } from './apache.js';
import { caddyDocs } from './caddy.js';
import { haproxyDocs } from './haproxy.js';
import { nginxDocs } from './nginx.js';
import { traefikDocs } from './traefik.js';

export const proxyDocs: ReadonlyArray<{ proxy: string; docs: Partial<Record<ForgeCause | LossCause, string>> }> = [
	{ proxy: 'Caddy', docs: caddyDocs },
	{ proxy: 'nginx', docs: nginxDocs },
	{ proxy: 'Traefik', docs: traefikDocs },
	{ proxy: 'Apache httpd', docs: apacheDocs },
	{ proxy: 'HAProxy', docs: haproxyDocs },
];
