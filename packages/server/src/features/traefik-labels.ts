/**
Traefik middleware label fields that matter for Navidrome's user header, for completion and hover. Field names are
case-insensitive to Traefik.
*/
// spec: proxies.md §4.1 (forwardAuth), §4.2 (headers middleware), §4.3 (labels)

export type LabelField = { path: string; detail: string; doc: string };

/** Public documentation of each middleware. */
export const traefikDocs = {
	forwardAuth: 'https://doc.traefik.io/traefik/middlewares/http/forwardauth/',
	headers: 'https://doc.traefik.io/traefik/middlewares/http/headers/',
};

export const forwardAuthFields: LabelField[] = [
	{ path: 'forwardauth.address', detail: 'auth service URL', doc: 'URL of the auth service. A 2xx answer lets the request through; any other answer goes back to the client.' },
	{ path: 'forwardauth.authResponseHeaders', detail: 'headers copied from the auth answer', doc: "Comma-separated headers to copy from the auth service's answer. Traefik always deletes the client's copies of these headers first, so list Navidrome's user header here." },
	{ path: 'forwardauth.authResponseHeadersRegex', detail: 'regex of headers to copy', doc: 'Deletes every request header whose name matches, then copies matching answer headers. The match is partial: anchor it with `^…$`.' },
	{ path: 'forwardauth.authRequestHeaders', detail: 'headers sent to the auth service', doc: 'Which client headers go to the auth service (all when empty). It does not change what reaches Navidrome.' },
	{ path: 'forwardauth.trustForwardHeader', detail: 'trust client X-Forwarded-*', doc: '`true` trusts client `X-Forwarded-*` headers when asking the auth service. Unless the entrypoint sanitises them, a client can make the auth service approve another path.' },
	{ path: 'forwardauth.headerField', detail: 'user for the access log', doc: 'Only writes the user into the access log; it sets no request header.' },
	{ path: 'forwardauth.authSigninURL', detail: 'sign-in redirect', doc: 'Where to redirect when the auth service answers 401.' },
	{ path: 'forwardauth.addAuthCookiesToResponse', detail: 'cookies from the auth answer', doc: "Cookies of the auth service's answer to add to the response." },
	{ path: 'forwardauth.preserveRequestMethod', detail: 'keep the request method', doc: 'Send the original method to the auth service instead of GET.' },
	{ path: 'forwardauth.tls.insecureSkipVerify', detail: 'skip TLS verification', doc: "Do not verify the auth service's certificate." },
];

export type LabelFieldInfo = { kind: keyof typeof traefikDocs; name: string; doc: string };

/** The field a middleware label path names (`forwardauth.authResponseHeaders`, `headers.customrequestheaders.X`). */
export function traefikLabelField(path: string): LabelFieldInfo | undefined {
	const lower = path.toLowerCase();
	const field = forwardAuthFields.find((candidate) => candidate.path.toLowerCase() === lower);
	if (field) return { kind: 'forwardAuth', name: field.path.slice('forwardauth.'.length), doc: field.doc };
	if (lower.startsWith('headers.customrequestheaders.')) {
		return { kind: 'headers', name: `customRequestHeaders.${path.slice('headers.customrequestheaders.'.length)}`, doc: 'Sets this request header on every request through the middleware; an empty value removes it (a null compose value counts as empty).' };
	}
	return undefined;
}
