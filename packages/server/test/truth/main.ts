/**
The long mode of the differential test: `pnpm run truth -- --runs 5000 [--proxy caddy|nginx] [--seed N] [--no-shrink]
[--only 12,40] [--max-shrink 3]` (`--only`: just those config numbers of the sample, e.g. to shrink one CI reported).
Prints every minimal disagreement and a summary per proxy; exits 1 when any config disagrees.
*/
import { describeReport } from './report.js';
import { run, type Proxy } from './run.js';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const option = (name: string): string | undefined => {
	const at = args.indexOf(`--${name}`);
	return at >= 0 ? args[at + 1] : undefined;
};
const runs = Number(option('runs') ?? 300);
const seed = Number(option('seed') ?? Date.now() % 1_000_000);
const proxies: Proxy[] = option('proxy') ? [option('proxy') as Proxy] : ['caddy', 'nginx'];
let failed = false;
for (const proxy of proxies) {
	const only = option('only')?.split(',').map(Number);
	const report = await run({ proxy, runs, seed, shrink: !args.includes('--no-shrink'), maxShrink: Number(option('max-shrink') ?? 3), only, log: (line) => console.log(line) });
	console.log(describeReport(report));
	if (report.findings.length > 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
