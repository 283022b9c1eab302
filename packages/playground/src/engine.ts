/**
The page's first script: starts the engine's worker from a Blob URL (a worker script loaded by URL is refused from
file://) and, unless the address holds a share, gives it the default example to check at once, so the engine compiles and
checks it while the page's own script is still being parsed. Also carries the bundled examples.
*/
import { defaultExample, type Boot, type Example, type FromWorker, type ToWorker } from './protocol.js';
import { sharePrefix } from './share.js';

declare const __WORKER_SOURCE__: string;
declare const __EXAMPLES__: string;

const examples = JSON.parse(__EXAMPLES__) as Example[];
const first = location.hash.startsWith(sharePrefix) ? undefined : (examples.find((example) => example.name === defaultExample) ?? examples[0]);
// The first analysis travels inside the worker's script, so it starts the moment the engine has compiled.
const prelude = first ? `self.playgroundFirst=${JSON.stringify({ type: 'analyze', seq: 1, files: first.files } satisfies ToWorker)};` : '';
const worker = new Worker(URL.createObjectURL(new Blob([prelude, __WORKER_SOURCE__], { type: 'text/javascript' })));
const early: FromWorker[] = [];
// Answers that arrive before the page's script has taken over are kept for it.
worker.onmessage = (event: MessageEvent<FromWorker>) => void early.push(event.data);
(globalThis as unknown as { playgroundBoot: Boot }).playgroundBoot = { worker, examples, posted: first, early };
