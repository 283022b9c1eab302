/** What a request handler is given: the shared state, the scheduler, the diagnostics bookkeeping and the client. */
import type { LspClient } from './client.js';
import type { Diagnostics } from './diagnostics.js';
import type { Scheduler } from './scheduler.js';
import type { ServerState } from './state.js';

export type Context = {
	readonly state: ServerState;
	readonly scheduler: Scheduler;
	readonly diagnostics: Diagnostics;
	readonly client: LspClient;
	/** Quiet time after the last edit before re-analysing. */
	readonly debounceMs: number;
};
