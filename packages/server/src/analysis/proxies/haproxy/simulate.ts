/**
One modelled request through HAProxy (configuration manual §4.2 `http-request`, `use_backend`): the frontend's
`http-request` rules in order (inherited ones first), then the first `use_backend` whose condition holds, else
`default_backend`, then the backend's own rules (a `listen` that serves itself runs its rules once). A rule whose
condition the model cannot decide is taken to run, and the condition is recorded. What is tracked is the user header
Navidrome reads: each copy in order (Navidrome takes the first, an empty one counts as absent), and where it came from.

Measured on HAProxy 2.6 (docs/haproxy.md): `set-header` removes every copy in any letter case and adds one;
`%[var(…)]` of an unset variable gives an empty value, so the header is sent empty; `add-header` appends after the
client's copy; header names reach the server in lower case.
*/
import type { HaproxyRule, HaproxySwitch } from '../../formats/haproxy/index.js';
import type { AuthService } from '../../model/auth-services.js';
import { evaluateCondition, fetchName, splitTopLevel, type RequestFacts } from './conditions.js';
import type { HaproxyProgram, HaproxyProxy } from './program.js';

/**
- `anonymous`: no valid credentials, a forged user header; the auth service answers 401;
- `signed-in`: valid credentials (the auth service answers 2xx with the user; Basic credentials are in the userlist);
- `bypass`: the auth service answers 2xx without identity (an Authelia `bypass` policy), a forged user header.
*/
export type Scenario = 'anonymous' | 'signed-in' | 'bypass';

/** Where one copy of the user header came from. */
export type HeaderValue =
	| { kind: 'client' }
	| { kind: 'auth'; rule: HaproxyRule; source: string }
	| { kind: 'empty'; rule: HaproxyRule; why?: EmptyWhy }
	| { kind: 'literal'; rule: HaproxyRule; text: string }
	| { kind: 'input'; rule: HaproxyRule; source: string }
	| { kind: 'other'; rule: HaproxyRule };

/** Why a value built from the auth answer is empty: the service never sends that header, or no auth step ran yet. */
export type EmptyWhy = { variable: string; header: string; cause: 'not-sent' | 'not-run' | 'unset' };

export type AuthStepRun = { rule: HaproxyRule; proxy: HaproxyProxy; kind: 'lua' | 'basic'; backend: string | undefined; service: AuthService | undefined };

export type RunResult = {
	/** The backend the request ends in, when no rule answered it first. */
	backend: HaproxyProxy | undefined;
	/** The `use_backend`/`default_backend` line that chose it (none for a `listen` serving itself). */
	selectedBy: HaproxySwitch | undefined;
	/** The rule that answered the request itself (`deny`, `auth`, `redirect`, `return`…). */
	stoppedBy: HaproxyRule | undefined;
	/** The user header's copies when the request leaves for the backend, in order. */
	entries: HeaderValue[];
	authSteps: AuthStepRun[];
	/** Rules that would have removed or replaced the user header but whose condition did not hold. */
	skippedStrips: HaproxyRule[];
	/** Rules that set the user header from the auth answer but whose condition did not hold. */
	skippedSetters: HaproxyRule[];
	/** Changes of the user header's first copy, in order. */
	history: Array<{ rule: HaproxyRule; before: HeaderValue | undefined; after: HeaderValue | undefined }>;
	/** The auth answer copied into another header. */
	otherCopies: Array<{ rule: HaproxyRule; header: string }>;
	/** Conditions the model took to hold without deciding them. */
	undecided: string[];
};

export type SimulateOptions = {
	/** The user header Navidrome reads. */
	userHeader: string;
	/** Who answers a `lua.auth-request` backend, when recognised. */
	authService(backend: string): AuthService | undefined;
};

/** Request actions after which the request goes no further. */
const terminal = new Set(['deny', 'reject', 'tarpit', 'silent-drop', 'redirect', 'return', 'use-service', 'auth']);
const headerActions = new Set(['del-header', 'set-header', 'add-header', 'replace-header', 'replace-value']);
/** Fetches whose value the client chooses. */
const clientFetches = new Set(['req.hdr', 'hdr', 'req.fhdr', 'fhdr', 'req.cook', 'cook', 'req.cook_val', 'cook_val', 'urlp', 'url_param', 'query', 'url', 'path', 'pathq', 'base', 'req.body', 'req.body_param', 'http_auth_user', 'http_auth_pass', 'http_auth_bearer', 'req.hdrs', 'req.hdr_val', 'hdr_val', 'capture.req.hdr', 'capture.req.uri']);
/** Variable prefixes the auth-request Lua script fills from the auth answer's headers. */
const answerPrefixes = ['req.auth_response_header.', 'txn.auth_response_header.', 'txn.auth_request_header.'];

/** The Lua script's variable name for a header (`X-User` → `x_user`). */
export function sanitizeHeader(name: string): string {
	return name
		.replace(/^\.+/, '')
		.replace(/[.\- ]/g, '_')
		.replace(/[^A-Za-z0-9_]/g, '')
		.toLowerCase();
}

/** `req.auth_response_header.x_user` → `x_user`; `undefined` for other variables. */
export function answerVariable(variable: string): string | undefined {
	const prefix = answerPrefixes.find((candidate) => variable.startsWith(candidate));
	return prefix ? variable.slice(prefix.length) : undefined;
}

/** A header name matched by `del-header <name> [-m meth]`. */
function nameMatches(rule: HaproxyRule, header: string): boolean {
	const name = rule.args[0]?.value ?? '';
	const method = rule.args[1]?.value === '-m' ? (rule.args[2]?.value ?? 'str') : 'str';
	const wanted = header.toLowerCase();
	const given = name.toLowerCase();
	switch (method) {
		case 'beg':
			return wanted.startsWith(given);
		case 'end':
			return wanted.endsWith(given);
		case 'sub':
			return wanted.includes(given);
		case 'reg':
			try {
				// A header name is short; HAProxy's PCRE and JavaScript agree on the patterns people write here.
				return new RegExp(name, 'i').test(header);
			} catch {
				return false;
			}
		default:
			return wanted === given;
	}
}

/** Whether the rule writes the user header (`del-header`, `set-header`, `replace-header`…). */
export function touchesHeader(rule: HaproxyRule, header: string): boolean {
	if (!headerActions.has(rule.action)) return false;
	return rule.action === 'del-header' ? nameMatches(rule, header) : (rule.args[0]?.value ?? '').toLowerCase() === header.toLowerCase();
}

/** Runs one request from `frontend` in `scenario`; `forged`: the client sends its own user header (`admin`). */
export function simulate(program: HaproxyProgram, frontend: HaproxyProxy, request: { path: string; host: string; scenario: Scenario; forged: boolean }, options: SimulateOptions): RunResult {
	const userHeader = options.userHeader.toLowerCase();
	const headers = new Map<string, string[]>();
	if (request.forged) headers.set(userHeader, ['admin']);
	const vars = new Map<string, string>();
	const origins = new Map<string, HeaderValue>();
	const facts: RequestFacts & { vars: Map<string, string> } = { path: request.path, host: request.host, method: 'GET', headers, vars, basicValid: request.scenario === 'signed-in' };
	const result: RunResult = { backend: undefined, selectedBy: undefined, stoppedBy: undefined, entries: request.forged ? [{ kind: 'client' }] : [], authSteps: [], skippedStrips: [], skippedSetters: [], history: [], otherCopies: [], undecided: [] };
	let luaRan = false;
	let anyHeader = false;
	let basicChecked = false;

	const set = (rule: HaproxyRule, entries: HeaderValue[]): void => {
		const before = result.entries[0];
		result.entries = entries;
		const after = entries[0];
		if (before !== after) result.history.push({ rule, before, after });
	};

	const evaluateFormat = (rule: HaproxyRule, format: string): HeaderValue => {
		const parts = formatParts(format);
		const values: HeaderValue[] = [];
		let literal = '';
		for (const part of parts) {
			if (part.kind === 'text') literal += part.text;
			else if (part.kind === 'logvar') values.push({ kind: 'other', rule });
			else values.push(evaluateExpression(rule, part.expression));
		}
		const input = values.find((value) => value.kind === 'input' || value.kind === 'client');
		if (input) return input.kind === 'client' ? { kind: 'input', rule, source: 'the client' } : input;
		const auth = values.find((value) => value.kind === 'auth');
		if (auth) return auth;
		if (values.some((value) => value.kind === 'other' || value.kind === 'literal')) return literal || values.some((value) => value.kind === 'other') ? { kind: 'other', rule } : values.find((value) => value.kind === 'literal')!;
		if (literal.trim() !== '') return { kind: 'literal', rule, text: literal };
		const empty = values.find((value): value is Extract<HeaderValue, { kind: 'empty' }> => value.kind === 'empty' && value.why !== undefined);
		return { kind: 'empty', rule, ...(empty?.why ? { why: empty.why } : {}) };
	};

	const evaluateExpression = (rule: HaproxyRule, expression: string): HeaderValue => {
		const [head] = splitTopLevel(expression, ',');
		const { name, arg } = fetchName(head ?? '');
		if (name === 'var') {
			const variable = (arg ?? '').split(',')[0]!.trim();
			const origin = origins.get(variable);
			if (origin) return origin.kind === 'empty' ? { ...origin, rule } : origin;
			const answer = answerVariable(variable);
			if (answer !== undefined) {
				const why: EmptyWhy = { variable, header: answer.replaceAll('_', '-'), cause: !luaRan ? 'not-run' : request.scenario === 'signed-in' ? 'not-sent' : 'unset' };
				if (vars.has(variable) || (anyHeader && request.scenario === 'signed-in')) return { kind: 'auth', rule, source: `var(${variable})` };
				return { kind: 'empty', rule, why };
			}
			return vars.has(variable) ? { kind: 'other', rule } : { kind: 'empty', rule };
		}
		if (name === 'http_auth_user' && basicChecked && facts.basicValid) return { kind: 'auth', rule, source: 'http_auth_user' };
		if (name === 'req.hdr' || name === 'hdr' || name === 'req.fhdr' || name === 'fhdr') {
			const header = (arg ?? '').split(',')[0]!.trim().toLowerCase();
			if (header === userHeader && !headers.has(header)) return { kind: 'empty', rule };
		}
		if (clientFetches.has(name)) return { kind: 'input', rule, source: head ?? name };
		if (name === 'str') return { kind: 'literal', rule, text: arg ?? '' };
		return { kind: 'other', rule };
	};

	const runRules = (proxy: HaproxyProxy): boolean => {
		for (const rule of proxy.rules) {
			const evaluation = evaluateCondition(rule.condition, proxy.acls, facts);
			if (evaluation.value === undefined) result.undecided.push(...evaluation.undecided);
			const runs = evaluation.value !== false;
			// `http-request auth` (or a `deny`) that valid Basic credentials skip guards this request with HAProxy's userlist.
			const basicGuard = rule.action === 'auth' || (terminal.has(rule.action) && conditionChecksBasic(rule));
			if (basicGuard && (runs || evaluateCondition(rule.condition, proxy.acls, { ...facts, basicValid: false }).value !== false)) {
				result.authSteps.push({ rule, proxy, kind: 'basic', backend: undefined, service: undefined });
				if (conditionChecksBasic(rule)) basicChecked = true;
			}
			if (!runs) {
				if (touchesHeader(rule, userHeader)) {
					if (rule.action !== 'del-header' && mapsAnswer(rule.args[1]?.value ?? '')) result.skippedSetters.push(rule);
					else if (rule.action !== 'add-header') result.skippedStrips.push(rule);
				}
				continue;
			}
			if (terminal.has(rule.action)) {
				result.stoppedBy = rule;
				return false;
			}
			if (rule.action === 'allow') return true;
			if (rule.action === 'del-header') {
				if (nameMatches(rule, userHeader)) {
					set(rule, []);
					headers.delete(userHeader);
				}
				continue;
			}
			if (rule.action === 'set-header' || rule.action === 'add-header') {
				const name = (rule.args[0]?.value ?? '').toLowerCase();
				if (name !== userHeader && !mapsAnswer(rule.args[1]?.value ?? '')) continue;
				const value = evaluateFormat(rule, rule.args[1]?.value ?? '');
				if (name === userHeader) {
					set(rule, rule.action === 'set-header' ? [value] : [...result.entries, value]);
					if (rule.action === 'set-header') headers.delete(userHeader);
				} else if (value.kind === 'auth') result.otherCopies.push({ rule, header: rule.args[0]?.value ?? '' });
				continue;
			}
			if (rule.action === 'replace-header' || rule.action === 'replace-value') {
				if ((rule.args[0]?.value ?? '').toLowerCase() === userHeader && result.entries.length > 0) {
					set(rule, result.entries.map((entry) => (entry.kind === 'client' ? { kind: 'input', rule, source: 'the client' } : entry)));
				}
				continue;
			}
			const variable = /^(set-var|set-var-fmt|unset-var)\(([^)]*)\)$/.exec(rule.action);
			if (variable) {
				const name = variable[2]!.split(',')[0]!.trim();
				if (variable[1] === 'unset-var') {
					vars.delete(name);
					origins.delete(name);
				} else {
					const value = variable[1] === 'set-var-fmt' ? evaluateFormat(rule, rule.args[0]?.value ?? '') : evaluateExpression(rule, rule.args[0]?.value ?? '');
					origins.set(name, value);
					vars.set(name, value.kind === 'auth' ? 'alice' : value.kind === 'input' || value.kind === 'client' ? 'admin' : value.kind === 'literal' ? value.text : '');
				}
				continue;
			}
			if (rule.action === 'lua.auth-request' || rule.action === 'lua.auth-intercept') {
				const backend = rule.args[0]?.value;
				const service = backend ? options.authService(backend) : undefined;
				result.authSteps.push({ rule, proxy, kind: 'lua', backend, service });
				luaRan = true;
				const success = request.scenario !== 'anonymous';
				vars.set('txn.auth_response_successful', success ? 'true' : 'false');
				vars.set('txn.auth_response_code', success ? '200' : '401');
				if (request.scenario === 'signed-in') {
					if (service) for (const header of service.headers) vars.set(`req.auth_response_header.${sanitizeHeader(header)}`, 'alice');
					else anyHeader = true;
				}
				if (rule.action === 'lua.auth-intercept') {
					// `auth-intercept` answers a failed check itself and copies the listed answer headers on success.
					if (!success) {
						result.stoppedBy = rule;
						return false;
					}
					const copied = (rule.args[4]?.value ?? '-').toLowerCase().split(',').map((entry) => entry.trim());
					const sends = request.scenario === 'signed-in' && (!service || service.headers.includes(userHeader));
					if (sends && (copied.includes(userHeader) || copied.includes('*'))) set(rule, [{ kind: 'auth', rule, source: 'auth-intercept' }]);
				}
			}
		}
		return true;
	};

	if (!runRules(frontend)) return result;
	const selected = selectBackend(program, frontend, facts, result);
	if (!selected) return result;
	result.backend = selected.backend;
	result.selectedBy = selected.by;
	if (selected.backend !== frontend) runRules(selected.backend);
	return result;
}

/** Whether a log-format value copies the auth answer (an auth-request variable, or `http_auth_user`). */
function mapsAnswer(format: string): boolean {
	return /auth_(response|request)_header\.|http_auth_user/.test(format);
}

/** Whether an `http-request auth` rule's condition tests the client's Basic credentials (`unless { http_auth(users) }`). */
function conditionChecksBasic(rule: HaproxyRule): boolean {
	return rule.condition !== undefined && /http_auth(_group)?\(/.test(rule.condition.text);
}

/** The first `use_backend` that holds, else `default_backend`, else the `listen` itself. */
function selectBackend(program: HaproxyProgram, frontend: HaproxyProxy, facts: RequestFacts, result: RunResult): { backend: HaproxyProxy; by: HaproxySwitch | undefined } | undefined {
	for (const entry of frontend.section.useBackend) {
		const evaluation = evaluateCondition(entry.condition, frontend.acls, facts);
		if (evaluation.value === false) continue;
		result.undecided.push(...evaluation.undecided);
		const backend = backendNamed(program, entry);
		return backend ? { backend, by: entry } : undefined;
	}
	if (frontend.defaultBackend) {
		const backend = backendNamed(program, frontend.defaultBackend);
		return backend ? { backend, by: frontend.defaultBackend } : undefined;
	}
	return frontend.kind === 'listen' ? { backend: frontend, by: undefined } : undefined;
}

function backendNamed(program: HaproxyProgram, entry: HaproxySwitch): HaproxyProxy | undefined {
	const word = entry.backend;
	if (!word || word.env || word.value.includes('%[')) return undefined;
	return program.backends.get(word.value);
}

type FormatPart = { kind: 'text'; text: string } | { kind: 'expression'; expression: string } | { kind: 'logvar' };

/** Splits a log-format string (manual §8.2.4): `%[expr]`, `%{flags}[expr]`, `%var`, `%%` and literal text. */
export function formatParts(format: string): FormatPart[] {
	const parts: FormatPart[] = [];
	let text = '';
	let i = 0;
	while (i < format.length) {
		const c = format[i]!;
		if (c !== '%') {
			text += c;
			i++;
			continue;
		}
		if (format[i + 1] === '%') {
			text += '%';
			i += 2;
			continue;
		}
		let j = i + 1;
		if (format[j] === '{') {
			const close = format.indexOf('}', j);
			if (close < 0) break;
			j = close + 1;
		}
		if (format[j] === '[') {
			let depth = 0;
			let k = j;
			for (; k < format.length; k++) {
				if (format[k] === '[') depth++;
				else if (format[k] === ']' && --depth === 0) break;
			}
			if (text) parts.push({ kind: 'text', text });
			text = '';
			parts.push({ kind: 'expression', expression: format.slice(j + 1, k) });
			i = k + 1;
			continue;
		}
		const name = /^[A-Za-z]+/.exec(format.slice(j))?.[0] ?? '';
		if (text) parts.push({ kind: 'text', text });
		text = '';
		parts.push({ kind: 'logvar' });
		i = j + Math.max(name.length, 1);
	}
	if (text) parts.push({ kind: 'text', text });
	return parts;
}
