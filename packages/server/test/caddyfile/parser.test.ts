import assert from 'node:assert/strict';
import {
	directiveMatcher,
	findDirectives,
	iterateDirectives,
	matcherDefinitionsIn,
	parseCaddyfile,
	walkDirectives,
	type CaddyfileParseOptions,
	type CaddyfileParseResult,
	type Directive,
	type Token,
} from '../../src/analysis/formats/caddyfile/index.js';

const parse = (text: string, options?: CaddyfileParseOptions): CaddyfileParseResult => parseCaddyfile(text, options);
const texts = (tokens: Token[]): string[] => tokens.map(token => token.text);
/** `name arg…` of each directive in a block, nested blocks as arrays. */
type Shape = Array<string | Shape>;
function shape(directives: Directive[]): Shape {
	const out: Shape = [];
	for (const directive of directives) {
		out.push([directive.name, ...texts(directive.args)].join(' '));
		if (directive.block) out.push(shape(directive.block.directives));
	}
	return out;
}
const messages = (result: CaddyfileParseResult): string[] => result.errors.map(error => error.message);
const files = (map: Record<string, string>): Pick<CaddyfileParseOptions, 'readFile' | 'listFiles'> => ({
	readFile: path => map[path],
	listFiles: glob => {
		const slash = glob.lastIndexOf('/');
		const pattern = new RegExp(`^${glob.slice(slash + 1).replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`);
		return Object.keys(map).filter(path => path.slice(0, path.lastIndexOf('/')) === glob.slice(0, slash) && pattern.test(path.slice(path.lastIndexOf('/') + 1)));
	},
});

describe('parseCaddyfile(text, options)', () => {
	describe('global options', () => {
		const text = '{\n\torder request_header before forward_auth\n\tadmin off\n\tservers {\n\t\ttrusted_proxies static private_ranges\n\t}\n}\n:80 {\n\trespond hi\n}\n';

		it('should parse the first key-less block as global options', () => {
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.ok(ast.globalOptions);
			assert.deepEqual(shape(ast.globalOptions.block.directives), ['order request_header before forward_auth', 'admin off', 'servers', ['trusted_proxies static private_ranges']]);
			assert.equal(ast.items[0], ast.globalOptions);
			assert.deepEqual(ast.globalOptions.span, { start: 0, end: text.indexOf('}\n:80') + 1 });
		});

		it('should accept snippets before the global options but nothing else', () => {
			assert.deepEqual(parse('(s) {\n\tx\n}\n{\n\tdebug\n}\n').errors, []);
			const late = parse(':80 {\n\trespond hi\n}\n{\n\tadmin off\n}\n');
			assert.match(messages(late)[0]!, /global options block; it must come first/);
			assert.equal(late.ast.globalOptions, undefined);
		});
	});

	describe('site blocks', () => {
		it('should read addresses separated by spaces and commas, across lines after a trailing comma', () => {
			const { ast, errors } = parse('http://a:1, http://b:1,\n\thttp://{$H:c}:1 d {\n\trespond x\n}\n');
			assert.deepEqual(errors, []);
			assert.deepEqual(
				ast.sites[0]!.addresses.map(address => address.text),
				['http://a:1', 'http://b:1', 'http://c:1', 'd'],
			);
			assert.equal(ast.sites[0]!.addresses[1]!.token.raw, 'http://b:1,');
		});

		it('should ignore a lone comma between addresses', () => {
			assert.deepEqual(parse('a , b {\n}\n').ast.sites[0]!.addresses.map(address => address.text), ['a', 'b']);
		});

		it('should parse a single site without braces', () => {
			const { ast, errors } = parse(':8080\n@api path /api/*\nrespond @api hi\n');
			assert.deepEqual(errors, []);
			assert.equal(ast.sites[0]!.braces, false);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), ['@api path /api/*', 'respond @api hi']);
		});

		it('should accept a file made of addresses only', () => {
			const { ast, errors } = parse('example.com');
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.sites[0]!.block.directives, []);
		});

		it('should report a second site without braces', () => {
			const result = parse(':80\nrespond a\n:81\nrespond b\n');
			assert.match(messages(result)[0]!, /Unrecognized directive: :81 - to define a second site, use curly braces/);
		});

		it('should let the next site start on the line of a closing brace, like Caddy', () => {
			const { ast, errors } = parse(':80 {\n\trespond a\n} :81 {\n\trespond b\n}\n');
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.sites.map(site => site.addresses[0]!.text), [':80', ':81']);
		});

		it('should accept the site brace on its own line', () => {
			const { ast, errors, features } = parse(':80\n{\n\trespond a\n}\n');
			assert.deepEqual([errors, features], [[], []]);
			assert.equal(ast.sites[0]!.braces, true);
		});

		it('should report malformed addresses like Caddy', () => {
			assert.match(messages(parse(':80,:81 {\n}\n'))[0]!, /cannot contain a comma/);
			assert.match(messages(parse(':80{\n}\n'))[0]!, /cannot end with a curly brace/);
			assert.match(messages(parse('@m path /x\n:80 {\n}\n'))[0]!, /Cannot define a matcher outside of a site block/);
			assert.match(messages(parse(':80,'))[0]!, /another site address was expected/);
			assert.match(messages(parse(':80, {\n}\n'))[0]!, /Expected another address but had '\{'/);
		});
	});

	describe('directives and blocks', () => {
		const text = [
			':80 {',
			'\thandle_path /api/* {',
			'\t\treverse_proxy 127.0.0.1:9001 {',
			'\t\t\theader_up -Remote-User',
			'\t\t\t@error status 5xx',
			'\t\t\thandle_response @error {',
			'\t\t\t\trespond "failed" 502',
			'\t\t\t}',
			'\t\t}',
			'\t}',
			'\thandle {',
			'\t\tforward_auth auth:9091 {',
			'\t\t\tcopy_headers {',
			'\t\t\t\tRemote-User',
			'\t\t\t\tRemote-Groups>X-Groups',
			'\t\t\t}',
			'\t\t}',
			'\t\troute {',
			'\t\t\trequest_header -X',
			'\t\t}',
			'\t}',
			'\thandle_errors {',
			'\t\trespond "{err.status_code}"',
			'\t}',
			'}',
		].join('\n');

		it('should nest blocks as written', () => {
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), [
				'handle_path /api/*',
				['reverse_proxy 127.0.0.1:9001', ['header_up -Remote-User', '@error status 5xx', 'handle_response @error', ['respond failed 502']]],
				'handle',
				['forward_auth auth:9091', ['copy_headers', ['Remote-User', 'Remote-Groups>X-Groups']], 'route', ['request_header -X']],
				'handle_errors',
				['respond {err.status_code}'],
			]);
		});

		it('should give each directive the span of its line and block', () => {
			const { ast } = parse(text);
			const handle = ast.sites[0]!.block.directives[1]!;
			assert.equal(text.slice(handle.span.start, handle.span.end).split('\n')[0], '\thandle {'.trim());
			assert.ok(text.slice(handle.span.start, handle.span.end).endsWith('\t\t}\n\t}'));
			const header = findDirectives(ast, 'header_up')[0]!.directive;
			assert.equal(text.slice(header.span.start, header.span.end), 'header_up -Remote-User');
		});

		it('should keep copy_headers inline and block forms', () => {
			const { ast } = parse(':80 {\n\tforward_auth a:1 {\n\t\tcopy_headers A B>C\n\t}\n}\n');
			assert.deepEqual(texts(findDirectives(ast, 'copy_headers')[0]!.directive.args), ['A', 'B>C']);
		});
	});

	describe('matchers', () => {
		const text = [
			':80 {',
			'\t@public path /share/* /rest/*',
			'\t@protected not path /share/* /rest/*',
			'\t@n {',
			'\t\tnot path /rest/*',
			'\t\theader X "a b"',
			'\t}',
			'\t@nb {',
			'\t\tnot {',
			'\t\t\tpath /a',
			'\t\t\tmethod POST',
			'\t\t}',
			'\t}',
			"\t@cel `{path} == '/x'` ignored",
			'\t@q "{method} == \'GET\'"',
			'\trespond @public a',
			'\trespond /exact b',
			'\trespond * c',
			'\trespond d',
			'}',
		].join('\n');
		const { ast, errors } = parse(text);
		const definitions = matcherDefinitionsIn(ast.sites[0]!.block);
		const summary = (name: string): unknown =>
			definitions.get(name)!.matcherDefinition!.matchers.map(entry => [entry.type, texts(entry.args), entry.not?.map(inner => [inner.type, texts(inner.args)])]);

		it('should parse without errors', () => {
			assert.deepEqual(errors, []);
		});

		it('should read a one-line definition as one matcher', () => {
			assert.equal(definitions.get('@public')!.matcherDefinition!.form, 'inline');
			assert.deepEqual(summary('@public'), [['path', ['/share/*', '/rest/*'], undefined]]);
		});

		it('should read not with a matcher on its line', () => {
			assert.deepEqual(summary('@protected'), [['not', ['path', '/share/*', '/rest/*'], [['path', ['/share/*', '/rest/*']]]]]);
		});

		it('should read a block as one matcher per line, not with a block included', () => {
			assert.equal(definitions.get('@n')!.matcherDefinition!.form, 'block');
			assert.deepEqual(summary('@n'), [
				['not', ['path', '/rest/*'], [['path', ['/rest/*']]]],
				['header', ['X', 'a b'], undefined],
			]);
			assert.deepEqual(summary('@nb'), [['not', [], [['path', ['/a']], ['method', ['POST']]]]]);
		});

		it('should read a quoted first argument as an expression, ignoring the rest', () => {
			for (const name of ['@cel', '@q']) {
				const definition = definitions.get(name)!.matcherDefinition!;
				assert.equal(definition.form, 'expression');
				assert.equal(definition.matchers.length, 1);
				assert.equal(definition.matchers[0]!.type, 'expression');
				assert.equal(definition.matchers[0]!.shorthand, true);
			}
			assert.equal(definitions.get('@cel')!.matcherDefinition!.matchers[0]!.args[0]!.text, "{path} == '/x'");
		});

		it('should tell which matcher a handler directive uses', () => {
			const respond = findDirectives(ast, 'respond').map(visit => directiveMatcher(visit.directive));
			assert.deepEqual(
				respond.map(reference => reference && [reference.kind, reference.token.text, reference.name]),
				[['named', '@public', '@public'], ['path', '/exact', undefined], ['all', '*', undefined], undefined],
			);
		});

		it('should report a matcher defined twice in a block', () => {
			assert.match(messages(parse(':80 {\n\t@m path /a\n\t@m path /b\n}\n'))[0]!, /Matcher is defined more than once: @m/);
		});
	});

	describe('snippets and import arguments', () => {
		it('should splice a snippet with {args.N} and keep spans in the snippet', () => {
			const text = '(strip) {\n\trequest_header -{args.0}\n}\n:80 {\n\troute {\n\t\timport strip Remote-User\n\t}\n}\n';
			const { ast, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.equal(ast.snippets[0]!.name, 'strip');
			assert.deepEqual(shape(ast.snippets[0]!.block.directives), ['request_header -{args.0}']);
			const [visit] = findDirectives(ast, 'request_header');
			assert.ok(visit);
			assert.deepEqual(visit.ancestors.map(ancestor => ancestor.name), ['route']);
			const arg = visit.directive.args[0]!;
			assert.equal(arg.text, '-Remote-User');
			assert.equal(arg.raw, '-{args.0}');
			assert.equal(text.slice(arg.span.start, arg.span.end), '-{args.0}');
			assert.equal(arg.args?.[0]?.argument.text, 'Remote-User');
			assert.equal(visit.directive.imports?.[0]?.kind, 'snippet');
			const importLine = visit.directive.imports![0]!.span;
			assert.equal(text.slice(importLine.start, importLine.end), 'import strip Remote-User');
			assert.equal(ast.imports[0]!.status, 'resolved');
		});

		it('should replace {args[N]} and expand {args[a:b]} (≥ 2.7) and record them as features', () => {
			const text = '(p) {\n\treverse_proxy {args[:]}\n\theader X {args[0]}-{args[9]}\n\trespond {args[1:]}\n}\n:80 {\n\timport p a b c\n}\n';
			const { ast, features } = parse(text);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), ['reverse_proxy a b c', 'header X a-{args[9]}', 'respond b c']);
			assert.deepEqual(
				features.map(feature => [feature.kind, feature.minVersion, text.slice(feature.span.start, feature.span.end)]),
				[
					['args-variadic', '2.7.0', '{args[:]}'],
					['args-index', '2.7.0', '{args[0]}-{args[9]}'],
					['args-variadic', '2.7.0', '{args[1:]}'],
				],
			);
		});

		it('should drop the backslash of \\{ and \\} in imported tokens ([E] caddy 2.6.2)', () => {
			const { ast } = parse('(s) {\n\trespond "\\{x\\} {args.0}"\n}\n:80 {\n\timport s a\n}\n');
			assert.equal(ast.sites[0]!.block.directives[0]!.args[0]!.text, '{x} a');
		});

		it('should report cycles and redeclarations', () => {
			assert.match(messages(parse('(a) {\n\timport b\n}\n(b) {\n\timport a\n}\n:80 {\n\timport a\n}\n')).join(), /A cycle of imports exists: snippet a/);
			assert.match(messages(parse('(s) {\n}\n(s) {\n}\n'))[0]!, /Redeclaration of previously declared snippet s/);
		});

		it('should treat an import of an undefined snippet as a file import', () => {
			const unknown = parse(':80 {\n\timport later\n}\n(later) {\n}\n');
			assert.deepEqual(unknown.errors, []);
			assert.equal(unknown.ast.imports[0]!.status, 'unavailable');
			const missing = parse(':80 {\n\timport later\n}\n', { readFile: () => undefined });
			assert.match(messages(missing)[0]!, /File to import not found: later/);
			assert.equal(missing.ast.imports[0]!.status, 'missing');
		});

		it('should report an import without a pattern', () => {
			assert.match(messages(parse(':80 {\n\timport\n}\n'))[0]!, /Wrong argument count or unexpected line ending after 'import'/);
			assert.match(messages(parse(':80 {\n\timport ""\n}\n'))[0]!, /non-empty filepath/);
		});

		it('should pass an import block to {block} and {blocks.key} (≥ 2.9)', () => {
			const text = '(w) {\n\troute {\n\t\t{block}\n\t}\n\t{blocks.extra}\n}\n:80 {\n\timport w {\n\t\trespond in\n\t}\n}\n(k) {\n\t{blocks.a}\n}\n:81 {\n\timport k {\n\t\ta respond x\n\t}\n}\n';
			const { ast, features, errors } = parse(text);
			assert.deepEqual(errors, []);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), ['route', ['respond in'], '{blocks.extra}']);
			assert.deepEqual(shape(ast.sites[1]!.block.directives), ['respond x']);
			assert.deepEqual([...new Set(features.map(feature => `${feature.kind}@${feature.minVersion}`))], ['block-placeholder@2.9.0', 'import-block@2.9.0']);
		});

		it('should stop expanding snippets that multiply', () => {
			const lines = ['(s0) {\n\trespond x\n}'];
			for (let index = 1; index <= 30; index++) lines.push(`(s${index}) {\n\timport s${index - 1}\n\timport s${index - 1}\n}`);
			lines.push(':80 {\n\timport s30\n}');
			const started = performance.now();
			const result = parse(lines.join('\n'));
			assert.ok(performance.now() - started < 2000);
			assert.ok(messages(result).some(message => /too many tokens/.test(message)));
		});
	});

	describe('named routes', () => {
		it('should parse &(name) and invoke and record them as ≥ 2.7 features', () => {
			const { ast, features, errors } = parse('&(app) {\n\treverse_proxy a:1\n}\n:80 {\n\tinvoke app\n}\n');
			assert.deepEqual(errors, []);
			assert.equal(ast.namedRoutes[0]!.name, 'app');
			assert.deepEqual(shape(ast.namedRoutes[0]!.block.directives), ['reverse_proxy a:1']);
			assert.deepEqual(features.map(feature => [feature.kind, feature.minVersion]), [['named-route', '2.7.0'], ['invoke', '2.7.0']]);
		});
	});

	describe('file imports', () => {
		it('should resolve paths against the importing file and keep the imported file identity', () => {
			const included = '\trequest_header -Remote-User\n';
			const { ast, errors } = parse(':80 {\n\timport inc/strip.caddy\n}\n', { file: '/etc/caddy/Caddyfile', ...files({ '/etc/caddy/inc/strip.caddy': included }) });
			assert.deepEqual(errors, []);
			const directive = ast.sites[0]!.block.directives[0]!;
			assert.equal(directive.file, '/etc/caddy/inc/strip.caddy');
			assert.equal(included.slice(directive.span.start, directive.span.end), 'request_header -Remote-User');
			assert.deepEqual(ast.imports[0]!.files, ['/etc/caddy/inc/strip.caddy']);
		});

		it('should pass relative paths when the main file is relative and resolve nested imports from their own directory', () => {
			const requested: string[] = [];
			const map: Record<string, string> = { 'conf/a.caddy': 'import b.caddy\n', 'conf/b.caddy': 'respond b\n' };
			const result = parse(':80 {\n\timport conf/a.caddy\n}\n', {
				readFile: path => {
					requested.push(path);
					return map[path];
				},
			});
			assert.deepEqual(result.errors, []);
			assert.deepEqual(requested, ['conf/a.caddy', 'conf/b.caddy']);
			assert.deepEqual(shape(result.ast.sites[0]!.block.directives), ['respond b']);
			assert.deepEqual(result.ast.sites[0]!.block.directives[0]!.imports?.map(site => site.target), ['conf/a.caddy', 'conf/b.caddy']);
		});

		it('should import globs in sorted order, skip dotfiles and accept no match', () => {
			const map = { '/c/inc/b.caddy': 'respond b\n', '/c/inc/a.caddy': 'respond a\n', '/c/inc/.hidden.caddy': 'respond h\n' };
			const { ast, errors } = parse(':80 {\n\timport inc/*.caddy\n\timport none/*.caddy\n}\n', { file: '/c/Caddyfile', ...files(map) });
			assert.deepEqual(errors, []);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), ['respond a', 'respond b']);
			assert.deepEqual(ast.imports.map(record => [record.kind, record.status, record.files.length]), [['glob', 'resolved', 2], ['glob', 'resolved', 0]]);
		});

		it('should refuse globs with several wildcards', () => {
			assert.match(messages(parse(':80 {\n\timport */*.caddy\n}\n', files({})))[0]!, /Glob pattern may only contain one wildcard/);
		});

		it('should import whole sites at the top level', () => {
			const { ast, errors } = parse('import sites/*\n', { file: '/c/Caddyfile', ...files({ '/c/sites/one': 'a.example {\n\trespond a\n}\n', '/c/sites/two': 'b.example {\n\trespond b\n}\n' }) });
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.sites.map(site => [site.addresses[0]!.text, site.file]), [['a.example', '/c/sites/one'], ['b.example', '/c/sites/two']]);
		});

		it('should keep {args} of snippets defined in a file imported with arguments', () => {
			const map = { '/c/defs': '(s) {\n\trespond {args.0}\n}\n{args.0} {\n\trespond site\n}\n' };
			const { ast, errors } = parse('import defs top.example\n:80 {\n\timport s inner\n}\n', { file: '/c/Caddyfile', ...files(map) });
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.sites.map(site => site.addresses[0]!.text), ['top.example', ':80']);
			assert.deepEqual(shape(ast.sites[1]!.block.directives), ['respond inner']);
		});

		it('should report import cycles, self imports and deep chains without hanging', () => {
			const cycle = parse(':80 {\n\timport a\n}\n', { file: '/c/Caddyfile', ...files({ '/c/a': 'import b\n', '/c/b': 'import a\n' }) });
			assert.match(messages(cycle)[0]!, /A cycle of imports exists: \/c\/a/);
			const self = parse('import Caddyfile\n', { file: '/c/Caddyfile', ...files({ '/c/Caddyfile': 'import Caddyfile\n' }) });
			assert.match(messages(self)[0]!, /cycle/);
			const chain: Record<string, string> = {};
			for (let index = 0; index < 50; index++) chain[`/c/f${index}`] = `import f${index + 1}\n`;
			const deep = parse('import f0\n', { file: '/c/Caddyfile', ...files(chain) });
			assert.match(messages(deep)[0]!, /nested too deeply/);
		});

		it('should report lexer errors of an imported file in that file', () => {
			const { errors } = parse(':80 {\n\timport x\n}\n', { file: '/c/Caddyfile', ...files({ '/c/x': 'respond "open\n' }) });
			assert.equal(errors[0]!.file, '/c/x');
			assert.deepEqual(errors[0]!.span, { start: 8, end: 13 });
		});

		it('should survive callbacks that throw or return garbage', () => {
			const throwing = parse(':80 {\n\timport a\n\timport b*\n}\n', {
				readFile: () => {
					throw new Error('boom');
				},
				listFiles: () => {
					throw new Error('boom');
				},
			});
			assert.match(messages(throwing)[0]!, /File to import not found/);
			const garbage = parse(':80 {\n\timport a\n\timport b*\n}\n', { readFile: (() => 42) as never, listFiles: (() => 'x') as never });
			assert.equal(garbage.ast.imports.length, 2);
		});
	});

	describe('errors and recovery', () => {
		it('should report an unclosed block and keep its content', () => {
			const result = parse(':80 {\n\thandle {\n\t\trespond a\n');
			assert.deepEqual(messages(result), [`Unexpected EOF: this '{' is never closed`, `Unexpected EOF: this '{' is never closed`]);
			assert.deepEqual(shape(result.ast.sites[0]!.block.directives), ['handle', ['respond a']]);
		});

		it('should report a stray closing brace and go on', () => {
			const result = parse(':80 {\n\trespond a\n}\n}\n:81 {\n}\n');
			assert.match(messages(result)[0]!, /no matching opening brace/);
			assert.equal(result.ast.sites.length, 2);
		});

		it('should report tokens after { and still parse them as the block', () => {
			const result = parse(':80 {\n\thandle { respond a }\n\trespond b\n}\n');
			assert.deepEqual(messages(result), [`Unexpected next token after '{' on same line`, `'}' must be on its own line`]);
			assert.deepEqual(shape(result.ast.sites[0]!.block.directives), ['handle', ['respond a'], 'respond b']);
		});

		it('should report tokens after }', () => {
			const result = parse(':80 {\n\thandle {\n\t\trespond a\n\t} foo\n\trespond b\n}\n');
			assert.match(messages(result)[0]!, /Unexpected token after '\}'/);
			assert.deepEqual(shape(result.ast.sites[0]!.block.directives), ['handle', ['respond a'], 'respond b']);
		});

		it('should report {} at the end of a line and quoted braces', () => {
			assert.match(messages(parse(':80 {\n\trespond a {}\n}\n'))[0]!, /Unexpected '\{\}' at end of line/);
			assert.match(messages(parse(':80 {\n\trespond "}"\n}\n'))[0]!, /quoted '\}'/);
		});

		it('should attach a brace on a new line to the previous directive and record it', () => {
			const text = ':80 {\n\treverse_proxy a:1\n\t{\n\t\theader_up -X\n\t}\n}\n';
			const { ast, errors, features } = parse(text);
			assert.deepEqual(errors, []);
			assert.deepEqual(shape(ast.sites[0]!.block.directives), ['reverse_proxy a:1', ['header_up -X']]);
			assert.deepEqual(features.map(feature => [feature.kind, feature.minVersion, feature.removedIn, feature.span.start]), [['brace-on-new-line', '2.0.0', '2.7.0', text.indexOf('\t{') + 1]]);
		});

		it('should report a block that belongs to no directive', () => {
			const result = parse(':80 {\n\t{\n\t\trespond a\n\t}\n\trespond b\n}\n');
			assert.match(messages(result)[0]!, /Unexpected '\{'/);
			assert.deepEqual(shape(result.ast.sites[0]!.block.directives), ['respond b']);
		});

		it('should survive very deep nesting', () => {
			const depth = 5000;
			const text = `:80 {\n${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}}\n:81 {\n}\n`;
			const result = parse(text);
			assert.match(messages(result)[0]!, /nested too deeply/);
			assert.equal(result.ast.sites.length, 2);
			assert.ok([...iterateDirectives(result.ast)].length > 90);
		});

		it('should never throw on non-string input or bad options', () => {
			for (const input of [undefined, null, 42, {}, ['x']]) {
				const result = parseCaddyfile(input as never, 'nope' as never);
				assert.deepEqual(result.ast.items, []);
			}
			assert.deepEqual(parseCaddyfile(':80 {\n}\n', { file: 7, env: 'x', readFile: 1 } as never).errors, []);
		});
	});

	describe('walk helpers', () => {
		const text = '(s) {\n\tsnippet_only\n}\n{\n\tdebug\n}\n:80 {\n\thandle {\n\t\treverse_proxy a {\n\t\t\theader_up -X\n\t\t}\n\t}\n}\n';
		const { ast } = parse(text);

		it('should iterate directives depth-first with their ancestors, skipping snippets by default', () => {
			assert.deepEqual(
				[...iterateDirectives(ast)].map(visit => [visit.item.kind, [...visit.ancestors.map(ancestor => ancestor.name), visit.directive.name].join('>')]),
				[
					['global', 'debug'],
					['site', 'handle'],
					['site', 'handle>reverse_proxy'],
					['site', 'handle>reverse_proxy>header_up'],
				],
			);
			assert.equal([...iterateDirectives(ast, { snippets: true, globalOptions: false })][0]!.directive.name, 'snippet_only');
		});

		it('should skip a block when the visitor returns false', () => {
			const seen: string[] = [];
			walkDirectives(ast, ({ directive }) => {
				seen.push(directive.name);
				return directive.name !== 'reverse_proxy';
			});
			assert.deepEqual(seen, ['debug', 'handle', 'reverse_proxy']);
		});
	});
});
