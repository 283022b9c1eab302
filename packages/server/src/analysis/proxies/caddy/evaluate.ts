/**
Runs one request through a compiled handler chain, as Caddy would (proxies.md §2.1–2.3), tracking the user header:
the client forges it, `request_header` and `forward_auth … copy_headers` change it in chain order, `header_up` changes
the proxied copy. The auth service's answer is a scenario: `ok` (2xx with identity headers), `anonymous` (2xx without
them: Authelia bypass policies, Authentik unauthenticated paths) or `deny`. Opaque matchers are decided by a caller's
choice function, so `explore` can enumerate them.
*/
import { canonicalHeaderName } from '@navidrome-extauth/core';
import type { HandlerRoute } from './chain.js';
import { evaluateCondition, type ConditionEnvironment } from './conditions.js';
import { deleteMatches, resolveValue, type HeaderOp, type PlaceholderContext } from './headers.js';
import type { AuthStep, CopyHeadersEra, HeaderOrigin, HeaderValue } from './types.js';

export type Scenario = { auth: 'ok' | 'anonymous' | 'deny'; era: CopyHeadersEra };

export type Choice = { key: string; text: string; value: boolean };

export type RunOutcome = {
	end: 'upstream' | 'denied' | 'responded' | 'fallthrough';
	/** The reverse_proxy that received the request. */
	proxy?: HandlerRoute;
	/** The user header as sent upstream. */
	value: HeaderValue;
	authenticated: boolean;
	authSteps: AuthStep[];
	skippedAuth: AuthStep[];
	skippedStrips: HeaderOrigin[];
	lostAuth?: HeaderOrigin;
	/** Opaque matchers decided on the way, in discovery order. */
	choices: Choice[];
};

export type RunOptions = {
	userHeader: string;
	scenario: Scenario;
	path: string;
	/** Caddy ≥ 2.11.4 on the whole range: request headers with `_` never arrive. */
	underscoreDropped: boolean;
	/** Decide the `index`-th new opaque matcher. */
	decide(key: string, text: string, index: number): boolean;
	/** Handler steps left for the whole site analysis; a run that exhausts it stops (and `exhausted` is set). */
	budget?: { steps: number; exhausted: boolean };
};

/** Guards against pathological chains (subroutes are already bounded when compiled). */
const maxSteps = 5000;

export function runRequest(routes: readonly HandlerRoute[], options: RunOptions): RunOutcome {
	return new Run(options).start(routes);
}

/** Every outcome over the opaque matchers' combinations (depth-first, at most `limit` runs). */
export function explore(routes: readonly HandlerRoute[], options: Omit<RunOptions, 'decide'>, limit: number): { outcomes: RunOutcome[]; truncated: boolean } {
	const outcomes: RunOutcome[] = [];
	const stack: boolean[][] = [[]];
	while (stack.length > 0) {
		if (outcomes.length >= limit || options.budget?.exhausted) return { outcomes, truncated: true };
		const prefix = stack.pop()!;
		const outcome = runRequest(routes, { ...options, decide: (_key, _text, index) => prefix[index] ?? false });
		outcomes.push(outcome);
		for (let index = outcome.choices.length - 1; index >= prefix.length; index--) {
			stack.push([...outcome.choices.slice(0, index).map((choice) => choice.value), true]);
		}
	}
	return { outcomes, truncated: false };
}

/** Replay a run with the same opaque decisions (by matcher), new ones false. */
export function replay(routes: readonly HandlerRoute[], options: Omit<RunOptions, 'decide'>, choices: readonly Choice[]): RunOutcome {
	const decided = new Map(choices.map((choice) => [choice.key, choice.value]));
	return runRequest(routes, { ...options, decide: (key) => decided.get(key) ?? false });
}

type Terminal = Exclude<RunOutcome['end'], 'fallthrough'>;

class Run {
	private currentPath: string | undefined;
	/** The path in lower case, as path matchers compare it. */
	private lowerPath: string | undefined;

	private get path(): string | undefined {
		return this.currentPath;
	}

	private set path(value: string | undefined) {
		this.currentPath = value;
		this.lowerPath = value?.toLowerCase();
	}
	private readonly headers = new Map<string, HeaderValue>();
	private readonly deletions: Array<{ pattern: string; origin: HeaderOrigin }> = [];
	private readonly header: string;
	/** Whether the latest forward_auth answer carried identity headers (undefined: no auth answer yet). */
	private authIdentity: boolean | undefined;
	private basicUser = false;
	private authenticated = false;
	private readonly authSteps: AuthStep[] = [];
	private readonly skippedAuth: AuthStep[] = [];
	private readonly skippedStrips: HeaderOrigin[] = [];
	private lostAuth: HeaderOrigin | undefined;
	private readonly choices: Choice[] = [];
	private readonly chosen = new Map<string, boolean>();
	private steps = 0;
	private proxy: HandlerRoute | undefined;
	private final: HeaderValue | undefined;

	constructor(private readonly options: RunOptions) {
		this.path = options.path;
		this.header = options.userHeader.toLowerCase();
	}

	start(routes: readonly HandlerRoute[]): RunOutcome {
		const end = this.runRoutes(routes) ?? 'fallthrough';
		const outcome: RunOutcome = {
			end,
			value: end === 'upstream' && this.final ? this.final : { kind: 'absent' },
			authenticated: this.authenticated,
			authSteps: this.authSteps,
			skippedAuth: this.skippedAuth,
			skippedStrips: this.skippedStrips,
			choices: this.choices,
		};
		if (this.proxy) outcome.proxy = this.proxy;
		if (this.lostAuth) outcome.lostAuth = this.lostAuth;
		return outcome;
	}

	private readonly conditionEnvironment: ConditionEnvironment = this.createEnvironment();

	private environment(): ConditionEnvironment {
		return this.conditionEnvironment;
	}

	private createEnvironment(): ConditionEnvironment {
		// One object per run; `path` reads the current (possibly rewritten) path.
		const run = this;
		return {
			get path() {
				return run.lowerPath;
			},
			choose: (key, text) => this.choose(key, text),
			authHeader: (name) => this.authHeader(name),
			hasHeader: (name) => {
				const value = this.read(name);
				if (value.kind === 'absent') return false;
				if (value.kind === 'client' && name.toLowerCase() !== this.header) return this.choose(`has header ${name.toLowerCase()}`, `header ${name}`);
				return true;
			},
		};
	}

	private choose(key: string, text: string): boolean {
		const known = this.chosen.get(key);
		if (known !== undefined) return known;
		const value = this.options.decide(key, text, this.choices.length);
		this.chosen.set(key, value);
		this.choices.push({ key, text, value });
		return value;
	}

	/** Caddy keys response-header placeholders by the canonical name, so other spellings never resolve. */
	private authHeader(name: string): boolean {
		return this.authIdentity === true && name === canonicalHeaderName(name);
	}

	private read(name: string): HeaderValue {
		const lower = name.toLowerCase();
		const known = this.headers.get(lower);
		if (known) return known;
		for (let index = this.deletions.length - 1; index >= 0; index--) {
			const deletion = this.deletions[index]!;
			if (deleteMatches(deletion.pattern, lower)) return { kind: 'absent', by: deletion.origin };
		}
		if (this.options.underscoreDropped && lower.includes('_')) return { kind: 'absent' };
		return { kind: 'client', header: canonicalHeaderName(name) };
	}

	private write(name: string, value: HeaderValue, origin: HeaderOrigin | undefined): void {
		const lower = name.toLowerCase();
		if (lower === this.header && origin && !this.lostAuth && value.kind !== 'auth' && this.read(lower).kind === 'auth') this.lostAuth = origin;
		this.headers.set(lower, value);
	}

	private placeholders(): PlaceholderContext {
		return { readHeader: (name) => this.read(name), authHeader: (name) => this.authHeader(name), basicUser: this.basicUser };
	}

	/** Caddy's HeaderOps order within one handler: add, set, delete, replace. */
	private applyOps(ops: readonly HeaderOp[], read: (name: string) => HeaderValue, write: (name: string, value: HeaderValue, origin: HeaderOrigin) => void, onDelete: (pattern: string, origin: HeaderOrigin) => void): void {
		const context = this.placeholders();
		for (const op of ops) {
			if (op.action !== 'add') continue;
			if (read(op.field).kind === 'absent') write(op.field, resolveValue(op.value ?? '', op.origin, context), op.origin);
		}
		for (const op of ops) {
			if (op.action === 'set') write(op.field, resolveValue(op.value ?? '', op.origin, context), op.origin);
			else if (op.action === 'default' && read(op.field).kind === 'absent') write(op.field, resolveValue(op.value ?? '', op.origin, context), op.origin);
		}
		for (const op of ops) if (op.action === 'delete') onDelete(op.field, op.origin);
	}

	private deleteInRequest(pattern: string, origin: HeaderOrigin): void {
		for (const name of [...this.headers.keys(), this.header]) {
			if (deleteMatches(pattern, name)) this.write(name, { kind: 'absent', by: origin }, origin);
		}
		this.deletions.push({ pattern, origin });
	}

	private stripsUserHeader(ops: readonly HeaderOp[]): HeaderOp | undefined {
		return ops.find((op) => (op.action === 'delete' && deleteMatches(op.field, this.header)) || (op.action === 'set' && op.field.toLowerCase() === this.header && op.value === ''));
	}

	/** Runs routes in order; returns how the request ended, or undefined to continue after them. */
	private runRoutes(routes: readonly HandlerRoute[]): Terminal | undefined {
		let doneGroups: Set<string> | undefined;
		for (const route of routes) {
			if (++this.steps > maxSteps) return 'responded';
			const budget = this.options.budget;
			if (budget && --budget.steps < 0) {
				budget.exhausted = true;
				return 'responded';
			}
			if (route.group && doneGroups?.has(route.group)) continue;
			if (!evaluateCondition(route.matcher.condition, this.environment())) {
				this.noteSkipped(route);
				continue;
			}
			if (route.group) (doneGroups ??= new Set()).add(route.group);
			const end = this.runHandler(route);
			if (end) return end;
		}
		return undefined;
	}

	private noteSkipped(route: HandlerRoute): void {
		const handler = route.handler;
		if (handler.kind === 'auth') this.skippedAuth.push(handler.step);
		else if (handler.kind === 'headers') {
			const strip = this.stripsUserHeader(handler.ops);
			if (strip) this.skippedStrips.push(strip.origin);
		}
	}

	private runHandler(route: HandlerRoute): Terminal | undefined {
		const handler = route.handler;
		switch (handler.kind) {
			case 'headers':
				this.applyOps(handler.ops, (name) => this.read(name), (name, value, origin) => this.write(name, value, origin), (pattern, origin) => this.deleteInRequest(pattern, origin));
				return undefined;
			case 'auth':
				return this.runAuth(handler.step);
			case 'proxy':
				this.proxy = route;
				this.final = this.proxiedValue(handler.headerUp);
				return 'upstream';
			case 'subroute': {
				if (handler.stripPrefix !== undefined && this.path !== undefined && this.path.toLowerCase().startsWith(handler.stripPrefix.toLowerCase())) {
					const rest = this.path.slice(handler.stripPrefix.length);
					this.path = rest.startsWith('/') ? rest : `/${rest}`;
				}
				return this.runRoutes(handler.routes);
			}
			case 'terminal':
				return 'responded';
			case 'rewrite':
				this.path = handler.to && this.path !== undefined ? handler.to(this.path) : undefined;
				return undefined;
			case 'noop':
				return undefined;
		}
	}

	private runAuth(step: AuthStep): Terminal | undefined {
		const { auth, era } = this.options.scenario;
		if (auth === 'deny') return 'denied';
		this.authenticated = true;
		this.authSteps.push(step);
		if (step.kind === 'basic_auth') {
			this.basicUser = true;
			return undefined;
		}
		this.authIdentity = auth === 'ok';
		// proxies.md §2.2: what the generated 2xx handler does per version.
		for (const copy of step.copies) {
			const origin: HeaderOrigin = { kind: 'copy_headers', directive: step.directive, token: copy.token };
			if (auth === 'ok') this.write(copy.to, { kind: 'auth', header: copy.from, source: 'forward_auth', by: origin }, origin);
			else if (era === 'placeholder') this.write(copy.to, { kind: 'placeholder', text: `{http.reverse_proxy.header.${copy.from}}`, by: origin }, origin);
			else if (era === 'delete') this.write(copy.to, { kind: 'absent', by: origin }, origin);
		}
		return undefined;
	}

	/** `header_up` applies to the proxied copy of the request. */
	private proxiedValue(ops: readonly HeaderOp[]): HeaderValue {
		const copy = new Map<string, HeaderValue>();
		const read = (name: string): HeaderValue => copy.get(name.toLowerCase()) ?? this.read(name);
		let lost: HeaderOrigin | undefined;
		const write = (name: string, value: HeaderValue, origin: HeaderOrigin): void => {
			const lower = name.toLowerCase();
			if (lower === this.header && !lost && value.kind !== 'auth' && read(lower).kind === 'auth') lost = origin;
			copy.set(lower, value);
		};
		this.applyOps(ops, read, write, (pattern, origin) => {
			if (deleteMatches(pattern, this.header)) write(this.header, { kind: 'absent', by: origin }, origin);
		});
		if (lost && !this.lostAuth) this.lostAuth = lost;
		return read(this.header);
	}
}
