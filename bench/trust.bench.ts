/**
Trust-decision throughput: our compiled matcher vs proxy-addr's compiled `trust` function (what Express uses) vs
re-parsing the list per request (`isTrustedSource`, what Navidrome does). Run with
`cd /work/main && node --import tsx bench/trust.bench.ts`; it prints a markdown table and rewrites the
`## Trust decision` section of docs/benchmarks.md.
*/
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proxyaddr from 'proxy-addr';
import { compileTrustedSources, isTrustedSource } from '../packages/core/src/trusted-sources.js';
import { formatIpv4, formatIpv6 } from '../packages/core/src/ip.js';

const sizes = [1, 10, 1000, 10000];
const peerCount = 4096;
const rounds = 9;
const roundMilliseconds = 60;

// Deterministic input so runs are comparable.
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Network = { family: 4 | 6; base: bigint; prefix: number; text: string };

function makeList(size: number, random: () => number): Network[] {
	const networks: Network[] = [];
	for (let index = 0; index < size; index++) {
		if (random() < 0.7) {
			const prefix = 16 + Math.floor(random() * 17);
			const value = BigInt(Math.floor(random() * 2 ** 32));
			const base = (value >> BigInt(32 - prefix)) << BigInt(32 - prefix);
			networks.push({ family: 4, base, prefix, text: `${formatIpv4(base)}/${prefix}` });
		} else {
			const prefix = 32 + Math.floor(random() * 97);
			let value = 0x2000n + BigInt(Math.floor(random() * 0x1fff));
			for (let word = 0; word < 7; word++) value = (value << 16n) | BigInt(Math.floor(random() * 0x10000));
			const base = (value >> BigInt(128 - prefix)) << BigInt(128 - prefix);
			networks.push({ family: 6, base, prefix, text: `${formatIpv6(base)}/${prefix}` });
		}
	}
	return networks;
}

function randomBits(random: () => number, bits: number): bigint {
	let value = 0n;
	for (let done = 0; done < bits; done += 16) value = (value << 16n) | BigInt(Math.floor(random() * 0x10000));
	return value & ((1n << BigInt(bits)) - 1n);
}

/** Half hits (an address inside a random entry), half misses (a random address), 70 % IPv4, with ports. */
function makePeers(networks: Network[], random: () => number): { withPort: string[]; bare: string[] } {
	const withPort: string[] = [];
	const bare: string[] = [];
	for (let index = 0; index < peerCount; index++) {
		const port = 1024 + Math.floor(random() * 60000);
		let family: 4 | 6;
		let value: bigint;
		if (index % 2 === 0) {
			const network = networks[Math.floor(random() * networks.length)]!;
			family = network.family;
			const hostBits = (family === 4 ? 32 : 128) - network.prefix;
			value = network.base + (hostBits === 0 ? 0n : randomBits(random, hostBits));
		} else {
			family = random() < 0.7 ? 4 : 6;
			value = family === 4 ? randomBits(random, 32) : (0x2000n << 112n) | randomBits(random, 125);
		}
		const text = family === 4 ? formatIpv4(value) : formatIpv6(value);
		bare.push(text);
		withPort.push(family === 4 ? `${text}:${port}` : `[${text}]:${port}`);
	}
	return { withPort, bare };
}

let sink = 0;

/** How many calls make one round last about roundMilliseconds (this also warms the function up). */
function calibrate(run: (index: number) => boolean): number {
	const mask = peerCount - 1;
	let batch = 256;
	for (;;) {
		const start = process.hrtime.bigint();
		for (let index = 0; index < batch; index++) if (run(index & mask)) sink++;
		const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
		if (elapsed > roundMilliseconds / 4 || batch > 1 << 26) return Math.max(16, Math.round((batch * roundMilliseconds) / Math.max(elapsed, 0.001)));
		batch *= 4;
	}
}

/**
Median nanoseconds per call for each runner. Rounds are interleaved (A, B, C, A, B, C, …) so that load from other
processes on this shared machine hits all runners alike and the ratios stay meaningful.
*/
function measure(runners: Array<(index: number) => boolean>): number[] {
	const mask = peerCount - 1;
	const batches = runners.map(calibrate);
	const samples: number[][] = runners.map(() => []);
	for (let round = 0; round < rounds; round++) {
		runners.forEach((run, which) => {
			const batch = batches[which]!;
			const start = process.hrtime.bigint();
			for (let index = 0; index < batch; index++) if (run(index & mask)) sink++;
			samples[which]!.push(Number(process.hrtime.bigint() - start) / batch);
		});
	}
	return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

type Row = { size: number; ours: number; proxyAddr: number; reparse: number; agree: boolean };

type Prepared = { size: number; runners: Array<(index: number) => boolean>; agree: boolean };

function prepare(size: number): Prepared {
	const random = mulberry32(0x5eed + size);
	const networks = makeList(size, random);
	const list = networks.map((network) => network.text).join(',');
	const peers = makePeers(networks, random);
	// Strings built by concatenation are ropes in V8; Node hands out flat strings, so flatten like a JSON round trip.
	const withPort = JSON.parse(JSON.stringify(peers.withPort)) as string[];
	const bare = JSON.parse(JSON.stringify(peers.bare)) as string[];
	const matcher = compileTrustedSources(list);
	const trust = proxyaddr.compile(networks.map((network) => network.text));
	// The three must agree before their speed means anything.
	let agree = true;
	for (let index = 0; index < peerCount; index++) {
		const ours = matcher.matches(withPort[index]!);
		if (ours !== trust(bare[index]!, 0) || (index < 256 && ours !== isTrustedSource(withPort[index]!, list))) agree = false;
	}
	return {
		size,
		agree,
		runners: [(index) => matcher.matches(withPort[index]!), (index) => trust(bare[index]!, 0), (index) => isTrustedSource(withPort[index]!, list)],
	};
}

/** All sizes and implementations are measured in one interleaved run, so that 10 and 10,000 entries see the same load. */
function benchAll(): Row[] {
	const prepared = sizes.map(prepare);
	const times = measure(prepared.flatMap((entry) => entry.runners));
	return prepared.map((entry, which) => {
		const [ours, proxyAddr, reparse] = times.slice(which * 3, which * 3 + 3) as [number, number, number];
		return { size: entry.size, ours, proxyAddr, reparse, agree: entry.agree };
	});
}

function formatRate(nanoseconds: number): string {
	const perSecond = 1e9 / nanoseconds;
	if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`;
	if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
	return `${perSecond.toFixed(0)} /s`;
}

function formatTime(nanoseconds: number): string {
	return nanoseconds >= 1e6 ? `${(nanoseconds / 1e6).toFixed(2)} ms` : nanoseconds >= 1e3 ? `${(nanoseconds / 1e3).toFixed(2)} µs` : `${nanoseconds.toFixed(0)} ns`;
}

function table(rows: Row[]): string {
	const lines = [
		'| entries | compiled matcher (ours) | proxy-addr `compile()` | re-parse per request (`isTrustedSource`) | ours vs proxy-addr | results agree |',
		'|---:|---:|---:|---:|---:|:---:|',
	];
	for (const row of rows) {
		lines.push(
			`| ${row.size.toLocaleString('en-US')} | ${formatRate(row.ours)} (${formatTime(row.ours)}) | ${formatRate(row.proxyAddr)} (${formatTime(row.proxyAddr)}) | ${formatRate(row.reparse)} (${formatTime(row.reparse)}) | ${(row.proxyAddr / row.ours).toFixed(0)}× | ${row.agree ? 'yes' : '**no**'} |`,
		);
	}
	return lines.join('\n');
}

function cpuModel(): string {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((text) => text.startsWith('model name'));
		if (line) return `${line.split(':')[1]!.trim()} (${cpus().length} cores)`;
	} catch {
		// Not Linux: fall through.
	}
	return `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`;
}

const rows = benchAll();
const ten = rows.find((row) => row.size === 10)!;
const tenThousand = rows.find((row) => row.size === 10000)!;
const speedup = ten.proxyAddr / ten.ours;
const scaling = tenThousand.ours / ten.ours;
const markdown = table(rows);
const nodeVersion = execSync('node -p process.version', { encoding: 'utf8' }).trim();
const date = new Date().toISOString().slice(0, 10);
console.log(markdown);
console.log(`\n10 entries: ours ${speedup.toFixed(1)}× faster than proxy-addr (target ≥ 20×): ${speedup >= 20 ? 'met' : 'NOT met'}`);
console.log(`10,000 vs 10 entries: ${scaling.toFixed(2)}× the time per decision (target ≤ 2×): ${scaling <= 2 ? 'met' : 'NOT met'}`);
if (sink < 0) console.log(sink);

const section = `## Trust decision

Decisions per second (and time per decision) for one TrustedSources list checked against ${peerCount.toLocaleString('en-US')} peers that
carry ports (\`a.b.c.d:port\`, \`[v6]:port\`): half inside a random entry, half random addresses, 70 % IPv4. Lists hold
random IPv4 /16–/32 and IPv6 /32–/128 CIDRs (70/30). Median of ${rounds} rounds of about ${roundMilliseconds} ms per implementation and list size, after a
warm-up, in one process; rounds are interleaved across all twelve combinations so that load from other jobs hits them
alike.

- **compiled matcher (ours)**: \`compileTrustedSources(list).matches(remoteAddr)\`: merged, sorted intervals and a
  binary search; the peer is parsed by a char-code scanner, no allocation.
- **proxy-addr \`compile()\`**: the \`trust(addr, i)\` function Express uses, given the bare address (it takes no port;
  ports were stripped before timing).
- **re-parse per request**: \`isTrustedSource(remoteAddr, list)\`, which re-reads the list on every call as Navidrome's
  \`validateIPAgainstList\` does.

${markdown}

Acceptance: on 10 entries the compiled matcher is **${speedup.toFixed(0)}×** faster than proxy-addr's compiled function
(target ≥ 20×); on 10,000 entries its time per decision is **${scaling.toFixed(2)}×** its 10-entry time (target ≤ 2×).

Machine: Node ${nodeVersion}, ${cpuModel()}, ${date}. The machine was shared with other jobs, so absolute numbers are
noisy; interleaved rounds keep the ratios steadier. Reproduce with \`node --import tsx bench/trust.bench.ts\`.
`;

const here = dirname(fileURLToPath(import.meta.url));
const docsPath = join(here, '..', 'docs', 'benchmarks.md');
if (!existsSync(dirname(docsPath))) mkdirSync(dirname(docsPath), { recursive: true });
const existing = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '# Benchmarks\n';
const start = existing.indexOf('## Trust decision');
let updated: string;
if (start < 0) {
	updated = `${existing.trimEnd()}\n\n${section}`;
} else {
	const next = existing.indexOf('\n## ', start + 1);
	updated = `${existing.slice(0, start)}${section}${next < 0 ? '' : `\n${existing.slice(next + 1)}`}`;
}
writeFileSync(docsPath, updated.endsWith('\n') ? updated : `${updated}\n`);
console.log(`\nWrote the "Trust decision" section of ${docsPath}`);
