/**
The status bar item with the workspace's verdict: the diagnostics, and what the server judged (its
`navidrome-extauth/coverage` notification, `setCoverage`). A click opens the Problems view.
*/
import * as vscode from 'vscode';
import type { CoverageParams } from '@navidrome-extauth/server/shared';
import { summarize } from './verdict.js';
import type { DiagnosticLike } from './verdict.js';

export const problemsCommand = 'workbench.actions.view.problems';

export class VerdictStatus implements vscode.Disposable {
	private readonly item = vscode.window.createStatusBarItem('navidrome-extauth.verdict', vscode.StatusBarAlignment.Left, 10);
	private readonly subscription: vscode.Disposable;
	private pending: ReturnType<typeof setTimeout> | undefined;
	private coverage: CoverageParams | undefined;

	constructor() {
		this.item.name = 'Navidrome ExtAuth verdict';
		this.item.command = problemsCommand;
		this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.schedule());
		this.update();
		this.item.show();
	}

	/** What the server judged last (`undefined` while a server starts). */
	setCoverage(coverage: CoverageParams | undefined): void {
		this.coverage = coverage;
		this.schedule();
	}

	/** Diagnostics change in bursts (one event per file); recount once per burst. */
	private schedule(): void {
		if (this.pending) return;
		this.pending = setTimeout(() => {
			this.pending = undefined;
			this.update();
		}, 50);
	}

	update(): void {
		const diagnostics: DiagnosticLike[] = [];
		for (const [, list] of vscode.languages.getDiagnostics()) {
			for (const diagnostic of list) diagnostics.push({ source: diagnostic.source, code: diagnostic.code, severity: diagnostic.severity });
		}
		const verdict = summarize(diagnostics, this.coverage);
		this.item.text = verdict.text;
		this.item.tooltip = new vscode.MarkdownString(verdict.tooltip);
		this.item.accessibilityInformation = { label: verdict.text.replace(/\$\([\w-]+\)\s*/g, ''), role: 'button' };
		this.item.backgroundColor = verdict.level === 'error'
			? new vscode.ThemeColor('statusBarItem.errorBackground')
			: verdict.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
	}

	dispose(): void {
		if (this.pending) clearTimeout(this.pending);
		this.subscription.dispose();
		this.item.dispose();
	}
}
