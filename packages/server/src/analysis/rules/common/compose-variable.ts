import type { Rule } from '../rule.js';

export const composeVariable: Rule = {
	id: 'compose/variable',
	category: 'broken',
	severity: 'warning',
	summary: 'A compose `${VAR}` that is not set in `.env` (empty value), or a required `${VAR?err}` that is missing.',
	docs: `Compose fills \`\${VAR}\` from the shell and from the \`.env\` file beside the compose file. An unset variable becomes an
empty string (with only a warning), which for \`ND_EXTAUTH_TRUSTEDSOURCES\` silently turns external auth off, and a
missing \`\${VAR?message}\` stops \`docker compose up\`. The analysis cannot see your shell, so it reports variables that
\`.env\` does not define.

**Fix:** define the variable in \`.env\`, or give a default: \`\${VAR:-value}\`.`,
	inputs: ['compose', 'dotenv'],
	check({ deployment, report }) {
		for (const compose of deployment.composeFiles) {
			for (const problem of compose.interpolationProblems) {
				report({ location: { file: compose.path, span: problem.span }, message: problem.message, severity: problem.kind === 'unset' ? 'information' : 'error' });
			}
		}
	},
};
