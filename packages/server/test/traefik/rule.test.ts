import assert from 'node:assert/strict';
import { evaluateRule, parseRule, ruleLiterals, rulePriority, type Probe, type RuleNode } from '../../src/analysis/formats/traefik/rule.js';

function tree(rule: string): RuleNode {
	const parsed = parseRule(rule);
	assert.equal(parsed.error, undefined, `${rule}: ${parsed.error?.message}`);
	return parsed.tree!;
}

/** A compact form of the tree: `and(Host(a), not(Path(b)))`. */
function show(node: RuleNode): string {
	switch (node.kind) {
		case 'and':
		case 'or':
			return `${node.kind}(${show(node.left)}, ${show(node.right)})`;
		case 'not':
			return `not(${show(node.operand)})`;
		default:
			return `${node.name}(${node.args.map((arg) => arg.value).join(', ')})`;
	}
}

function probe(path: string, extra: Partial<Probe> = {}): Probe {
	return { host: 'music.example.com', path, method: 'GET', query: [], headers: [], ...extra };
}

describe('traefik rules', () => {
	describe('parseRule', () => {
		it('should bind && tighter than ||, as Go does', () => {
			assert.equal(show(tree('Host(`a`) || Host(`b`) && Path(`/c`)')), 'or(Host(a), and(Host(b), Path(/c)))');
			assert.equal(show(tree('(Host(`a`) || Host(`b`)) && Path(`/c`)')), 'and(or(Host(a), Host(b)), Path(/c))');
		});

		it('should read the docs rules, negation and two-argument Query', () => {
			assert.equal(
				show(tree('Host(`music.example.com`) && PathPrefix(`/rest/`) && !Query(`c`, `NavidromeUI`)')),
				'and(and(Host(music.example.com), PathPrefix(/rest/)), not(Query(c, NavidromeUI)))',
			);
			assert.equal(show(tree('!!Path(`/x`)')), 'not(not(Path(/x)))');
		});

		it('should accept backtick and double-quoted strings with Go escapes', () => {
			assert.equal(show(tree('Path("/a\\"b\\x41\\u00e9")')), 'Path(/a"bAé)');
			assert.equal(show(tree('Path(`/a\\n`)')), 'Path(/a\\n)');
			assert.equal(show(tree('Host(`a`, `b`,)')), 'Host(a, b)');
		});

		it('should accept the matcher spellings Traefik registers, and only those', () => {
			for (const name of ['PathPrefix', 'pathprefix', 'PATHPREFIX', 'Pathprefix']) assert.equal(show(tree(`${name}(\`/x\`)`)), 'PathPrefix(/x)');
			assert.match(parseRule('pathPrefix(`/x`)').error!.message, /unknown matcher pathPrefix/);
			assert.match(parseRule('Prefix(`/x`)').error!.message, /unknown matcher/);
		});

		it('should report syntax errors with a span instead of throwing', () => {
			const cases: Array<[string, RegExp]> = [
				["Host('a')", /single quotes/],
				['Host(`a`', /expected , or \)|missing/],
				['Host(`a)', /unterminated/],
				['Host(`a`) &&', /ends where a matcher was expected/],
				['Host(`a`) Host(`b`)', /unexpected/],
				['Host()', /needs an argument/],
				['', /empty/],
				['Host(a)', /string arguments/],
				['Host(`a`) & Path(`/`)', /unexpected character/],
			];
			for (const [rule, message] of cases) {
				const parsed = parseRule(rule);
				assert.equal(parsed.tree, undefined, rule);
				assert.match(parsed.error!.message, message, rule);
				assert.ok(parsed.error!.span.start >= 0 && parsed.error!.span.end <= Math.max(rule.length, 1), rule);
			}
		});

		it('should refuse absurd nesting without overflowing the stack', () => {
			const deep = `${'('.repeat(5000)}Host(\`a\`)${')'.repeat(5000)}`;
			assert.match(parseRule(deep).error!.message, /nested too deeply/);
			assert.match(parseRule('!'.repeat(100_000)).error!.message, /nested too deeply|too long/);
			assert.equal(parseRule(42).tree, undefined);
		});
	});

	describe('rulePriority', () => {
		it('should be the rule length of the docs examples (proxies.md §4.4)', () => {
			assert.equal(rulePriority('Host(`music.example.com`)'), 25);
			assert.equal(rulePriority('Host(`music.example.com`) && (PathPrefix(`/share/`) || PathPrefix(`/rest/`))'), 76);
			assert.equal(rulePriority('Host(`music.example.com`) && PathPrefix(`/rest/`) && !Query(`c`, `NavidromeUI`)'), 79);
		});

		it("should count UTF-8 bytes, like Go's len", () => {
			assert.equal(rulePriority('Host(`é.example`)'), 18);
			assert.equal(rulePriority('Path(`/😀`)'), 13);
		});
	});

	describe('evaluateRule', () => {
		it('should match PathPrefix(`/rest/`) on /rest/… but not on /rest', () => {
			const rule = tree('Host(`music.example.com`) && PathPrefix(`/rest/`)');
			assert.equal(evaluateRule(rule, probe('/rest/ping.view')), 'yes');
			assert.equal(evaluateRule(rule, probe('/rest')), 'no');
			assert.equal(evaluateRule(rule, probe('/rest/x', { host: 'MUSIC.example.com' })), 'yes');
			assert.equal(evaluateRule(rule, probe('/rest/x', { host: 'other.example.com' })), 'no');
		});

		it('should read Query in the v3 and the v2 form', () => {
			const v3 = tree('!Query(`c`, `NavidromeUI`)');
			assert.equal(evaluateRule(v3, probe('/rest/x', { query: [['c', 'NavidromeUI']] })), 'no');
			assert.equal(evaluateRule(v3, probe('/rest/x', { query: [['c', 'DSub']] })), 'yes');
			const v2 = tree('Query(`c=NavidromeUI`)');
			assert.equal(evaluateRule(v2, probe('/rest/x', { query: [['c', 'NavidromeUI']] })), 'yes');
		});

		it('should answer maybe for matchers it cannot decide, in three-valued logic', () => {
			assert.equal(evaluateRule(tree('ClientIP(`10.0.0.0/8`)'), probe('/')), 'maybe');
			assert.equal(evaluateRule(tree('ClientIP(`10.0.0.0/8`) || Path(`/`)'), probe('/')), 'yes');
			assert.equal(evaluateRule(tree('ClientIP(`10.0.0.0/8`) && Path(`/x`)'), probe('/')), 'no');
			assert.equal(evaluateRule(tree('!ClientIP(`10.0.0.0/8`)'), probe('/')), 'maybe');
		});

		it('should run regular expressions, v2 host templates included', () => {
			assert.equal(evaluateRule(tree('PathRegexp(`^/(rest|share)/`)'), probe('/share/x')), 'yes');
			assert.equal(evaluateRule(tree('HostRegexp(`{sub:[a-z]+}.example.com`)'), probe('/', { host: 'music.example.com' })), 'yes');
			assert.equal(evaluateRule(tree('HostRegexp(`{sub:[a-z]+}.example.com`)'), probe('/', { host: 'a.b.example.com' })), 'no');
			// RE2 flags run on the linear-time engine; syntax Go rejects (lookahead) stays undecided.
			assert.equal(evaluateRule(tree('PathRegexp(`(?U)a+`)'), probe('/aaa')), 'yes');
			assert.equal(evaluateRule(tree('PathRegexp(`(?=a)`)'), probe('/aaa')), 'maybe');
		});
	});

	describe('ruleLiterals', () => {
		it('should collect hosts, paths and query pairs to build probe requests from', () => {
			const literals = ruleLiterals(tree('Host(`Music.Example.com`) && (PathPrefix(`/share/`) || Path(`/x`)) && !Query(`c`, `UI`)'));
			assert.deepEqual(literals.hosts, ['music.example.com']);
			assert.deepEqual(literals.prefixes, ['/share/']);
			assert.deepEqual(literals.paths, ['/x']);
			assert.deepEqual(literals.query, [['c', 'UI']]);
		});
	});
});
