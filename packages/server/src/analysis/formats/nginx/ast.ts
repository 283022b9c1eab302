/**
The nginx configuration tree. Contexts (main, http, server, location, if, upstream, map, types, events…) are not
node kinds: they are implied by nesting, exactly as nginx itself only learns them from the enclosing block directive.
All spans are UTF-16 offsets into the text of the directive's own `file`.
*/
import type { Span } from '../../text.js';

/** A `$name` or `${name}` reference inside an argument. */
export type VariableRef = {
	/** `host` for `$host`; `1` for the regex capture `$1`. */
	name: string;
	/** From the `$` to the end of the name (or the closing `}`), in the original text. */
	span: Span;
	braced: boolean;
};

/** One word of a directive: its name or an argument. */
export type Arg = {
	/** The word as nginx sees it: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` decoded, any other `\x` kept as is. */
	value: string;
	/** The exact source text, quotes included. */
	raw: string;
	span: Span;
	/** The quote character when the word was quoted. */
	quote?: '"' | '\'';
	variables: VariableRef[];
	/** The word holds template markup (`http://{{ upstream }}`, `__PORT__`): an opaque value, nothing follows from it. */
	templated?: true;
};

export type Directive = {
	/** Unescaped name; nginx compares it case-sensitively. */
	name: string;
	nameSpan: Span;
	args: Arg[];
	/** Children when the directive opened a `{ … }` block. */
	block?: Directive[];
	/** From `{` to `}` inclusive (to the end of the file when `}` is missing). */
	blockSpan?: Span;
	/** From the name to the terminating `;` or `}` inclusive. */
	span: Span;
	/** Absolute path (or the caller's label) of the file the directive was read from. */
	file: string;
	/** The `include` directive that brought this directive in, when it comes from an included file. */
	via?: Directive;
	/** On an `include` directive: the files it spliced in, in nginx's order. */
	included?: string[];
};

export type NginxConfig = { directives: Directive[] };

/**
Why a parse reported a problem:
- `syntax`: nginx would refuse the file;
- `include-not-found`: an included file (not a glob) could not be read; nginx fails with `open() … failed`;
- `include-cycle`: a file includes itself, directly or not (nginx 1.22 crashes on this);
- `limit`: a safety limit (include depth, file count, total size, nesting) stopped the parse here.
*/
export type NginxErrorCode = 'syntax' | 'include-not-found' | 'include-cycle' | 'limit';

export type NginxParseError = {
	message: string;
	span: Span;
	file: string;
	code: NginxErrorCode;
};
