#!/usr/bin/env bash
# Every test, as CI runs them (.ci/run calls exactly this): the Rust tests (unit, integration,
# golden snapshots, the fuzz run over every output mode), then the Python package's tests in a
# fresh virtualenv (scripts/test/python-tests.sh). Needs ../shared beside the repository.
# usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release
scripts/test/python-tests.sh
