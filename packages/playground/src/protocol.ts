/** Messages between the page and the engine's worker (plain data: structured clone), and what engine.js hands the page. */
import type { Finding } from '../../server/src/analysis/findings.js';
import type { FileKind } from '../../server/src/analysis/files.js';
import type { Verdict } from '../../server/src/analysis/verdict.js';
import type { InstanceSummary, SimulationResult } from '../../server/src/features/commands.js';
import type { PlaygroundFile } from './workspace.js';

export type ToWorker =
	| { type: 'analyze'; seq: number; files: PlaygroundFile[] }
	| { type: 'simulate'; seq: number; peer: string; path: string; headers: Record<string, string>; instance: string | undefined };

/** An instance the simulate panel offers, with the inputs it suggests. */
export type SimulateTarget = InstanceSummary & { userHeader: string; suggestedPeer: string };

export type AnalysisMessage = {
	type: 'analysis';
	seq: number;
	/** Kind per analysed path. */
	kinds: Record<string, FileKind>;
	findings: Finding[];
	verdict: Verdict;
	/** Rule documentation (markdown) for every rule that has a finding. */
	docs: Record<string, string>;
	instances: SimulateTarget[];
	/** Time the engine took, in ms. */
	took: number;
	/** When the worker started, and this analysis started and finished, in ms since the epoch. */
	timing: { booted: number; started: number; finished: number };
};

export type FromWorker = AnalysisMessage | { type: 'simulation'; seq: number; result: SimulationResult } | { type: 'failure'; seq: number; message: string };

export type Example = { name: string; description: string; files: PlaygroundFile[] };

/** What the page's script takes over. */
export type Boot = {
	worker: Worker;
	examples: Example[];
	/** The example whose analysis (sequence number 1) is already on its way; `undefined` when none was posted. */
	posted: Example | undefined;
	/** Worker messages that arrived before the page's script set its handler, oldest first. */
	early: FromWorker[];
};

/** The example a fresh page shows: Navidrome's docs Caddy layout without the strip. */
export const defaultExample = 'caddy-unsafe';
