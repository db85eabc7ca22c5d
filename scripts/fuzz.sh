#!/usr/bin/env bash
# Fuzzes every reader of outside input (targets in fuzz/fuzz_targets/) for
# MINUTES each, two at a time, and prints executions and crashes per target.
#
#   bash scripts/fuzz.sh 10          # 10 minutes per target
#   bash scripts/fuzz.sh 10 qr_merge # one target
#
# Needs cargo-fuzz (installed here if missing) and a nightly toolchain or
# RUSTC_BOOTSTRAP=1 (used here). The corpus starts from fuzz/seeds/TARGET
# (committed); what libFuzzer adds stays in fuzz/corpus/ (not committed). A
# crash is saved in fuzz/artifacts/TARGET/: reproduce it with
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none TARGET artifacts/TARGET/crash-…
# and keep it as a regression test next to the code it broke.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
minutes="${1:?usage: fuzz.sh MINUTES [TARGET…]}"
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(jahis_read import_gate nsips_profile file_names qr_merge eps_response eps_prescription sign_verify)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# The store's queries are checked against the committed query data.
export SQLX_OFFLINE=true SQLX_OFFLINE_DIR="$PWD/../.sqlx"
# Safe Rust needs no AddressSanitizer: without it the targets run ~5× faster.
cargo fuzz build --release -s none >/dev/null
mkdir -p logs
run() {
  local t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  cp -n "seeds/$t/"* "corpus/$t/" 2>/dev/null || true
  nice -n 5 cargo fuzz run --release -s none "$t" "corpus/$t" -- \
    -max_total_time=$((minutes * 60)) -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"logs/$t.log" 2>&1 || true
}
running=0
for t in "${targets[@]}"; do
  run "$t" &
  running=$((running + 1))
  if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
done
wait
printf '%-15s %14s %10s %8s\n' target execs execs/s crashes
for t in "${targets[@]}"; do
  execs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" 2>/dev/null | grep -o '[0-9]*$' | tail -1 || true)
  rate=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "logs/$t.log" 2>/dev/null | grep -o '[0-9]*$' | tail -1 || true)
  crashes=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
  printf '%-15s %14s %10s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes"
done
