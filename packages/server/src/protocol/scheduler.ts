/**
When analyses run: debounced, superseding re-analysis per folder (a newer request supersedes an older run, which stops
at its next checkpoint between folders), waiting for it with a bounded time before answering a request, and
cancellation. An analysis that holds files above 1 MB gets a time budget and analyses them in part when it runs out.
*/
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { LspClient } from './client.js';
import { coverageUpdate } from './coverage.js';
import type { Diagnostics } from './diagnostics.js';
import { analysisOptions } from './settings.js';
import { covers, type Backend, type ServerState } from './state.js';

/** How long a request waits for a pending analysis before it answers from the last one. */
export const settleTimeoutMs = 3000;

export class Scheduler {
	private requested = 0;
	private timer: { cancel(): void } | undefined;
	private running: Promise<void> | undefined;
	private rerun = false;
	private idleWaiters: Array<() => void> = [];

	constructor(
		private readonly state: ServerState,
		private readonly diagnostics: Diagnostics,
		private readonly client: LspClient,
		/** Time budget of an analysis that holds files above 1 MB. */
		private readonly largeFileBudgetMs: number | undefined,
	) {}

	/** An analysis is pending or running. */
	get busy(): boolean {
		return Boolean(this.running || this.timer);
	}

	/** Analyses the dirty folders after `delay` ms of quiet (0: on the next turn), superseding what is pending or running. */
	schedule(delay: number): void {
		if (this.state.shutDown) return;
		this.requested++;
		this.timer?.cancel();
		const fire = (): void => {
			this.timer = undefined;
			this.run();
		};
		// No debounce (didOpen, settings): skip the timer phase's minimum delay.
		if (delay <= 0) {
			const handle = setImmediate(fire);
			this.timer = { cancel: () => clearImmediate(handle) };
		} else {
			const handle = setTimeout(fire, delay);
			this.timer = { cancel: () => clearTimeout(handle) };
		}
	}

	/** Cancels a pending analysis (`shutdown`); a running one stops at its next checkpoint. */
	stop(): void {
		this.timer?.cancel();
		this.timer = undefined;
	}

	/** Resolves once no analysis is pending or running. */
	whenIdle(): Promise<void> {
		if (!this.busy) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	/** Waits (bounded) for pending analysis so a request sees the current text; answers cancellation. */
	async settle(token: CancellationToken | undefined, timeoutMs = settleTimeoutMs): Promise<Backend | ResponseError> {
		const backend = await this.state.backend();
		let timeout: ReturnType<typeof setTimeout> | undefined;
		await Promise.race([this.whenIdle(), new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
		clearTimeout(timeout);
		if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
		return backend;
	}

	private run(): void {
		if (this.running) {
			this.rerun = true;
			return;
		}
		this.running = (async () => {
			do {
				this.rerun = false;
				try {
					await this.analyse(this.requested);
				} catch (error) {
					this.client.error(`navidrome-extauth: analysis failed: ${(error as Error)?.stack ?? error}`);
				}
			} while (this.rerun && !this.state.shutDown);
		})().finally(() => {
			this.running = undefined;
			if (!this.timer) {
				const waiters = this.idleWaiters;
				this.idleWaiters = [];
				for (const resolve of waiters) resolve();
			}
		});
	}

	private async analyse(generation: number): Promise<void> {
		const state = this.state;
		const backend = await state.backend();
		await state.settingsReady;
		const superseded = (): boolean => generation !== this.requested || state.shutDown;
		if (superseded()) return;
		const options = analysisOptions(state.settings);
		// Disk reads stay inside the folders analysed (workspace folders, or loose documents' folders) and allowRead.
		state.workspace.setReadRoots([...state.folders.keys()], state.settings.allowRead);
		let othersChanged = false;
		for (const folder of [...state.folders.values()]) {
			if (!folder.dirty || !state.folders.has(folder.root)) continue;
			if (superseded()) return;
			const previous = folder.analysis ? [...folder.analysis.findings.keys()] : [];
			if (state.settings.enable) {
				if (!folder.files) {
					const found = state.workspace.discover(folder.root, folder.recursive);
					folder.files = new Set(found.files);
					folder.kinds = found.kinds;
					folder.skipped = found.skipped;
				}
				const open = state.workspace.openPaths().filter((path) => covers(folder, path));
				// An open document's name, language id or text decides its kind over what discovery read on disk.
				const kinds = new Map(folder.kinds);
				for (const path of open) {
					const kind = state.openKind(path);
					if (kind) kinds.set(path, kind);
					else kinds.delete(path);
				}
				const skipped = folder.skipped.filter((file) => !kinds.has(file.path));
				folder.analyzer ??= new backend.FolderAnalyzer();
				folder.analysis = folder.analyzer.analyze([...folder.files, ...open], state.workspace, options, { hideComposeSyntax: state.yamlSyntaxReportedByClient, largeFileBudgetMs: this.largeFileBudgetMs, kinds, skipped }, folder.root);
			} else folder.analysis = undefined;
			folder.dirty = false;
			// Published in the same synchronous step as the analysis, so a result is never older than the documents.
			othersChanged = this.diagnostics.publish([...previous, ...(folder.analysis ? folder.analysis.findings.keys() : [])]) || othersChanged;
			// Let requests in between folders.
			if ([...state.folders.values()].some((other) => other.dirty)) await new Promise((resolve) => setImmediate(resolve));
		}
		this.diagnostics.clearForced();
		const coverage = coverageUpdate(state);
		if (coverage) this.client.sendCoverage?.(coverage);
		if (othersChanged && state.pull && state.capabilities.workspace?.diagnostics?.refreshSupport) this.client.refreshDiagnostics();
	}
}
