#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR (executables named fuzz_*) for SECONDS seconds
# each, starting from a temporary copy of its seed corpus fuzz/corpus/<name>/ so that the
# repository's corpus is not flooded with generated inputs. Stops at the first crash, naming the
# target and the file that reproduces it.
#
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS   (make fuzz runs it on a clang -DSEAM_FUZZ=ON build)
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)

case $seconds in
    '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
if [ ! -d "$build" ]; then
    echo "fuzz.sh: no build directory $build (build with CC=clang cmake -DSEAM_FUZZ=ON)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/seam-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

targets=()
for t in "$build"/fuzz_*; do
    [ -f "$t" ] && [ -x "$t" ] && targets+=("$t")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz.sh: no fuzz_* executables in $build" >&2
    exit 2
fi

crashdir="$build/fuzz-crashes"
mkdir -p "$crashdir"
for t in "${targets[@]}"; do
    name=$(basename "$t")
    # A target built without libFuzzer (the ctest driver) does not understand libFuzzer flags.
    if ! "$t" -help=1 2>&1 | grep -q 'max_total_time'; then
        echo "fuzz.sh: $name is not a libFuzzer binary (configure with CC=clang -DSEAM_FUZZ=ON)" >&2
        exit 2
    fi
    corpus="$work/$name"
    mkdir -p "$corpus"
    if [ -d "$root/fuzz/corpus/$name" ]; then
        cp -R "$root/fuzz/corpus/$name/." "$corpus/"
    fi
    echo "== $name: ${seconds}s, seed corpus $(ls "$corpus" | wc -l) files"
    log="$work/$name.log"
    if ! "$t" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$crashdir/$name-" \
        "$corpus" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        artifact=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | sed 's/Test unit written to //')
        echo "fuzz.sh: CRASH in $name${artifact:+; reproduce with: $t $artifact}" >&2
        exit 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | sed "s/^/   /"
    echo "   corpus grew to $(ls "$corpus" | wc -l) files"
done
echo "fuzz.sh: ${#targets[@]} targets ran ${seconds}s each without a crash"
