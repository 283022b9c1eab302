/**
Seeded generators of random Caddyfiles and nginx configurations built from the constructs that decide a verdict
(issue 16), their rendering (once for the engine, with Docker names, once for the real proxy, with loopback ports),
and the one-step reductions the shrinker tries. A config is plain data; `fc.sample(arbitrary, { seed })` makes a run
reproducible. Rendering never invents constructs: where a reference has no target (a named matcher, a snippet, a
variable that nothing defines) it is dropped, so most configs are valid for the real tool.
*/
import fc from 'fast-check';

/** Where a rendered config points: the engine's view (Docker names) or the harness's (loopback ports). */
export type Target = {
	navidrome: string;
	auth: string;
	other: string;
	/** The address of site (Caddy) or `server_name` (nginx) number `index`. */
	site(index: number): string;
	/** Prefix for names shared by a whole Caddyfile (snippets), so configs can share one Caddy process. */
	prefix: string;
	/** The htpasswd file nginx reads. */
	htpasswd: string;
	/** nginx `listen` address of every server (the default, port 80, when absent). */
	listen: string | undefined;
};

export const engineTarget: Target = {
	navidrome: 'navidrome:4533',
	auth: 'authelia:9091',
	other: 'other:8080',
	site: (index) => `s${index}.example.com`,
	prefix: '',
	htpasswd: 'htpasswd',
	listen: undefined,
};

/** The BaseURL variant: Navidrome under `/music` (every path the generator writes is prefixed). */
export type Base = '' | '/music';

/** Navidrome's user header in every generated deployment. */
export const userHeader = 'Remote-User';

/** Rendered text with the offsets of each site or server, to attribute routes to sites. */
export type Rendered = { text: string; sites: Array<{ start: number; end: number; host: string }>; extra: Record<string, string> };

// ---------------------------------------------------------------- Caddy

export type CaddyCondition = { kind: 'path' | 'not path' | 'path_regexp' | 'header' | 'not header'; args: string[] };
export type CaddyRef = { kind: 'named'; index: number } | { kind: 'path'; path: string } | undefined;
export type CaddyDirective =
	| { kind: 'forward_auth'; on: CaddyRef; copy: string[] }
	| { kind: 'request_header'; on: CaddyRef; header: string; value: string | null }
	| { kind: 'reverse_proxy'; on: CaddyRef; to: 'navidrome' | 'other'; up: Array<{ header: string; value: string | null }> }
	| { kind: 'block'; name: 'handle' | 'handle_path' | 'route'; on: CaddyRef; body: CaddyDirective[] }
	| { kind: 'redir'; on: CaddyRef }
	| { kind: 'basicauth'; on: CaddyRef }
	| { kind: 'import'; snippet: number };
export type CaddySite = { matchers: CaddyCondition[][]; body: CaddyDirective[] };
export type CaddyConfig = { proxy: 'caddy'; base: Base; snippets: CaddyDirective[][]; sites: CaddySite[] };

/** bcrypt of `secret` at cost 4 (cheap for the many probes; Caddy checks any cost). */
export const caddyBasicHash = '$2a$04$dG5ae5VvenyxdKCL1s2JNeZjInvwc4KjB9yxh4uiqn7j6ptST042e';

const caddyPaths = ['/rest/*', '/share/*', '/app/*', '/api/*', '/rest*', '/share/abc', '/rest/ping', '/'];
const caddyRegexps = ['^/(rest|share)/', '^/api/', '(?i)^/REST/', '\\.view$'];
const conditionHeaders = ['X-Bypass 1', 'X-Api-Key *'];

const caddyCondition: fc.Arbitrary<CaddyCondition> = fc.oneof(
	fc.record({ kind: fc.constantFrom<'path' | 'not path'>('path', 'not path'), args: fc.uniqueArray(fc.constantFrom(...caddyPaths), { minLength: 1, maxLength: 3 }) }),
	fc.record({ kind: fc.constant<'path_regexp'>('path_regexp'), args: fc.constantFrom(...caddyRegexps).map((regexp) => [regexp]) }),
	fc.record({ kind: fc.constantFrom<'header' | 'not header'>('header', 'not header'), args: fc.constantFrom(...conditionHeaders).map((header) => [header]) }),
);

const caddyRef: fc.Arbitrary<CaddyRef> = fc.oneof(
	{ weight: 3, arbitrary: fc.constant(undefined) },
	{ weight: 3, arbitrary: fc.nat(2).map((index) => ({ kind: 'named' as const, index })) },
	{ weight: 2, arbitrary: fc.constantFrom(...caddyPaths.filter((path) => path !== '/')).map((path) => ({ kind: 'path' as const, path })) },
);

const headerNames = fc.constantFrom('Remote-User', 'Remote-User', 'remote-user', 'X-Forwarded-User');
const caddyValues = fc.constantFrom<string | null>(null, null, '""', 'fixed', '{http.request.header.X-Forwarded-User}', '{http.auth.user.id}', '{http.reverse_proxy.header.Remote-User}');
const copies = fc.uniqueArray(fc.constantFrom('Remote-User', 'Remote-Groups', 'X-Authentik-Username>Remote-User', 'Remote-User>X-Forwarded-User', 'Remote-Email>Remote-User'), { maxLength: 2 });

function caddyDirective(depth: number): fc.Arbitrary<CaddyDirective> {
	const leaves: Array<fc.WeightedArbitrary<CaddyDirective>> = [
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('forward_auth' as const), on: caddyRef, copy: copies }) },
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('request_header' as const), on: caddyRef, header: headerNames, value: caddyValues }) },
		{
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('reverse_proxy' as const),
				on: caddyRef,
				to: fc.constantFrom<'navidrome' | 'other'>('navidrome', 'navidrome', 'navidrome', 'other'),
				up: fc.array(fc.record({ header: headerNames, value: caddyValues }), { maxLength: 2 }),
			}),
		},
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('redir' as const), on: caddyRef }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('basicauth' as const), on: caddyRef }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('import' as const), snippet: fc.nat(1) }) },
	];
	if (depth > 0) {
		leaves.push({
			weight: 4,
			arbitrary: fc.record({
				kind: fc.constant('block' as const),
				name: fc.constantFrom<'handle' | 'handle_path' | 'route'>('handle', 'handle_path', 'route'),
				on: caddyRef,
				body: fc.array(caddyDirective(depth - 1), { minLength: 1, maxLength: 4 }),
			}),
		});
	}
	return fc.oneof(...leaves);
}

const caddySite: fc.Arbitrary<CaddySite> = fc.record({
	// Caddy takes one path_regexp per named matcher.
	matchers: fc.array(fc.array(caddyCondition, { minLength: 1, maxLength: 3 }).map((conditions) => conditions.filter((condition, index) => condition.kind !== 'path_regexp' || conditions.findIndex((other) => other.kind === 'path_regexp') === index)), { maxLength: 3 }),
	body: fc.tuple(fc.array(caddyDirective(2), { minLength: 1, maxLength: 5 }), fc.boolean()).map(([body, tail]) => (tail ? [...body, { kind: 'reverse_proxy' as const, on: undefined, to: 'navidrome' as const, up: [] }] : body)),
});

export const caddyConfig: fc.Arbitrary<CaddyConfig> = fc.record({
	proxy: fc.constant('caddy' as const),
	base: fc.constantFrom<Base>('', '', '', '/music'),
	snippets: fc.array(fc.array(caddyDirective(1), { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
	sites: fc.array(caddySite, { minLength: 1, maxLength: 2 }),
});

function based(base: Base, path: string): string {
	return path === '/' && base ? `${base}/` : `${base}${path}`;
}

function basedRegexp(base: Base, regexp: string): string {
	return base ? regexp.replace('^/', `^${base}/`) : regexp;
}

type CaddyScope = { matchers: number; snippets: number; prefix: string; base: Base; target: Target };

function caddyMatcherText(ref: CaddyRef, scope: CaddyScope, inlineOnly = false): string {
	if (!ref) return '';
	if (ref.kind === 'path') return ` ${based(scope.base, ref.path)}`;
	return !inlineOnly && scope.matchers > 0 ? ` @m${ref.index % scope.matchers}` : '';
}

function caddyValue(value: string | null): string {
	return value ?? '';
}

function renderCaddyDirectives(body: readonly CaddyDirective[], scope: CaddyScope, indent: string): string {
	const lines: string[] = [];
	for (const directive of body) {
		const on = directive.kind === 'import' ? '' : caddyMatcherText(directive.on, scope);
		switch (directive.kind) {
			case 'forward_auth':
				lines.push(`${indent}forward_auth${on} ${scope.target.auth} {`, `${indent}\turi /api/authz/forward-auth`);
				if (directive.copy.length > 0) lines.push(`${indent}\tcopy_headers ${directive.copy.join(' ')}`);
				lines.push(`${indent}}`);
				break;
			case 'request_header':
				lines.push(directive.value === null ? `${indent}request_header${on} -${directive.header}` : `${indent}request_header${on} ${directive.header} ${caddyValue(directive.value)}`);
				break;
			case 'reverse_proxy': {
				const to = directive.to === 'navidrome' ? scope.target.navidrome : scope.target.other;
				if (directive.up.length === 0) lines.push(`${indent}reverse_proxy${on} ${to}`);
				else {
					lines.push(`${indent}reverse_proxy${on} ${to} {`);
					for (const up of directive.up) lines.push(up.value === null ? `${indent}\theader_up -${up.header}` : `${indent}\theader_up ${up.header} ${up.value}`);
					lines.push(`${indent}}`);
				}
				break;
			}
			case 'block': {
				// handle_path takes one path matcher, written inline.
				const matcher = directive.name === 'handle_path' ? (directive.on?.kind === 'path' ? on : ` ${based(scope.base, '/rest/*')}`) : on;
				lines.push(`${indent}${directive.name}${matcher} {`, renderCaddyDirectives(directive.body, scope, `${indent}\t`), `${indent}}`);
				break;
			}
			case 'redir':
				// Without a matcher, a path target would be read as the matcher: `*` keeps it the target.
				lines.push(`${indent}redir${on || ' *'} ${based(scope.base, '/app/')}`);
				break;
			case 'basicauth':
				// `admin` is listed too: Caddy checks an unknown user against a cost-14 dummy hash (about a second of CPU).
				lines.push(`${indent}basicauth${on} {`, `${indent}\talice ${caddyBasicHash}`, `${indent}\tadmin ${caddyBasicHash}`, `${indent}}`);
				break;
			case 'import':
				if (scope.snippets > 0) lines.push(`${indent}import ${scope.prefix}snip${directive.snippet % scope.snippets}`);
				break;
		}
	}
	return lines.filter((line) => line !== '').join('\n');
}

function caddyConditionText(condition: CaddyCondition, base: Base): string {
	if (condition.kind === 'path' || condition.kind === 'not path') return `${condition.kind} ${condition.args.map((path) => based(base, path)).join(' ')}`;
	if (condition.kind === 'path_regexp') return `path_regexp ${basedRegexp(base, condition.args[0]!)}`;
	return `${condition.kind} ${condition.args[0]}`;
}

/** The Caddyfile text (without global options) of one config. */
export function renderCaddy(config: CaddyConfig, target: Target): Rendered {
	const parts: string[] = [];
	const snippetScope: CaddyScope = { matchers: 0, snippets: 0, prefix: target.prefix, base: config.base, target };
	config.snippets.forEach((snippet, index) => parts.push(`(${target.prefix}snip${index}) {\n${renderCaddyDirectives(snippet, snippetScope, '\t')}\n}\n`));
	const sites: Rendered['sites'] = [];
	let text = parts.join('');
	config.sites.forEach((site, index) => {
		const scope: CaddyScope = { matchers: site.matchers.length, snippets: config.snippets.length, prefix: target.prefix, base: config.base, target };
		const matchers = site.matchers.map((conditions, at) => (conditions.length === 1 ? `\t@m${at} ${caddyConditionText(conditions[0]!, config.base)}` : `\t@m${at} {\n${conditions.map((condition) => `\t\t${caddyConditionText(condition, config.base)}`).join('\n')}\n\t}`));
		const block = `${target.site(index)} {\n${[...matchers, renderCaddyDirectives(site.body, scope, '\t')].filter(Boolean).join('\n')}\n}\n`;
		sites.push({ start: text.length, end: text.length + block.length, host: target.site(index) });
		text += block;
	});
	return { text, sites, extra: {} };
}

// ---------------------------------------------------------------- nginx

export type NginxModifier = '' | '=' | '^~' | '~' | '~*';
export type NginxValue = '""' | '$user' | '$http_x_forwarded_user' | '$remote_user' | 'fixed' | '$mapped' | '$v';
export type NginxDirective =
	| { kind: 'auth_request'; off: boolean }
	| { kind: 'auth_request_set'; from: 'remote_user' | 'x_authentik_username' | 'remote_email' }
	| { kind: 'proxy_set_header'; header: string; value: NginxValue }
	| { kind: 'set'; value: '$http_x_forwarded_user' | 'fixed' | '$upstream_http_remote_user' | '""' }
	| { kind: 'if'; cond: '$http_x_bypass' | '$arg_debug'; then: 'return' | 'set' }
	| { kind: 'proxy_pass_request_headers'; on: boolean }
	| { kind: 'more_clear_input_headers'; header: string }
	| { kind: 'auth_basic'; off: boolean }
	| { kind: 'include'; snippet: number }
	| { kind: 'proxy_pass'; to: 'navidrome' | 'other' }
	| { kind: 'return' }
	| { kind: 'location'; modifier: NginxModifier; path: string; body: NginxDirective[] };
export type NginxServer = { underscores: boolean; body: NginxDirective[] };
export type NginxConfig = { proxy: 'nginx'; base: Base; map: 0 | 1; http: NginxDirective[]; snippets: NginxDirective[][]; servers: NginxServer[] };

const nginxPrefixes = ['/', '/rest/', '/share/', '/app/', '/api/', '/rest'];
const nginxRegexps = ['^/rest/', '^/(rest|share)/', '\\.view$', '^/api/', '^/REST/'];
const nginxValues = fc.constantFrom<NginxValue>('""', '""', '$user', '$user', '$http_x_forwarded_user', '$remote_user', 'fixed', '$mapped', '$v');
const nginxHeaders = fc.constantFrom('Remote-User', 'Remote-User', 'remote-user', 'X-Forwarded-User');

/** Directives allowed at http, server and location level alike. */
function nginxCommon(): Array<fc.WeightedArbitrary<NginxDirective>> {
	return [
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('auth_request' as const), off: fc.boolean() }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('auth_request_set' as const), from: fc.constantFrom<'remote_user' | 'x_authentik_username' | 'remote_email'>('remote_user', 'remote_user', 'x_authentik_username', 'remote_email') }) },
		{ weight: 5, arbitrary: fc.record({ kind: fc.constant('proxy_set_header' as const), header: nginxHeaders, value: nginxValues }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('proxy_pass_request_headers' as const), on: fc.boolean() }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('more_clear_input_headers' as const), header: nginxHeaders }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('auth_basic' as const), off: fc.boolean() }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('include' as const), snippet: fc.nat(1) }) },
	];
}

const nginxRewrite: Array<fc.WeightedArbitrary<NginxDirective>> = [
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), value: fc.constantFrom<'$http_x_forwarded_user' | 'fixed' | '$upstream_http_remote_user' | '""'>('$http_x_forwarded_user', 'fixed', '$upstream_http_remote_user', '""') }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('if' as const), cond: fc.constantFrom<'$http_x_bypass' | '$arg_debug'>('$http_x_bypass', '$arg_debug'), then: fc.constantFrom<'return' | 'set'>('return', 'set') }) },
];

function nginxLocation(depth: number, parent?: { modifier: NginxModifier; path: string }): fc.Arbitrary<NginxDirective> {
	const modifiers: NginxModifier[] = parent && (parent.modifier === '~' || parent.modifier === '~*') ? ['~', '~*'] : ['', '', '=', '^~', '~', '~*'];
	return fc.constantFrom(...modifiers).chain((modifier) => {
		const path = modifier === '~' || modifier === '~*'
			? fc.constantFrom(...nginxRegexps)
			: parent
				? fc.constantFrom('ping', 'ping.view', 'x/', '').map((suffix) => `${parent.path}${suffix}`)
				: fc.constantFrom(...nginxPrefixes);
		return path.chain((location) => {
			const children: Array<fc.WeightedArbitrary<NginxDirective>> = [
				...nginxCommon(),
				...nginxRewrite,
				{ weight: 5, arbitrary: fc.record({ kind: fc.constant('proxy_pass' as const), to: fc.constantFrom<'navidrome' | 'other'>('navidrome', 'navidrome', 'navidrome', 'other') }) },
				{ weight: 1, arbitrary: fc.constant({ kind: 'return' as const }) },
			];
			if (depth > 0 && modifier !== '=') children.push({ weight: 2, arbitrary: nginxLocation(depth - 1, { modifier, path: location }) });
			return fc.record({ kind: fc.constant('location' as const), modifier: fc.constant(modifier), path: fc.constant(location), body: fc.array(fc.oneof(...children), { minLength: 1, maxLength: 5 }) });
		});
	});
}

const nginxServer: fc.Arbitrary<NginxServer> = fc.record({
	underscores: fc.boolean(),
	body: fc.array(fc.oneof(...nginxCommon(), ...nginxRewrite, { weight: 8, arbitrary: nginxLocation(2) }), { minLength: 1, maxLength: 6 }),
});

export const nginxConfig: fc.Arbitrary<NginxConfig> = fc.record({
	proxy: fc.constant('nginx' as const),
	base: fc.constantFrom<Base>('', '', '', '/music'),
	map: fc.constantFrom<0 | 1>(0, 1),
	http: fc.array(fc.oneof(...nginxCommon().filter((entry) => entry.weight > 1)), { maxLength: 2 }),
	snippets: fc.array(fc.array(fc.oneof(...nginxCommon().filter((entry) => entry.weight > 1)), { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
	servers: fc.array(nginxServer, { minLength: 1, maxLength: 2 }),
});

/** Which variables the config defines, so the renderer only references defined ones. */
function nginxDefines(config: NginxConfig): { user: boolean; v: boolean } {
	let user = false;
	let v = false;
	const visit = (body: readonly NginxDirective[]): void => {
		for (const directive of body) {
			if (directive.kind === 'auth_request_set') user = true;
			if (directive.kind === 'set' || (directive.kind === 'if' && directive.then === 'set')) v = true;
			if (directive.kind === 'location') visit(directive.body);
		}
	};
	visit(config.http);
	config.snippets.forEach(visit);
	config.servers.forEach((server) => visit(server.body));
	return { user, v };
}

type NginxScope = { config: NginxConfig; target: Target; defines: { user: boolean; v: boolean }; level: 'http' | 'server' | 'location' | 'snippet' };

function nginxValue(value: NginxValue, scope: NginxScope): string {
	if (value === '$user' && !scope.defines.user) return '$remote_user';
	if (value === '$v' && !scope.defines.v) return '""';
	return value;
}

function nginxPath(modifier: NginxModifier, path: string, base: Base): string {
	if (modifier === '~' || modifier === '~*') return basedRegexp(base, path);
	return based(base, path);
}

/** One-per-block directives: the first wins, later copies are dropped (nginx refuses duplicates). */
const single = new Set(['auth_request', 'auth_basic', 'proxy_pass', 'proxy_pass_request_headers', 'return', 'auth_request_set']);

function renderNginxDirectives(body: readonly NginxDirective[], scope: NginxScope, indent: string): string[] {
	const lines: string[] = [];
	const seen = new Set<string>();
	for (const directive of body) {
		const key = directive.kind === 'location' ? `location ${directive.modifier} ${nginxPath(directive.modifier, directive.path, scope.config.base)}` : directive.kind === 'proxy_set_header' ? `psh ${directive.header.toLowerCase()}` : directive.kind;
		if ((single.has(directive.kind) || directive.kind === 'location' || directive.kind === 'proxy_set_header') && seen.has(key)) continue;
		seen.add(key);
		switch (directive.kind) {
			case 'auth_request':
				lines.push(`${indent}auth_request ${directive.off ? 'off' : '/_auth'};`);
				break;
			case 'auth_request_set':
				lines.push(`${indent}auth_request_set $user $upstream_http_${directive.from};`);
				break;
			case 'proxy_set_header':
				lines.push(`${indent}proxy_set_header ${directive.header} ${nginxValue(directive.value, scope)};`);
				break;
			case 'set':
				if (scope.level === 'location' || scope.level === 'server') lines.push(`${indent}set $v ${directive.value};`);
				break;
			case 'if':
				if (scope.level === 'location' || scope.level === 'server') lines.push(`${indent}if (${directive.cond}) { ${directive.then === 'return' ? `return 302 ${based(scope.config.base, '/app/')}` : 'set $v fixed'}; }`);
				break;
			case 'proxy_pass_request_headers':
				lines.push(`${indent}proxy_pass_request_headers ${directive.on ? 'on' : 'off'};`);
				break;
			case 'more_clear_input_headers':
				lines.push(`${indent}more_clear_input_headers ${directive.header};`);
				break;
			case 'auth_basic':
				lines.push(directive.off ? `${indent}auth_basic off;` : `${indent}auth_basic "music";\n${indent}auth_basic_user_file ${scope.target.htpasswd};`);
				break;
			case 'include':
				if (scope.level !== 'snippet' && scope.config.snippets.length > 0) lines.push(`${indent}include snippets/${scope.target.prefix}s${directive.snippet % scope.config.snippets.length}.conf;`);
				break;
			case 'proxy_pass':
				if (scope.level === 'location') lines.push(`${indent}proxy_pass http://${directive.to === 'navidrome' ? scope.target.navidrome : scope.target.other};`);
				break;
			case 'return':
				if (scope.level === 'location') lines.push(`${indent}return 302 ${based(scope.config.base, '/app/')};`);
				break;
			case 'location':
				if (scope.level === 'server' || scope.level === 'location') {
					lines.push(`${indent}location ${directive.modifier ? `${directive.modifier} ` : ''}${nginxPath(directive.modifier, directive.path, scope.config.base)} {`);
					lines.push(...renderNginxDirectives(directive.body, { ...scope, level: 'location' }, `${indent}\t`));
					lines.push(`${indent}}`);
				}
				break;
		}
	}
	return lines;
}

const nginxMaps = [
	'map $http_x_forwarded_user $mapped {\n\tdefault $http_x_forwarded_user;\n\t"" "";\n}',
	'map $remote_user $mapped {\n\tdefault $remote_user;\n}',
];

/**
The http-level text (maps, http directives, servers; no `events`, no `http {}` wrapper) and the snippet files, named
`snippets/<prefix>s<n>.conf`.
*/
export function renderNginx(config: NginxConfig, target: Target): Rendered {
	const defines = nginxDefines(config);
	const scope: NginxScope = { config, target, defines, level: 'http' };
	let text = `${nginxMaps[config.map]!.replaceAll('$mapped', `$${target.prefix}mapped`)}\n${renderNginxDirectives(config.http, scope, '').join('\n')}\n`;
	const sites: Rendered['sites'] = [];
	config.servers.forEach((server, index) => {
		const body = [
			...(target.listen ? [`\tlisten ${target.listen};`] : []),
			`\tserver_name ${target.site(index)};`,
			...(server.underscores ? ['\tunderscores_in_headers on;'] : []),
			'\tlocation = /_auth {',
			'\t\tinternal;',
			`\t\tproxy_pass http://${target.auth}/api/authz/auth-request;`,
			'\t\tproxy_pass_request_body off;',
			'\t\tproxy_set_header Content-Length "";',
			'\t\tproxy_set_header X-Original-URI $request_uri;',
			'\t}',
			...renderNginxDirectives(server.body, { ...scope, level: 'server' }, '\t'),
		];
		const block = `server {\n${body.join('\n')}\n}\n`;
		sites.push({ start: text.length, end: text.length + block.length, host: target.site(index) });
		text += block;
	});
	const extra: Record<string, string> = {};
	config.snippets.forEach((snippet, index) => (extra[`snippets/${target.prefix}s${index}.conf`] = `${renderNginxDirectives(snippet, { ...scope, level: 'snippet' }, '').join('\n')}\n`));
	if (target.prefix) text = text.replaceAll('$mapped', `$${target.prefix}mapped`).replaceAll(`$${target.prefix}${target.prefix}mapped`, `$${target.prefix}mapped`);
	return { text, sites, extra };
}

// ---------------------------------------------------------------- shrinking

export type Config = CaddyConfig | NginxConfig;

/** Every way to remove one element of a list (or recurse into one element), for the greedy shrinker. */
function listReductions<T>(list: readonly T[], inner: (item: T) => T[], minLength = 0): T[][] {
	const out: T[][] = [];
	if (list.length > minLength) list.forEach((_, index) => out.push([...list.slice(0, index), ...list.slice(index + 1)]));
	list.forEach((item, index) => {
		for (const smaller of inner(item)) out.push([...list.slice(0, index), smaller, ...list.slice(index + 1)]);
	});
	return out;
}

function caddyDirectiveReductions(directive: CaddyDirective): CaddyDirective[] {
	const out: CaddyDirective[] = [];
	if (directive.kind !== 'import' && directive.on) out.push({ ...directive, on: undefined });
	if (directive.kind === 'block') {
		for (const body of listReductions(directive.body, caddyDirectiveReductions, 1)) out.push({ ...directive, body });
		if (directive.name !== 'route') out.push({ ...directive, name: 'route' });
	}
	if (directive.kind === 'forward_auth') for (const copy of listReductions(directive.copy, () => [])) out.push({ ...directive, copy });
	if (directive.kind === 'reverse_proxy') for (const up of listReductions(directive.up, () => [])) out.push({ ...directive, up });
	return out;
}

function nginxDirectiveReductions(directive: NginxDirective): NginxDirective[] {
	if (directive.kind !== 'location') return [];
	const out: NginxDirective[] = listReductions(directive.body, nginxDirectiveReductions, 1).map((body) => ({ ...directive, body }));
	if (directive.modifier !== '') out.push({ ...directive, modifier: '', path: directive.modifier === '~' || directive.modifier === '~*' ? '/' : directive.path });
	return out;
}

/** Configs one step smaller than `config`, smallest steps last. */
export function reductions(config: Config): Config[] {
	if (config.proxy === 'caddy') {
		const out: CaddyConfig[] = [];
		for (const sites of listReductions(config.sites, (site) => [
			...listReductions(site.body, caddyDirectiveReductions).map((body) => ({ ...site, body })),
			...listReductions(site.matchers, (conditions) => listReductions(conditions, () => [], 1)).map((matchers) => ({ ...site, matchers })),
		], 1)) out.push({ ...config, sites });
		for (const snippets of listReductions(config.snippets, (snippet) => listReductions(snippet, caddyDirectiveReductions, 1))) out.push({ ...config, snippets });
		if (config.base) out.push({ ...config, base: '' });
		return out;
	}
	const out: NginxConfig[] = [];
	for (const servers of listReductions(config.servers, (server) => [
		...listReductions(server.body, nginxDirectiveReductions).map((body) => ({ ...server, body })),
		...(server.underscores ? [{ ...server, underscores: false }] : []),
	], 1)) out.push({ ...config, servers });
	for (const http of listReductions(config.http, () => [])) out.push({ ...config, http });
	for (const snippets of listReductions(config.snippets, (snippet) => listReductions(snippet, () => [], 1))) out.push({ ...config, snippets });
	if (config.base) out.push({ ...config, base: '' });
	return out;
}

/** The constructs a config uses, for the coverage table of docs/truth.md. */
export function constructs(config: Config): Set<string> {
	const found = new Set<string>();
	if (config.base) found.add('BaseURL');
	if (config.proxy === 'caddy') {
		if (config.sites.length > 1) found.add('several sites');
		const visit = (body: readonly CaddyDirective[], nested: boolean): void => {
			for (const directive of body) {
				found.add(directive.kind === 'block' ? directive.name : directive.kind);
				if (directive.kind !== 'import' && directive.on) found.add(directive.on.kind === 'named' ? 'named matcher' : 'inline path matcher');
				if (directive.kind === 'forward_auth' && directive.copy.some((copy) => copy.includes('>'))) found.add('copy_headers A>B');
				if (directive.kind === 'reverse_proxy' && directive.up.length > 0) found.add('header_up');
				if (directive.kind === 'request_header') found.add(directive.value === null ? 'request_header delete' : 'request_header set');
				if (directive.kind === 'block') {
					if (nested) found.add('nested blocks');
					visit(directive.body, true);
				}
			}
		};
		for (const site of config.sites) {
			for (const conditions of site.matchers) {
				for (const condition of conditions) found.add(`matcher ${condition.kind}`);
				if (conditions.length > 1) found.add('combined matcher');
			}
			visit(site.body, false);
		}
		if (config.snippets.length > 0) found.add('snippet');
		config.snippets.forEach((snippet) => visit(snippet, false));
		return found;
	}
	if (config.servers.length > 1) found.add('several servers');
	found.add('map');
	const visit = (body: readonly NginxDirective[], level: string): void => {
		for (const directive of body) {
			if (directive.kind === 'location') {
				found.add(`location ${directive.modifier || '(prefix)'}`);
				if (level === 'location') found.add('nested location');
				visit(directive.body, 'location');
				continue;
			}
			const name = directive.kind === 'auth_request' && directive.off ? 'auth_request off' : directive.kind === 'auth_basic' && directive.off ? 'auth_basic off' : directive.kind;
			found.add(`${name} (${level})`);
		}
	};
	visit(config.http, 'http');
	config.snippets.forEach((snippet) => visit(snippet, 'snippet'));
	for (const server of config.servers) {
		if (server.underscores) found.add('underscores_in_headers');
		visit(server.body, 'server');
	}
	return found;
}
