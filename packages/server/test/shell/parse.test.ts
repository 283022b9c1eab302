import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseShell, type ShellScript } from '../../src/analysis/formats/shell/parse.js';

/** Every span lies inside the text, and each verbatim value is the text at its span. */
function assertConsistent(text: string, script: ShellScript): void {
	const inside = (span: { start: number; end: number }, what: string): void => assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length, `${what} ${JSON.stringify(span)} (${text.length})`);
	for (const assignment of script.exported) {
		inside(assignment.nameSpan, 'name');
		inside(assignment.valueSpan, 'value');
		assert.equal(text.slice(assignment.nameSpan.start, assignment.nameSpan.end), assignment.name);
		if (assignment.verbatim) assert.equal(text.slice(assignment.valueSpan.start, assignment.valueSpan.end), assignment.value);
	}
	for (const command of script.navidrome) {
		inside(command.span, 'command');
		if (command.configFile) inside(command.configFile.span, 'config file');
	}
	for (const word of script.sourced) inside(word.span, 'sourced');
}

function exported(text: string): Array<[string, string, boolean, boolean]> {
	const script = parseShell(text);
	assertConsistent(text, script);
	return script.exported.map((assignment) => [assignment.name, assignment.value, assignment.verbatim, assignment.opaque]);
}

describe('parseShell', () => {
	it('should read export lines with single, double and no quotes', () => {
		assert.deepEqual(exported("#!/bin/sh\nexport ND_A=1 ND_B='x y'\nexport ND_C=\"a \\\"b\\\" c\"\n"), [
			['ND_A', '1', true, false],
			['ND_B', 'x y', true, false],
			['ND_C', 'a "b" c', false, false],
		]);
	});

	it('should leave what the shell computes opaque', () => {
		assert.deepEqual(exported('export ND_A="$PROXY/32" ND_B=$(cat /run/cidr) ND_C=`hostname` ND_D=\'$literal\'\n'), [
			['ND_A', '$PROXY/32', true, true],
			['ND_B', '$(cat /run/cidr)', true, true],
			['ND_C', '`hostname`', true, true],
			['ND_D', '$literal', true, false],
		]);
	});

	it('should count assignments exported later, under set -a, and on a navidrome command line, but not plain ones', () => {
		const text = 'ND_PLAIN=1\nND_LATER=2\nexport ND_LATER\nset -a\nND_AUTO=3\nset +a\nND_AFTER=4\nND_PORT=4533 ND_LOG=debug exec /opt/navidrome/navidrome --configfile=/etc/nd.toml\nND_OTHER=5 other-program\n';
		assert.deepEqual(exported(text).map(([name]) => name), ['ND_LATER', 'ND_AUTO', 'ND_PORT', 'ND_LOG']);
		const script = parseShell(text);
		assert.deepEqual(script.navidrome.map((command) => command.configFile?.text), ['/etc/nd.toml']);
		assert.equal(text.slice(script.navidrome[0]!.configFile!.span.start, script.navidrome[0]!.configFile!.span.end), '/etc/nd.toml');
	});

	it('should read env wrappers, -c, sourced files, comments and continued lines, and skip here-documents', () => {
		const text = [
			'#!/bin/bash',
			'# export ND_COMMENTED=1',
			'. /etc/default/navidrome',
			'source ./navidrome.env',
			'cat > /tmp/nd.env <<EOF',
			'export ND_IN_HEREDOC=1',
			'EOF',
			'exec env ND_EXTAUTH_TRUSTEDSOURCES=127.0.0.1/32 \\',
			'  navidrome -c "/srv/navidrome/navidrome.toml" 2>&1 | logger',
			'',
		].join('\n');
		const script = parseShell(text);
		assertConsistent(text, script);
		assert.deepEqual(script.exported.map((assignment) => assignment.name), ['ND_EXTAUTH_TRUSTEDSOURCES']);
		assert.deepEqual(script.sourced.map((word) => word.text), ['/etc/default/navidrome', './navidrome.env']);
		assert.deepEqual(script.navidrome.map((command) => command.configFile?.text), ['/srv/navidrome/navidrome.toml']);
	});

	it('should give nothing for a script that sets no variable for Navidrome, and take a quoted NAME=value for a command', () => {
		assert.deepEqual(parseShell('#!/bin/sh\ntar czf /backup/nd.tgz /var/lib/navidrome\n'), { exported: [], navidrome: [], sourced: [] });
		assert.deepEqual(exported("'ND_A=1' navidrome\n"), []);
	});
});

describe('parseShell properties', () => {
	const grammar = ['export ', 'ND_A=', 'X', '=', ' ', '\t', '\n', '\r\n', '\\', '\\\n', '"', "'", '`', '$', '${', '$(', '(', ')', '{', '}', ';', '&', '|', '<<', '<<-', 'EOF', '<', '>', '#', 'set -a', 'navidrome', '-c', '--configfile', '. ', 'env ', 'exec ', '2>&1', '\uFEFF', '\0'];
	const text = fc.array(fc.constantFrom(...grammar), { maxLength: 300 }).map((parts) => parts.join(''));

	it('should never throw, and keep every span inside the text, on grammar-shaped junk and random strings', () => {
		fc.assert(
			fc.property(fc.oneof(text, fc.string({ unit: 'grapheme-composite', maxLength: 300 })), (input) => assertConsistent(input, parseShell(input))),
			{ numRuns: 400 },
		);
	});

	it('should read long inputs in linear time', () => {
		const started = performance.now();
		parseShell(`export ${'ND_A="x $y" '.repeat(4_000)}\n`);
		parseShell(`'${'a'.repeat(20_000)}`);
		parseShell(`${'${'.repeat(8_000)}${'$('.repeat(8_000)}${'`'.repeat(8_000)}`);
		parseShell(`cat <<EOF\n${'ND_X=1\n'.repeat(8_000)}`);
		parseShell(`${'ND_A=1\n'.repeat(4_000)}export ${'ND_A '.repeat(4_000)}`);
		assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
	});
});
