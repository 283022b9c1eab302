/**
The playground page: one CodeMirror editor per tab, the engine in a Web Worker started from a Blob URL (so the page
works from file:// too), findings as squiggles and a list with rule docs and quick fixes, the verdict banner, the
simulate panel, and sharing through the URL fragment. Nothing here sends a byte anywhere.
*/
import { basicSetup } from 'codemirror';
import { EditorState, type Extension, type TransactionSpec } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { StreamLanguage } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { nginx } from '@codemirror/legacy-modes/mode/nginx';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import type { FileKind } from '../../server/src/analysis/files.js';
import type { Finding } from '../../server/src/analysis/findings.js';
import { renderMarkdown } from './markdown.js';
import { defaultExample, type AnalysisMessage, type Boot, type FromWorker, type ToWorker } from './protocol.js';
import { decodeShare, encodeShare } from './share.js';
import { fileKinds, kindOf, pathOf, root, type PlaygroundFile } from './workspace.js';

/** One file. Its editor view is made when the tab is first shown; until then its state lives in `state`. */
type Tab = { name: string; kind: FileKind | undefined; state: EditorState; view: EditorView | undefined; pane: HTMLElement; button: HTMLElement };

performance.mark('playground:script');
/** Left by engine.js, which the page loads first. */
const boot = (globalThis as unknown as { playgroundBoot: Boot }).playgroundBoot;
const { examples, worker } = boot;
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

const tabs: Tab[] = [];
let active: Tab | undefined;
let seq = 0;
let simulations = 0;
let latest: AnalysisMessage | undefined;
/** The texts the latest analysis saw, by path: a fix applies only to the text its offsets point into. */
let analysedTexts = new Map<string, string>();
let timer: ReturnType<typeof setTimeout> | undefined;
let firstVerdictShown = false;

function receive(message: FromWorker): void {
	if (message.type === 'analysis') {
		if (message.seq === seq) show(message);
	} else if (message.type === 'simulation') {
		if (message.seq === simulations) showSimulation(message.result);
	} else $('verdict-headline').textContent = `The checker failed: ${message.message}`;
}

function languageOf(kind: FileKind | undefined, name: string): Extension {
	if (kind === 'compose' || (kind === 'traefik' && !name.endsWith('.toml'))) return yaml();
	if (kind === 'navidrome-toml' || kind === 'traefik') return StreamLanguage.define(toml);
	if (kind === 'nginx') return StreamLanguage.define(nginx);
	if (kind === 'dotenv') return StreamLanguage.define(properties);
	return [];
}

function currentFiles(): PlaygroundFile[] {
	return tabs.map((tab) => (tab.kind ? { name: tab.name, text: textOf(tab), kind: tab.kind } : { name: tab.name, text: textOf(tab) }));
}

function stateOf(tab: Tab): EditorState {
	return tab.view?.state ?? tab.state;
}

function textOf(tab: Tab): string {
	return stateOf(tab).doc.toString();
}

/** Applies a transaction to a tab, through its view when it has one. */
function update(tab: Tab, spec: TransactionSpec): void {
	if (tab.view) tab.view.dispatch(spec);
	else {
		const transaction = tab.state.update(spec);
		tab.state = transaction.state;
		if (transaction.docChanged) scheduleAnalysis();
	}
}

function scheduleAnalysis(delay = 150): void {
	clearTimeout(timer);
	timer = setTimeout(analyse, delay);
}

function analyse(files = currentFiles()): void {
	clearTimeout(timer);
	analysedTexts = new Map(files.map((file) => [pathOf(file.name), file.text]));
	const message: ToWorker = { type: 'analyze', seq: ++seq, files };
	performance.mark('playground:posted');
	worker.postMessage(message);
}

function addTab(file: PlaygroundFile, select = true): Tab {
	const button = document.createElement('span');
	button.className = 'tab';
	button.setAttribute('role', 'tab');
	const label = document.createElement('span');
	label.textContent = file.name;
	const close = document.createElement('span');
	close.className = 'close';
	close.textContent = '×';
	close.title = `Remove ${file.name}`;
	button.append(label, close);
	const pane = document.createElement('div');
	pane.className = 'pane';
	pane.hidden = true;
	pane.dataset.file = file.name;
	const state = EditorState.create({
		doc: file.text,
		extensions: [basicSetup, lintGutter(), languageOf(kindOf(file), file.name), EditorView.updateListener.of((update) => update.docChanged && scheduleAnalysis())],
	});
	const tab: Tab = { name: file.name, kind: file.kind, button, pane, state, view: undefined };
	button.addEventListener('click', (event) => {
		if (event.target === close) removeTab(tab);
		else selectTab(tab);
	});
	$('tabs').append(button);
	$('editors').append(pane);
	tabs.push(tab);
	if (select) selectTab(tab);
	return tab;
}

function removeTab(tab: Tab): void {
	const index = tabs.indexOf(tab);
	if (index < 0) return;
	tabs.splice(index, 1);
	tab.button.remove();
	tab.view?.destroy();
	tab.pane.remove();
	if (active === tab) {
		active = undefined;
		const next = tabs[Math.min(index, tabs.length - 1)];
		if (next) selectTab(next);
	}
	scheduleAnalysis(0);
}

function selectTab(tab: Tab): void {
	active = tab;
	for (const other of tabs) {
		other.pane.hidden = other !== tab;
		other.button.setAttribute('aria-selected', String(other === tab));
	}
	const picker = $<HTMLSelectElement>('kind-picker');
	const byName = kindOf({ name: tab.name, text: '' });
	$('kind-label').hidden = byName !== undefined;
	picker.value = tab.kind ?? '';
	if (!tab.view) {
		tab.view = new EditorView({ state: tab.state });
		tab.view.dom.dataset.file = tab.name;
		tab.pane.append(tab.view.dom);
	}
	tab.view.requestMeasure();
}

/** Replaces the tabs; `posted`: engine.js already sent these files as analysis 1 (and `seq` says so). */
function loadFiles(files: readonly PlaygroundFile[], posted = false): void {
	// The engine starts on the texts while the editors are built.
	if (!posted) analyse(files.map((file) => ({ ...file })));
	for (const tab of [...tabs]) {
		tab.button.remove();
		tab.view?.destroy();
		tab.pane.remove();
	}
	tabs.length = 0;
	active = undefined;
	for (const file of files) addTab(file, false);
	const first = tabs.find((tab) => /compose/i.test(tab.name)) ?? tabs[0];
	if (first) selectTab(first);
	if (latest?.seq === seq) applyDiagnostics(latest);
}

function tabOfPath(path: string): Tab | undefined {
	return tabs.find((tab) => pathOf(tab.name) === path);
}

function displayName(path: string): string {
	return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

const lintSeverity = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' } as const;

/** Applies a fix's edits to the editors, when their texts are still the ones the analysis saw. */
function applyFix(fix: NonNullable<Finding['fixes']>[number]): boolean {
	const byFile = new Map<string, Array<{ from: number; to: number; insert: string }>>();
	for (const edit of fix.edits) {
		const tab = tabOfPath(edit.file);
		if (!tab || textOf(tab) !== analysedTexts.get(edit.file)) return false;
		const changes = byFile.get(edit.file) ?? [];
		changes.push({ from: edit.span.start, to: edit.span.end, insert: edit.newText });
		byFile.set(edit.file, changes);
	}
	for (const [file, changes] of byFile) update(tabOfPath(file)!, { changes, userEvent: 'input.fix' });
	scheduleAnalysis(0);
	return true;
}

function reveal(finding: Finding): void {
	const tab = tabOfPath(finding.file);
	if (!tab) return;
	selectTab(tab);
	const length = stateOf(tab).doc.length;
	update(tab, { selection: { anchor: Math.min(finding.span.start, length), head: Math.min(finding.span.end, length) }, scrollIntoView: true });
	tab.view?.focus();
}

function show(message: AnalysisMessage): void {
	latest = message;
	const banner = $('verdict');
	banner.dataset.level = message.verdict.level;
	$('verdict-headline').textContent = message.verdict.headline;
	$('verdict-summary').textContent = message.verdict.summary;
	if (!firstVerdictShown) {
		firstVerdictShown = true;
		// The worker's timeline on the page's clock, for the benchmark.
		const pageTime = (epoch: number): number => epoch - performance.timeOrigin;
		performance.mark('playground:worker-booted', { startTime: pageTime(message.timing.booted) });
		performance.mark('playground:analysis-started', { startTime: pageTime(message.timing.started) });
		performance.mark('playground:analysis-finished', { startTime: pageTime(message.timing.finished) });
		performance.mark('playground:result-received');
		// The frame that paints the banner.
		requestAnimationFrame(() => {
			performance.mark('playground:verdict');
			document.documentElement.dataset.firstVerdictMs = performance.now().toFixed(1);
		});
	}
	document.documentElement.dataset.analyses = String(message.seq);
	applyDiagnostics(message);
	showList(message);
}

/** Squiggles, per editor, for the tabs whose text the analysis saw. */
function applyDiagnostics(message: AnalysisMessage): void {
	for (const tab of tabs) {
		const path = pathOf(tab.name);
		const stale = textOf(tab) !== analysedTexts.get(path);
		const diagnostics: Diagnostic[] = stale
			? []
			: message.findings
					.filter((finding) => finding.file === path)
					.map((finding) => ({
						from: finding.span.start,
						to: finding.span.end,
						severity: lintSeverity[finding.severity],
						source: finding.ruleId,
						message: finding.message,
						actions: (finding.fixes ?? []).map((fix) => ({ name: fix.title, apply: () => void applyFix(fix) })),
					}));
		update(tab, setDiagnostics(stateOf(tab), diagnostics));
	}
}

/** The findings list and the simulate panel's instances. */
function showList(message: AnalysisMessage): void {
	const list = $('findings');
	list.replaceChildren();
	for (const finding of message.findings) list.append(findingItem(finding, message.docs[finding.ruleId] ?? ''));
	if (message.findings.length === 0) {
		const none = document.createElement('li');
		none.textContent = 'No findings.';
		list.append(none);
	}
	// The simulate panel's instances.
	const select = $<HTMLSelectElement>('sim-instance');
	const previous = select.value;
	select.replaceChildren(
		...message.instances.map((instance) => {
			const option = document.createElement('option');
			option.value = instance.id;
			option.textContent = `${instance.id}${instance.version ? ` (${instance.version})` : ''}`;
			return option;
		}),
	);
	if (message.instances.some((instance) => instance.id === previous)) select.value = previous;
	else if (message.instances[0]) $<HTMLInputElement>('sim-peer').value = message.instances[0].suggestedPeer;
	$('sim-header-name').textContent = message.instances.find((instance) => instance.id === select.value)?.userHeader ?? 'Remote-User';
}

function findingItem(finding: Finding, docs: string): HTMLElement {
	const item = document.createElement('li');
	item.className = 'finding';
	item.dataset.rule = finding.ruleId;
	item.dataset.severity = finding.severity;
	const where = document.createElement('div');
	where.className = 'where';
	where.textContent = `${displayName(finding.file)}:${finding.range.start.line + 1}:${finding.range.start.character + 1}: ${finding.severity}`;
	where.addEventListener('click', () => reveal(finding));
	const rule = document.createElement('span');
	rule.className = 'rule';
	rule.textContent = ` [${finding.ruleId}] `;
	const text = document.createElement('span');
	text.className = 'message';
	text.textContent = finding.message;
	const body = document.createElement('div');
	body.append(rule, text);
	const actions = document.createElement('div');
	actions.className = 'actions';
	for (const fix of finding.fixes ?? []) {
		const button = document.createElement('button');
		button.type = 'button';
		button.className = 'fix';
		button.textContent = `Fix: ${fix.title}`;
		button.addEventListener('click', () => {
			if (!applyFix(fix)) button.textContent = 'The text changed; wait for the new findings';
		});
		actions.append(button);
	}
	if (docs) {
		const toggle = document.createElement('button');
		toggle.type = 'button';
		toggle.className = 'docs-toggle';
		toggle.textContent = 'Rule docs';
		let shown: HTMLElement | undefined;
		toggle.addEventListener('click', () => {
			if (shown) {
				shown.remove();
				shown = undefined;
			} else item.append((shown = renderMarkdown(document, docs)));
		});
		actions.append(toggle);
	}
	item.append(where, body, actions);
	return item;
}

function showSimulation(result: import('../../server/src/features/commands.js').SimulationResult): void {
	const box = $('sim-result');
	box.dataset.outcome = result.decision.outcome;
	const head = document.createElement('strong');
	head.textContent = result.decision.outcome === 'authenticated' ? `Logged in as ${result.decision.username ?? '?'}` : 'Not logged in by the header (normal login)';
	const explanation = document.createElement('p');
	explanation.textContent = result.decision.explanation;
	const config = document.createElement('p');
	config.className = 'config';
	config.textContent = `TrustedSources ${JSON.stringify(result.config.trustedSources)}, UserHeader ${result.config.userHeader}, Address ${result.config.address}${result.config.navidromeVersion ? `, Navidrome ${result.config.navidromeVersion}` : ''}`;
	box.replaceChildren(head, explanation, config);
}

// ─── Wiring ─────────────────────────────────────────────────────────────────────────────────────

for (const example of examples) {
	const button = document.createElement('button');
	button.type = 'button';
	button.className = 'example';
	button.dataset.example = example.name;
	button.textContent = example.name;
	button.title = example.description;
	button.addEventListener('click', () => {
		history.replaceState(null, '', location.pathname + location.search);
		loadFiles(example.files);
	});
	$('examples').append(button);
}

const picker = $<HTMLSelectElement>('kind-picker');
picker.append(new Option('only when included', ''), ...fileKinds.map(({ kind, label }) => new Option(label, kind)));
picker.addEventListener('change', () => {
	if (!active) return;
	active.kind = (picker.value || undefined) as FileKind | undefined;
	scheduleAnalysis(0);
});

$('add-template').addEventListener('change', () => {
	$<HTMLInputElement>('add-name').value = $<HTMLSelectElement>('add-template').value;
});
$<HTMLInputElement>('add-name').value = $<HTMLSelectElement>('add-template').value;
$('add-button').addEventListener('click', () => {
	const input = $<HTMLInputElement>('add-name');
	const name = input.value.trim().replace(/^\/+/, '');
	if (!name || tabs.some((tab) => tab.name === name)) {
		input.setCustomValidity(name ? 'A tab of that name exists' : 'Name the file');
		input.reportValidity();
		return;
	}
	input.setCustomValidity('');
	addTab({ name, text: '' });
	scheduleAnalysis(0);
});

$('share-button').addEventListener('click', async () => {
	const fragment = await encodeShare(currentFiles());
	history.replaceState(null, '', fragment);
	const field = $<HTMLInputElement>('share-url');
	field.hidden = false;
	field.value = location.href;
	field.select();
});

$('simulate').addEventListener('submit', (event) => {
	event.preventDefault();
	const header = $('sim-header-name').textContent ?? 'Remote-User';
	const user = $<HTMLInputElement>('sim-user').value;
	const message: ToWorker = {
		type: 'simulate',
		seq: ++simulations,
		peer: $<HTMLInputElement>('sim-peer').value.trim(),
		path: $<HTMLInputElement>('sim-path').value,
		headers: user ? { [header]: user } : {},
		instance: $<HTMLSelectElement>('sim-instance').value || undefined,
	};
	worker.postMessage(message);
});

/** Read-only hooks for tests and the benchmark. */
(globalThis as unknown as { playground: unknown }).playground = {
	files: currentFiles,
	latest: () => latest,
};

worker.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
if (boot.posted) {
	const files = boot.posted.files;
	seq = 1;
	analysedTexts = new Map(files.map((file) => [pathOf(file.name), file.text]));
	// The editors are built in a task of their own, so a verdict that is already in shows first.
	setTimeout(() => loadFiles(files, true), 0);
} else {
	void (async () => {
		const fromFragment = await decodeShare(location.hash);
		loadFiles(fromFragment ?? examples.find((example) => example.name === defaultExample)?.files ?? []);
	})();
}
for (const message of boot.early.splice(0)) receive(message);
