#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS NAME... - runs the libFuzzer harness bin/fuzz/fuzz_NAME for SECONDS each, one
# after the other, over a scratch corpus (build/fuzz/corpus-NAME.*, removed afterwards) seeded from
# tests/fuzz/corpus/NAME/, which is only read, with tests/fuzz/NAME.dict when there is one.
# Each run's output goes to build/fuzz/logs/NAME.log; an input that crashes, leaks, hangs or breaks an
# invariant is written to build/fuzz/crashes/NAME-*. Exits non-zero when any harness failed.
set -u
secs=$1
shift
cd "$(dirname "$0")/../.."
out=build/fuzz
mkdir -p "$out/crashes" "$out/logs"
failed=""
for name in "$@"; do
    bin=bin/fuzz/fuzz_$name
    seeds=tests/fuzz/corpus/$name
    dict=tests/fuzz/$name.dict
    log=$out/logs/$name.log
    if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
        echo "fuzz $name: $bin or $seeds is missing"
        failed="$failed $name"
        continue
    fi
    work=$(mktemp -d "$out/corpus-$name.XXXXXX")
    args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$out/crashes/$name-")
    [ -f "$dict" ] && args+=(-dict="$dict")
    "$bin" "${args[@]}" "$work" "$seeds" >"$log" 2>&1
    rc=$?
    rm -rf "$work"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $name: ok, ${runs:-?} runs in ${secs}s (${rate:-?}/s), $cov"
    else
        echo "fuzz $name: FAILED (exit $rc); the whole report is in $log:"
        grep -E 'ERROR:|SUMMARY:|invariant broken|runtime error|#[0-9]+ 0x.* in .* [^ ]*/(tests|store|auth|fcgi)/' "$log" | head -n 20 | sed 's/^/    /'
        for f in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log"); do
            echo "    reproduce: $bin $f"
        done
        failed="$failed $name"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed (inputs in $out/crashes/)"
    exit 1
fi
