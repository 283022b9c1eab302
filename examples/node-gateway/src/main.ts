import { chmodSync, rmSync } from 'node:fs';
import { configFromEnv } from './config.js';
import { createGateway } from './gateway.js';

const settings = configFromEnv(process.env);
for (const problem of settings.problems) console.error(`config: ${problem}`);
if (settings.problems.length > 0) process.exit(2);
if (settings.extAuth.trustedSources === '') console.error('ND_EXTAUTH_TRUSTEDSOURCES is empty: header login is off, every request gets the login page.');

const { server } = createGateway({ config: settings.extAuth, policy: settings.policy, log: line => console.error(line) });
const { listen } = settings;

if (listen.kind === 'unix') {
	// Like Navidrome: remove a stale socket file first, then restrict the socket to owner and group.
	rmSync(listen.path, { force: true });
	server.listen(listen.path, () => {
		chmodSync(listen.path, 0o660);
		console.error(`listening on unix:${listen.path}`);
	});
} else {
	server.listen(listen.port, listen.host, () => {
		const bound = server.address();
		const port = typeof bound === 'object' && bound !== null ? bound.port : listen.port;
		console.error(`listening on http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}/app/`);
	});
}

function stop(): void {
	server.close(() => process.exit(0));
	server.closeAllConnections();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
