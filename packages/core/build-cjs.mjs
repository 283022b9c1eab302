// The CommonJS build behind `require('@navidrome-extauth/core')`, run after tsc has written the ES modules to dist/.
// - dist/cjs/index.js: one esbuild bundle of src/index.ts in CommonJS;
// - dist/cjs/package.json marks the folder CommonJS, so the declarations copied beside the bundle are read as
//   CommonJS types (TypeScript's node16/nodenext resolution types a `require` caller by the folder's module kind).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const out = join(dist, 'cjs');

await build({
	entryPoints: [join(root, 'src/index.ts')],
	outfile: join(out, 'index.js'),
	bundle: true,
	format: 'cjs',
	platform: 'neutral',
	target: 'es2022',
	sourcemap: false,
	legalComments: 'none',
	logLevel: 'warning',
});
writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');

/** Every `.d.ts` that tsc wrote under dist/ (outside dist/cjs), as paths relative to dist/. */
function declarations(folder) {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return path === out ? [] : declarations(path);
		return entry.name.endsWith('.d.ts') ? [relative(dist, path)] : [];
	});
}

for (const file of declarations(dist)) {
	mkdirSync(dirname(join(out, file)), { recursive: true });
	copyFileSync(join(dist, file), join(out, file));
}
