/**
A real third-party client: Neovim 0.7.2 (Debian) runs the README's Neovim 0.7 set-up, which starts the bundled server
when compose.yaml opens; a Lua script then waits for diagnostics, checks the hover's length, applies the preferred
quick fix, runs a command whose result must reach Neovim's default showMessage handler, and breaks the YAML to see the
syntax error as a diagnostic (recipes/vscode-e2e.md, "Neovim as a second real client"). Without `nvim` the test is
skipped with a notice, except in CI, where it fails.
*/
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, serverRoot } from '../harness/cli.js';
import { workspace } from './harness.js';

const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10\n';

/** The Lua block under "### Neovim 0.7" in the server's README: the test runs the documented set-up as written. */
function readmeSnippet(): string {
	const readme = readFileSync(join(serverRoot, 'README.md'), 'utf8');
	const heading = readme.indexOf('\n### Neovim 0.7');
	assert.ok(heading >= 0, 'README.md has no "### Neovim 0.7" section');
	const block = /```lua\n([\s\S]*?)```/.exec(readme.slice(heading));
	assert.ok(block, 'the Neovim 0.7 section has no lua block');
	return block[1]!;
}

/** Drives the editor after the README's set-up: the autocmd starts the client when the compose file opens. */
const driver = `
local env = vim.env
local result = { messages = {} }
-- Neovim's own handler prints the message; the wrapper only records that it was called.
local default_show_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, params, ctx, config)
  table.insert(result.messages, params.message)
  return default_show_message(err, params, ctx, config)
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.NDX_FILE))
  local buf = vim.api.nvim_get_current_buf()
  local client
  vim.wait(10000, function()
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do if c.name == 'navidrome-extauth' then client = c end end
    return client ~= nil
  end, 10)
  result.attached = client ~= nil
  local client_id = client.id
  result.server_pid = client.rpc.pid
  local started = vim.loop.hrtime()
  result.got_diagnostics = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 10)
  result.diagnostic_ms = (vim.loop.hrtime() - started) / 1e6
  local target
  result.codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.codes, d.code)
    if d.code == 'nd/trusted-source-ignored' then target = d end
  end
  local uri = vim.uri_from_bufnr(buf)
  local hover = client.request_sync('textDocument/hover', { textDocument = { uri = uri }, position = { line = 4, character = 10 } }, 10000, buf)
  result.hover = hover.result.contents.value
  -- What the hover window shows: Neovim's own markdown conversion, blank lines at the ends trimmed.
  result.hover_lines = #vim.lsp.util.trim_empty_lines(vim.lsp.util.convert_input_to_markdown_lines(hover.result.contents))
  local range = { start = { line = target.lnum, character = target.col }, ['end'] = { line = target.end_lnum, character = target.end_col } }
  local actions = client.request_sync('textDocument/codeAction', { textDocument = { uri = uri }, range = range, context = { diagnostics = { target.user_data.lsp } } }, 10000, buf)
  result.titles = {}
  local chosen
  for _, action in ipairs(actions.result) do
    table.insert(result.titles, action.title)
    if action.isPreferred then chosen = action end
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  result.line_after = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
  result.cleared = vim.wait(10000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'nd/trusted-source-ignored' then return false end
    end
    return true
  end, 10)
  -- A command as a user runs it; its result arrives through the default showMessage handler.
  vim.lsp.buf.execute_command({ command = 'navidrome-extauth.showEffectiveSettings', arguments = { { uri = uri } } })
  result.command_shown = vim.wait(10000, function() return #result.messages > 0 end, 10)
  -- A YAML syntax error (an unclosed quote) is a diagnostic too.
  vim.api.nvim_buf_set_lines(buf, 2, 3, false, { '    image: "deluan/navidrome:0.60.0' })
  result.syntax_reported = vim.wait(10000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'syntax/parse-error' then result.syntax_message = d.message return true end
    end
    return false
  end, 10)
  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 10)
end)
if not ok then result.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(result) }, env.NDX_OUT)
vim.cmd('qa!')
`;

type NeovimResult = {
	error?: string;
	attached?: boolean;
	server_pid?: number;
	got_diagnostics?: boolean;
	diagnostic_ms?: number;
	codes?: string[];
	hover?: string;
	hover_lines?: number;
	titles?: string[];
	line_after?: string;
	cleared?: boolean;
	messages?: string[];
	command_shown?: boolean;
	syntax_reported?: boolean;
	syntax_message?: string;
	stopped?: boolean;
};

function alive(pid: number | undefined): boolean {
	if (!pid) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('Neovim 0.7 as an LSP client', function () {
	this.timeout(90_000);

	it('should attach by the README set-up, get diagnostics, a short hover, a quick fix, a command result and a syntax error', async function () {
		// NVIM_LOG_FILE keeps `nvim --version` from creating ~/.cache/nvim/log.
		if (spawnSync('nvim', ['--version'], { encoding: 'utf8', env: { ...process.env, NVIM_LOG_FILE: '/dev/null' } }).status !== 0) {
			if (process.env.CI === 'true') assert.fail('nvim is not installed, and CI must run the real-client test (apt-get install neovim)');
			console.log('    (notice: nvim is not installed; skipping the Neovim client test)');
			this.skip();
		}
		buildBundles();
		const folder = workspace({ 'compose.yaml': compose, 'test.lua': `${readmeSnippet()}\n${driver}`, 'bin/navidrome-extauth-language-server': '#!/bin/sh\nexec "$NDX_NODE" "$NDX_SERVER" "$@"\n' });
		// The README's command, found on PATH as after \`npm install -g\`.
		chmodSync(folder.path('bin/navidrome-extauth-language-server'), 0o755);
		const out = folder.path('result.json');
		const nvim = spawn('nvim', ['--headless', '--clean', '-c', `luafile ${folder.path('test.lua')}`], {
			cwd: folder.root,
			stdio: ['ignore', 'ignore', 'pipe'],
			// XDG folders inside the temp folder, so Neovim's LSP log and state are removed with it.
			env: { ...process.env, PATH: `${folder.path('bin')}:${process.env.PATH ?? ''}`, XDG_CACHE_HOME: folder.path('xdg/cache'), XDG_STATE_HOME: folder.path('xdg/state'), XDG_DATA_HOME: folder.path('xdg/data'), XDG_CONFIG_HOME: folder.path('xdg/config'), NVIM_LOG_FILE: folder.path('xdg/nvim.log'), NDX_NODE: process.execPath, NDX_SERVER: join(serverRoot, 'dist', 'server.js'), NDX_ROOT: folder.root, NDX_FILE: folder.path('compose.yaml'), NDX_OUT: out },
		});
		let stderr = '';
		nvim.stderr!.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => nvim.pid && process.kill(nvim.pid, 'SIGKILL'), 60_000);
		let result: NeovimResult = {};
		try {
			await new Promise((resolve) => nvim.once('exit', resolve));
			clearTimeout(timer);
			writeFileSync(folder.path('stderr.txt'), stderr);
			result = JSON.parse(readFileSync(out, 'utf8')) as NeovimResult;
			assert.equal(result.error, undefined, `${result.error}\n${stderr}`);
			assert.equal(result.attached, true, 'the README set-up did not attach the server to compose.yaml');
			assert.equal(result.got_diagnostics, true);
			assert.ok(result.codes?.includes('nd/trusted-source-ignored'), JSON.stringify(result.codes));
			assert.match(result.hover ?? '', /\*\*ExtAuth\.TrustedSources\*\*/);
			// Issue 18: hovers of about 10 lines; 12 leaves room for Neovim's line breaking.
			assert.ok((result.hover_lines ?? 0) <= 12, `the hover shows ${result.hover_lines} lines in Neovim:\n${result.hover}`);
			assert.ok(result.titles?.includes("Change to '192.168.1.10/32'"), JSON.stringify(result.titles));
			assert.equal(result.line_after, '      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10/32');
			assert.equal(result.cleared, true);
			assert.equal(result.command_shown, true, 'no window/showMessage for the command result');
			assert.match(result.messages?.[0] ?? '', /^Effective settings of navidrome \(Navidrome 0\.60\.0\):\n- ExtAuth\.TrustedSources = 192\.168\.1\.10\/32 \(from ND_EXTAUTH_TRUSTEDSOURCES/);
			assert.equal(result.syntax_reported, true, 'no syntax/parse-error diagnostic for an unclosed quote');
			assert.match(result.syntax_message ?? '', /quote|string|Missing/i);
			assert.equal(result.stopped, true);
		} finally {
			clearTimeout(timer);
			if (nvim.exitCode === null && nvim.pid) process.kill(nvim.pid, 'SIGKILL');
			// The server is Neovim's child; stop it by its PID if it outlived Neovim.
			if (alive(result.server_pid)) process.kill(result.server_pid!, 'SIGKILL');
			folder.remove();
		}
	});
});
