#!/usr/bin/env bash
# fuzz/run.sh [SECONDS]: builds every cargo-fuzz target and runs each for SECONDS
# (default 60) from the seed corpus, then prints each target's executions and any
# crash. Exits non-zero if a target crashed (or failed to build or run).
#
# cargo-fuzz is installed from crates.io into fuzz/.tools (gitignored), never onto
# the machine. The stable toolchain serves: RUSTC_BOOTSTRAP=1 unlocks the -Z flags
# (sanitizer, coverage instrumentation) that fuzzing needs. The fuzz crate is its
# own workspace with its own target dir (fuzz/target), so it never waits on the
# root crate's build lock.
#
# Environment: FUZZ_TARGETS="parse_request ..." to run only some targets;
# CARGO_FUZZ_ROOT to install cargo-fuzz elsewhere; FUZZ_ARGS for extra libFuzzer
# flags (e.g. "-jobs=2" or "-max_len=8192").
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS per target, default 60]" >&2
    exit 2
fi

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ_DIR")"
CARGO_FUZZ_VERSION="0.13.2"
TOOLS="${CARGO_FUZZ_ROOT:-$FUZZ_DIR/.tools}"
TARGETS=(${FUZZ_TARGETS:-parse_request parse_properties})

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$FUZZ_DIR/target"
export PATH="$TOOLS/bin:$PATH"

if ! "$TOOLS/bin/cargo-fuzz" --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
    echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS"
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --root "$TOOLS"
fi

cd "$ROOT"
fuzz() { cargo fuzz "$1" --fuzz-dir "$FUZZ_DIR" "${@:2}"; }

echo "== building fuzz targets: ${TARGETS[*]}"
for target in "${TARGETS[@]}"; do
    fuzz build "$target" --target-dir "$CARGO_TARGET_DIR"
done

LOGS="$FUZZ_DIR/artifacts/logs"
mkdir -p "$LOGS"
failed=0
summary=()
for target in "${TARGETS[@]}"; do
    corpus="$FUZZ_DIR/corpus/$target"
    artifacts="$FUZZ_DIR/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    corpora=("$corpus")
    [[ -d "$FUZZ_DIR/seeds/$target" ]] && corpora+=("$FUZZ_DIR/seeds/$target")
    dict=()
    [[ -f "$FUZZ_DIR/$target.dict" ]] && dict=("-dict=$FUZZ_DIR/$target.dict")
    log="$LOGS/$target.log"
    echo "== fuzzing $target for ${SECONDS_PER_TARGET}s (log: ${log#"$ROOT"/})"
    set +e
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    fuzz run "$target" --target-dir "$CARGO_TARGET_DIR" "${corpora[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
        "${dict[@]}" ${FUZZ_ARGS:-} >"$log" 2>&1
    status=$?
    set -e
    execs="$(grep -a 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')"
    # libFuzzer names what it saves: crash-, leak-, timeout-, oom- (slow-unit- is no failure).
    crash="$(grep -a 'Test unit written to ' "$log" | grep -v '/slow-unit-' | tail -1 | sed 's/.*Test unit written to //' || true)"
    if [[ $status -eq 0 && -z "$crash" ]]; then
        summary+=("$target: ${execs:-?} executions, no crash")
    else
        failed=1
        if [[ -n "$crash" ]]; then
            summary+=("$target: ${execs:-?} executions, CRASH: ${crash#"$ROOT"/}")
            echo "---- $target: crash saved to ${crash#"$ROOT"/}; panic and stack:"
            grep -a -m1 -A40 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" || tail -40 "$log"
            echo "---- reproduce: RUSTC_BOOTSTRAP=1 ${TOOLS#"$ROOT"/}/bin/cargo-fuzz run --fuzz-dir fuzz $target ${crash#"$ROOT"/}"
        else
            summary+=("$target: ${execs:-?} executions, FAILED (exit $status, see ${log#"$ROOT"/})")
            tail -20 "$log"
        fi
    fi
done

echo "== summary (${SECONDS_PER_TARGET}s per target)"
printf '%s\n' "${summary[@]}"
exit "$failed"
