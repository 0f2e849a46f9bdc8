#!/usr/bin/env bash
# The cargo-fuzz half of `make fuzz`: every target in fuzz/fuzz_targets/ (or the ones named as
# arguments) for FUZZ_SECONDS each, over its committed seeds and crash inputs. See fuzz/README.md.
#
#   tools/fuzz.sh                         all targets, 60 s each
#   FUZZ_SECONDS=600 tools/fuzz.sh json_bodies
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_SANITIZER (default address; none is faster and
# what to use where the ASan runtime does not link), FUZZ_ARGS for extra libFuzzer options.
# Runs on the stable toolchain: RUSTC_BOOTSTRAP=1 lets it take the -Z flags cargo-fuzz passes.
# Exits non-zero when any target crashed, after running all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
SANITIZER=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "▸ Installing cargo-fuzz (first time only) …"
  cargo install cargo-fuzz --locked --quiet
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

echo "▸ Building ${#targets[@]} fuzz targets (cargo fuzz, sanitizer $SANITIZER; the first build takes 10–20 minutes) …"
mkdir -p fuzz/work
for target in "${targets[@]}"; do
  if ! cargo fuzz build --sanitizer "$SANITIZER" "$target" >fuzz/work/build.log 2>&1; then
    tail -40 fuzz/work/build.log | sed 's/^/    /'
    echo "✘ cargo fuzz build $target failed (whole log: fuzz/work/build.log)"
    exit 1
  fi
done

failed=()
for target in "${targets[@]}"; do
  work=fuzz/work/$target artifacts=fuzz/artifacts/$target log=fuzz/work/$target.log
  mkdir -p "$work" "$artifacts" "fuzz/corpus/$target" "fuzz/regressions/$target"
  before=$(ls "$artifacts")
  echo "▸ Fuzzing $target for ${SECONDS_EACH}s (seeds: fuzz/corpus/$target, crash inputs: fuzz/regressions/$target) …"
  # New inputs go to the first folder, fuzz/work/ (not committed); seeds and crash inputs are only read.
  # shellcheck disable=SC2086
  if cargo fuzz run --sanitizer "$SANITIZER" "$target" "$work" "fuzz/corpus/$target" "fuzz/regressions/$target" -- \
      -max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1; then
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    echo "  ✔ $target: ${execs:-?} runs (${speed:-?}/s), no crash; corpus $(ls "$work" | wc -l) inputs"
  else
    failed+=("$target")
    echo "  ✘ $target crashed. The end of $log:"
    grep -vE '^#[0-9]+|^INFO:|^\s*$' "$log" | tail -40 | sed 's/^/    /'
    for file in $(comm -13 <(echo "$before") <(ls "$artifacts")); do
      echo "  ✘ crash input: $artifacts/$file"
      echo "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer $SANITIZER $target $artifacts/$file"
      echo "    keep it:   cp $artifacts/$file fuzz/regressions/$target/ (make test then replays it until fixed)"
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "✘ fuzzing found crashes in: ${failed[*]}; copy each crash input into fuzz/regressions/<target>/ and commit it with the fix"
  exit 1
fi
echo "✔ fuzzing: ${#targets[@]} targets ran ${SECONDS_EACH}s each without a crash"
