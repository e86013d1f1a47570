#!/usr/bin/env bash
# The Python package's tests (python/tests: the API on the seeds, datatrove's local executor,
# PySpark in local mode), in a fresh virtualenv under target/, as a user would install it:
# `pip install ./python` (maturin builds the Rust extension). Installs what it needs: a Java
# runtime for PySpark and Chromium for the page of `mtcheck serve`, from Debian when missing.
# Run by scripts/test.sh after `cargo test`.
# usage: scripts/test/python-tests.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v java > /dev/null || missing+=(default-jre-headless)   # PySpark
command -v chromium > /dev/null || missing+=(chromium)            # the web page of `mtcheck serve`
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The browser test must not be skipped here: Chromium was installed above.
export MTCHECK_REQUIRE_BROWSER=1
VENV=target/python-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "./python[test]"
# The tests compare with the CLI's output: build it if `cargo test` has not.
[ -x target/release/mtcheck ] || cargo build --release --quiet
cd python/tests
"../../$VENV/bin/python" -m pytest -q "$@"
