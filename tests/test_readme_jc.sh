#!/usr/bin/env bash
# The README's Java Card walk-through, exactly as a user runs it: seam jc build of an applet
# (tests/jc/readme/com/example/Hello.java), seam gp --store install, list, seam apdu --store
# SELECT + command, seam gp delete --deps, and the applet gone afterwards.
set -u
SEAM_BIN=${SEAM_BIN:-build/seam}
if ! command -v javac >/dev/null; then
    echo "javac not installed (openjdk-17-jdk-headless): skipped"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, then the command; its output is kept in $out
    local what=$1
    shift
    if ! out=$("$@" 2>&1); then
        echo "FAIL: $what:"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
want() { # text that must be in $out
    if ! grep -qF -- "$1" <<<"$out"; then
        echo "FAIL: output lacks '$1':"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
check "seam jc build" "$SEAM_BIN" jc build -o "$tmp/hello.jcl" --package-aid F000000001 \
    --applet com.example.Hello=F00000000101 tests/jc/readme/com/example/Hello.java
check "seam gp install" "$SEAM_BIN" gp --store "$tmp/card.img" install "$tmp/hello.jcl"
want "INSTALL: F00000000101"
check "seam gp list" "$SEAM_BIN" gp --store "$tmp/card.img" list
want "APP: F00000000101 (SELECTABLE)"
want "PKG: F000000001 (LOADED)"
check "seam apdu" "$SEAM_BIN" apdu --store "$tmp/card.img" 00A4040006F00000000101 8010000000 \
    8011000000
want "< 68 65 6C 6C 6F 90 00"
want "< 6D 00"
check "seam gp delete" "$SEAM_BIN" gp --store "$tmp/card.img" delete F000000001 --deps
check "seam apdu after delete" "$SEAM_BIN" apdu --store "$tmp/card.img" 00A4040006F00000000101
want "< 6A 82"
# the store survives between the commands: a second install on the same image works
check "seam gp install again" "$SEAM_BIN" gp --store "$tmp/card.img" install "$tmp/hello.jcl"
"$SEAM_BIN" apdu --store "$tmp/card.img" --reader x 00 >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: seam apdu with two card options should exit 2"; fail=1; }
[ $fail -eq 0 ] && echo "test_readme_jc: ok"
exit $fail
