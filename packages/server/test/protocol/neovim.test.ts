/**
A real third-party client: Neovim 0.7.2 (Debian) drives the bundled server headless through a Lua script, waits for
diagnostics, requests a hover and applies the preferred quick fix (recipes/vscode-e2e.md, "Neovim as a second real
client"). Without `nvim` the test is skipped with a notice, except in CI, where it fails.
*/
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, serverRoot } from '../harness/cli.js';
import { workspace } from './harness.js';

const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10\n';

const script = `
local env = vim.env
local result = {}
local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'navidrome-extauth',
    cmd = { env.NDX_NODE, env.NDX_SERVER, '--stdio' },
    root_dir = env.NDX_ROOT,
    init_options = { ['navidrome-extauth'] = { rules = { ['nd/proxy-ip-unpinned'] = 'off' } } },
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(env.NDX_FILE))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
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
  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 10)
end)
if not ok then result.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(result) }, env.NDX_OUT)
vim.cmd('qa!')
`;

type NeovimResult = {
	error?: string;
	server_pid?: number;
	got_diagnostics?: boolean;
	diagnostic_ms?: number;
	codes?: string[];
	hover?: string;
	titles?: string[];
	line_after?: string;
	cleared?: boolean;
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

	it('should get diagnostics, a hover and apply the quick fix', async function () {
		// NVIM_LOG_FILE keeps `nvim --version` from creating ~/.cache/nvim/log.
		if (spawnSync('nvim', ['--version'], { encoding: 'utf8', env: { ...process.env, NVIM_LOG_FILE: '/dev/null' } }).status !== 0) {
			if (process.env.CI === 'true') assert.fail('nvim is not installed, and CI must run the real-client test (apt-get install neovim)');
			console.log('    (notice: nvim is not installed; skipping the Neovim client test)');
			this.skip();
		}
		buildBundles();
		const folder = workspace({ 'compose.yaml': compose, 'test.lua': script });
		const out = folder.path('result.json');
		const nvim = spawn('nvim', ['--headless', '--clean', '-c', `luafile ${folder.path('test.lua')}`], {
			cwd: folder.root,
			stdio: ['ignore', 'ignore', 'pipe'],
			// XDG folders inside the temp folder, so Neovim's LSP log and state are removed with it.
			env: { ...process.env, XDG_CACHE_HOME: folder.path('xdg/cache'), XDG_STATE_HOME: folder.path('xdg/state'), XDG_DATA_HOME: folder.path('xdg/data'), XDG_CONFIG_HOME: folder.path('xdg/config'), NVIM_LOG_FILE: folder.path('xdg/nvim.log'), NDX_NODE: process.execPath, NDX_SERVER: join(serverRoot, 'dist', 'server.js'), NDX_ROOT: folder.root, NDX_FILE: folder.path('compose.yaml'), NDX_OUT: out },
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
			assert.equal(result.got_diagnostics, true);
			assert.ok(result.codes?.includes('nd/trusted-source-ignored'), JSON.stringify(result.codes));
			assert.match(result.hover ?? '', /\*\*ExtAuth\.TrustedSources\*\*/);
			assert.ok(result.titles?.includes("Change to '192.168.1.10/32'"), JSON.stringify(result.titles));
			assert.equal(result.line_after, '      ND_EXTAUTH_TRUSTEDSOURCES: 192.168.1.10/32');
			assert.equal(result.cleared, true);
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
