import assert from 'node:assert/strict';
import { parseNginx, walkDirectives, type Directive, type NginxParseError } from '../../src/analysis/formats/nginx/index.js';
import { spanOf } from './helpers.js';

function parse(text: string) {
	return parseNginx(text, { file: '/etc/nginx/nginx.conf' });
}

/** `name args…` per directive, indented by depth, for compact tree assertions. */
function outline(directives: Directive[]): string[] {
	return [...walkDirectives(directives)].map(({ directive, ancestors }) =>
		`${'  '.repeat(ancestors.length)}${[directive.name, ...directive.args.map((arg) => arg.value)].join(' ')}`,
	);
}

function brief(errors: NginxParseError[]): Array<[string, string]> {
	return errors.map((error) => [error.message, `${error.span.start}-${error.span.end}`]);
}

describe('parseNginx recovery', () => {
	describe('stray terminators', () => {
		it('should report ";" with no directive and keep going', () => {
			const text = 'events {};\nhttp {}';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [['unexpected ";"', `${text.indexOf(';')}-${text.indexOf(';') + 1}`]]);
			assert.deepEqual(outline(ast.directives), ['events', 'http']);
		});

		it('should report "{" with no directive, drop its block and keep what follows', () => {
			const { ast, errors } = parse('a;\n{ b; c { d; } }\ne;');
			assert.deepEqual(errors.map((error) => error.message), ['unexpected "{"']);
			assert.deepEqual(outline(ast.directives), ['a', 'e']);
		});

		it('should report a "}" that closes nothing and keep what follows', () => {
			const text = 'http { }\n}\nevents { }';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [['unexpected "}"', `${text.indexOf('}\n', 8)}-${text.indexOf('}\n', 8) + 1}`]]);
			assert.deepEqual(outline(ast.directives), ['http', 'events']);
		});
	});

	describe('missing ";"', () => {
		it('should end the directive at a "}" that follows its words and close the block', () => {
			const text = 'location / { return 200 ok }\nlisten 80;';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [['unexpected "}": missing ";" before it', `${text.indexOf('}')}-${text.indexOf('}') + 1}`]]);
			assert.deepEqual(outline(ast.directives), ['location /', '  return 200 ok', 'listen 80']);
			assert.deepEqual(ast.directives[0]!.span, spanOf(text, 'location / { return 200 ok }'));
			assert.deepEqual(ast.directives[0]!.block![0]!.span, spanOf(text, 'return 200 ok'));
		});

		it('should do the same after a quoted word ("x"})', () => {
			const { ast, errors } = parse('location / { return 200 "ok"}');
			assert.equal(errors.length, 1);
			assert.deepEqual(outline(ast.directives), ['location /', '  return 200 ok']);
		});

		it('should report a directive cut off by the end of the file and keep it', () => {
			const text = 'events {}\nworker_processes 1';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [['unexpected end of file, expecting ";" or "}"', `${text.indexOf('1')}-${text.length}`]]);
			assert.deepEqual(outline(ast.directives), ['events', 'worker_processes 1']);
		});

		it('should split a fixed-arity directive where the next line starts with a directive name', () => {
			const text = 'location / {\n\tproxy_pass http://127.0.0.1:4533\n\tproxy_set_header Remote-User "";\n}';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [
				['missing ";": nginx reads the next line as more arguments of "proxy_pass"', `${spanOf(text, 'http://127.0.0.1:4533').start}-${spanOf(text, 'http://127.0.0.1:4533').end}`],
			]);
			assert.deepEqual(outline(ast.directives), ['location /', '  proxy_pass http://127.0.0.1:4533', '  proxy_set_header Remote-User ']);
			assert.deepEqual(ast.directives[0]!.block![1]!.span, spanOf(text, 'proxy_set_header Remote-User "";'));
		});

		it('should split before a block directive too', () => {
			const { ast, errors } = parse('server {\n\tset $a 1\n\tlocation /b { return 204; }\n}');
			assert.equal(errors.length, 1);
			assert.deepEqual(outline(ast.directives), ['server', '  set $a 1', '  location /b', '    return 204']);
		});

		it('should not split a multi-line directive that nginx accepts', () => {
			const { ast, errors } = parse("log_format main '$remote_addr'\n\t'$request';\nserver_name a.example.com\n\tlisten;\nproxy_set_header X\n\t\"proxy_pass\";\nadd_header X\n\tinternal;");
			assert.deepEqual(errors, []);
			assert.deepEqual(outline(ast.directives), ['log_format main $remote_addr $request', 'server_name a.example.com listen', 'proxy_set_header X proxy_pass', 'add_header X internal']);
		});
	});

	describe('unterminated quotes', () => {
		it('should report the opening quote and read on with the quote as a plain character', () => {
			const text = 'location / {\n\tproxy_set_header Remote-User ";\n\tproxy_pass http://127.0.0.1:4533;\n}\nlisten 80;';
			const { ast, errors } = parse(text);
			const quote = text.indexOf('"');
			assert.deepEqual(brief(errors), [['unterminated string: missing closing "', `${quote}-${quote + 1}`]]);
			assert.deepEqual(outline(ast.directives), ['location /', '  proxy_set_header Remote-User "', '  proxy_pass http://127.0.0.1:4533', 'listen 80']);
		});

		it('should recover from several unterminated quotes in one statement', () => {
			const { ast, errors } = parse('a "b \'c;\nd;');
			assert.deepEqual(errors.map((error) => error.message), ['unterminated string: missing closing "', "unterminated string: missing closing '"]);
			assert.deepEqual(outline(ast.directives), ['a "b \'c', 'd']);
		});

		it('should report a word after a closing quote and keep both words', () => {
			const text = 'server_name "a"b;';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [['unexpected "b" after a quoted string (nginx wants a space, ";" or "{")', '15-16']]);
			assert.deepEqual(outline(ast.directives), ['server_name a b']);
		});
	});

	describe('unbalanced braces', () => {
		it('should report every unclosed block at its "{" and keep its contents', () => {
			const text = 'http {\n\tserver {\n\t\tlisten 80;\n';
			const { ast, errors } = parse(text);
			assert.deepEqual(brief(errors), [
				['unexpected end of file, expecting "}" to close this block', `${text.lastIndexOf('{')}-${text.lastIndexOf('{') + 1}`],
				['unexpected end of file, expecting "}" to close this block', `${text.indexOf('{')}-${text.indexOf('{') + 1}`],
			]);
			assert.deepEqual(outline(ast.directives), ['http', '  server', '    listen 80']);
			assert.deepEqual(ast.directives[0]!.blockSpan, { start: text.indexOf('{'), end: text.length });
		});

		it('should stop keeping blocks nested deeper than the limit without losing balance', () => {
			const text = `${'a {'.repeat(70)}${'}'.repeat(70)}\nafter;`;
			const { ast, errors } = parse(text);
			assert.deepEqual(errors.map((error) => error.code), ['limit']);
			assert.deepEqual(outline(ast.directives).at(-1), 'after');
			assert.equal(Math.max(...[...walkDirectives(ast.directives)].map(({ ancestors }) => ancestors.length)), 64);
		});

		it('should keep the spans of a block whose contents are dropped', () => {
			const text = 'a { b { c { d; } } }\ne;';
			const { ast, errors } = parseNginx(text, { limits: { maxNesting: 2 } });
			assert.deepEqual(errors.map((error) => error.code), ['limit']);
			assert.deepEqual(outline(ast.directives), ['a', '  b', '    c', 'e']);
			const c = ast.directives[0]!.block![0]!.block![0]!;
			assert.deepEqual(c.span, spanOf(text, 'c { d; }'));
			assert.deepEqual(c.blockSpan, spanOf(text, '{ d; }'));
		});

		it('should cap the number of errors', () => {
			const { errors } = parseNginx(';'.repeat(2000), { limits: { maxErrors: 10 } });
			assert.equal(errors.length, 11);
			assert.deepEqual(errors.at(-1), { message: '1990 more errors not shown', span: { start: 0, end: 0 }, file: '', code: 'limit' });
		});
	});

	describe('include directive syntax', () => {
		it('should report an include with a block or the wrong number of arguments', () => {
			const { errors } = parse('include a.conf { }\ninclude a.conf b.conf;\ninclude;');
			assert.deepEqual(errors.map((error) => error.message), [
				'directive "include" is not terminated by ";"',
				'invalid number of arguments in "include" directive',
				'invalid number of arguments in "include" directive',
			]);
		});
	});

	describe('hostile input', () => {
		it('should accept any JS value without throwing', () => {
			for (const value of [undefined, null, 42, {}, [], Symbol('x'), () => 1]) {
				const result = parseNginx(value, value as never);
				assert.deepEqual(result, { ast: { directives: [] }, errors: [], files: [] });
			}
		});
	});
});
