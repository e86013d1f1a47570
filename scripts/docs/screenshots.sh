#!/usr/bin/env bash
# The README's pictures, made from the real programs: reports/screenshots/terminal.png (`mtcheck
# examples/spun.txt --highlight` as a 100-column terminal shows it, turned into HTML by
# ansi2html and photographed by headless Chromium) and reports/screenshots/page-*.png (the
# page of `mtcheck serve` as python/tests/test_page.py drives it in Chromium).
# Needs Chromium (scripts/test/python-tests.sh installs it) and the test virtualenv.
# usage: scripts/docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=reports/screenshots
WORK=target/screenshots
VENV=target/python-venv
mkdir -p "$OUT" "$WORK"
cargo build --release --quiet
[ -x "$VENV/bin/python" ] || scripts/test/python-tests.sh -k nothing-to-run > /dev/null || true
"$VENV/bin/pip" install -q ansi2html

# The terminal: run under `script` so mtcheck sees a terminal (colour, the legend).
{
  printf '\033[1m$ mtcheck examples/spun.txt --highlight\033[0m\n'
  COLUMNS=100 script -qec "target/release/mtcheck examples/spun.txt --highlight" /dev/null | tr -d '\r' || true
} > "$WORK/terminal.ansi"
"$VENV/bin/ansi2html" --title "mtcheck in a terminal" < "$WORK/terminal.ansi" \
  | sed 's#</style>#.body_foreground { font: 15px/1.35 "DejaVu Sans Mono", monospace; padding: 12px; } </style>#' > "$WORK/terminal.html"
lines=$(wc -l < "$WORK/terminal.ansi")
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$WORK/profile" --hide-scrollbars \
  --window-size=1000,$((lines * 21 + 40)) --screenshot="$OUT/terminal.png" "file://$PWD/$WORK/terminal.html" 2> /dev/null

# The page: the browser tests write their screenshots to target/page/.
(cd python/tests && MTCHECK_REQUIRE_BROWSER=1 "../../$VENV/bin/python" -m pytest -q test_page.py)
cp target/page/spun.png "$OUT/page-spun.png"
cp target/page/source.png "$OUT/page-source.png"
ls -l "$OUT"
