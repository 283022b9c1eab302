import assert from 'node:assert/strict';
import {
	argValue,
	argValues,
	contextName,
	findDirective,
	findDirectives,
	guessConfigRoot,
	includeCandidates,
	includeChain,
	isGlob,
	parseNginx,
	walkDirectives,
	type Directive,
} from '../../src/analysis/formats/nginx/index.js';
import { memoryIo, spanOf } from './helpers.js';

function names(directives: Directive[]): string[] {
	return [...walkDirectives(directives)].map(({ directive, ancestors }) => `${'  '.repeat(ancestors.length)}${directive.name} ${argValues(directive).join(' ')}`.trimEnd());
}

describe('parseNginx include', () => {
	describe('splicing', () => {
		it('should splice included directives after the include, with their own file, spans and via', () => {
			const snippet = 'proxy_set_header Remote-User $user;\nauth_request /internal/authz;\n';
			const main = 'server {\n\tlocation / {\n\t\tinclude snippets/auth.conf;\n\t\tproxy_pass http://127.0.0.1:4533;\n\t}\n}\n';
			const io = memoryIo({ '/etc/nginx/snippets/auth.conf': snippet });
			const { ast, errors, files } = parseNginx(main, { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors, []);
			assert.deepEqual(files, ['/etc/nginx/snippets/auth.conf']);
			assert.deepEqual(names(ast.directives), [
				'server',
				'  location /',
				'    include snippets/auth.conf',
				'    proxy_set_header Remote-User $user',
				'    auth_request /internal/authz',
				'    proxy_pass http://127.0.0.1:4533',
			]);
			const block = ast.directives[0]!.block![0]!.block!;
			const [include, header, , proxyPass] = block;
			assert.deepEqual(include!.included, ['/etc/nginx/snippets/auth.conf']);
			assert.equal(header!.file, '/etc/nginx/snippets/auth.conf');
			assert.equal(header!.via, include);
			assert.deepEqual(header!.span, spanOf(snippet, 'proxy_set_header Remote-User $user;'));
			assert.deepEqual(header!.args[1]!.variables[0]!.span, spanOf(snippet, '$user'));
			assert.equal(proxyPass!.via, undefined);
			assert.equal(proxyPass!.file, '/etc/nginx/nginx.conf');
		});

		it('should set via on nested directives and chain nested includes', () => {
			const io = memoryIo({
				'/etc/nginx/a.conf': 'server { include b.conf; }',
				'/etc/nginx/b.conf': 'location / { return 204; }',
			});
			const { ast, errors } = parseNginx('http { include a.conf; }', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors, []);
			const visits = [...walkDirectives(ast.directives)];
			const ret = visits.find(({ directive }) => directive.name === 'return')!;
			assert.deepEqual(ret.ancestors.map((directive) => directive.name), ['http', 'server', 'location']);
			assert.equal(contextName(ret.ancestors), 'location');
			assert.deepEqual(includeChain(ret.directive).map((directive) => `${directive.file}:${argValue(directive, 0)}`), ['/etc/nginx/a.conf:b.conf', '/etc/nginx/nginx.conf:a.conf']);
			assert.equal(ret.directive.file, '/etc/nginx/b.conf');
		});

		it('should not report relative includes of text that has no absolute file name or root', () => {
			const io = memoryIo({ '/x.conf': 'x;' });
			const { ast, errors } = parseNginx('include x.conf;\ninclude /x.conf;', io);
			assert.deepEqual(errors, []);
			assert.deepEqual(names(ast.directives), ['include x.conf', 'include /x.conf', 'x']);
		});

		it('should not follow includes without callbacks and report nothing', () => {
			const { ast, errors, files } = parseNginx('include conf.d/*.conf;\ninclude x.conf;', { file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors, []);
			assert.deepEqual(files, []);
			assert.equal(ast.directives.length, 2);
			assert.equal(ast.directives[0]!.included, undefined);
		});
	});

	describe('resolution', () => {
		it('should try the including file directory first, then the configuration root', () => {
			const io = memoryIo({
				'/etc/nginx/conf.d/site.conf': 'include snippets/x.conf;\ninclude local.conf;',
				'/etc/nginx/snippets/x.conf': 'from_root;',
				'/etc/nginx/conf.d/local.conf': 'from_dir;',
			});
			const { ast, errors } = parseNginx('include conf.d/site.conf;', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors, []);
			assert.deepEqual(names(ast.directives), ['include conf.d/site.conf', 'include snippets/x.conf', 'from_root', 'include local.conf', 'from_dir']);
			assert.deepEqual(io.reads, ['/etc/nginx/conf.d/site.conf', '/etc/nginx/conf.d/snippets/x.conf', '/etc/nginx/snippets/x.conf', '/etc/nginx/conf.d/local.conf']);
		});

		it('should use the root option for relative paths and leave absolute paths alone', () => {
			const io = memoryIo({ '/srv/nginx/snippets/a.conf': 'a;', '/opt/b.conf': 'b;' });
			const { ast, errors } = parseNginx('include snippets/a.conf;\ninclude /opt/./b.conf;', { ...io, file: '/work/site.conf', root: '/srv/nginx' });
			assert.deepEqual(errors, []);
			assert.deepEqual(names(ast.directives), ['include snippets/a.conf', 'a', 'include /opt/./b.conf', 'b']);
		});

		it('should read glob matches in byte order, skip dotfiles and accept no match ([E] nginx 1.22)', () => {
			const files: Record<string, string> = {};
			for (const name of ['b', 'a', 'B', '_z', '.hidden', '10', '9']) files[`/etc/nginx/conf.d/${name}.conf`] = `n${name};`;
			const io = memoryIo(files);
			const { ast, errors } = parseNginx('include conf.d/*.conf;\ninclude sites-enabled/*;', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors, []);
			assert.deepEqual(ast.directives.map((directive) => directive.name), ['include', 'n10', 'n9', 'nB', 'n_z', 'na', 'nb', 'include']);
			assert.deepEqual(io.globs, ['/etc/nginx/conf.d/*.conf', '/etc/nginx/sites-enabled/*']);
		});

		it('should report a missing plain include with the path nginx would open', () => {
			const text = 'include snippets/missing.conf;';
			const { errors } = parseNginx(text, { ...memoryIo({}), file: '/etc/nginx/conf.d/a.conf', root: '/etc/nginx' });
			assert.deepEqual(errors, [{
				message: 'included file not found: "/etc/nginx/snippets/missing.conf" (nginx fails with open() … failed)',
				span: spanOf(text, 'snippets/missing.conf'),
				file: '/etc/nginx/conf.d/a.conf',
				code: 'include-not-found',
			}]);
		});

		it('should list candidates and recognise glob characters like nginx', () => {
			assert.deepEqual(includeCandidates('x.conf', '/etc/nginx/conf.d/a.conf', '/etc/nginx'), ['/etc/nginx/conf.d/x.conf', '/etc/nginx/x.conf']);
			assert.deepEqual(includeCandidates('x.conf', '/etc/nginx/nginx.conf', '/etc/nginx'), ['/etc/nginx/x.conf']);
			assert.deepEqual(includeCandidates('/abs/../x.conf', 'relative.conf', undefined), ['/x.conf']);
			assert.deepEqual(includeCandidates('x.conf', 'relative.conf', undefined), []);
			assert.deepEqual(['a*', 'a?', 'a[0]', 'a{b}', 'a'].map(isGlob), [true, true, true, false, false]);
		});

		it('should guess the configuration root from a nearby nginx.conf or a conventional directory', () => {
			const io = memoryIo({ '/srv/proxy/nginx.conf': '' });
			assert.equal(guessConfigRoot('/srv/proxy/sites-enabled/music', io), '/srv/proxy');
			assert.equal(guessConfigRoot('/etc/nginx/conf.d/music.conf', memoryIo({})), '/etc/nginx');
			assert.equal(guessConfigRoot('/home/me/music.conf', memoryIo({})), '/home/me');
		});
	});

	describe('file boundaries', () => {
		it('should refuse a "}" in an included file that would close the includer\'s block ([E] nginx 1.22)', () => {
			const io = memoryIo({ '/etc/nginx/close.conf': '\t}\n' });
			const { ast, errors } = parseNginx('server {\n\tinclude close.conf;\n\tlisten 80;\n}', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors.map((error) => [error.file, error.message]), [
				['/etc/nginx/close.conf', 'unexpected "}": an included file cannot close a block of the file that includes it'],
			]);
			assert.deepEqual(names(ast.directives), ['server', '  include close.conf', '  listen 80']);
		});

		it('should refuse a block left open at the end of an included file ([E] nginx 1.22)', () => {
			const io = memoryIo({ '/etc/nginx/open.conf': 'server {\n' });
			const { errors } = parseNginx('http {\n\tinclude open.conf;\n}', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors.map((error) => [error.file, error.message, error.span.start]), [
				['/etc/nginx/open.conf', 'unexpected end of file, expecting "}" to close this block (a block opened in an included file must close in it)', 7],
			]);
		});
	});

	describe('limits', () => {
		it('should detect a file that includes itself (nginx 1.22 crashes on it)', () => {
			const io = memoryIo({ '/etc/nginx/nginx.conf': 'include nginx.conf;' });
			const { errors } = parseNginx('include nginx.conf;', { ...io, file: '/etc/nginx/nginx.conf' });
			assert.deepEqual(errors.map((error) => [error.code, error.message]), [
				['include-cycle', 'include cycle: /etc/nginx/nginx.conf → /etc/nginx/nginx.conf (nginx 1.22 crashes on this)'],
			]);
		});

		it('should detect longer cycles through globs', () => {
			const io = memoryIo({ '/c/loop/a.conf': 'include loop/b.conf;', '/c/loop/b.conf': 'include loop/*.conf;' });
			const { errors } = parseNginx('include loop/a.conf;', { ...io, file: '/c/nginx.conf' });
			assert.deepEqual(errors.map((error) => error.message), [
				'include cycle: /c/loop/a.conf → /c/loop/b.conf → /c/loop/a.conf (nginx 1.22 crashes on this)',
				'include cycle: /c/loop/b.conf → /c/loop/b.conf (nginx 1.22 crashes on this)',
			]);
		});

		it('should stop at the include depth, file count and total size limits', () => {
			const chain: Record<string, string> = {};
			for (let i = 0; i < 30; i++) chain[`/c/${i}.conf`] = `include ${i + 1}.conf;`;
			const deep = parseNginx('include 0.conf;', { ...memoryIo(chain), file: '/c/nginx.conf' });
			assert.deepEqual(deep.errors.map((error) => error.code), ['limit']);
			assert.equal(deep.files.length, 16);

			// Each file includes the next one twice: without a file limit this would read 2^13 files.
			const fan: Record<string, string> = {};
			for (let i = 0; i < 12; i++) fan[`/c/${i}.conf`] = `include ${i + 1}.conf;\ninclude ${i + 1}.conf;`;
			fan['/c/12.conf'] = 'x;';
			const wide = parseNginx('include 0.conf;', { ...memoryIo(fan), file: '/c/nginx.conf', limits: { maxFiles: 50 } });
			assert.deepEqual(wide.errors.map((error) => error.message), ['more than 50 included files: the rest are not read']);

			const big = parseNginx('include a.conf;\ninclude b.conf;', { ...memoryIo({ '/c/a.conf': 'a;'.repeat(10), '/c/b.conf': 'b;'.repeat(10) }), file: '/c/nginx.conf', limits: { maxTotalLength: 30 } });
			assert.deepEqual(big.errors.map((error) => error.code), ['limit']);
			assert.deepEqual(big.files, ['/c/a.conf']);
		});

		it('should survive callbacks that throw or return junk', () => {
			const { errors } = parseNginx('include a.conf;\ninclude *.conf;', {
				file: '/c/nginx.conf',
				readFile: () => {
					throw new Error('boom');
				},
				listFiles: () => 'not an array' as never,
			});
			assert.deepEqual(errors.map((error) => error.code), ['include-not-found']);
			const junk = parseNginx('include *.conf;', { file: '/c/nginx.conf', readFile: () => 42 as never, listFiles: () => [null, 7, 'relative.conf', '/c/x.conf'] as never });
			assert.deepEqual(junk.errors.map((error) => error.message), ['included file cannot be read: "/c/x.conf"']);
		});
	});

	describe('query helpers', () => {
		const text = 'http {\n\tserver {\n\t\tlisten 80;\n\t\tlisten 443 ssl;\n\t\tlocation / { proxy_pass http://a; }\n\t}\n}';
		const { ast } = parseNginx(text);

		it('should find direct children by exact name', () => {
			const server = findDirective(ast.directives[0]!.block, 'server')!;
			assert.deepEqual(findDirectives(server.block, 'listen').map(argValues), [['80'], ['443', 'ssl']]);
			assert.equal(findDirective(server.block, 'proxy_pass'), undefined);
			assert.deepEqual(findDirectives(undefined, 'x'), []);
			assert.equal(findDirective(server.block, 'LISTEN'), undefined);
		});

		it('should read argument values by index', () => {
			const listen = findDirectives(ast.directives[0]!.block![0]!.block, 'listen')[1]!;
			assert.equal(argValue(listen, 1), 'ssl');
			assert.equal(argValue(listen, 2), undefined);
		});

		it('should walk depth-first with ancestors and name the context', () => {
			const visits = [...walkDirectives(ast.directives)].map(({ directive, ancestors }) => `${contextName(ancestors)}>${directive.name}`);
			assert.deepEqual(visits, ['main>http', 'http>server', 'server>listen', 'server>listen', 'server>location', 'location>proxy_pass']);
		});
	});
});
