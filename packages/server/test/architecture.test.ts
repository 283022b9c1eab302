/**
The code map is a test (issue 12, Deliver 6): every import of every `.ts` file under `packages/<name>/src` is one that
ARCHITECTURE.md's "may import" table allows, and no module imports itself through others (type-only imports count).
The negative controls run the same checker, with the real table, on in-memory trees that break it.
*/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkImports, formatViolation, parseImportTable, scanImports, type CheckOptions, type CheckResult, type ImportRow } from './harness/imports.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every `.ts` file under `packages/<name>/src`, repository-relative → text. */
function sourceTree(): Map<string, string> {
	const files = new Map<string, string>();
	for (const name of readdirSync(join(repoRoot, 'packages')).sort()) {
		const folder = join(repoRoot, 'packages', name, 'src');
		let entries: string[];
		try {
			entries = readdirSync(folder, { recursive: true, encoding: 'utf8' });
		} catch {
			continue;
		}
		for (const entry of entries.sort()) {
			if (entry.endsWith('.ts') && !entry.split(/[\\/]/).includes('node_modules')) files.set(`packages/${name}/src/${entry.split('\\').join('/')}`, readFileSync(join(folder, entry), 'utf8'));
		}
	}
	return files;
}

/** Workspace package names and their exports' `source` files, from each package.json. */
function workspaceOptions(): CheckOptions {
	const options: Required<CheckOptions> = { workspacePackages: {}, entryPoints: {} };
	const source = (value: unknown): string | undefined => {
		if (value && typeof value === 'object') {
			const conditions = value as Record<string, unknown>;
			return typeof conditions.source === 'string' ? conditions.source : Object.values(conditions).map(source).find(Boolean);
		}
		return undefined;
	};
	for (const name of readdirSync(join(repoRoot, 'packages')).sort()) {
		let manifest: { name: string; exports?: Record<string, unknown> };
		try {
			manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'));
		} catch {
			continue;
		}
		options.workspacePackages[manifest.name] = `packages/${name}/src/`;
		for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
			const file = source(target);
			if (file) options.entryPoints[`${manifest.name}${subpath.slice(1)}`] = `packages/${name}/${file.replace(/^\.\//, '')}`;
		}
	}
	return options;
}

describe('architecture', () => {
	let rows: ImportRow[];
	let tree: Map<string, string>;
	let options: CheckOptions;
	let real: CheckResult;

	before(() => {
		rows = parseImportTable(readFileSync(join(repoRoot, 'ARCHITECTURE.md'), 'utf8'));
		tree = sourceTree();
		options = workspaceOptions();
		real = checkImports(tree, rows, options);
	});

	describe('the real tree', () => {
		it('should read a row for every folder of the code map from ARCHITECTURE.md', () => {
			for (const folder of ['packages/core/src/', 'packages/server/src/shared/', 'packages/server/src/analysis/model/', 'packages/server/src/analysis/proxies/<proxy>/', 'packages/server/src/analysis/rules/route/', 'packages/server/src/analysis/rules/<area>/', 'packages/server/src/protocol/', 'packages/extension/src/', 'packages/playground/src/']) {
				assert.ok(rows.some((row) => row.patterns.includes(folder)), `no row for ${folder}`);
			}
			assert.ok(tree.size > 200, `only ${tree.size} source files found`);
			assert.deepEqual(real.tableProblems, []);
		});

		it('should import only what the code map allows', () => {
			const lines = real.violations.map(formatViolation);
			assert.equal(lines.length, 0, `${lines.length} imports the "may import" table of ARCHITECTURE.md forbids:\n${lines.join('\n')}`);
		});

		it('should have no import cycles', () => {
			const lines = real.cycles.map((cycle) => cycle.join(' → '));
			assert.equal(lines.length, 0, `${lines.length} import cycles:\n${lines.join('\n')}`);
		});
	});

	describe('scanImports', () => {
		it('should find static, type-only, re-exporting, dynamic and require imports with their lines', () => {
			const text = [
				"import a from './a.js';",
				"import type { B } from './b.js';",
				'import {',
				'	c,',
				'	type D,',
				"} from './c.js';",
				"import './side-effect.js';",
				"export * from './e.js';",
				"export type { F } from './f.js';",
				"const g = await import('./g.js');",
				"const h = require('node:fs');",
				"type I = typeof import('./i.js');",
				'const j = import(name);',
			].join('\n');
			assert.deepEqual(
				scanImports(text).map((site) => `${site.line} ${site.kind} ${site.specifier}`),
				['1 import ./a.js', '2 import ./b.js', '6 import ./c.js', '7 import ./side-effect.js', '8 export ./e.js', '9 export ./f.js', '10 dynamic ./g.js', '11 require node:fs', '12 dynamic ./i.js', '13 dynamic undefined'],
			);
		});

		it('should not take imports in comments, strings, templates or regular expressions', () => {
			const text = [
				"// import a from './a.js';",
				"/* import b from './b.js'; */",
				"const s = \"import c from './c.js'\";",
				"const t = `export * from './d.js' ${x} import('./e.js')`;",
				"const r = /import f from '.\\/f.js'/;",
				"const ok = x.import('./g.js') + y.require('./h.js');",
				"export { local } ;",
				"import k from './k.js';",
			].join('\n');
			assert.deepEqual(scanImports(text).map((site) => `${site.line} ${site.specifier}`), ['8 ./k.js']);
		});
	});

	describe('negative controls', () => {
		/** The real table on an in-memory tree; the files' forbidden imports as `file:line → target`. */
		const check = (files: Record<string, string>): CheckResult => checkImports(new Map(Object.entries(files)), rows, options);
		const forbidden = (result: CheckResult): string[] => result.violations.map((violation) => `${violation.file}:${violation.line} → ${violation.target}`);
		const server = 'packages/server/src';

		it('should report core importing the server', () => {
			const result = check({
				'packages/core/src/decide.ts': "import type { Report } from '../../server/src/analysis/findings.js';\nimport { commandIds } from '@navidrome-extauth/server/shared';\n",
				[`${server}/analysis/findings.ts`]: '',
				[`${server}/shared/index.ts`]: '',
			});
			assert.deepEqual(forbidden(result), [`packages/core/src/decide.ts:1 → ${server}/analysis/findings.ts`, `packages/core/src/decide.ts:2 → ${server}/shared/index.ts`]);
			assert.match(formatViolation(result.violations[0]!), /row `packages\/core\/src\/`/);
		});

		it('should report analysis importing node:fs, in every form', () => {
			const result = check({
				[`${server}/analysis/model/build.ts`]: "import { readFileSync } from 'node:fs';\n",
				[`${server}/analysis/engine.ts`]: "const fs = require('fs');\n",
				[`${server}/analysis/formats/nginx/include.ts`]: "export async function read() {\n\treturn (await import('node:fs/promises')).readFile;\n}\n",
			});
			assert.deepEqual(forbidden(result), [`${server}/analysis/engine.ts:1 → node:fs`, `${server}/analysis/formats/nginx/include.ts:2 → node:fs/promises`, `${server}/analysis/model/build.ts:1 → node:fs`]);
			assert.match(formatViolation(result.violations[0]!), /never node:\*/);
		});

		it('should report a route rule importing a proxy adapter, and allow its own imports', () => {
			const result = check({
				[`${server}/analysis/rules/route/strip-gap.ts`]: "import { judgeRoute } from '../../model/gate.js';\nimport type { Rule } from '../rule.js';\nimport type { CaddyAnalysis } from '../../proxies/caddy/types.js';\n",
				[`${server}/analysis/model/gate.ts`]: '',
				[`${server}/analysis/rules/rule.ts`]: '',
				[`${server}/analysis/proxies/caddy/types.ts`]: '',
			});
			assert.deepEqual(forbidden(result), [`${server}/analysis/rules/route/strip-gap.ts:3 → ${server}/analysis/proxies/caddy/types.ts`]);
			assert.match(result.violations[0]!.reason, /never …\/analysis\/proxies\//);
		});

		it('should report a proxy rule importing another proxy, and allow its own proxy', () => {
			const result = check({
				[`${server}/analysis/rules/caddy/syntax-version.ts`]: "import { caddyAnalysis } from '../../proxies/caddy/index.js';\nimport { nginxModels } from '../../proxies/nginx/index.js';\n",
				[`${server}/analysis/proxies/caddy/index.ts`]: '',
				[`${server}/analysis/proxies/nginx/index.ts`]: '',
			});
			assert.deepEqual(forbidden(result), [`${server}/analysis/rules/caddy/syntax-version.ts:2 → ${server}/analysis/proxies/nginx/index.ts`]);
		});

		it('should report vscode-languageserver outside protocol/, and allow it inside', () => {
			const result = check({
				[`${server}/features/hover.ts`]: "import type { Hover } from 'vscode-languageserver/node';\n",
				[`${server}/host/backend.ts`]: "export { TextDocuments } from 'vscode-languageserver';\n",
				[`${server}/protocol/convert.ts`]: "import type { Diagnostic } from 'vscode-languageserver/node';\n",
			});
			assert.deepEqual(forbidden(result), [`${server}/features/hover.ts:1 → vscode-languageserver/node`, `${server}/host/backend.ts:1 → vscode-languageserver`]);
		});

		it('should report one format importing another', () => {
			const result = check({
				[`${server}/analysis/formats/dotenv/parse.ts`]: "import { interpolate } from '../compose/parse.js';\nimport { interpolate as shared } from '../interpolate.js';\n",
				[`${server}/analysis/formats/compose/parse.ts`]: '',
				[`${server}/analysis/formats/interpolate.ts`]: '',
			});
			assert.deepEqual(forbidden(result), [`${server}/analysis/formats/dotenv/parse.ts:1 → ${server}/analysis/formats/compose/parse.ts`]);
		});

		it('should report a two-file cycle of type-only imports', () => {
			const result = check({
				[`${server}/analysis/model/deployment.ts`]: "import type { Route } from './route.js';\n",
				[`${server}/analysis/model/route.ts`]: "import type { Deployment } from './deployment.js';\n",
				[`${server}/analysis/model/gate.ts`]: "import type { Route } from './route.js';\n",
			});
			assert.deepEqual(result.violations, []);
			assert.deepEqual(result.cycles, [[`${server}/analysis/model/deployment.ts`, `${server}/analysis/model/route.ts`, `${server}/analysis/model/deployment.ts`]]);
		});

		it('should report a file no row covers, and a row that names no file', () => {
			const result = checkImports(new Map([['packages/server/src/stray.ts', '']]), [...rows, { label: 'typo', patterns: ['packages/server/src/analysis/modle/'], allowed: [], never: [] }], options);
			assert.ok(result.tableProblems.includes('no row covers packages/server/src/stray.ts'), result.tableProblems.join('\n'));
			assert.ok(result.tableProblems.some((problem) => problem.startsWith('row typo:')), result.tableProblems.join('\n'));
		});

		it('should report a forbidden import appended to a real file', () => {
			const file = `${server}/analysis/model/gate.ts`;
			const text = tree.get(file);
			assert.ok(text !== undefined, `${file} is gone; pick another real file`);
			const changed = new Map(tree).set(file, `${text}\nimport type { CaddyAnalysis } from '../proxies/caddy/types.js';\n`);
			const line = `${text}\n`.split('\n').length;
			const before = new Set(forbidden(real));
			const added = forbidden(checkImports(changed, rows, options)).filter((entry) => !before.has(entry));
			assert.deepEqual(added, [`${file}:${line} → ${server}/analysis/proxies/caddy/types.ts`]);
		});

		it('should report a cycle made by an allowed import appended to a real file', () => {
			const file = `${server}/analysis/text.ts`;
			const text = tree.get(file);
			assert.ok(text !== undefined && tree.get(`${server}/analysis/findings.ts`)?.includes("from './text.js'"), 'findings.ts no longer imports text.ts; pick another pair');
			const changed = new Map(tree).set(file, `${text}\nimport type { Report } from './findings.js';\n`);
			const result = checkImports(changed, rows, options);
			const before = new Set(real.cycles.map((cycle) => cycle.join(' → ')));
			assert.deepEqual(forbidden(result), forbidden(real));
			assert.deepEqual(
				result.cycles.map((cycle) => cycle.join(' → ')).filter((cycle) => !before.has(cycle)),
				[`${server}/analysis/findings.ts → ${server}/analysis/text.ts → ${server}/analysis/findings.ts`],
			);
		});
	});
});
