#!/usr/bin/env bash
# `seam demo` end to end: exit status 0 and the milestones of the scripted session in its
# output (ATR, SCP03 at level 33, PUT KEY of an AES-256 set, the echo applet loaded, used and
# deleted, the wrong key refused).
set -u
SEAM_BIN=${SEAM_BIN:-}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
out=$("$SEAM_BIN" demo 2>&1)
rc=$?
fail=0
if [ "$rc" -ne 0 ]; then
    echo "FAIL: seam demo exited $rc"
    fail=1
fi
for want in \
    "ATR                    3B" \
    "ISD selected" \
    "GlobalPlatform version   2.3.1" \
    "card cryptogram verified; EXTERNAL AUTHENTICATE accepted" \
    "ISD: A000000151000000" \
    "key set 30 stored; KCVs match the keys sent" \
    "session open with key set 30 (AES-256)" \
    "authentication failed: card cryptogram mismatch" \
    "package loaded, verified and linked" \
    "INS 01 returned the data unchanged" \
    "INS 02: the persistent counter went 0001, 0002 (a transaction each)" \
    "package and applet deleted" \
    "seam demo: all 13 steps gave the expected result"; do
    if ! grep -qF -- "$want" <<<"$out"; then
        echo "FAIL: demo output lacks: $want"
        fail=1
    fi
done
if grep -qF "[FAIL]" <<<"$out"; then
    echo "FAIL: a demo step failed"
    fail=1
fi
# No argument is taken: a stray one is a usage error.
"$SEAM_BIN" demo --bogus >/dev/null 2>&1
if [ $? -ne 2 ]; then
    echo "FAIL: seam demo --bogus should exit 2"
    fail=1
fi
if [ $fail -ne 0 ]; then
    echo "$out"
    exit 1
fi
echo "test_demo: ok"
