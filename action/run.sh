#!/usr/bin/env bash
# The shell of the privlint GitHub Action (action.yml), kept in a file so that it runs, and is
# tested, outside GitHub.
#
# Reads the action's inputs from INPUT_PATH, INPUT_FAIL_ON, INPUT_SARIF_FILE and INPUT_ARGS,
# and GITHUB_ACTION_PATH (this checkout), GITHUB_WORKSPACE (the repository to check) and
# GITHUB_OUTPUT (where step outputs go), as the runner sets them.
#
# PRIVLINT_BIN: path of an already-built privlint to use instead of `cargo install` (the tests
# set it; so can a self-hosted runner that has privlint already).
set -euo pipefail

path="${INPUT_PATH:-.}"
fail_on="${INPUT_FAIL_ON:-}"
sarif_file="${INPUT_SARIF_FILE:-privlint.sarif}"
# Extra flags, split on whitespace (no shell quoting).
read -r -a extra_args <<<"${INPUT_ARGS:-}"

if [ -n "${PRIVLINT_BIN:-}" ]; then
  privlint="$PRIVLINT_BIN"
else
  : "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  # From the action's own checkout: no downloaded binaries.
  cargo install --locked --path "$GITHUB_ACTION_PATH"
  privlint="${CARGO_HOME:-$HOME/.cargo}/bin/privlint"
fi

cd "${GITHUB_WORKSPACE:-.}"

fail_on_args=()
if [ -n "$fail_on" ]; then
  fail_on_args=(--fail-on "$fail_on")
fi

# Annotations on the pull request; this run's exit code is the action's.
set +e
"$privlint" check "$path" --format github ${fail_on_args[@]+"${fail_on_args[@]}"} ${extra_args[@]+"${extra_args[@]}"}
status=$?
# The same check as SARIF for github/codeql-action/upload-sarif. Its findings already decided
# the exit code above; only a failure to run or to write counts here.
"$privlint" check "$path" --format sarif --output "$sarif_file" ${extra_args[@]+"${extra_args[@]}"} 2>/dev/null
sarif_status=$?
set -e

if [ "$sarif_status" -ge 2 ] && [ "$status" -lt 2 ]; then
  echo "::error title=privlint::could not write the SARIF report to $sarif_file (exit code $sarif_status)"
  status=$sarif_status
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "sarif-file=$sarif_file"
    echo "exit-code=$status"
  } >>"$GITHUB_OUTPUT"
fi
exit "$status"
