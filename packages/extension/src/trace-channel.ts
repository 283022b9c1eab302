/**
The channel the language client writes protocol traces to. vscode-languageclient 11 traces only while its trace
channel's log level is Trace, which a user sets through "Developer: Set Log Level…", not through
`navidrome-extauth.trace.server`. This channel's level follows the setting instead: Trace while it is `messages` or
`verbose`, Info while it is `off`, so setting `trace.server` is all it takes, as in other extensions. Lines go to a
plain output channel of their own, where users look for them.
*/
import * as vscode from 'vscode';
import { section } from './config.js';

const setting = `${section}.trace.server`;

function levelFromSetting(): vscode.LogLevel {
	const value = vscode.workspace.getConfiguration(section).get<string>('trace.server', 'off');
	return value === 'messages' || value === 'verbose' ? vscode.LogLevel.Trace : vscode.LogLevel.Info;
}

export function createTraceChannel(name: string): vscode.LogOutputChannel & vscode.Disposable {
	const lines = vscode.window.createOutputChannel(name);
	const changed = new vscode.EventEmitter<vscode.LogLevel>();
	let level = levelFromSetting();
	const watcher = vscode.workspace.onDidChangeConfiguration((event) => {
		if (!event.affectsConfiguration(setting)) return;
		const next = levelFromSetting();
		if (next === level) return;
		level = next;
		changed.fire(level);
	});
	const write = (tag: string) => (message: string | Error, ...args: unknown[]): void => {
		const text = message instanceof Error ? (message.stack ?? message.message) : message;
		lines.appendLine(`[${new Date().toISOString()}] ${tag}${text}${args.length > 0 ? ` ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}` : ''}`);
	};
	return {
		name: lines.name,
		get logLevel() {
			return level;
		},
		onDidChangeLogLevel: changed.event,
		trace: write(''),
		debug: write('debug: '),
		info: write('info: '),
		warn: write('warn: '),
		error: write('error: '),
		append: (value) => lines.append(value),
		appendLine: (value) => lines.appendLine(value),
		replace: (value) => lines.replace(value),
		clear: () => lines.clear(),
		show: (column?: unknown, preserveFocus?: boolean) => (typeof column === 'boolean' ? lines.show(column) : lines.show(preserveFocus)),
		hide: () => lines.hide(),
		dispose: () => {
			watcher.dispose();
			changed.dispose();
			lines.dispose();
		},
	} as vscode.LogOutputChannel & vscode.Disposable;
}
