import assert from 'node:assert/strict';
import { apacheHandler } from '../../src/analysis/formats/apache/handler.js';
import { parseApache, type ApacheDirective, type ApacheNode, type ApacheSection } from '../../src/analysis/formats/apache/index.js';

function directives(nodes: readonly ApacheNode[]): ApacheDirective[] {
	return nodes.flatMap((node) => (node.kind === 'directive' ? [node] : directives(node.children)));
}

function section(nodes: readonly ApacheNode[], name: string): ApacheSection {
	for (const node of nodes) {
		if (node.kind !== 'section') continue;
		if (node.name.toLowerCase() === name.toLowerCase()) return node;
		try {
			return section(node.children, name);
		} catch {
			// keep looking
		}
	}
	throw new Error(`no <${name}>`);
}

function workspace(files: Record<string, string>) {
	return {
		readFile: (path: string) => files[path],
		listFiles: (glob: string) => {
			const pattern = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
			return Object.keys(files).filter((path) => pattern.test(path));
		},
	};
}

describe('parseApache(text, options)', () => {
	describe('words', () => {
		it('should split on white space, unquote, decode \\" and keep exact spans', () => {
			const text = 'RequestHeader set Remote-User "expr=%{REMOTE_USER} \\"x\\"" early\n';
			const { config, errors } = parseApache(text);
			assert.deepEqual(errors, []);
			const [directive] = directives(config.nodes);
			assert.equal(directive!.name, 'RequestHeader');
			assert.deepEqual(directive!.args.map((arg) => arg.value), ['set', 'Remote-User', 'expr=%{REMOTE_USER} "x"', 'early']);
			const arg = directive!.args[2]!;
			assert.equal(text.slice(arg.span.start, arg.span.end), arg.raw);
			assert.equal(arg.quote, '"');
		});
		it('should join continuation lines and map spans back to the source', () => {
			const text = 'ProxyPass /rest/ \\\n    http://navidrome:4533/rest/\n';
			const [directive] = directives(parseApache(text).config.nodes);
			assert.deepEqual(directive!.args.map((arg) => arg.value), ['/rest/', 'http://navidrome:4533/rest/']);
			const url = directive!.args[1]!;
			assert.equal(text.slice(url.span.start, url.span.end), 'http://navidrome:4533/rest/');
		});
		it('should take # as a comment only at the start of a line', () => {
			const { config } = parseApache('# a comment\n  # another\nServerName a#b\n');
			const found = directives(config.nodes);
			assert.equal(found.length, 1);
			assert.equal(found[0]!.args[0]!.value, 'a#b');
		});
	});

	describe('sections', () => {
		it('should nest VirtualHost, Location, LocationMatch, If and IfModule with head and close spans', () => {
			const text = ['<VirtualHost *:80>', '  <Location /rest/>', '    Require all granted', '  </Location>', '  <LocationMatch "^/(app|api)/">', '    <If "%{HTTP_HOST} == \'x\'">', '      RequestHeader unset Remote-User', '    </If>', '  </LocationMatch>', '  <IfModule mod_headers.c>', '    RequestHeader unset Remote-User early', '  </IfModule>', '</virtualhost>', ''].join('\n');
			const { config, errors } = parseApache(text);
			assert.deepEqual(errors, []);
			const vhost = section(config.nodes, 'VirtualHost');
			assert.deepEqual(vhost.children.map((node) => node.name), ['Location', 'LocationMatch', 'IfModule']);
			assert.equal(section(config.nodes, 'LocationMatch').args[0]!.value, '^/(app|api)/');
			assert.equal(section(config.nodes, 'If').children.length, 1);
			assert.equal(text.slice(vhost.headSpan.start, vhost.headSpan.end), '<VirtualHost *:80>');
			assert.equal(text.slice(vhost.closeSpan!.start, vhost.closeSpan!.end), '</virtualhost>');
			assert.equal(text.slice(vhost.span.start, vhost.span.end).endsWith('</virtualhost>'), true);
		});
		it('should report unclosed, mismatched and stray sections without throwing', () => {
			const { errors } = parseApache('</Files>\n<Location /a>\n</Directory>\n<VirtualHost *:80>\n');
			const messages = errors.map((error) => error.message);
			assert.ok(messages.some((message) => message.includes('Expected </Location> but saw </Directory>')), messages.join('; '));
			assert.ok(messages.some((message) => message.includes('</Files> without matching')), messages.join('; '));
			assert.ok(messages.some((message) => message.includes('<VirtualHost> was not closed')), messages.join('; '));
		});
		it('should report a section head without >', () => {
			assert.match(parseApache('<Location /a\n</Location>\n').errors[0]!.message, /missing closing '>'/);
		});
	});

	describe('Define and ${VAR}', () => {
		it('should substitute defined names from the next line on and keep undefined ones as written', () => {
			const { config } = parseApache('Define ND http://navidrome:4533\nProxyPass / ${ND}/\nProxyPass /x ${NOPE}/\n');
			const [, first, second] = directives(config.nodes);
			assert.equal(first!.args[1]!.value, 'http://navidrome:4533/');
			assert.equal(first!.args[1]!.raw, '${ND}/');
			assert.equal(second!.args[1]!.value, '${NOPE}/');
			assert.deepEqual(second!.args[1]!.undefinedVars, ['NOPE']);
			assert.equal(config.defines.ND, 'http://navidrome:4533');
		});
		it('should honour Define only inside IfDefine sections that hold', () => {
			const { config } = parseApache('<IfDefine !X>\nDefine A 1\n</IfDefine>\n<IfDefine X>\nDefine B 1\n</IfDefine>\n');
			assert.deepEqual(Object.keys(config.defines), ['A']);
		});
	});

	describe('Include and IncludeOptional', () => {
		const files = {
			'/etc/apache2/apache2.conf': 'ServerRoot /etc/apache2\nInclude ports.conf\nIncludeOptional sites-enabled/*.conf\nIncludeOptional conf-enabled/*.conf\n',
			'/etc/apache2/ports.conf': 'Listen 80\n',
			'/etc/apache2/sites-enabled/b.conf': '<VirtualHost *:80>\nServerName b\n</VirtualHost>\n',
			'/etc/apache2/sites-enabled/a.conf': '<VirtualHost *:80>\nServerName a\n</VirtualHost>\n',
			'/etc/apache2/sites-enabled/.hidden.conf': 'ServerName hidden\n',
		};
		it('should resolve relative paths against ServerRoot and read globs in byte order, skipping dot files', () => {
			const { config, errors } = parseApache(files['/etc/apache2/apache2.conf'], { file: '/etc/apache2/apache2.conf', ...workspace(files) });
			assert.deepEqual(errors, []);
			assert.deepEqual(config.files, ['/etc/apache2/apache2.conf', '/etc/apache2/ports.conf', '/etc/apache2/sites-enabled/a.conf', '/etc/apache2/sites-enabled/b.conf']);
			const names = directives(config.nodes).filter((d) => d.name === 'ServerName').map((d) => d.args[0]!.value);
			assert.deepEqual(names, ['a', 'b']);
			const include = directives(config.nodes).find((d) => d.name === 'IncludeOptional')!;
			assert.deepEqual(include.included, ['/etc/apache2/sites-enabled/a.conf', '/etc/apache2/sites-enabled/b.conf']);
			assert.equal(section(config.nodes, 'VirtualHost').via, include);
		});
		it('should report a missing plain Include, never a missing IncludeOptional or an empty glob', () => {
			const { errors } = parseApache('Include missing.conf\nIncludeOptional gone.conf\nInclude none/*.conf\n', { file: '/x/httpd.conf', ...workspace({}) });
			assert.equal(errors.length, 1);
			assert.equal(errors[0]!.code, 'include-not-found');
		});
		it('should splice an include inside a section into that section', () => {
			const tree = { '/x/httpd.conf': '<VirtualHost *:80>\nInclude snippets/strip.conf\n</VirtualHost>\n', '/x/snippets/strip.conf': 'RequestHeader unset Remote-User early\n' };
			const { config } = parseApache(tree['/x/httpd.conf'], { file: '/x/httpd.conf', ...workspace(tree) });
			const vhost = section(config.nodes, 'VirtualHost');
			assert.deepEqual(vhost.children.map((node) => node.name), ['Include', 'RequestHeader']);
			assert.equal(vhost.children[1]!.file, '/x/snippets/strip.conf');
		});
		it('should stop at cycles and at the include depth limit', () => {
			const loop = { '/x/httpd.conf': 'Include /x/httpd.conf\n' };
			assert.equal(parseApache(loop['/x/httpd.conf'], { file: '/x/httpd.conf', ...workspace(loop) }).errors[0]!.code, 'include-cycle');
			const chain: Record<string, string> = {};
			for (let i = 0; i < 30; i++) chain[`/x/${i}.conf`] = `Include /x/${i + 1}.conf\n`;
			chain['/x/30.conf'] = 'ServerName deep\n';
			const { errors } = parseApache(chain['/x/0.conf']!, { file: '/x/0.conf', ...workspace(chain), limits: { maxIncludeDepth: 5 } });
			assert.ok(errors.some((error) => error.code === 'limit'));
		});
		it('should read includes through the engine context in the handler', () => {
			const tree = { '/srv/httpd/httpd.conf': 'IncludeOptional conf.d/*.conf\n', '/srv/httpd/conf.d/nd.conf': 'ProxyPass / http://navidrome:4533/\n' };
			const read: string[] = [];
			const context = { workspace: workspace(tree), options: {}, readText: (path: string) => (read.push(path), tree[path as keyof typeof tree]) };
			const out = apacheHandler.parse({ path: '/srv/httpd/httpd.conf', text: tree['/srv/httpd/httpd.conf'], kind: 'apache' }, context as never);
			assert.deepEqual(out.dependencies, ['/srv/httpd/conf.d/nd.conf']);
			assert.ok(read.includes('/srv/httpd/conf.d/nd.conf'));
		});
	});

	describe('hostile input', () => {
		it('should never throw and stay fast on junk', () => {
			const junk = ['<'.repeat(5000), '</x>'.repeat(5000), '"'.repeat(10000), '\\\n'.repeat(5000), `${'<a>\n'.repeat(200)}`, '\u0000\uffff'].join('\n');
			const started = performance.now();
			const { errors } = parseApache(junk);
			assert.ok(errors.length <= 500);
			assert.ok(performance.now() - started < 2000);
		});
	});
});
