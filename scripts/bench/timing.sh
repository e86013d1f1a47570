# Sourced by the bench scripts: min_ms CMD... prints the min wall time in ms of $RUNS runs of
# CMD (its output discarded, its failure ignored).
min_ms() {
  local best=999999
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null || true; t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}
