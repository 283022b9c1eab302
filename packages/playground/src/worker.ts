/**
The engine in a Web Worker: tabs in, findings, verdict and rule docs out; simulate runs on the last analysis. It has
no way to send anything anywhere (the page's CSP has `connect-src 'none'`, and the bundle holds no network call).
*/
import { formatVersion } from '@navidrome-extauth/core';
import { Analyzer, type AnalysisResult } from '../../server/src/analysis/engine.js';
import { verdictOf } from '../../server/src/analysis/verdict.js';
import { ruleDocumentation, simulateRequest } from '../../server/src/features/commands.js';
import type { FromWorker, SimulateTarget, ToWorker } from './protocol.js';
import { analysisFiles, workspaceOf } from './workspace.js';

type WorkerScope = { onmessage: ((event: { data: ToWorker }) => void) | null; postMessage(message: FromWorker): void };
const scope = globalThis as unknown as WorkerScope;

/** When this script started running, in ms since the epoch (`performance.timeOrigin` differs per thread). */
const booted = performance.timeOrigin + performance.now();
const analyzer = new Analyzer();
let last: AnalysisResult | undefined;

function analyze(message: Extract<ToWorker, { type: 'analyze' }>): FromWorker {
	const started = performance.now();
	const files = analysisFiles(message.files);
	const result = analyzer.analyze({ files, workspace: workspaceOf(message.files) });
	last = result;
	const docs: Record<string, string> = {};
	for (const finding of result.findings) docs[finding.ruleId] ??= ruleDocumentation(finding.ruleId)?.markdown ?? '';
	const instances: SimulateTarget[] = result.deployment.navidromes.map((instance) => {
		const settings = instance.settings.settings;
		const firstEntry = (settings.trustedSources.value ?? '').split(',')[0]?.trim() ?? '';
		return {
			id: instance.id,
			version: instance.version ? formatVersion(instance.version) : undefined,
			versionSource: instance.versionSource,
			userHeader: settings.userHeader.value ?? 'Remote-User',
			suggestedPeer: firstEntry.startsWith('@') ? '@' : firstEntry.replace(/\/\d+$/, '') || '172.18.0.2',
		};
	});
	return {
		type: 'analysis',
		seq: message.seq,
		kinds: Object.fromEntries(result.files.map((file) => [file.path, file.kind])),
		findings: result.findings,
		verdict: verdictOf(result.files.length, result.findings, result.deployment.routes),
		docs,
		instances,
		took: performance.now() - started,
		timing: { booted, started: performance.timeOrigin + started, finished: performance.timeOrigin + performance.now() },
	};
}

function receive(message: ToWorker): void {
	try {
		if (message.type === 'analyze') scope.postMessage(analyze(message));
		else {
			const result = simulateRequest(last, undefined, { peer: message.peer, path: message.path, headers: message.headers, instance: message.instance });
			scope.postMessage({ type: 'simulation', seq: message.seq, result });
		}
	} catch (error) {
		scope.postMessage({ type: 'failure', seq: message.seq, message: String((error as Error)?.message ?? error) });
	}
}

scope.onmessage = (event) => receive(event.data);
// engine.js puts the page's first analysis in front of this script.
const first = (globalThis as unknown as { playgroundFirst?: ToWorker }).playgroundFirst;
if (first) receive(first);
