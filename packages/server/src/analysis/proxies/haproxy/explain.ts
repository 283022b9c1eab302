/**
The causes one modelled request shows, in HAProxy's words, with their locations and quick fixes in HAProxy syntax.
Each cause is keyed by its location so that the requests sharing it become one explanation (lower.ts).
*/
import type { Fix, Location, Severity, TextEdit } from '../../findings.js';
import type { HaproxyLine, HaproxyRule, HaproxySection, HaproxyWord } from '../../formats/haproxy/index.js';
import type { ForgeCause, Forgery, LossCause } from '../../model/route.js';
import type { HaproxyProxy } from './program.js';
import { sanitizeHeader, type AuthStepRun, type HeaderValue, type RunResult } from './simulate.js';

/** One cause seen on one request, before the requests that share it are known. */
export type Candidate = {
	outcome: 'forgery' | 'loss';
	cause: ForgeCause | LossCause;
	location: Location;
	who?: Forgery['who'];
	severity?: Severity;
	/** The explanation for the given requests (`/rest/ping.view, /share/abc`). */
	build(requests: string): { what: string; fix: string; consequence?: string; fixes?: Fix[] };
};

export type ExplainContext = {
	/** The user header Navidrome reads, canonical (`Remote-User`). */
	header: string;
	frontend: HaproxyProxy;
	backend: HaproxyProxy;
	readText(path: string): string | undefined;
};

export type Runs = {
	/** No valid credentials, forged header. */
	anonymous: RunResult;
	/** Valid credentials, forged header. */
	signedForged: RunResult;
	/** Valid credentials, no forged header. */
	signed: RunResult;
	/** The auth service answers 2xx without identity, forged header (only when an auth-request step ran). */
	bypass: RunResult | undefined;
};

export function lineText(line: HaproxyLine): string {
	return line.words.map((word) => word.raw).join(' ');
}

function at(line: HaproxyLine): Location {
	return { file: line.file, span: line.span };
}

function wordAt(word: HaproxyWord, file: string): Location {
	return { file, span: word.span };
}

function describe(proxy: HaproxyProxy): string {
	return `${proxy.kind} ${proxy.name}`;
}

/** `lua.auth-request be_auth /auth` or `http-request auth realm x unless …`, as written. */
function stepText(step: AuthStepRun): string {
	return lineText(step.rule.line);
}

/** Where a value was set, as words for a message. */
function ruleWords(rule: HaproxyRule): string {
	return `'${lineText(rule.line)}'`;
}

/**
Every cause of the request's outcome (model/route.ts): forgeable from the anonymous run, then the signed-in run, then
the bypass run; not delivered only where the anonymous request is stopped and the signed-in one reaches Navidrome.
*/
export function candidatesOf(runs: Runs, reaches: (run: RunResult) => boolean, context: ExplainContext): Candidate[] {
	const found: Candidate[] = [];
	const { header } = context;
	const anonymous = runs.anonymous;
	const first = (run: RunResult): HeaderValue | undefined => run.entries[0];
	const fixes = fixMaker(context);
	let forgeable = false;
	if (reaches(anonymous)) {
		const value = first(anonymous);
		if (value?.kind === 'client') {
			forgeable = true;
			found.push(passThrough(anonymous, 'anyone', context, fixes, runs));
		} else if (value?.kind === 'input') {
			forgeable = true;
			found.push(clientInput(value, 'anyone', context));
		} else if (value?.kind === 'literal') {
			forgeable = true;
			const text = value.text;
			found.push({
				outcome: 'forgery',
				cause: 'literal-user',
				who: 'anyone',
				location: at(value.rule.line),
				build: (requests) => ({
					what: `${ruleWords(value.rule)} sets ${header} to the fixed text ${text} on ${requests}${anonymous.authSteps.length > 0 ? ', whether or not the auth check passes' : ', and no auth step runs there'}`,
					consequence: `anyone who reaches it is logged in as ${text} (created if missing; on a fresh install, as admin)`,
					fix: `Remove the fixed ${header}, or set it only from the auth answer.`,
				}),
			});
		}
	}
	if (!forgeable && reaches(runs.signedForged)) {
		const value = first(runs.signedForged);
		if (value?.kind === 'client') {
			forgeable = true;
			found.push(passThrough(runs.signedForged, 'signed-in', context, fixes, runs));
		} else if (value?.kind === 'input') {
			forgeable = true;
			found.push(clientInput(value, 'signed-in', context));
		}
	}
	const bypass = runs.bypass;
	if (!forgeable && bypass && reaches(bypass) && first(bypass)?.kind === 'client') {
		const setter = bypass.skippedSetters[0];
		const step = bypass.authSteps.find((entry) => entry.kind === 'lua');
		found.push({
			outcome: 'forgery',
			cause: 'placeholder',
			who: 'anyone',
			severity: 'warning',
			location: setter?.condition ? { file: setter.line.file, span: setter.condition.span } : at((setter ?? step?.rule ?? runs.signed.authSteps[0]!.rule).line),
			build: (requests) => ({
				what: `${setter ? `${ruleWords(setter)} sets ${header} only when the auth answer has the user` : `Only the auth answer's headers replace ${header}`}, and nothing removes the client's copy first, so when the auth service answers 2xx without a user (Authelia bypass policies, Authentik unauthenticated paths) the client's ${header} reaches Navidrome on ${requests}`,
				fix: `Remove the client's copy first: 'http-request del-header ${header}' as the first rule of ${describe(context.frontend)}.`,
				fixes: fixes.stripFirst(),
			}),
		});
	}
	const signed = runs.signed;
	if (reaches(anonymous) || !reaches(signed) || signed.authSteps.length === 0) return found;
	const delivered = first(signed);
	// A fixed user behind an auth step still arrives: everyone who signs in is that one Navidrome user.
	if (delivered?.kind === 'auth' || delivered?.kind === 'literal') return found;
	found.push(...lossOf(signed, context, fixes));
	return found;
}

/** The client's own copy reaches Navidrome: which cause, by what ran and what did not. */
function passThrough(run: RunResult, who: Forgery['who'], context: ExplainContext, fixes: FixMaker, runs: Runs): Candidate {
	const { header, frontend, backend } = context;
	const selector = run.selectedBy ? ` (${lineText(run.selectedBy.line)})` : '';
	const added = run.history.find((change) => change.rule.action === 'add-header');
	const step = run.authSteps[0];
	if (step) {
		const setter = run.skippedSetters[0];
		if (setter && who === 'anyone') {
			return {
				outcome: 'forgery',
				cause: 'placeholder',
				who,
				location: setter.condition ? { file: setter.line.file, span: setter.condition.span } : at(setter.line),
				build: (requests) => ({
					what: `${ruleWords(setter)} sets ${header} only when the auth check passes, nothing removes the client's copy first, and a failed check does not stop ${requests}, so the client's ${header} reaches Navidrome`,
					fix: `Remove the client's copy first ('http-request del-header ${header}' as the first rule of ${describe(frontend)}) and deny failed checks ('http-request deny if !{ var(txn.auth_response_successful) -m bool }').`,
					fixes: fixes.stripFirst(),
				}),
			};
		}
		const mapped = runs.signed.entries[0]?.kind === 'auth';
		return {
			outcome: 'forgery',
			cause: 'auth-no-user',
			who,
			location: at(step.rule.line),
			build: (requests) => ({
				what: added
					? `${ruleWords(added.rule)} appends ${header} after the client's own copy, which Navidrome reads first, on ${requests} behind '${stepText(step)}'`
					: `'${stepText(step)}' runs on ${requests}${who === 'anyone' ? ', but a failed check does not stop the request,' : ''} and nothing sets or removes ${header}, so the client's ${header} reaches Navidrome`,
				fix: mapped ? `Remove the client's copy first: 'http-request del-header ${header}' as the first rule of ${describe(frontend)}.` : `Remove the client's copy first and copy the answer: ${mappingLine(step, header)}.`,
				fixes: mapped ? fixes.stripFirst() : fixes.stripAndMap(step),
			}),
		};
	}
	const gap = run.skippedStrips[0];
	if (gap) {
		return {
			outcome: 'forgery',
			cause: 'strip-gap',
			who,
			location: gap.condition ? { file: gap.line.file, span: gap.condition.span } : at(gap.line),
			build: (requests) => ({
				what: `${ruleWords(gap)} does not run on ${requests}, which reach ${describe(backend)} without an auth step, so the client's ${header} reaches Navidrome`,
				fix: `Remove the client's copy on every request: 'http-request del-header ${header}' as the first rule of ${describe(frontend)}.`,
				fixes: fixes.stripFirst(),
			}),
		};
	}
	const where = run.selectedBy?.line ?? (backend.section.servers[0]?.line ?? backend.section.header);
	return {
		outcome: 'forgery',
		cause: 'bypass-nostrip',
		who,
		location: at(where),
		build: (requests) => ({
			what: `${describe(frontend)} sends ${requests} to ${describe(backend)}${selector} without an auth step${added ? `, ${ruleWords(added.rule)} only appends after the client's copy` : ''}, and nothing removes the client's own ${header}`,
			fix: `Add 'http-request del-header ${header}' as the first http-request rule of ${describe(frontend)}.`,
			fixes: fixes.stripFirst(),
		}),
	};
}

function clientInput(value: Extract<HeaderValue, { kind: 'input' }>, who: Forgery['who'], context: ExplainContext): Candidate {
	const { header } = context;
	const basic = value.source === 'http_auth_user';
	const fetched = /^(?:req\.)?f?hdr\(([^),]+)/.exec(value.source)?.[1];
	const consequence = basic
		? `${who === 'anyone' ? 'anyone' : 'any user the auth service lets through'} can send 'Authorization: Basic admin:x' and be logged in as admin`
		: fetched && fetched.toLowerCase() !== header.toLowerCase()
			? `${who === 'anyone' ? 'anyone' : 'any user the auth service lets through'} can send "${fetched}: admin" and be logged in as admin`
			: undefined;
	const valueWord = value.rule.args[1];
	return {
		outcome: 'forgery',
		cause: 'client-input',
		who,
		location: valueWord ? wordAt(valueWord, value.rule.line.file) : at(value.rule.line),
		build: (requests) => ({
			what: `${ruleWords(value.rule)} builds ${header} from ${basic ? "%[http_auth_user], the user name of the client's Basic credentials, which no userlist checked here" : `${value.source}, which the client sends`}, on ${requests}`,
			...(consequence ? { consequence } : {}),
			fix: basic ? `Check the credentials first ('http-request auth unless { http_auth(<userlist>) }'), or take the user from the auth answer.` : `Take the user from the auth answer: %[var(req.auth_response_header.remote_user)] after lua.auth-request.`,
		}),
	};
}

/** Why the signed-in user does not reach Navidrome on a protected request. */
function lossOf(run: RunResult, context: ExplainContext, fixes: FixMaker): Candidate[] {
	const { header, frontend } = context;
	const step = run.authSteps[0]!;
	const value = run.entries[0];
	// strip-after-auth: the first copy was the auth answer, and a later rule removed or replaced it.
	for (let i = run.history.length - 1; i >= 0; i--) {
		const change = run.history[i]!;
		if (change.before?.kind !== 'auth' || change.after?.kind === 'auth') continue;
		const setter = change.before.rule;
		const later = change.rule;
		const across = later.line.file === setter.line.file && context.backend.section.lines.includes(later.line) && !context.frontend.section.lines.includes(later.line);
		return [
			{
				outcome: 'loss',
				cause: 'strip-after-auth',
				location: at(later.line),
				build: (requests) => ({
					what: `${ruleWords(later)} runs after ${ruleWords(setter)}${across ? ` (the frontend's rules run before the backend's)` : ''}, so it ${later.action === 'del-header' ? 'removes' : 'replaces'} the ${header} the auth answer set on ${requests}`,
					fix: `Remove it; strip the client's copy before the auth step instead ('http-request del-header ${header}' first in ${describe(frontend)}).`,
					fixes: setter.action === 'set-header' && later.action === 'del-header' ? fixes.removeLine(later.line) : [],
				}),
			},
		];
	}
	if (value?.kind === 'empty' && value.why && value.why.cause !== 'unset') {
		const why = value.why;
		const word = value.rule.args[1];
		const service = step.service;
		if (why.cause === 'not-sent' && service) {
			const replacement = `req.auth_response_header.${sanitizeHeader(service.userHeader)}`;
			const edit: TextEdit | undefined = word && word.raw.includes(why.variable) ? { file: value.rule.line.file, span: word.span, newText: word.raw.replace(why.variable, replacement) } : undefined;
			return [
				{
					outcome: 'loss',
					cause: 'wrong-name',
					location: word ? wordAt(word, value.rule.line.file) : at(value.rule.line),
					build: (requests) => ({
						what: `${service.name} does not send '${why.header}', so var(${why.variable}) is never set and ${ruleWords(value.rule)} sends ${header} empty on ${requests}`,
						fix: `${service.name} sends the user in '${service.userHeader}': %[var(${replacement})].`,
						fixes: edit ? [{ title: `Read var(${replacement})`, edits: [edit], isPreferred: true }] : [],
					}),
				},
			];
		}
		if (why.cause === 'not-run') {
			return [
				{
					outcome: 'loss',
					cause: 'never-mapped',
					location: word ? wordAt(word, value.rule.line.file) : at(value.rule.line),
					build: (requests) => ({
						what: `${ruleWords(value.rule)} reads var(${why.variable}) before '${stepText(step)}' sets it (http-request rules run in order), so ${header} is sent empty on ${requests}`,
						fix: 'Move the rule after the lua.auth-request rule.',
					}),
				},
			];
		}
	}
	const renamed = run.otherCopies.find((copy) => /user|login|name/i.test(copy.header));
	if (renamed && (!value || value.kind === 'empty')) {
		const word = renamed.rule.args[0];
		return [
			{
				outcome: 'loss',
				cause: 'renamed',
				location: word ? wordAt(word, renamed.rule.line.file) : at(renamed.rule.line),
				build: (requests) => ({
					what: `${ruleWords(renamed.rule)} copies the auth answer into ${renamed.header} on ${requests}, but Navidrome reads ${header} (ExtAuth.UserHeader)`,
					fix: `Set ${header} instead, or set ND_EXTAUTH_USERHEADER to ${renamed.header}.`,
					fixes: word ? [{ title: `Set ${header}`, edits: [{ file: renamed.rule.line.file, span: word.span, newText: header }], isPreferred: true }] : [],
				}),
			},
		];
	}
	if (value?.kind === 'input' || value?.kind === 'client') {
		const rule = value.kind === 'input' ? value.rule : undefined;
		return [
			{
				outcome: 'loss',
				cause: 'never-mapped',
				location: rule ? at(rule.line) : at(step.rule.line),
				build: (requests) => ({
					what: `${header} is built from client input${rule ? ` (${ruleWords(rule)})` : ''}, not from the answer of '${stepText(step)}', on ${requests}`,
					fix: `Copy the answer instead: ${mappingLine(step, header)}.`,
				}),
			},
		];
	}
	const cleared = run.history.find((change) => change.after === undefined || change.after.kind === 'empty');
	return [
		{
			outcome: 'loss',
			cause: 'never-mapped',
			location: at(step.rule.line),
			build: (requests) => ({
				what: `'${stepText(step)}' runs on ${requests}, but nothing copies its answer into ${header}${cleared ? ` (${ruleWords(cleared.rule)} only removes it)` : ''}`,
				fix: `Copy the answer: ${mappingLine(step, header)}.`,
				fixes: fixes.map(step),
			}),
		},
	];
}

/** The rule that copies the auth answer of `step` into the user header. */
export function mappingLine(step: AuthStepRun, header: string): string {
	return `http-request set-header ${header} ${mappingValue(step)}`;
}

function mappingValue(step: AuthStepRun): string {
	if (step.kind === 'basic') return '%[http_auth_user]';
	return `%[var(req.auth_response_header.${sanitizeHeader(step.service?.userHeader ?? 'remote-user')})]`;
}

type FixMaker = {
	stripFirst(): Fix[];
	stripAndMap(step: AuthStepRun): Fix[];
	map(step: AuthStepRun): Fix[];
	removeLine(line: HaproxyLine): Fix[];
};

function fixMaker(context: ExplainContext): FixMaker {
	const { header, frontend } = context;
	const strip = (): TextEdit | undefined => insertFirstRule(frontend.section, `http-request del-header ${header}`, context.readText);
	const mapAfter = (step: AuthStepRun): TextEdit | undefined => insertAfter(step.rule.line, mappingLine(step, header), context.readText);
	return {
		stripFirst() {
			const edit = strip();
			return edit ? [{ title: `Remove the client's ${header} first in ${describe(frontend)}`, edits: [edit], isPreferred: true }] : [];
		},
		stripAndMap(step) {
			const edits = [strip(), mapAfter(step)].filter((edit): edit is TextEdit => edit !== undefined);
			return edits.length === 2 ? [{ title: `Remove the client's ${header} and copy the auth answer into it`, edits, isPreferred: true }] : [];
		},
		map(step) {
			const edit = mapAfter(step);
			return edit ? [{ title: `Copy the auth answer into ${header}`, edits: [edit], isPreferred: true }] : [];
		},
		removeLine(line) {
			const text = context.readText(line.file);
			if (text === undefined) return [];
			const start = text.lastIndexOf('\n', line.span.start - 1) + 1;
			const newline = text.indexOf('\n', line.span.end);
			const end = newline < 0 ? text.length : newline + 1;
			return [{ title: `Remove '${lineText(line)}'`, edits: [{ file: line.file, span: { start, end }, newText: '' }], isPreferred: true }];
		},
	};
}

/** Inserts `rule` before the section's first `http-request` line (else right after its header), indented like its lines. */
export function insertFirstRule(section: HaproxySection, rule: string, readText: (path: string) => string | undefined): TextEdit | undefined {
	const text = readText(section.file);
	if (text === undefined) return undefined;
	const firstRule = section.lines.find((line) => line.keyword === 'http-request');
	const sample = firstRule ?? section.lines[0];
	const indent = sample ? indentOf(text, sample) : '    ';
	if (firstRule) {
		const start = text.lastIndexOf('\n', firstRule.span.start - 1) + 1;
		return { file: section.file, span: { start, end: start }, newText: `${indent}${rule}\n` };
	}
	return insertAfter(section.header, rule, readText, indent);
}

function insertAfter(line: HaproxyLine, rule: string, readText: (path: string) => string | undefined, indent?: string): TextEdit | undefined {
	const text = readText(line.file);
	if (text === undefined) return undefined;
	const newline = text.indexOf('\n', line.span.end);
	const own = indent ?? indentOf(text, line);
	if (newline < 0) return { file: line.file, span: { start: text.length, end: text.length }, newText: `\n${own}${rule}\n` };
	return { file: line.file, span: { start: newline + 1, end: newline + 1 }, newText: `${own}${rule}\n` };
}

function indentOf(text: string, line: HaproxyLine): string {
	const start = text.lastIndexOf('\n', line.span.start - 1) + 1;
	const indent = text.slice(start, line.span.start);
	return /^[ \t]*$/.test(indent) && indent !== '' ? indent : '    ';
}
