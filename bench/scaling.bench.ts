/**
Scaling benchmark (issue 12): `check` on trees of 200, 800 and 1,600 stacks, each a folder with a compose.yaml
(Navidrome behind a proxy service) and either a Caddyfile or an nginx conf.d/navidrome.conf (alternating). The cost of
a stack should not grow with the tree: the marginal cost per stack from 800 to 1,600 is at most 1.3× that from 200 to
800 (the issue measured 2.6×, quadratic linking).
1. in process: a cold `Analyzer` over an in-memory `WorkspaceView` (median of several samples per size, interleaved);
2. the built CLI over the same tree written to a temporary folder (once per size, process start to exit).
Each is timed on the wall clock and in CPU time (user + system, of this process or of the CLI's); the target is judged
on CPU time, which other jobs on a shared machine disturb far less than the wall clock.
Run: node --conditions=source --import tsx bench/scaling.bench.ts [--write]   (--write updates docs/benchmarks.md)
*/
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer } from '../packages/server/src/analysis/engine.js';
import type { WorkspaceView } from '../packages/server/src/analysis/files.js';
import { compileGlob } from '../packages/server/src/analysis/glob.js';
import { replaceSection } from './markdown.js';

const root = join(import.meta.dirname, '..');
const sizes = [200, 800, 1600] as const;
const rounds = Number(process.env.SCALING_ROUNDS ?? 5);

/** One stack: Navidrome trusting its proxy's pinned address, and a Caddy or nginx service in front of it. */
function stack(index: number): Record<string, string> {
	const name = `stack-${String(index).padStart(4, '0')}`;
	const subnet = `10.${Math.floor(index / 250) % 250}.${index % 250}`;
	const caddy = index % 2 === 0;
	const proxy = caddy
		? `  caddy:\n    image: caddy:2.10.0\n    volumes:\n      - ./Caddyfile:/etc/caddy/Caddyfile:ro\n    ports:\n      - "443:443"\n    networks:\n      music:\n        ipv4_address: ${subnet}.2\n`
		: `  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./conf.d:/etc/nginx/conf.d:ro\n    ports:\n      - "443:443"\n    networks:\n      music:\n        ipv4_address: ${subnet}.2\n`;
	const compose = `name: ${name}
services:
  navidrome:
    image: deluan/navidrome:0.63.2
    environment:
      ND_EXTAUTH_TRUSTEDSOURCES: ${subnet}.2/32
      ND_EXTAUTH_USERHEADER: Remote-User
    volumes:
      - ./data:/data
    networks:
      music:
        ipv4_address: ${subnet}.10
  authelia:
    image: authelia/authelia:4.39
    networks:
      - music
${proxy}networks:
  music:
    ipam:
      config:
        - subnet: ${subnet}.0/24
`;
	const files: Record<string, string> = { [`${name}/compose.yaml`]: compose };
	if (caddy) {
		files[`${name}/Caddyfile`] = `music-${index}.example.com {
	@public path /share/* /rest/*
	request_header -Remote-User
	handle @public {
		reverse_proxy navidrome:4533
	}
	handle {
		forward_auth authelia:9091 {
			uri /api/authz/forward-auth
			copy_headers Remote-User
		}
		reverse_proxy navidrome:4533
	}
}
`;
	} else {
		files[`${name}/conf.d/navidrome.conf`] = `server {
  listen 443 ssl;
  server_name music-${index}.example.com;
  location /authelia {
    internal;
    proxy_pass http://authelia:9091/api/authz/auth-request;
  }
  location / {
    auth_request /authelia;
    auth_request_set $user $upstream_http_remote_user;
    proxy_set_header Remote-User $user;
    proxy_pass http://navidrome:4533;
  }
  location /rest/ {
    proxy_set_header Remote-User "";
    proxy_pass http://navidrome:4533;
  }
}
`;
	}
	return files;
}

function tree(stacks: number): Record<string, string> {
	const files: Record<string, string> = {};
	for (let i = 0; i < stacks; i++) Object.assign(files, stack(i));
	return files;
}

function workspaceOf(files: Map<string, string>): WorkspaceView {
	return {
		readFile: (path) => files.get(path),
		listFiles: (glob) => {
			const matcher = compileGlob(glob);
			return matcher ? [...files.keys()].filter((path) => matcher.test(path)) : [];
		},
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

type Input = { files: Array<{ path: string; text: string }>; workspace: WorkspaceView };

const inputs = new Map<number, Input>();
for (const size of sizes) {
	const files = new Map(Object.entries(tree(size)).map(([path, text]) => [`/bench/${path}`, text]));
	inputs.set(size, { files: [...files].map(([path, text]) => ({ path, text })), workspace: workspaceOf(files) });
}

type Timing = { wall: number; cpu: number };

const findings = new Map<number, number>();
const analyse = (size: number): Timing => {
	const start = performance.now();
	const cpu = process.cpuUsage();
	const result = new Analyzer().analyze(inputs.get(size)!);
	const used = process.cpuUsage(cpu);
	const wall = performance.now() - start;
	findings.set(size, result.findings.length);
	return { wall, cpu: (used.user + used.system) / 1000 };
};
for (const size of sizes) analyse(size);
const samples = new Map<number, Timing[]>(sizes.map((size) => [size, []]));
// Interleave sizes so machine load hits them alike.
for (let round = 0; round < rounds; round++) for (const size of sizes) samples.get(size)!.push(analyse(size));
const inProcess = new Map(sizes.map((size) => [size, { wall: median(samples.get(size)!.map((t) => t.wall)), cpu: median(samples.get(size)!.map((t) => t.cpu)) }]));

// The built CLI over the same tree on disk, once per size.
execFileSync(process.execPath, ['build.mjs'], { cwd: join(root, 'packages/server'), stdio: 'ignore' });
const cli = join(root, 'packages/server/dist/cli.js');
const cliMs = new Map<number, Timing>();
const cliFiles = new Map<number, number>();
for (const size of sizes) {
	const dir = mkdtempSync(join(tmpdir(), 'scaling-bench-'));
	try {
		for (const [path, text] of Object.entries(tree(size))) {
			const full = join(dir, 'tree', path);
			mkdirSync(join(full, '..'), { recursive: true });
			writeFileSync(full, text);
		}
		const out = join(dir, 'out.json');
		// bash's `time` reports the child's CPU time (user, system) on stderr, which nothing else writes to here.
		const script = 'TIMEFORMAT="%U %S"; time "$0" "$1" check "$2" --format json > "$3" 2>/dev/null';
		const start = performance.now();
		const run = spawnSync('bash', ['-c', script, process.execPath, cli, join(dir, 'tree'), out], { encoding: 'utf8' });
		const wall = performance.now() - start;
		const [user = Number.NaN, system = Number.NaN] = run.stderr.trim().split(/\s+/).slice(-2).map(Number);
		cliMs.set(size, { wall, cpu: (user + system) * 1000 });
		try {
			cliFiles.set(size, JSON.parse(readFileSync(out, 'utf8')).files.length);
		} catch {
			throw new Error(`check failed on ${size} stacks (exit ${run.status}): ${run.stderr.slice(0, 500)}`);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Marginal milliseconds per stack between two sizes, and the ratio of the second step to the first. */
function marginal(times: Map<number, Timing>, clock: keyof Timing): { first: number; second: number; ratio: number } {
	const [a, b, c] = sizes;
	const first = (times.get(b)![clock] - times.get(a)![clock]) / (b - a);
	const second = (times.get(c)![clock] - times.get(b)![clock]) / (c - b);
	return { first, second, ratio: second / first };
}

const ours = marginal(inProcess, 'cpu');
const row = (label: string, times: Map<number, Timing>, clock: keyof Timing): string => {
	const step = marginal(times, clock);
	const ratio = clock === 'cpu' ? `**${step.ratio.toFixed(2)}×**` : `${step.ratio.toFixed(2)}×`;
	return `| ${label}, ${clock === 'cpu' ? 'CPU time' : 'wall clock'} | ${sizes.map((size) => `${times.get(size)![clock].toFixed(0)} ms`).join(' | ')} | ${step.first.toFixed(2)} ms | ${step.second.toFixed(2)} ms | ${ratio} |`;
};
const section = `## Scaling with the number of stacks

Measured by \`node --conditions=source --import tsx bench/scaling.bench.ts\`. A tree of stacks: each a folder with a
\`compose.yaml\` (Navidrome, Authelia and a proxy with pinned addresses) and a Caddyfile or an nginx
\`conf.d/navidrome.conf\` (alternating), every stack's services named alike. In process: a cold \`Analyzer\` over an
in-memory \`WorkspaceView\`, median of ${rounds} interleaved samples per size. CLI: \`navidrome-extauth check <tree> --format
json\` on the same tree written to a temporary folder, process start to exit, once per size. The target is judged on
CPU time (user + system): on a machine shared with other jobs the wall clock swings by 2× from one run to the next.

| run | ${sizes.map((size) => `${size.toLocaleString('en-US')} stacks`).join(' | ')} | per stack, ${sizes[0]}→${sizes[1]} | per stack, ${sizes[1]}→${sizes[2].toLocaleString('en-US')} | ratio (target ≤ 1.3×) |
|---|${sizes.map(() => '---:').join('|')}|---:|---:|---:|
${row('in process', inProcess, 'cpu')}
${row('in process', inProcess, 'wall')}
${row('CLI', cliMs, 'cpu')}
${row('CLI', cliMs, 'wall')}

Before the linking indexes (\`model/links.ts\`; each proxy scanned every service per file, and a few rules every route
per instance), the same bench gave 486, 2,905 and 13,212 ms in process (wall clock): 4.03 then 12.88 ms per stack,
**3.20×**; the CLI 2.51×.

Findings in process: ${sizes.map((size) => findings.get(size)!.toLocaleString('en-US')).join(', ')}; files the CLI checked: ${sizes.map((size) => cliFiles.get(size)!.toLocaleString('en-US')).join(', ')}.
Machine: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), load average ${loadavg()[0]!.toFixed(1)}, ${new Date().toISOString().slice(0, 10)}.`;

console.log(section);
if (process.argv.includes('--write')) replaceSection(join(root, 'docs/benchmarks.md'), '## Scaling with the number of stacks', section);
if (!(ours.ratio <= 1.3)) {
	console.error(`scaling.bench: marginal cost per stack grew ${ours.ratio.toFixed(2)}× from ${sizes[0]}→${sizes[1]} to ${sizes[1]}→${sizes[2]} (target ≤ 1.3×)`);
	process.exitCode = 1;
}
