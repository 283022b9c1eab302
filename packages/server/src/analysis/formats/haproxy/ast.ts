/**
The HAProxy configuration tree (configuration manual §2, §4): an ordered list of sections, each a list of lines of
words, plus the parts the model reads already structured: `acl` lines, `http-request` rules with their `if`/`unless`
conditions, `use_backend`/`default_backend` and `server` lines. All spans are UTF-16 offsets into the file's text.
*/
import type { Span } from '../../text.js';

/** One word of a line, as HAProxy's line parser cuts it. */
export type HaproxyWord = {
	/** Quotes removed, escapes decoded (`\ ` `\#` `\\` `\'` `\"` `\n` `\r` `\t` `\xNN`); `${VAR}` inside double quotes kept as written. */
	value: string;
	/** The exact source text, quotes and backslashes included. */
	raw: string;
	span: Span;
	/** Part of the word was quoted (`"…"` weak, `'…'` strong). */
	quoted?: true;
	/** The word holds an environment variable HAProxy expands from its own environment (`"${BACKEND}"`): unknown here. */
	env?: true;
};

export type HaproxyLine = {
	/** The first word (`http-request`, `server`, `bind`…). */
	keyword: string;
	/** Every word, the keyword first. */
	words: HaproxyWord[];
	/** From the first word to the end of the last one. */
	span: Span;
	file: string;
};

/** One ACL test: a fetch with converters, flags and patterns (`path_beg -i /rest/ /share/`). */
export type HaproxyAclTest = {
	/** The fetch as written, converters included (`path`, `hdr(host),lower`, `var(txn.auth_response_successful)`). */
	fetch: string;
	fetchWord: HaproxyWord;
	/** Flags in order (`-i`, `-m`, `-f`, `-n`, `-u`, `-M`), each with its argument where it takes one. */
	flags: Array<{ flag: string; arg?: string }>;
	/** Patterns (values) to match. */
	patterns: HaproxyWord[];
	span: Span;
};

/** `acl <name> <test>`; several lines with one name are ORed. */
export type HaproxyAcl = HaproxyAclTest & { name: string; nameWord: HaproxyWord; line: HaproxyLine };

/** One term of a condition: a named ACL or an anonymous `{ … }` one, possibly negated with `!`. */
export type HaproxyTerm = { negated: boolean; span: Span; text: string } & ({ kind: 'named'; name: string } | { kind: 'anonymous'; test: HaproxyAclTest });

/** `if|unless` followed by terms: ANDed within a group, groups ORed (`||`, `or`). */
export type HaproxyCondition = {
	polarity: 'if' | 'unless';
	keyword: HaproxyWord;
	groups: HaproxyTerm[][];
	/** From `if`/`unless` to the last word. */
	span: Span;
	/** As written, words joined by one space. */
	text: string;
};

/** An `http-request <action> [args] [if|unless cond]` line. */
export type HaproxyRule = {
	line: HaproxyLine;
	/** `set-header`, `del-header`, `lua.auth-request`, `set-var(txn.user)`, `deny`… */
	action: string;
	actionWord: HaproxyWord;
	args: HaproxyWord[];
	condition: HaproxyCondition | undefined;
};

/** `use_backend <name> [if|unless cond]` or `default_backend <name>`. */
export type HaproxySwitch = { line: HaproxyLine; backend: HaproxyWord | undefined; condition: HaproxyCondition | undefined };

/** `server <name> <address> [params]`. */
export type HaproxyServer = {
	line: HaproxyLine;
	name: string;
	address: HaproxyWord | undefined;
	/** Lower case; `undefined` for unix sockets, variables and unparsable addresses. */
	host: string | undefined;
	port: number | undefined;
};

export type HaproxySectionKind = 'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'userlist' | 'other';

export type HaproxySection = {
	kind: HaproxySectionKind;
	/** The section keyword as written (`frontend`, `resolvers`, `peers`…). */
	keyword: string;
	name: string | undefined;
	nameWord: HaproxyWord | undefined;
	/** `from <defaults>`. */
	from: string | undefined;
	header: HaproxyLine;
	/** Lines after the header, in order (`.if` blocks flattened). */
	lines: HaproxyLine[];
	/** From the header to the end of its last line. */
	span: Span;
	file: string;
	/** The section's own `mode` (`http`, `tcp`), when set. */
	mode: string | undefined;
	acls: HaproxyAcl[];
	httpRequest: HaproxyRule[];
	useBackend: HaproxySwitch[];
	defaultBackend: HaproxySwitch | undefined;
	servers: HaproxyServer[];
	binds: HaproxyLine[];
	/** `user <name>` lines of a `userlist`. */
	users: string[];
};

export type HaproxyConfig = { file: string; sections: HaproxySection[] };

export type HaproxyParseError = { message: string; span: Span; file: string };
