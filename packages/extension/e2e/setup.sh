#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs: code-server 4.100.3 (the real VS Code 1.100.3 workbench and
# extension host; the last release that runs on Node 20) and Debian's Chromium. Idempotent: does nothing when both
# are there. Facts and pitfalls: shared/recipes/vscode-e2e.md.
set -euo pipefail
cd "$(dirname "$0")"

entry=node_modules/code-server/out/node/entry.js
if [ -f "$entry" ] && [ -x /usr/bin/chromium ] && command -v rg >/dev/null 2>&1; then
	echo "e2e setup: code-server and chromium already installed"
	exit 0
fi

# chromium for the browser; libkrb5-dev + pkg-config so the kerberos native module builds from source (no prebuilt
# binaries can be fetched); ripgrep to seed @vscode/ripgrep's download cache.
if ! { [ -x /usr/bin/chromium ] && command -v rg >/dev/null 2>&1 && [ -f /usr/include/krb5.h ] && command -v pkg-config >/dev/null 2>&1; }; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq chromium libkrb5-dev pkg-config ripgrep >/dev/null
fi

if [ ! -f "$entry" ]; then
	# @vscode/ripgrep downloads rg from GitHub, which is unreachable: hand it Debian's rg as its cached download.
	# The scratch folder lives outside the repository.
	work="${XDG_CACHE_HOME:-$HOME/.cache}/navidrome-extauth-e2e"
	mkdir -p "$work/tmp/vscode-ripgrep-cache-1.15.11" "$work/rg"
	tarball="$work/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
	if [ ! -f "$tarball" ]; then
		cp "$(command -v rg)" "$work/rg/rg"
		tar -czf "$tarball" -C "$work/rg" rg
	fi
	export TMPDIR="$work/tmp"
	# code-server's postinstall refuses root without unsafe_perm; node-pty's `npx node-gyp` needs yes without a TTY.
	export npm_config_unsafe_perm=true npm_config_yes=true
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund --loglevel=error
	else
		npm install --no-audit --no-fund --loglevel=error
	fi
fi

node "$entry" --version >/dev/null
echo "e2e setup: code-server $(node -p "require('./node_modules/code-server/package.json').version") ready"
