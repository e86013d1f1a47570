#!/usr/bin/env bash
# The Python package's tests (python/tests: the API on the seeds, datatrove's local executor,
# PySpark in local mode), in a fresh virtualenv under target/, as a user would install it:
# `pip install ./python` (maturin builds the Rust extension). Installs what it needs: a Java
# runtime for PySpark from Debian when there is none. Run by .ci/run after `cargo test`.
# usage: scripts/python-tests.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java > /dev/null; then
  echo "installing a Java runtime for PySpark (Debian: default-jre-headless)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless
fi
VENV=target/python-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "./python[test]"
# The tests compare with the CLI's output: build it if `cargo test` has not.
[ -x target/release/mtcheck ] || cargo build --release --quiet
cd python/tests
"../../$VENV/bin/python" -m pytest -q "$@"
