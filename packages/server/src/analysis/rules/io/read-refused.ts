import type { ReadProblem } from '../../files.js';
import type { Severity } from '../../findings.js';
import type { Rule } from '../rule.js';

/**
A file outside the checked folders is something the user did not ask us to read (a host's `/etc/nginx/mime.types`):
say that it was not seen, as information. A system path, a FIFO or device, or an oversized file in a config is odd
enough to warn about.
*/
function severityFor(problem: ReadProblem): Severity {
	return problem.reason === 'outside-roots' ? 'information' : 'warning';
}

// spec: proxies.md §2.4 (Caddy `import`); docs/security.md (the read boundary)
export const readRefused: Rule = {
	id: 'io/read-refused',
	category: 'hardening',
	severity: 'warning',
	summary: 'A file that was not read: outside the checked folders, a system path, not a regular file, or too large.',
	docs: `Every file the CLI and the language server read goes through one read boundary. It refuses, without reading
any content:

- paths outside the checked roots (the CLI's arguments, the editor's workspace folders) unless allowed with
  \`--allow-read DIR\` on the CLI or the \`navidrome-extauth.allowRead\` setting in the editor; the real path counts,
  so a symbolic link inside the tree that points outside is refused;
- anything under \`/proc\`, \`/sys\` and \`/dev\`, even when allowed;
- anything that is not a regular file (FIFOs, sockets, devices, directories);
- files larger than 8 MiB.

A file outside the checked folders is reported as information (it was not seen); the others as warnings.

This finding sits on the directive that asked for the file (a Caddyfile \`import\`, an nginx \`include\`, a compose
\`env_file\`), or at the start of a file to check that could not be read. It names the path and the reason, never the
content: a configuration under review must not be able to make the tool quote \`/proc/self/environ\` or
\`/etc/shadow\` into CI logs or SARIF. What the refused file would have contributed is unknown to the analysis, so
findings that depend on it may be missing. Caddy's \`import\` reads files like nginx's \`include\`.

See [the read boundary](https://github.com/navidrome-extauth/navidrome-extauth/blob/main/docs/security.md).`,
	inputs: ['compose', 'dotenv', 'navidrome-toml', 'shell', 'systemd', 'caddyfile', 'nginx', 'traefik', 'apache', 'haproxy'],
	check({ deployment, report }) {
		for (const file of deployment.files.values()) {
			for (const error of file.errors) if (error.refused) report({ location: { file: error.file ?? file.path, span: error.span }, message: error.message, severity: severityFor(error.refused.problem) });
		}
		for (const entry of deployment.unreadable ?? []) report({ location: { file: entry.path, span: { start: 0, end: 0 } }, message: `Not read: ${entry.problem.message}`, severity: severityFor(entry.problem) });
	},
};
