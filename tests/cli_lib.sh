# Shared helpers of the shell tests that drive the `seam` command (sourced, never run):
#   run EXPECTED_RC DESCRIPTION -- ARGS...   runs "$SEAM_BIN" ARGS, keeps its output in $out and
#                                            sets fail=1 (with the output) on another exit code;
#   has TEXT / lacks TEXT                    check $out for TEXT, fail=1 if not as expected.
# SEAM_WALK_LOG=FILE appends every command and its output to FILE (docs/providers.md is made
# from it). The caller sets SEAM_BIN and fail=0.

run() {
    local want=$1 what=$2
    shift 3
    out=$("$SEAM_BIN" "$@" 2>&1)
    rc=$? # global: some tests read it after run
    [ -n "${SEAM_WALK_LOG:-}" ] && printf '$ seam %s\n%s\n' "$*" "$out" >>"$SEAM_WALK_LOG"
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: $what: exit $rc, expected $want"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
}

has() {
    if ! grep -qF -- "$1" <<<"$out"; then
        echo "FAIL: output lacks: $1"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
}

lacks() {
    if grep -qF -- "$1" <<<"$out"; then
        echo "FAIL: output has: $1"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
