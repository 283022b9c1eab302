/**
Lowers one Apache route (paths of one server that reach Navidrome the same way) into the neutral `ProxyRoute`: the
paths, the conditions the model does not decide, the proxy's peer, the auth step, and the user header's two outcomes
with their causes in Apache's words and fixes in Apache's syntax.
*/
import type { Fix, Location } from '../../findings.js';
import type { ApacheDirective, ApacheNode, ApacheSection } from '../../formats/apache/index.js';
import type { Deployment, ServiceRef } from '../../model/deployment.js';
import type { AuthRun, Forgery, HeaderFate, Loss, ProxyRoute } from '../../model/route.js';
import { describeServer, sectionHead, type Section, type Server } from './config.js';
import { argLocation, at, deleteLine, directiveText, insertBefore, insertInto, sectionLocation } from './edits.js';
import type { AuthFacts, HeaderOp, HeaderState } from './headers.js';
import { decidingSection, type Applied, type ProxyChoice } from './select.js';
import type { Target } from './targets.js';

/** One group of paths of one server that reach Navidrome the same way. */
export type ApacheRouteFacts = {
	server: Server;
	main: Server | undefined;
	choice: ProxyChoice;
	target: Target;
	applied: Applied;
	auth: AuthFacts;
	userHeader: string;
	ops: HeaderOp[];
	state: HeaderState;
	/** Other headers the proxy sets to the signed-in user (`RequestHeader set X-Remote-User …`). */
	userElsewhere: HeaderOp[];
	/** `RequestHeader unset` lines of the user header anywhere in the server, in effect here or not. */
	stripsInServer: ApacheDirective[];
	/** Paths the client asks for, and what the backend receives. */
	paths: string[];
	witnesses: string[];
	ssl: boolean;
};

export type LowerContext = {
	readText(path: string): string | undefined;
	/** The compose services that run this Apache (they mount its configuration); none for a host Apache. */
	proxyServices: readonly ServiceRef[];
	deployment: Deployment;
};

/** The value that maps the signed-in user: the user when someone logged in, empty otherwise (measured). */
export const userValue = '"expr=%{REMOTE_USER}"';

export function lowerRoute(facts: ApacheRouteFacts, context: LowerContext): ProxyRoute {
	const instance = facts.target.instance;
	const note = facts.target.assumed && !instance.assumed ? ` (${facts.choice.url} is taken to be Navidrome '${instance.id}', the only instance found)` : '';
	const section = decidingSection(facts.applied);
	const location = section ? sectionLocation(section.node) : at(facts.choice.directive);
	const forgeries = forgeriesOf(facts, context, note);
	const losses = lossesOf(facts, context, note);
	return {
		proxy: 'apache',
		location,
		requests: `${section ? sectionHead(section.node) : directiveText(facts.choice.directive)} of ${describeServer(facts.server)}`,
		witnesses: facts.witnesses,
		conditions: conditionsOf(facts),
		upstream: facts.choice.url,
		target: instance,
		peer: context.deployment.links.peerTrust(instance, context.proxyServices),
		auth: authRuns(facts),
		authenticated: facts.auth.runs,
		forgeries,
		losses,
		header: headerFate(facts),
	};
}

function where(facts: ApacheRouteFacts): string {
	const section = decidingSection(facts.applied);
	const head = section ? sectionHead(section.node) : `'${directiveText(facts.choice.directive)}'`;
	const name = facts.server.names[0];
	return name ? `${head} of ${name}` : head;
}

function conditionsOf(facts: ApacheRouteFacts): string[] {
	const conditions = [...facts.choice.conditions];
	for (const directive of facts.auth.alternatives) conditions.push(directiveText(directive));
	for (const op of facts.state.conditional) conditions.push(`${directiveText(op.directive)} (${op.condition})`);
	for (const section of facts.applied.sections) if (section.kind === 'if') conditions.push(sectionHead(section.node));
	return [...new Set(conditions)];
}

function authRuns(facts: ApacheRouteFacts): AuthRun[] {
	const type = facts.auth.type;
	if (!facts.auth.runs || !type) return [];
	return [{ kind: facts.auth.kind === 'basic' ? 'basic' : 'other', name: `${directiveText(type)}${facts.auth.require[0] ? ` + ${directiveText(facts.auth.require[0])}` : ''}`, location: at(type), setsUser: facts.state.value?.source.kind === 'user' }];
}

function headerFate(facts: ApacheRouteFacts): ProxyRoute['header'] {
	const { state } = facts;
	const name = facts.userHeader;
	const locations = [state.decisive ?? state.strippedBy].filter((op): op is HeaderOp => op !== undefined).map((op) => at(op.directive));
	let fate: HeaderFate;
	let detail: string;
	if (state.client) [fate, detail] = ['passthrough', `The client's own ${name} reaches Navidrome.`];
	else if (!state.value) [fate, detail] = [facts.auth.runs ? 'never-delivered' : 'stripped', facts.auth.runs ? `${name} is removed and never set to the signed-in user.` : `Client copies of ${name} are removed.`];
	else if (state.value.source.kind === 'user') [fate, detail] = ['authenticated', `${name} is set to the signed-in user (${state.value.op.value ?? ''}).`];
	else if (state.value.source.kind === 'client') [fate, detail] = ['passthrough', `${name} is copied from client input (${state.value.source.what}).`];
	else [fate, detail] = [state.value.source.text.trim() === '' ? 'stripped' : 'placeholder', `${name} is sent as the text '${state.value.source.text}'.`];
	return { fate, detail, locations };
}

/** The section that asks for the login (the last one with `AuthType` or `Require`). */
function authSection(facts: ApacheRouteFacts): ApacheSection | undefined {
	const type = facts.auth.type;
	const require = facts.auth.require[facts.auth.require.length - 1];
	const item = facts.applied.items.find((candidate) => candidate.directive === (require ?? type));
	return item?.section?.node;
}

/** The unconditional early strip for the virtual host (or before the proxying directive in the main server). */
function earlyStripFix(facts: ApacheRouteFacts, context: LowerContext): Fix[] {
	const line = `RequestHeader unset ${facts.userHeader} early`;
	let edit;
	const vhost = facts.server.vhost;
	if (vhost) edit = insertInto(vhost, line, context.readText);
	else {
		let anchor: ApacheNode = facts.choice.directive;
		const item = facts.applied.items.find((candidate) => candidate.directive === facts.choice.directive);
		for (let section: Section | undefined = item?.section; section; section = section.parent) anchor = section.node;
		edit = insertBefore(anchor, line, context.readText);
	}
	return edit ? [{ title: `Remove the client's ${facts.userHeader} early in ${vhost ? sectionHead(vhost) : 'the server'}`, edits: [edit], isPreferred: true }] : [];
}

/** Map the user in the section that asks for the login. */
function mapFix(facts: ApacheRouteFacts, context: LowerContext): Fix[] {
	const culprit = facts.state.value?.op;
	if (culprit && culprit.action === 'set') {
		const arg = culprit.directive.args[2];
		if (arg) return [{ title: `Set ${facts.userHeader} to the signed-in user`, edits: [{ file: culprit.directive.file, span: arg.span, newText: userValue }], isPreferred: true }];
	}
	const section = authSection(facts);
	const edit = section ? insertInto(section, `RequestHeader set ${facts.userHeader} ${userValue}`, context.readText) : undefined;
	return edit ? [{ title: `Set ${facts.userHeader} to the signed-in user in ${sectionHead(section!)}`, edits: [edit], isPreferred: true }] : [];
}

const mapText = (name: string): string => `RequestHeader set ${name} "expr=%{REMOTE_USER}"`;

/** The same variable as an expression, which is empty (not `(null)`) when it is unset (measured). */
function emptyWhenUnset(value: string): string | undefined {
	if (/^%\{REMOTE_USER\}[es]$/i.test(value)) return userValue;
	const env = /^%\{([A-Za-z0-9_]+)\}e$/.exec(value);
	return env ? `"expr=%{ENV:${env[1]}}"` : undefined;
}

// spec: proxies.md §0 (Navidrome reads the header with Header.Get; an empty value is no user); Apache facts measured, docs/apache.md
function forgeriesOf(facts: ApacheRouteFacts, context: LowerContext, note: string): Forgery[] {
	const { state, auth } = facts;
	const name = facts.userHeader;
	const here = where(facts);
	const location = decidingSection(facts.applied) ? sectionLocation(decidingSection(facts.applied)!.node) : at(facts.choice.directive);
	const who = auth.runs ? 'signed-in' : 'anyone';
	const through = auth.runs ? `behind ${directiveText(auth.type!)}` : 'without authentication';
	if (state.client) {
		const ignored = state.ignored[0];
		const conditional = state.conditional[0];
		if (ignored || conditional || (!auth.runs && facts.stripsInServer.length > 0)) {
			const why = ignored
				? `'${directiveText(ignored.directive)}' sits in ${ignored.item.section ? sectionHead(ignored.item.section.node) : 'a section'}, where Apache ignores 'early'`
				: conditional
					? `'${directiveText(conditional.directive)}' runs only ${conditional.condition}`
					: `the ${name} lines of this server (${facts.stripsInServer.map((d) => `'${directiveText(d)}'`).slice(0, 2).join(', ')}) are not in effect here`;
			return [{ cause: 'strip-gap', who, location, what: `${here} proxies to Navidrome ${through}, and ${why}, so it forwards the client's own ${name}${note}`, fix: `Add 'RequestHeader unset ${name} early' to the virtual host.`, fixes: earlyStripFix(facts, context) }];
		}
		if (auth.runs) {
			return [{ cause: 'auth-no-user', who: 'signed-in', location, what: `${here} is behind ${directiveText(auth.type!)} but nothing sets or removes ${name}, so it forwards the client's own ${name}${note}`, fix: `Add '${mapText(name)}'.`, fixes: mapFix(facts, context) }];
		}
		return [{ cause: 'bypass-nostrip', who: 'anyone', location, what: `${here} proxies to Navidrome without authentication and forwards the client's own ${name}${note}`, fix: `Add 'RequestHeader unset ${name} early' to the virtual host.`, fixes: earlyStripFix(facts, context) }];
	}
	const value = state.value;
	if (!value) return [];
	const op = value.op;
	const arg = argLocation(op.directive, op.action === 'edit' || op.action === 'edit*' ? 3 : 2);
	if (value.source.kind === 'client') {
		const fixes: Fix[] = auth.runs
			? [{ title: `Set ${name} to the signed-in user`, edits: [{ file: op.directive.file, span: arg.span, newText: userValue }], isPreferred: true }]
			: [{ title: `Remove ${name} instead`, edits: [{ file: op.directive.file, span: op.directive.span, newText: `RequestHeader unset ${name}` }], isPreferred: true }];
		return [{ cause: 'client-input', who, location: arg, what: `In ${here}, ${name} is set from ${value.source.what}, which the client sends${note}`, fix: auth.runs ? `Use '${mapText(name)}'.` : `Use 'RequestHeader unset ${name}'.`, fixes }];
	}
	if (value.source.kind === 'literal' && value.source.text.trim() !== '' && !auth.runs) {
		const text = value.source.text;
		const replacement = emptyWhenUnset(op.value ?? '');
		const fromUser = replacement !== undefined;
		const why = fromUser ? `${op.value} is '${text}' on a request nobody logged in for` : `it is the fixed text '${text}'`;
		const fixes: Fix[] = fromUser
			? [{ title: `Send the signed-in user only (empty without a login)`, edits: [{ file: op.directive.file, span: arg.span, newText: replacement! }], isPreferred: true }]
			: [{ title: `Remove ${name} instead`, edits: [{ file: op.directive.file, span: op.directive.span, newText: `RequestHeader unset ${name}` }], isPreferred: true }];
		return [
			{
				cause: 'literal-user',
				who: 'anyone',
				location: arg,
				what: `${here} proxies to Navidrome without authentication and sets ${name} to '${text}' (${why})${note}`,
				consequence: `anyone who reaches it is logged in as '${text}' (created if missing; on a fresh install, as admin)`,
				fix: fromUser ? `Use 'RequestHeader set ${name} ${replacement}', which is empty when nobody logged in.` : `Remove the fixed ${name}, or set it only where a login is required.`,
				fixes,
			},
		];
	}
	return [];
}

function lossesOf(facts: ApacheRouteFacts, context: LowerContext, note: string): Loss[] {
	const { state, auth } = facts;
	if (!auth.runs) return [];
	const name = facts.userHeader;
	const here = where(facts);
	const deciding = decidingSection(facts.applied);
	const authLocation: Location = deciding ? sectionLocation(deciding.node) : at(auth.type!);
	if (state.value?.source.kind === 'user' && !state.client) return [];
	if (!state.value && state.removedUser) {
		const { set, unset } = state.removedUser;
		const serverLevel = !unset.item.section;
		const edit = serverLevel ? { file: unset.directive.file, span: { start: unset.directive.span.end, end: unset.directive.span.end }, newText: ' early' } : deleteLine(unset.directive, context.readText);
		return [
			{
				cause: 'strip-after-auth',
				location: at(unset.directive),
				what: `In ${here}, '${directiveText(unset.directive)}' runs after '${directiveText(set.directive)}' (mod_headers applies the virtual host's lines before the sections', after the login), so it removes the signed-in user${note}`,
				fix: serverLevel ? `Make it 'RequestHeader unset ${name} early', which runs before the login.` : 'Remove it; strip the client copy with an early unset in the virtual host.',
				related: [{ ...at(set.directive), message: 'The user is set here' }],
				fixes: edit ? [{ title: serverLevel ? 'Strip early, before the login' : `Remove the later unset of ${name}`, edits: [edit], isPreferred: true }] : [],
			},
		];
	}
	const elsewhere = facts.userElsewhere[0];
	if (!state.client && !state.value && elsewhere) {
		const arg = elsewhere.directive.args[1];
		return [
			{
				cause: 'renamed',
				location: argLocation(elsewhere.directive, 1),
				what: `In ${here}, the signed-in user is sent as ${elsewhere.header}, but Navidrome reads ${name}${note}`,
				fix: `Send it as ${name}, or set ND_EXTAUTH_USERHEADER to ${elsewhere.header}.`,
				fixes: arg ? [{ title: `Send the user as ${name}`, edits: [{ file: elsewhere.directive.file, span: arg.span, newText: name }], isPreferred: true }] : [],
			},
		];
	}
	let what: string;
	let location = authLocation;
	if (state.client) what = `${here} is behind ${directiveText(auth.type!)}, but nothing sets ${name} to the signed-in user`;
	else if (!state.value) what = `${here} is behind ${directiveText(auth.type!)}, but ${name} is removed and never set to the signed-in user`;
	else {
		location = argLocation(state.value.op.directive, 2);
		const source = state.value.source;
		const sent = source.kind === 'client' ? `client input (${source.what})` : `the text '${source.kind === 'literal' ? source.text : ''}'`;
		const why = /%\{REMOTE_USER\}e/i.test(state.value.op.value ?? '') ? ' (REMOTE_USER is not in the environment when mod_headers runs)' : /%\{[^}]*\}s/i.test(state.value.op.value ?? '') && !facts.ssl ? ' (%{…}s needs mod_ssl, which is not loaded)' : '';
		what = `In ${here}, ${name} is sent as ${sent}, not the signed-in user${why}`;
	}
	return [{ cause: 'never-mapped', location, what: `${what}${note}`, fix: `Add '${mapText(name)}' where the login is required.`, fixes: mapFix(facts, context) }];
}
