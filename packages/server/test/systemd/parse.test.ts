import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeUnits, parseSystemdUnit, type SystemdUnit } from '../../src/analysis/formats/systemd/parse.js';

/** Every span lies inside the text, and each verbatim value is the text at its span. */
function assertConsistent(text: string, unit: SystemdUnit): void {
	const inside = (span: { start: number; end: number }, what: string): void => assert.ok(span.start >= 0 && span.start <= span.end && span.end <= text.length, `${what} ${JSON.stringify(span)} (${text.length})`);
	for (const error of unit.errors) inside(error.span, 'error');
	for (const entry of unit.entries) {
		inside(entry.span, 'entry');
		if (entry.key === 'Environment') {
			for (const assignment of entry.assignments) {
				inside(assignment.nameSpan, 'name');
				inside(assignment.valueSpan, 'value');
				assert.equal(text.slice(assignment.nameSpan.start, assignment.nameSpan.end), assignment.name);
				if (assignment.verbatim) assert.equal(text.slice(assignment.valueSpan.start, assignment.valueSpan.end), assignment.value);
			}
		} else if (entry.key === 'ExecStart') for (const word of entry.words) inside(word.span, 'word');
		else inside(entry.pathSpan, 'path');
	}
}

function environment(text: string): Array<[string, string, boolean]> {
	const unit = parseSystemdUnit(text);
	assertConsistent(text, unit);
	return mergeUnits([{ path: '/u', unit }]).environment.map(({ assignment }) => [assignment.name, assignment.value, assignment.verbatim]);
}

describe('parseSystemdUnit', () => {
	it('should read several assignments per Environment= line, quoted anywhere in a word, with C escapes', () => {
		assert.deepEqual(environment('[Service]\nEnvironment="VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"\n'), [
			['VAR1', 'word1 word2', true],
			['VAR2', 'word3', true],
			['VAR3', '$word 5 6', true],
		]);
		assert.deepEqual(environment("[Service]\nEnvironment=ND_A='x y' ND_B=a\\tb ND_C=\"q\\\"q\"\n"), [
			['ND_A', 'x y', true],
			['ND_B', 'a\tb', false],
			['ND_C', 'q"q', false],
		]);
	});

	it('should read only [Service], skip comments, join continued lines, and let an empty assignment reset the list', () => {
		const text = '[Unit]\nEnvironment=ND_NOT=unit\n[Service]\n# Environment=ND_COMMENT=1\n; Environment=ND_COMMENT=2\nEnvironment=ND_A=1 \\\n  ND_B=2\nEnvironment=\nEnvironment=ND_C=3\n';
		assert.deepEqual(environment(text), [['ND_C', '3', true]]);
		assert.deepEqual(environment('[Service]\nEnvironment=ND_A=1 \\\n  ND_B=2\n').map(([name]) => name), ['ND_A', 'ND_B']);
	});

	it('should leave specifiers opaque and read %% as a literal percent sign', () => {
		const unit = parseSystemdUnit('[Service]\nEnvironment=ND_DATAFOLDER=%S/navidrome ND_X=100%%\nEnvironmentFile=-%h/.config/navidrome.env\n');
		const [data, percent] = unit.entries[0]!.key === 'Environment' ? unit.entries[0]!.assignments : [];
		assert.equal(data?.opaque, true);
		assert.equal(data?.value, '%S/navidrome');
		assert.deepEqual([percent?.value, percent?.opaque, percent?.verbatim], ['100%', false, false]);
		const file = unit.entries[1]!;
		assert.ok(file.key === 'EnvironmentFile' && file.optional && file.opaque && file.path === '%h/.config/navidrome.env');
	});

	it('should report a word that is not NAME=VALUE and an unterminated quote, and keep the rest', () => {
		const unit = parseSystemdUnit('[Service]\nEnvironment=ND_A=1 =oops 9X=2 ND_B=2\nEnvironment="ND_C=open\n');
		assert.deepEqual(mergeUnits([{ path: '/u', unit }]).environment.map(({ assignment }) => assignment.name), ['ND_A', 'ND_B', 'ND_C']);
		assert.equal(unit.errors.filter((error) => /not NAME=VALUE/.test(error.message)).length, 2);
		assert.ok(unit.errors.some((error) => /Unterminated double quote/.test(error.message)));
	});

	it('should read EnvironmentFile= with its - prefix, ExecStart= words and WorkingDirectory=, and merge drop-ins in order', () => {
		const unit = parseSystemdUnit('[Service]\nEnvironmentFile=-/etc/default/navidrome\nEnvironmentFile=/etc/navidrome/nd.env\nExecStart=/opt/navidrome/navidrome --configfile "/var/lib/navidrome/navidrome.toml"\nWorkingDirectory=/var/lib/navidrome\n');
		const dropIn = parseSystemdUnit('[Service]\nEnvironmentFile=\nEnvironmentFile=/etc/navidrome/override.env\nExecStart=\nExecStart=@/usr/bin/navidrome navidrome\n');
		const merged = mergeUnits([{ path: '/u/navidrome.service', unit }]);
		assert.deepEqual(merged.environmentFiles.map((file) => [file.path, file.optional]), [['/etc/default/navidrome', true], ['/etc/navidrome/nd.env', false]]);
		assert.deepEqual(merged.execStart[0]!.words.map((word) => word.text), ['/opt/navidrome/navidrome', '--configfile', '/var/lib/navidrome/navidrome.toml']);
		assert.equal(merged.workingDirectory?.path, '/var/lib/navidrome');
		const both = mergeUnits([{ path: '/u/navidrome.service', unit }, { path: '/u/navidrome.service.d/override.conf', unit: dropIn }]);
		assert.deepEqual(both.environmentFiles.map((file) => [file.path, file.file]), [['/etc/navidrome/override.env', '/u/navidrome.service.d/override.conf']]);
		assert.deepEqual(both.execStart.map((command) => command.words.map((word) => word.text)), [['@/usr/bin/navidrome', 'navidrome']]);
	});

	it('should read CRLF files and a BOM', () => {
		assert.deepEqual(environment('\uFEFF[Service]\r\nEnvironment=ND_A=1\r\nEnvironment="ND_B=2 3"\r\n'), [
			['ND_A', '1', true],
			['ND_B', '2 3', true],
		]);
	});
});

describe('parseSystemdUnit properties', () => {
	const grammar = ['[Service]', '[Unit]', '\n', '\r\n', '\\', '\\\n', '"', "'", ' ', '\t', '=', '%', '%%', '%h', '#', ';', 'Environment', 'EnvironmentFile', 'ExecStart', 'WorkingDirectory', 'ND_A', '-', '/x', 'a', '\uFEFF', '\0'];
	const text = fc.array(fc.constantFrom(...grammar), { maxLength: 300 }).map((parts) => parts.join(''));

	it('should never throw, and keep every span inside the text, on grammar-shaped junk and random strings', () => {
		fc.assert(
			fc.property(fc.oneof(text, fc.string({ unit: 'grapheme-composite', maxLength: 300 })), (input) => {
				const unit = parseSystemdUnit(input);
				assertConsistent(input, unit);
				mergeUnits([{ path: '/u', unit }]);
			}),
			{ numRuns: 400 },
		);
	});

	it('should read a long line in linear time', () => {
		const started = performance.now();
		parseSystemdUnit(`[Service]\nEnvironment=${'ND_A="x y" '.repeat(4_000)}\n`);
		parseSystemdUnit(`[Service]\nEnvironment="${'\\\\'.repeat(20_000)}\n`);
		parseSystemdUnit(`[Service]\n${'Environment=\\\n'.repeat(4_000)}`);
		parseSystemdUnit(`[Service]\n${'[x\n'.repeat(20_000)}${'x\n'.repeat(20_000)}`);
		assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
	});
});
