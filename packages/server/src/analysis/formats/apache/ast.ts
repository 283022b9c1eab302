/**
The Apache httpd configuration tree. Sections (`<VirtualHost>`, `<Location>`, `<If>`, `<IfModule>` …) are nodes with
children; everything else is a directive. Names are kept as written (Apache compares them case-insensitively). All
spans are UTF-16 offsets into the text of the node's own `file`.
*/
import type { Span } from '../../text.js';

/** One word of a directive or a section head. */
export type ApacheArg = {
	/** The word as Apache sees it: quotes removed, `\"` decoded, `${VAR}` replaced when the variable is defined. */
	value: string;
	/** The exact source text, quotes included. */
	raw: string;
	span: Span;
	quote?: '"' | '\'';
	/** `${VAR}` references that were not defined where the word was read (Apache keeps them as written). */
	undefinedVars?: string[];
};

type NodeBase = {
	/** As written, without `<`/`>`. */
	name: string;
	nameSpan: Span;
	args: ApacheArg[];
	/** The whole directive (continuation lines included), or the section from `<` to the closing `</…>`. */
	span: Span;
	/** Absolute path (or the caller's label) of the file the node was read from. */
	file: string;
	/** The `Include`/`IncludeOptional` that brought this node in. */
	via?: ApacheDirective;
};

export type ApacheDirective = NodeBase & {
	kind: 'directive';
	/** On `Include`/`IncludeOptional`: the files it spliced in, in Apache's order. */
	included?: string[];
};

export type ApacheSection = NodeBase & {
	kind: 'section';
	/** The opening tag `<Location /rest/>`. */
	headSpan: Span;
	/** The closing tag, when there is one in the same file. */
	closeSpan?: Span;
	children: ApacheNode[];
};

export type ApacheNode = ApacheDirective | ApacheSection;

export type ApacheConfig = {
	nodes: ApacheNode[];
	/** `Define`s in effect at the end of the parse (names as written, last value wins). */
	defines: Record<string, string>;
	/** The ServerRoot relative includes were resolved against. */
	serverRoot: string | undefined;
	/** Every file read, the parsed one first. */
	files: string[];
};

/**
- `syntax`: Apache would refuse the file (an unclosed or mismatched section, a `<` without `>`);
- `include-not-found`: an `Include` without wildcards names no readable file (Apache fails to start);
- `include-cycle`: a file includes itself;
- `limit`: a safety limit (include depth, file count, total size, nesting) stopped the parse here.
*/
export type ApacheErrorCode = 'syntax' | 'include-not-found' | 'include-cycle' | 'limit';

export type ApacheParseError = { message: string; span: Span; file: string; code: ApacheErrorCode };
