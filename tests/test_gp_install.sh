#!/usr/bin/env bash
# `seam gp` card content management end to end, over a socket to `seam se --listen`: install the
# echo load file (INSTALL [for load], LOAD, INSTALL [for install and make selectable]), list it,
# talk to the applet with `seam apdu` (SELECT F07365616D0101, then 80 01 echoes its data), delete
# it and list again; then a second instance with --create, --params, --privs and small LOAD
# blocks at security level 01; refusals (exit 1 with the card's status word and its meaning)
# and usage errors (exit 2).
#
# The load file is $SEAM_ECHO_JCL, else $SEAM_BUILD/applets/echo.jcl, else the converter's echo
# test package built here with `seam jc build`. The server is started here and stopped by its
# PID. Exit 77 (skipped) while the card has no card content management (it answers 6D00 to
# INSTALL), or when there is no load file and no javac to build one.
set -u
SEAM_BIN=${SEAM_BIN:-}
SEAM_BUILD=${SEAM_BUILD:-build}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
JCL=${SEAM_ECHO_JCL:-$SEAM_BUILD/applets/echo.jcl}
PKG=F07365616D01
APP=F07365616D0101
APP2=F07365616D0102

TMP=$(mktemp -d /tmp/seam-gpinst.XXXXXX)
SE_PID=
cleanup() {
    if [ -n "$SE_PID" ]; then
        kill "$SE_PID" 2>/dev/null
        wait "$SE_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
fail=0

. "$(dirname "$0")/cli_lib.sh" # run, has, lacks

# ---- usage errors: exit 2 before any card is touched ----
NOCARD=(--connect "unix:$TMP/nobody.sock")
run 2 "load without a file" -- gp "${NOCARD[@]}" load
has "load needs a load file"
run 2 "load of a missing file" -- gp "${NOCARD[@]}" load "$TMP/missing.jcl"
has "cannot open"
printf 'not a load file' >"$TMP/bad.jcl"
run 2 "load of a file that is no .jcl" -- gp "${NOCARD[@]}" load "$TMP/bad.jcl"
has "is not a valid seam load file"
run 2 "delete without an AID" -- gp "${NOCARD[@]}" delete
has "delete needs the AID"
run 2 "delete with a short AID" -- gp "${NOCARD[@]}" delete F07365
has "expected an AID of 5 to 16 bytes"
run 2 "delete with bad hex" -- gp "${NOCARD[@]}" delete F0736561ZZ01
run 2 "--deps with list" -- gp "${NOCARD[@]}" list --deps
has "--deps goes with delete"
run 2 "--block out of range" -- gp "${NOCARD[@]}" load "$TMP/bad.jcl" --block 65536
run 2 "--create with load" -- gp "${NOCARD[@]}" load "$TMP/bad.jcl" --create $APP2
has "go with install"
run 0 "help lists the content commands" -- gp --help
has "install FILE.jcl"
has "delete AID [--deps]"

# Without the applet build's echo.jcl, the converter's echo test package (same AIDs, same
# INS 01 echo) is built here with `seam jc build`, if javac is there.
if [ ! -f "$JCL" ]; then
    if command -v javac >/dev/null && [ -d tests/jc/convert/echo ] &&
        "$SEAM_BIN" jc build -o "$TMP/echo.jcl" --package-aid $PKG --applet Echo=$APP \
            tests/jc/convert/echo/*.java >"$TMP/jc.log" 2>&1; then
        echo "note: $JCL not built; using tests/jc/convert/echo built with seam jc build"
        JCL="$TMP/echo.jcl"
    else
        echo "SKIP test_gp_install: $JCL is not built and seam jc build could not make one:"
        sed 's/^/    /' "$TMP/jc.log" 2>/dev/null
        [ $fail -eq 0 ] || exit 1
        exit 77
    fi
fi
run 2 "--applet the file does not declare" -- gp "${NOCARD[@]}" install "$JCL" --applet F0000000FF
has "declares no applet F0000000FF"
run 2 "--privs of 2 bytes" -- gp "${NOCARD[@]}" install "$JCL" --privs 0000
has "expected 1 or 3 bytes"
run 2 "--params too long" -- gp "${NOCARD[@]}" install "$JCL" --params "$(printf 'AB%.0s' $(seq 1 240))"
has "longer than a short APDU"

# ---- the card ----
SOCK="unix:$TMP/se.sock"
"$SEAM_BIN" se --store "$TMP/card.img" --listen "$SOCK" --quiet >"$TMP/se.log" 2>&1 &
SE_PID=$!
for _ in $(seq 1 100); do [ -S "$TMP/se.sock" ] && break; sleep 0.1; done
[ -S "$TMP/se.sock" ] || { echo "FAIL: seam se --listen did not start: $(cat "$TMP/se.log")"; exit 1; }
GP=(gp --connect "$SOCK")

run 0 "list before install" -- "${GP[@]}" list
has "ISD: A000000151000000"
lacks "PKG: $PKG"

out=$("$SEAM_BIN" "${GP[@]}" install "$JCL" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
    echo "FAIL: install $JCL: exit $rc"
    echo "$out" | sed 's/^/    /'
    exit 1
fi
has "LOAD: $PKG"
has "INSTALL: $APP from module $APP of $PKG, privileges 00: SELECTABLE"

run 0 "list after install" -- "${GP[@]}" list
has "APP: $APP (SELECTABLE)"
has "PKG: $PKG (LOADED)"
has "Applet:  $APP"

# The applet answers: SELECT, then INS 01 echoes the data field.
run 0 "SELECT and echo" -- apdu --connect "$SOCK" 00A4040007${APP} 8001000003AABBCC
if [ "$(grep -c '^< .*90 00$' <<<"$out")" != 2 ]; then
    echo "FAIL: SELECT and echo did not both answer 9000"
    echo "$out" | sed 's/^/    /'
    fail=1
fi
has "< AA BB CC 90 00"

# Refusals: exit 1 with the status word and what it means.
run 1 "install again (the load file is there)" -- "${GP[@]}" install "$JCL"
has "the card answered"
run 1 "delete of an unknown AID" -- "${GP[@]}" delete F0000000FF01
has "the card answered 6A88"

run 0 "delete with --deps" -- "${GP[@]}" delete $PKG --deps
has "DELETE: $PKG and its applications deleted"
run 0 "list after delete" -- "${GP[@]}" list
lacks "$PKG"
# seam apdu exits 0 on any card answer: the answer itself must be a refusal now.
run 0 "SELECT after delete" -- apdu --connect "$SOCK" 00A4040007${APP}
if grep -q '^< .*90 00$' <<<"$out"; then
    echo "FAIL: the deleted applet can still be selected"
    echo "$out" | sed 's/^/    /'
    fail=1
fi

# A second round: another instance AID, parameters, privileges, small LOAD blocks, level 01.
run 0 "install --create --params --privs --block 64 at level 01" -- \
    "${GP[@]}" --sec 0x01 install "$JCL" --applet $APP --create $APP2 --params 0102 --privs 00 \
    --block 64
has "blocks of up to 64 bytes"
has "INSTALL: $APP2 from module $APP of $PKG"
run 0 "list shows the second instance" -- "${GP[@]}" list
has "APP: $APP2 (SELECTABLE)"
lacks "APP: $APP ("
run 0 "echo through the second instance" -- apdu --connect "$SOCK" 00A4040007${APP2} 8001000002CAFE
has "< CA FE 90 00"
run 0 "delete the instance" -- "${GP[@]}" delete $APP2
run 0 "delete the load file" -- "${GP[@]}" delete $PKG
run 0 "list after both deletes" -- "${GP[@]}" list
lacks "$PKG"

if [ $fail -ne 0 ]; then exit 1; fi
echo "test_gp_install: ok"
