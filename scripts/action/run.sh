#!/usr/bin/env bash
# The check behind action.yml: installs the CLI, writes a SARIF file for upload, prints the findings in the chosen
# format, and fails by the fail-on input. Runs under bash with the environment GitHub gives a composite step:
#   INPUT_PATHS      folders or files to check, one per line, or several separated by spaces on one line (default .)
#   INPUT_FORMAT     text | json | sarif | github, the format printed to the log (default text)
#   INPUT_FAIL_ON    error | warning | note | never: the lowest SARIF level that fails the step (default error)
#   INPUT_VERSION    the @navidrome-extauth/server version to install (default: the one in this action's checkout),
#                    or a path to a packed .tgz
#   INPUT_ARGS       more CLI options, split on spaces (e.g. --rule nd/trust-broad=off --allow-read shared)
#   GITHUB_WORKSPACE the folder checked (paths are relative to it), RUNNER_TEMP the scratch folder,
#   GITHUB_OUTPUT    the step's output file: sarif-file, errors, warnings, notes, exit-code.
# Exit status: 0, or 1 when findings at or above fail-on exist, or the CLI's own 2 (usage, unreadable path) or 3.
set -uo pipefail

action_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
workspace=${GITHUB_WORKSPACE:-$PWD}
scratch=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
format=${INPUT_FORMAT:-text}
fail_on=${INPUT_FAIL_ON:-error}
version=${INPUT_VERSION:-}

fail() {
	echo "::error title=navidrome-extauth::$1"
	exit 2
}

output() {
	if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

case $format in text | json | sarif | github) ;; *) fail "format must be text, json, sarif or github (got '$format')" ;; esac
case $fail_on in error | warning | note | never) ;; *) fail "fail-on must be error, warning, note or never (got '$fail_on')" ;; esac
command -v node >/dev/null 2>&1 || fail "node (20 or newer) is not on PATH; add actions/setup-node before this action"

if [[ -z $version ]]; then
	version=$(node -p "require(process.argv[1]).version" "$action_root/packages/server/package.json") || fail "cannot read the CLI version from the action's checkout"
fi
if [[ $version == *.tgz ]]; then
	[[ -f $version ]] || fail "version: no such tarball '$version'"
	package=$(cd "$(dirname "$version")" && pwd)/$(basename "$version")
else
	[[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || fail "version must be a version such as 0.1.0 or a path to a .tgz (got '$version')"
	package="@navidrome-extauth/server@$version"
fi

# One installation per job, in the scratch folder: nothing is written to the checked repository.
prefix="$scratch/navidrome-extauth-cli"
mkdir -p "$prefix" || fail "cannot create $prefix"
if ! npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock --loglevel=error "$package" >"$scratch/navidrome-extauth-install.log" 2>&1; then
	cat "$scratch/navidrome-extauth-install.log" >&2
	fail "could not install $package"
fi
cli="$prefix/node_modules/@navidrome-extauth/server/dist/cli.js"
[[ -f $cli ]] || fail "$package has no dist/cli.js"

paths=()
if [[ ${INPUT_PATHS:-} == *$'\n'* ]]; then
	while IFS= read -r line; do
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		[[ -n $line ]] && paths+=("$line")
	done <<<"$INPUT_PATHS"
else
	read -r -a paths <<<"${INPUT_PATHS:-}"
fi
[[ ${#paths[@]} -gt 0 ]] || paths=(.)
read -r -a extra <<<"${INPUT_ARGS:-}"

cd "$workspace" || fail "cannot enter GITHUB_WORKSPACE '$workspace'"
sarif="$scratch/navidrome-extauth.sarif"
node "$cli" check "${paths[@]}" "${extra[@]}" --format sarif >"$sarif"
status=$?
if [[ $status -ge 2 ]]; then
	# Usage errors and unreadable paths: the CLI has said why on stderr; there is no SARIF to upload.
	rm -f "$sarif"
	output exit-code "$status"
	exit "$status"
fi
output sarif-file "$sarif"

counts=$(node -e '
	const log = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
	const count = { error: 0, warning: 0, note: 0 };
	for (const run of log.runs) for (const result of run.results) count[result.level ?? "warning"]++;
	console.log(count.error, count.warning, count.note);
' "$sarif") || fail "the CLI wrote no readable SARIF to $sarif"
read -r errors warnings notes <<<"$counts"
output errors "$errors"
output warnings "$warnings"
output notes "$notes"

if [[ $format == sarif ]]; then
	cat "$sarif"
else
	node "$cli" check "${paths[@]}" "${extra[@]}" --format "$format"
fi

case $fail_on in
error) failing=$errors ;;
warning) failing=$((errors + warnings)) ;;
note) failing=$((errors + warnings + notes)) ;;
never) failing=0 ;;
esac
code=0
if [[ $failing -gt 0 ]]; then
	code=1
	echo "::error title=navidrome-extauth::$failing finding(s) at or above '$fail_on' ($errors errors, $warnings warnings, $notes notes)"
fi
output exit-code "$code"
exit "$code"
