import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Whether something accepts TCP connections on 127.0.0.1:`port` (for waiting on a proxy the test started). */
export function acceptsConnections(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Runs at most `limit` tasks at once (servers or requests in flight), the rest queued in order. */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
	let active = 0;
	const waiting: Array<() => void> = [];
	return async (task) => {
		while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
		active++;
		try {
			return await task();
		} finally {
			active--;
			waiting.shift()?.();
		}
	};
}

/** A server's log file for failure messages, `''` while it does not exist. */
export function logOf(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}
