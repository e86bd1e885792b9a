#!/usr/bin/env bash
# The check step of action.yml (kept here so that it can be run and tested outside GitHub):
# `collate check --format github` once; its annotations go to the log, where GitHub turns
# them into annotations on the witness lines; the verdict and each problem go to the job
# summary; the exit code goes to the step's output `status` and is the step's own.
# Environment: COLLATE_PATHS, COLLATE_ARGS (space-separated), and GitHub's RUNNER_TEMP,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY (each optional outside GitHub).
set -uo pipefail
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
out="$tmp/collate-check.$$.txt"
err="$tmp/collate-check.$$.err"
# shellcheck disable=SC2086  # the paths and options are space-separated lists on purpose
collate check ${COLLATE_PATHS:-witnesses/} ${COLLATE_ARGS:-} --format github >"$out" 2>"$err"
status=$?
cat "$out"
cat "$err" >&2
echo "status=$status" >>"${GITHUB_OUTPUT:-/dev/null}"
{
  echo "## collate check"
  echo
  if [ "$status" -eq 2 ]; then
    echo "collate check could not read its input (exit 2):"
    echo
    echo '```'
    cat "$err"
    echo '```'
  else
    tail -n 1 "$out"
    if grep -q '^::error ' "$out"; then
      echo
      echo '```'
      # ::error title=...,file=...::FILE:LINE:COL: message, escaped as @actions/core escapes data
      grep '^::error ' "$out" | sed -e 's/^::error [^:]*:://' -e 's/%0D//g' -e 's/%0A/ /g' -e 's/%25/%/g'
      echo '```'
    fi
  fi
} >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
rm -f "$out" "$err"
exit "$status"
