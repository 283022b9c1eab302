/**
The Dockerfile (issue 19, Deliver 3). Docker is not available here, so the image is never built; this checks what can
be checked without it: the stages and their base, the non-root user and WORKDIR, that every file the build stage
needs is in the build context (not dropped by .dockerignore), that the ENTRYPOINT's script is a file the build writes,
and that the runtime stage's copied files alone run the CLI (no node_modules beside them).
*/
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles, repoRoot, serverRoot } from '../harness/cli.js';
import { run } from './tarballs.js';

type Instruction = { keyword: string; args: string };
type Stage = { from: string; name?: string; instructions: Instruction[] };

/** Dockerfile instructions by stage, with comments dropped and `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
	const logical = text
		.split('\n')
		.filter((line) => !/^\s*#/.test(line))
		.join('\n')
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((line) => line.trim())
		.filter(Boolean);
	const stages: Stage[] = [];
	for (const line of logical) {
		const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
		if (keyword.toUpperCase() === 'FROM') {
			const [from, as, name] = args.split(/\s+/);
			stages.push({ from: from!, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] });
		} else {
			assert.ok(stages.length > 0, `${keyword} before FROM`);
			stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
		}
	}
	return stages;
}

/** .dockerignore patterns as regexes over context-relative paths (`*`, `**`; a match also drops what is inside). */
function dockerignore(text: string): RegExp[] {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'))
		.map((pattern) => {
			assert.ok(!pattern.startsWith('!'), 'exceptions are not used');
			const source = pattern
				.replace(/^\//, '')
				.split('/')
				.map((part) => (part === '**' ? '(?:.*/)?' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}/`))
				.join('');
			return new RegExp(`^${source.replace(/\/$/, '')}(?:/.*)?$`);
		});
}

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const ignored = dockerignore(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
const isIgnored = (path: string) => ignored.some((pattern) => pattern.test(path));

describe('Dockerfile', function () {
	this.timeout(120_000);
	const [build, runtime] = stages;

	it('should build in a node:20-slim stage and run in another, as a non-root user in /work', () => {
		assert.equal(stages.length, 2);
		assert.deepEqual([build!.from, build!.name, runtime!.from], ['node:20-slim', 'build', 'node:20-slim']);
		const keywords = runtime!.instructions.map((i) => i.keyword);
		const user = runtime!.instructions.find((i) => i.keyword === 'USER');
		assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'runs as a non-root user');
		assert.ok(keywords.indexOf('USER') < keywords.indexOf('ENTRYPOINT'));
		assert.equal(runtime!.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args, '/work');
		assert.ok(!runtime!.instructions.some((i) => i.keyword === 'RUN' && /\b(npm|pnpm) install\b/.test(i.args)), 'the runtime stage installs nothing');
	});

	it('should install with the pnpm and lockfile the repository uses, and run the server build script', () => {
		const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
		const commands = build!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' && ');
		assert.match(commands, new RegExp(`npm install -g ${packageManager.replace(/\./g, '\\.')}\\b`));
		assert.match(commands, /pnpm install --frozen-lockfile/);
		assert.match(commands, /pnpm --filter @navidrome-extauth\/server run build/);
		assert.ok(JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')).scripts.build);
	});

	it('should keep in the build context every file the build needs, and leave out local installs and output', () => {
		const copy = build!.instructions.find((i) => i.keyword === 'COPY');
		assert.equal(copy?.args, '. .', 'the whole context is copied');
		const needed = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.base.json', 'packages/server/package.json', 'packages/server/build.mjs', 'packages/server/src/cli.ts', 'packages/server/src/analysis/engine.ts', 'packages/core/package.json', 'packages/core/src/index.ts', 'LICENSE', 'packages/server/LICENSE'];
		for (const path of needed) {
			assert.ok(!isIgnored(path), `${path} is dropped by .dockerignore`);
			assert.ok(readFileSync(join(repoRoot, path)), path);
		}
		for (const path of ['node_modules/yaml/package.json', 'packages/server/node_modules/x', 'packages/server/dist/cli.cjs', 'packages/core/dist/index.js', '.git/HEAD']) assert.ok(isIgnored(path), `${path} should be ignored`);
	});

	it('should start the ENTRYPOINT script, written by the build, from the copied files alone', () => {
		const entrypoint = JSON.parse(runtime!.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args) as string[];
		const cmd = JSON.parse(runtime!.instructions.find((i) => i.keyword === 'CMD')!.args) as string[];
		assert.equal(entrypoint[0], 'node');
		assert.deepEqual(cmd, ['check', '.']);
		// Each `COPY --from=build <sources...> <dest>`: /src/ in the build stage is the repository root.
		const copies = runtime!.instructions
			.filter((i) => i.keyword === 'COPY')
			.map((i) => {
				const parts = i.args.split(/\s+/);
				assert.equal(parts[0], '--from=build');
				return { sources: parts.slice(1, -1), dest: parts.at(-1)! };
			});
		buildBundles();
		const image = mkdtempSync(join(tmpdir(), 'nd-image-'));
		try {
			for (const { sources, dest } of copies) {
				for (const source of sources) {
					assert.ok(source.startsWith('/src/'), source);
					const from = join(repoRoot, source.slice('/src/'.length));
					const to = join(image, dest, source.endsWith('/') ? '' : source.slice(source.lastIndexOf('/') + 1));
					cpSync(from, to, { recursive: true });
				}
			}
			const script = join(image, entrypoint[1]!);
			assert.ok(readFileSync(script, 'utf8').includes("require('./cli.cjs')"), `${entrypoint[1]} is the CLI's entry`);
			const work = join(image, 'work');
			mkdirSync(work);
			writeFileSync(join(work, 'compose.yaml'), 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.3\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: "0.0.0.0/0"\n');
			const result = run(process.execPath, [script, ...cmd], { cwd: work, env: { PATH: process.env.PATH, NODE_ENV: 'production' } });
			assert.equal(result.status, 1, result.output);
			assert.match(result.stdout, /^compose\.yaml:5:35: error \[nd\/trust-all\]/m);
		} finally {
			rmSync(image, { recursive: true, force: true });
		}
	});
});
