import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/engine.js';
import type { WorkspaceView } from '../../src/analysis/files.js';
import { rules } from '../../src/analysis/rules/index.js';
import type { Rule } from '../../src/analysis/rules/rule.js';

const compose = (trusted: string) => `services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: ${trusted}\n`;

function workspace(files: Record<string, string>): WorkspaceView {
	return { readFile: (path) => files[path], listFiles: () => [] };
}

describe('Analyzer', () => {
	it('should link a compose file to an env_file and report inside the env file', () => {
		const files = { '/w/compose.yaml': 'services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    env_file: nd.env\n', '/w/nd.env': 'ND_EXTAUTH_TRUSTEDSOURCES=0.0.0.0/0\n' };
		const result = new Analyzer().analyze({ files: [{ path: '/w/compose.yaml', text: files['/w/compose.yaml'] }], workspace: workspace(files) });
		const finding = result.findings.find((f) => f.ruleId === 'nd/trust-all');
		assert.equal(finding?.file, '/w/nd.env');
		assert.deepEqual(finding?.range, { start: { line: 0, character: 26 }, end: { line: 0, character: 35 } });
	});

	it('should honour suppression comments for the next line and the whole file', () => {
		const next = 'services:\n  navidrome:\n    image: deluan/navidrome:0.63.2\n    environment:\n      # navidrome-extauth-disable-next-line nd/trust-all\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n';
		const analyzer = new Analyzer();
		assert.ok(!analyzer.analyze({ files: [{ path: '/w/compose.yaml', text: next }], workspace: workspace({}) }).findings.some((f) => f.ruleId === 'nd/trust-all'));
		const other = next.replace('nd/trust-all', 'nd/trust-broad');
		assert.ok(analyzer.analyze({ files: [{ path: '/w/compose.yaml', text: other }], workspace: workspace({}) }).findings.some((f) => f.ruleId === 'nd/trust-all'));
		const wholeFile = `# navidrome-extauth-disable-file\n${compose('0.0.0.0/0')}`;
		assert.deepEqual(analyzer.analyze({ files: [{ path: '/w/compose.yaml', text: wholeFile }], workspace: workspace({}) }).findings, []);
	});

	it('should reuse parses and rule results for unchanged inputs and redo them after an edit', () => {
		let runs = 0;
		const counting: Rule = { id: 'test/count', category: 'hardening', severity: 'hint', summary: 's', docs: 'd', inputs: ['compose'], check: () => void runs++ };
		const envOnly: Rule = { ...counting, id: 'test/env', inputs: ['dotenv'], check: () => void (runs += 100) };
		const analyzer = new Analyzer([counting, envOnly]);
		const input = (text: string) => ({ files: [{ path: '/w/compose.yaml', text }, { path: '/w/.env', text: 'A=1\n' }], workspace: workspace({}) });
		analyzer.analyze(input(compose('10.0.0.1/32')));
		assert.equal(runs, 101);
		analyzer.analyze(input(compose('10.0.0.1/32')));
		assert.equal(runs, 101, 'nothing changed: no rule runs again');
		analyzer.analyze(input(compose('10.0.0.2/32')));
		assert.equal(runs, 102, 'only the compose rule runs after a compose edit');
	});

	it('should report a throwing rule and keep the others', () => {
		const broken: Rule = { id: 'test/throws', category: 'hardening', severity: 'hint', summary: 's', docs: 'd', inputs: ['compose'], check: () => { throw new Error('boom'); } };
		const result = new Analyzer([broken, ...rules]).analyze({ files: [{ path: '/w/compose.yaml', text: compose('0.0.0.0/0') }], workspace: workspace({}) });
		assert.ok(result.findings.some((f) => f.ruleId === 'test/throws' && f.message.includes('boom')));
		assert.ok(result.findings.some((f) => f.ruleId === 'nd/trust-all'));
	});

	it('should survive a workspace whose reads throw', () => {
		const hostile: WorkspaceView = { readFile: () => { throw new Error('EACCES'); }, listFiles: () => { throw new Error('EACCES'); } };
		const result = new Analyzer().analyze({ files: [{ path: '/w/compose.yaml', text: compose('0.0.0.0/0') }], workspace: hostile });
		assert.ok(result.findings.some((f) => f.ruleId === 'nd/trust-all'));
	});
});
