import assert from 'node:assert/strict';
import { parseNginx, type Directive, type NginxParseError } from '../../src/analysis/formats/nginx/index.js';
import { spanOf } from './helpers.js';

function parse(text: string) {
	return parseNginx(text, { file: '/etc/nginx/nginx.conf' });
}

function only(text: string): Directive {
	const { ast, errors } = parse(text);
	assert.deepEqual(errors, []);
	assert.equal(ast.directives.length, 1);
	return ast.directives[0]!;
}

function values(directive: Directive): string[] {
	return [directive.name, ...directive.args.map((arg) => arg.value)];
}

function messages(errors: NginxParseError[]): string[] {
	return errors.map((error) => error.message);
}

describe('parseNginx syntax', () => {
	describe('words and statements', () => {
		it('should split words on spaces, tabs, CR and LF', () => {
			const directive = only('proxy_set_header\tRemote-User\r\n  $user ;');
			assert.deepEqual(values(directive), ['proxy_set_header', 'Remote-User', '$user']);
		});

		it('should keep exact spans and raw text of the name, the arguments and the statement', () => {
			const text = '  proxy_pass   http://navidrome:4533 ;  ';
			const directive = only(text);
			assert.deepEqual(directive.nameSpan, spanOf(text, 'proxy_pass'));
			assert.deepEqual(directive.args[0]!.span, spanOf(text, 'http://navidrome:4533'));
			assert.equal(directive.args[0]!.raw, 'http://navidrome:4533');
			assert.deepEqual(directive.span, { start: 2, end: text.indexOf(';') + 1 });
			assert.equal(directive.file, '/etc/nginx/nginx.conf');
			assert.equal(directive.args[0]!.quote, undefined);
		});

		it('should end a word at ";" and "{" without spaces', () => {
			const { ast, errors } = parse('location /a{internal;}');
			assert.deepEqual(errors, []);
			assert.deepEqual(values(ast.directives[0]!), ['location', '/a']);
			assert.deepEqual(values(ast.directives[0]!.block![0]!), ['internal']);
		});

		it('should build nested blocks with block and statement spans', () => {
			const text = 'http {\n  server {\n    location / { return 200; }\n  }\n}\n';
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			const http = ast.directives[0]!;
			const server = http.block![0]!;
			const location = server.block![0]!;
			assert.deepEqual(http.blockSpan, { start: text.indexOf('{'), end: text.lastIndexOf('}') + 1 });
			assert.deepEqual(http.span, { start: 0, end: text.lastIndexOf('}') + 1 });
			assert.deepEqual(location.span, spanOf(text, 'location / { return 200; }'));
			assert.deepEqual(values(location.block![0]!), ['return', '200']);
			assert.deepEqual(server.block!.length, 1);
		});

		it('should accept an empty block and a block directive without arguments', () => {
			const { ast, errors } = parse('events {}\nhttp{ }');
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.directives.map((directive) => [directive.name, directive.block?.length]), [['events', 0], ['http', 0]]);
		});

		it('should read CRLF files and NUL bytes inside words', () => {
			const { ast, errors } = parse('a b\0c;\r\nd;\r\n');
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.directives.map(values), [['a', 'b\0c'], ['d']]);
		});
	});

	describe('comments', () => {
		it('should start a comment only where a word may start', () => {
			const text = '# leading\nserver_name a#b.example.com; # trailing ; { }\nlisten 80;';
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.directives.map(values), [['server_name', 'a#b.example.com'], ['listen', '80']]);
		});

		it('should end a comment at LF only', () => {
			const { ast, errors } = parse('a; # comment \r still comment ;\nb;');
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.directives.map(values), [['a'], ['b']]);
		});

		it('should let a comment sit between the arguments of one directive', () => {
			const directive = only('server_name a # first\n  b;');
			assert.deepEqual(values(directive), ['server_name', 'a', 'b']);
		});
	});

	describe('quotes', () => {
		it('should decode \\" \\\' \\\\ \\t \\r \\n in double quotes and keep any other \\x', () => {
			const text = String.raw`return 200 "a\"b\'c\\d\te\rf\ng\.h\x";`;
			const arg = only(text).args[1]!;
			assert.equal(arg.value, 'a"b\'c\\d\te\rf\ng\\.h\\x');
			assert.equal(arg.quote, '"');
			assert.equal(arg.raw, String.raw`"a\"b\'c\\d\te\rf\ng\.h\x"`);
			assert.deepEqual(arg.span, { start: text.indexOf('"'), end: text.lastIndexOf('"') + 1 });
		});

		it('should decode single quotes the same way and keep the other quote literal', () => {
			const arg = only(String.raw`add_header X 'it\'s "fine"\n';`).args[1]!;
			assert.equal(arg.value, 'it\'s "fine"\n');
			assert.equal(arg.quote, '\'');
		});

		it('should give an empty quoted word an empty value', () => {
			const directive = only('proxy_set_header Remote-User "";');
			assert.equal(directive.args[1]!.value, '');
			assert.equal(directive.args[1]!.raw, '""');
			assert.equal(directive.args[1]!.quote, '"');
		});

		it('should let a quoted word span lines and hold ; { } #', () => {
			const directive = only('add_header X "a;\n{b} #c";');
			assert.equal(directive.args[1]!.value, 'a;\n{b} #c');
		});

		it('should allow a quoted name', () => {
			const { ast, errors } = parse('"location" \'/x\' { "return" 204; }');
			assert.deepEqual(errors, []);
			assert.equal(ast.directives[0]!.name, 'location');
			assert.equal(ast.directives[0]!.block![0]!.name, 'return');
		});

		it('should let ")" follow a closing quote and start a new word', () => {
			const { ast, errors } = parse('if ($request_method = "OPTIONS") { return 204; }');
			assert.deepEqual(errors, []);
			assert.deepEqual(values(ast.directives[0]!), ['if', '($request_method', '=', 'OPTIONS', ')']);
		});

		it('should let ";" and "{" follow a closing quote directly', () => {
			const { ast, errors } = parse('location "/a"{ return 200 "x";}');
			assert.deepEqual(errors, []);
			assert.deepEqual(values(ast.directives[0]!), ['location', '/a']);
			assert.deepEqual(values(ast.directives[0]!.block![0]!), ['return', '200', 'x']);
		});

		it('should treat quotes inside an unquoted word as literal characters', () => {
			assert.deepEqual(values(only('server_name a"b c\'d;')), ['server_name', 'a"b', 'c\'d']);
		});
	});

	describe('unquoted words', () => {
		it('should keep "}" inside a word', () => {
			const { ast, errors } = parse('location / { return 200 x}; }');
			assert.deepEqual(errors, []);
			assert.deepEqual(values(ast.directives[0]!.block![0]!), ['return', '200', 'x}']);
		});

		it('should keep a backslash-escaped ; space or { in the word, backslash included', () => {
			const text = String.raw`location /a\ b { return 200 semi\;colon\{; }`;
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.equal(ast.directives[0]!.args[0]!.value, '/a\\ b');
			assert.equal(ast.directives[0]!.block![0]!.args[1]!.value, 'semi\\;colon\\{');
		});

		it('should decode the same escapes as quoted words', () => {
			assert.equal(only(String.raw`return 200 a\"b\\c\td\.e;`).args[1]!.value, 'a"b\\c\td\\.e');
		});

		it('should keep regex backslashes and $ of a regex location', () => {
			const { ast, errors } = parse('location ~ \\.php$ { return 404; }');
			assert.deepEqual(errors, []);
			assert.deepEqual(values(ast.directives[0]!), ['location', '~', '\\.php$']);
			assert.deepEqual(ast.directives[0]!.args[1]!.variables, []);
		});

		it('should keep "{" after "$" in the word so ${var} works', () => {
			assert.deepEqual(values(only('return 200 ${scheme}://x;')), ['return', '200', '${scheme}://x']);
		});

		it('should not open a block for "${" at the end of a word (nginx: no opening "{")', () => {
			const { ast, errors } = parse('location ~ ^/a${ return 200; }');
			assert.deepEqual(values(ast.directives[0]!), ['location', '~', '^/a${', 'return', '200']);
			assert.equal(ast.directives[0]!.block, undefined);
			assert.deepEqual(messages(errors), ['unexpected "}"']);
		});

		it('should end a word at an unescaped "{" inside a regex (braces need quotes)', () => {
			const { ast, errors } = parse('location ~ ^/a{2}$ { return 404; }');
			assert.deepEqual(values(ast.directives[0]!), ['location', '~', '^/a']);
			assert.equal(ast.directives[0]!.block![0]!.name, '2}$');
			assert.ok(errors.some((error) => error.message.startsWith('unexpected end of file, expecting "}"')));
		});
	});

	describe('variables', () => {
		it('should record $name and ${name} with spans in the original text', () => {
			const text = 'proxy_set_header X-Original-URL $scheme://${http_host}$request_uri;';
			const arg = only(text).args[1]!;
			assert.deepEqual(arg.variables, [
				{ name: 'scheme', span: spanOf(text, '$scheme'), braced: false },
				{ name: 'http_host', span: spanOf(text, '${http_host}'), braced: true },
				{ name: 'request_uri', span: spanOf(text, '$request_uri'), braced: false },
			]);
		});

		it('should record variables in both kinds of quotes, mapping spans through escapes', () => {
			const text = String.raw`return 200 "\"\t$user" '$host';`;
			const directive = only(text);
			assert.deepEqual(directive.args[1]!.variables, [{ name: 'user', span: spanOf(text, '$user'), braced: false }]);
			assert.deepEqual(directive.args[2]!.variables, [{ name: 'host', span: spanOf(text, '$host'), braced: false }]);
		});

		it('should read $1 to $9 as one-digit captures', () => {
			const text = 'return 200 $12;';
			assert.deepEqual(only(text).args[1]!.variables, [{ name: '1', span: spanOf(text, '$1'), braced: false }]);
		});

		it('should stop a name at characters outside [A-Za-z0-9_] and skip a bare $', () => {
			const text = 'return 200 "$http_x-$ $ {x} ${a";';
			assert.deepEqual(only(text).args[1]!.variables.map((variable) => variable.name), ['http_x']);
		});

		it('should still see a variable after a backslash (nginx has no escape for $)', () => {
			assert.deepEqual(only(String.raw`return 200 \$x;`).args[1]!.variables.map((variable) => variable.name), ['x']);
		});

		it('should keep a $ in a directive name as plain text', () => {
			const { ast, errors } = parse('$weird 1;');
			assert.deepEqual(errors, []);
			assert.equal(ast.directives[0]!.name, '$weird');
		});
	});

	describe("nginx's 4096-byte buffer", () => {
		const word = (length: number, char = 'a') => char.repeat(length);

		it('should accept an unquoted word of 4095 bytes and refuse 4096 ([E] nginx 1.22)', () => {
			assert.deepEqual(parse(`server_name ${word(4095)};`).errors, []);
			assert.deepEqual(messages(parse(`server_name ${word(4096)};`).errors), ['too long parameter: nginx reads at most 4095 bytes per word']);
		});

		it('should accept a quoted word of 4094 bytes and refuse 4095 ([E] nginx 1.22)', () => {
			assert.deepEqual(parse(`server_name "${word(4094)}";`).errors, []);
			assert.equal(parse(`server_name "${word(4095)}";`).errors.length, 1);
		});

		it('should count one more byte when a space follows the word ([E] nginx 1.22)', () => {
			assert.deepEqual(parse(`server_name ${word(4094)} b;`).errors, []);
			assert.equal(parse(`server_name ${word(4095)} b;`).errors.length, 1);
		});

		it('should count UTF-8 bytes, not characters', () => {
			assert.deepEqual(parse(`server_name ${word(2047, 'é')}a;`).errors, []);
			assert.equal(parse(`server_name ${word(2048, 'é')};`).errors.length, 1);
		});

		it('should refuse a comment line of 5000 bytes ([E] nginx 1.22)', () => {
			const { ast, errors } = parse(`# ${word(5000)}\nevents {}`);
			assert.deepEqual(messages(errors), ['too long comment line: nginx fails with "too long parameter"']);
			assert.equal(ast.directives[0]!.name, 'events');
		});
	});

	describe('byte order mark', () => {
		it('should report a leading BOM, which nginx reads as part of the first name ([E] nginx 1.22)', () => {
			const { ast, errors } = parse('\uFEFFevents {}');
			assert.equal(errors.length, 1);
			assert.deepEqual(errors[0]!.span, { start: 0, end: 1 });
			assert.equal(ast.directives[0]!.name, '\uFEFFevents');
		});
	});
});
