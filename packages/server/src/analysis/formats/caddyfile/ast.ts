/**
Types of the Caddyfile syntax tree. Everything carries the file it was read from and a UTF-16 span into that file's
ORIGINAL text (before `{$ENV}` or import-argument substitution), so findings can point into imported files too.
The tree follows Caddy's own grouping (proxies.md §2.4): one line = one directive, a `{` at the end of a line opens
its block, `@name` lines define matchers.
*/
import type { Span } from '../../text.js';

/** How a token was written: bare, `"double quoted"`, `` `backticked` `` or as a `<<HEREDOC`. */
export type QuoteKind = 'none' | 'double' | 'backtick' | 'heredoc';

/** One `{$VAR}` / `{$VAR:default}` replaced before lexing, as Caddy does. */
export type EnvSubstitution = {
	name: string;
	/** Text after `:`, when given. */
	defaultValue?: string;
	/** What was spliced in: the variable's value, else the default, else ''. */
	value: string;
	/** Whether the variable's value was known (present in `options.env`). Without `options.env`, a variable without
	default is left in place literally and `resolved` is false. */
	resolved: boolean;
	/** Span of the whole `{$…}` placeholder. */
	span: Span;
	file: string;
};

/** One `{args…}` placeholder of a snippet or imported file replaced by an `import` argument. */
export type ArgSubstitution = {
	/** The placeholder as written: `{args.0}`, `{args[0]}`, `{args[1:]}`. */
	placeholder: string;
	index: number;
	value: string;
	/** The argument on the `import` line. */
	argument: Token;
};

/** Where an imported token came from: one `import` line. */
export type ImportSite = {
	kind: 'snippet' | 'file';
	/** Snippet name or resolved file path. */
	target: string;
	/** File and span of the whole `import …` line. */
	file: string;
	span: Span;
};

/** A lexical token. */
export type Token = {
	/** Value Caddy works with: quotes removed, `\"` decoded, heredoc indentation stripped, `{$VAR}` and import
	`{args…}` substituted. */
	text: string;
	/** Source text at `span` (unsubstituted, quotes included). */
	raw: string;
	span: Span;
	file: string;
	quote: QuoteKind;
	/** Caddy's 1-based line number: lines joined with a trailing `\` count as one, as in Caddy's error messages. Use
	`span` with a `LineIndex` for editor positions. */
	line: number;
	/** Line breaks Caddy counts inside the token (to decide whether the next token is on the same line). */
	lineBreaks: number;
	/** Closing marker of a heredoc token. */
	heredocMarker?: string;
	/** `{$…}` substitutions that produced (part of) this token. */
	env?: EnvSubstitution[];
	/** Import-argument substitutions applied to this token. */
	args?: ArgSubstitution[];
	/** Import chain that brought this token in, outermost first; absent for tokens read directly. */
	imports?: readonly ImportSite[];
};

/** Something read from a file: where it is and through which imports it arrived. */
type Located = {
	file: string;
	/** Span in `file`; covers the node's tokens that are in `file`. */
	span: Span;
	imports?: readonly ImportSite[];
};

/** `{ … }`: the lines of a site, snippet, options block or directive. */
export type Block = Located & {
	/** The `{`; absent for the body of a site written without braces. */
	open?: Token;
	/** The matching `}`; absent when missing (an error is reported) or for a brace-less site. */
	close?: Token;
	directives: Directive[];
};

/** One line: a directive, subdirective, global option or matcher definition, with its arguments and block. */
export type Directive = Located & {
	kind: 'directive';
	/** Text of the first token: `reverse_proxy`, `header_up`, `order`, `@name`, `not`… */
	name: string;
	nameToken: Token;
	args: Token[];
	/** The block opened by a `{` ending the line. */
	block?: Block;
	/** Set for lines whose name starts with `@`. */
	matcherDefinition?: MatcherDefinition;
};

/** A named matcher `@name …`: matchers that must all match (AND). */
export type MatcherDefinition = {
	/** Including the `@`. */
	name: string;
	/** `inline`: `@n path /a /b`; `block`: `@n { … }` (one matcher per line); `expression`: `@n \`cel\`` (a quoted
	first argument is shorthand for `expression`). */
	form: 'inline' | 'block' | 'expression';
	matchers: MatcherEntry[];
};

/** One matcher inside a definition (or inside `not`). Caddy merges entries of the same type (two `path` lines OR
their paths) and ANDs different types. */
export type MatcherEntry = {
	/** Matcher module name: `path`, `header`, `not`, `expression`, `remote_ip`… */
	type: string;
	/** Token naming the type; for the `expression` shorthand, the quoted expression itself. */
	typeToken: Token;
	args: Token[];
	block?: Block;
	/** For `not`: the negated matchers (from its arguments or its block), ANDed. */
	not?: MatcherEntry[];
	/** For the quoted shorthand `@n \`expr\``. */
	shorthand?: boolean;
	file: string;
	span: Span;
};

/** The global options block: a key-less `{ … }` that must come first. */
export type GlobalOptions = Located & { kind: 'global'; block: Block };

/** A site address as Caddy keeps it (a trailing comma removed). */
export type SiteAddress = { text: string; token: Token };

/** A site block: addresses then `{ … }` (or, for a lone site, lines without braces). */
export type SiteBlock = Located & {
	kind: 'site';
	addresses: SiteAddress[];
	/** False for a single site written without braces. */
	braces: boolean;
	block: Block;
};

/** `(name) { … }`. The body is parsed for reference; its tokens are spliced wherever `import name` appears. */
export type Snippet = Located & {
	kind: 'snippet';
	name: string;
	nameToken: Token;
	/** Parsed in isolation: imports inside it are not expanded and `{args…}` are not replaced. */
	block: Block;
	/** Body tokens as Caddy stores them for replay. */
	tokens: Token[];
};

/** `&(name) { … }` (Caddy ≥ 2.7), used by `invoke name`. */
export type NamedRoute = Located & { kind: 'named-route'; name: string; nameToken: Token; block: Block };

export type TopLevelItem = GlobalOptions | SiteBlock | Snippet | NamedRoute;

/** One `import` line as processed. */
export type ImportRecord = {
	/** The `import` token. */
	token: Token;
	/** First argument: snippet name, path or glob. */
	pattern?: Token;
	/** Remaining arguments, for `{args…}`. */
	args: Token[];
	kind: 'snippet' | 'file' | 'glob';
	/** Snippet name, or the path/glob resolved against the importing file's directory. */
	target: string;
	/** Files whose content was spliced in (file and glob imports). */
	files: string[];
	/**
	- `resolved`: content spliced in (a glob matching nothing is `resolved` with no files; Caddy only warns);
	- `missing`: a plain path that `readFile` could not read (a Caddy error);
	- `unavailable`: no `readFile`/`listFiles` callback was given, so the content is unknown;
	- `invalid`: no pattern, an empty one, or a glob Caddy refuses;
	- `cycle`, `too-deep`, `too-large`: refused to protect the analysis.
	*/
	status: 'resolved' | 'missing' | 'unavailable' | 'invalid' | 'cycle' | 'too-deep' | 'too-large';
	/** The 2.9+ `import name { … }` block passed to `{block}`/`{blocks.*}`. */
	blockTokens?: Token[];
	file: string;
	/** The whole `import …` line. */
	span: Span;
	imports?: readonly ImportSite[];
};

export type CaddyfileAst = {
	/** The main file's identity (`options.file`). */
	file: string;
	/** The first top-level item when it is a key-less block. */
	globalOptions?: GlobalOptions;
	sites: SiteBlock[];
	snippets: Snippet[];
	namedRoutes: NamedRoute[];
	/** All top-level items in order, imported ones included. */
	items: TopLevelItem[];
	imports: ImportRecord[];
	/** Every `{$…}` substitution, in the main and imported files. */
	env: EnvSubstitution[];
};

/** A parse problem. Caddy would refuse the file (or silently misread it). */
export type CaddyfileError = { message: string; span: Span; file: string };

export type CaddyfileFeatureKind =
	| 'heredoc'
	| 'args-index'
	| 'args-variadic'
	| 'named-route'
	| 'invoke'
	| 'import-block'
	| 'block-placeholder'
	| 'brace-on-new-line';

/** Syntax whose meaning depends on the Caddy version, so a rule can compare it with the target version. */
export type CaddyfileFeature = {
	kind: CaddyfileFeatureKind;
	file: string;
	span: Span;
	/** First Caddy version that accepts it. */
	minVersion: string;
	/** First Caddy version that rejects it. */
	removedIn?: string;
	message: string;
};

export type CaddyfileParseResult = { ast: CaddyfileAst; errors: CaddyfileError[]; features: CaddyfileFeature[] };

export type CaddyfileParseOptions = {
	/** Identity of the text, used in nodes, errors and to resolve relative imports. @default 'Caddyfile' */
	file?: string;
	/** Values for `{$VAR}`. Without it the environment is unknown: `{$VAR:default}` takes the default and `{$VAR}` is
	kept literally. With it, Caddy's rule applies: value, else default, else ''. */
	env?: Record<string, string>;
	/** Text of an imported file, by path (the import pattern joined to the importing file's directory; relative when
	`file` is), or `undefined` when it does not exist. */
	readFile?: (path: string) => string | undefined;
	/** Paths matching a glob (same path form as `readFile`). */
	listFiles?: (glob: string) => string[];
	/** Where Caddy's container paths are on the host (its bind mounts), so imports resolve as in the container. */
	importPaths?: ImportPaths;
};

/** A container's bind mounts as path maps (`proxies/caddy/link.ts` builds one from a compose service). */
export type ImportPaths = {
	/** The host path of a container path (or glob), if a mount covers it. */
	toHost(containerPath: string): string | undefined;
	/** The container path of a host file, if a mount puts it there. */
	toContainer(hostPath: string): string | undefined;
};
