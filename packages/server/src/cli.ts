#!/usr/bin/env node
// Placeholder until the analysis engine lands (issue 4).
process.stdout.write('navidrome-extauth: the check command is not built yet\n');
