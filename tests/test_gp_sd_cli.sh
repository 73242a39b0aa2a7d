#!/usr/bin/env bash
# `seam gp` security domain management end to end, over a socket to `seam se --listen`: two
# supplementary security domains created from the card's SD module (create-sd), their first key
# sets put through the ISD (put-key --to: INSTALL [for personalization] + PUT KEY) from key
# files, each opened with its own keys (--sd AID --keys FILE) and switched to PERSONALIZED
# (set-state), a later key set under an SSD's own session, the registry listed (privileges by
# name, the associated SD), one SSD extradited to the other, locked and unlocked, both deleted;
# wrong keys refused; usage errors (bad AID, unknown privilege, missing --to, ...) exit 2 with a
# message, card refusals exit 1 with the status word and its meaning.
#
# The server is started here and stopped by its PID. Exit 77 (skipped) while the card has no
# supplementary security domains (it refuses create-sd with 6A80, 6A88 or 6D00).
set -u
SEAM_BIN=${SEAM_BIN:-}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
SSD1=A000000151535001
SSD2=A000000151535002

TMP=$(mktemp -d /tmp/seam-gpsd.XXXXXX)
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

# Key files: one key for SSD1, three for SSD2, a second set for SSD1.
K1=00112233445566778899AABBCCDDEEFF
printf '# SSD1, key set 0x30\n%s\n' $K1 >"$TMP/ssd1.keys"
printf 'enc 202122232425262728292A2B2C2D2E2F\nmac 303132333435363738393A3B3C3D3E3F\ndek 404142434445464748494A4B4C4D4E4F\n' >"$TMP/ssd2.keys"
printf 'key 5051525354555657585950515253545556575859505152535455565758595051\n' >"$TMP/ssd1b.keys"
printf 'enc 00112233\n' >"$TMP/bad.keys"

# ---- usage errors: exit 2 before any card is touched ----
NOCARD=(--connect "unix:$TMP/nobody.sock")
run 2 "create-sd without an AID" -- gp "${NOCARD[@]}" create-sd
has "create-sd needs the AID"
run 2 "create-sd with a short AID" -- gp "${NOCARD[@]}" create-sd A0000001
has "expected an AID of 5 to 16 bytes"
run 2 "create-sd with bad hex" -- gp "${NOCARD[@]}" create-sd A0000001515350ZZ
has "expected an AID"
run 2 "unknown privilege" -- gp "${NOCARD[@]}" create-sd $SSD1 --privs card-lock,superuser
has "unknown privilege 'superuser'"
run 2 "privileges of 2 bytes" -- gp "${NOCARD[@]}" create-sd $SSD1 --privs 8000
has "unknown privilege '8000'"
run 2 "params not hex" -- gp "${NOCARD[@]}" create-sd $SSD1 --params XY
has "expected hex bytes"
run 2 "extradite without --to" -- gp "${NOCARD[@]}" extradite $SSD1
has "extradite needs --to SD_AID"
run 2 "extradite without an AID" -- gp "${NOCARD[@]}" extradite --to $SSD2
has "extradite needs the AID"
run 2 "extradite --to a bad AID" -- gp "${NOCARD[@]}" extradite $SSD1 --to 1234
has "--to '1234': expected an AID"
run 2 "--to with list" -- gp "${NOCARD[@]}" list --to $SSD1
has "--to goes with load, install, extradite and put-key"
run 2 "--sd with a bad AID" -- gp "${NOCARD[@]}" --sd A0 list
has "--sd 'A0': expected an AID"
run 2 "set-state without a state" -- gp "${NOCARD[@]}" set-state $SSD1
has "set-state needs an AID and a state"
run 2 "set-state with an unknown state" -- gp "${NOCARD[@]}" set-state $SSD1 HAPPY
has "unknown state 'HAPPY'"
run 2 "lock with a bad AID" -- gp "${NOCARD[@]}" lock 00
has "expected an AID"
run 2 "--deps with lock-card" -- gp "${NOCARD[@]}" lock-card --deps
has "--deps goes with delete"
run 2 "put-key --to a bad AID" -- gp "${NOCARD[@]}" put-key --to XX --new-kvn 0x30 --new-keys "$TMP/ssd1.keys"
has "expected an AID"
run 2 "--keys and --key together" -- gp "${NOCARD[@]}" --keys "$TMP/ssd1.keys" --key $K1 list
has "not both"
run 2 "a missing key file" -- gp "${NOCARD[@]}" --keys "$TMP/none.keys" list
has "cannot open the key file"
run 2 "a malformed key file" -- gp "${NOCARD[@]}" --keys "$TMP/bad.keys" list
has "line 1: expected an AES key"
lacks "00112233"
run 2 "a malformed new key file" -- gp "${NOCARD[@]}" put-key --new-kvn 0x30 --new-keys "$TMP/bad.keys"
has "--new-keys"
run 2 "--sd with a script" -- gp "${NOCARD[@]}" script -o "$TMP/x.apdu" --scp11c --sd $SSD1 lock
has "no --sd"
run 2 "an unknown command" -- gp "${NOCARD[@]}" create-ssd $SSD1
has "unknown command 'create-ssd'"
# signed code, tokens, receipts, send: usage errors (exit 2) before the card is touched
printf 'hash 00\n' >"$TMP/bad.dap"
printf 'dap E2054F03A0A0A0\n' >"$TMP/bad2.dap"
printf 'not a key\n' >"$TMP/bad.pem"
run 2 "--dap with list" -- gp "${NOCARD[@]}" list --dap "$TMP/bad.dap"
has "--dap, --dap-key and --dap-sd go with load and install"
run 2 "--dap-sd without --dap-key" -- gp "${NOCARD[@]}" delete $SSD1 --dap-sd $SSD1
has "go with load and install"
run 2 "--token and --token-key" -- gp "${NOCARD[@]}" delete $SSD1 --token "$TMP/x" --token-key "$TMP/y"
has "not both"
run 2 "--token-id alone" -- gp "${NOCARD[@]}" delete $SSD1 --token-id 01
has "--token-id goes with --token-key"
run 2 "--receipt-key with list" -- gp "${NOCARD[@]}" list --receipt-key "$TMP/ssd1.keys"
has "go with load, install, extradite and delete"
run 2 "--token-key not a key" -- gp "${NOCARD[@]}" delete $SSD1 --token-key "$TMP/bad.pem"
has "--token-key $TMP/bad.pem"
run 2 "--token-id not hex" -- gp "${NOCARD[@]}" delete $SSD1 --token-key "$TMP/bad.pem" --token-id XY
run 2 "--receipt-key not a key" -- gp "${NOCARD[@]}" delete $SSD1 --receipt-key "$TMP/bad.keys"
has "--receipt-key"
lacks "00112233"
run 2 "send without APDUs" -- gp "${NOCARD[@]}" send --applet F070726F760101
has "send needs one or more APDUs"
run 2 "send of bad hex" -- gp "${NOCARD[@]}" send 80B2ZZ
has "is not a plain short command APDU"
run 2 "send of an SM command" -- gp "${NOCARD[@]}" send 84B2000000
has "without secure messaging bits"
run 2 "send to --applet and --sd" -- gp "${NOCARD[@]}" --sd $SSD1 send --applet F070726F760101 80B2000000
has "not both"
run 2 "--applet with list" -- gp "${NOCARD[@]}" list --applet F070726F760101
has "--applet goes with install and send"
run 2 "put-key --new-kid with an enc/mac/dek file" -- gp "${NOCARD[@]}" \
    put-key --new-kid 1 --new-kvn 0x71 --new-keys "$TMP/ssd2.keys"
has "takes one key"
run 0 "help lists send and the signing options" -- gp --help
has "send APDU... [--applet AID]"
has "--token-key KEY"
run 0 "help lists the SD commands" -- gp --help
has "create-sd AID [--privs LIST]"
has "extradite AID --to SD_AID"
has "set-state AID STATE"
has "--sd AID"

# ---- the card ----
SOCK="unix:$TMP/se.sock"
"$SEAM_BIN" se --store "$TMP/card.img" --listen "$SOCK" --quiet >"$TMP/se.log" 2>&1 &
SE_PID=$!
for _ in $(seq 1 100); do [ -S "$TMP/se.sock" ] && break; sleep 0.1; done
[ -S "$TMP/se.sock" ] || { echo "FAIL: seam se --listen did not start: $(cat "$TMP/se.log")"; exit 1; }
GP=(gp --connect "$SOCK")

out=$("$SEAM_BIN" "${GP[@]}" create-sd $SSD1 --privs card-lock 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -qE "answered (6A80|6A88|6D00)" <<<"$out"; then
    echo "SKIP test_gp_sd_cli: the card has no supplementary security domains yet:"
    echo "$out" | sed 's/^/    /'
    [ $fail -eq 0 ] || exit 1
    exit 77
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: create-sd $SSD1: exit $rc"
    echo "$out" | sed 's/^/    /'
    exit 1
fi
has "CREATE-SD: security domain $SSD1 installed, privileges 900000"
run 0 "create-sd with privileges by name" -- "${GP[@]}" create-sd $SSD2 \
    --privs authorized-management,global-delete
has "privileges 805000 (SecurityDomain, AuthorizedManagement, GlobalDelete)"
run 1 "create-sd of an AID that exists" -- "${GP[@]}" create-sd $SSD1
has "the card answered"

run 0 "list: two new SDs, SELECTABLE, associated with the ISD" -- "${GP[@]}" list
has "DOM: $SSD1 (SELECTABLE)"
has "DOM: $SSD2 (SELECTABLE)"
has "Parent:  A000000151000000"
has "Privs:   SecurityDomain, CardLock"
has "Privs:   SecurityDomain, AuthorizedManagement, GlobalDelete"

# A new SSD has no keys: nothing opens it yet.
run 1 "a new SSD opens with no keys" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1.keys" list
has "authentication failed"
has "security domain $SSD1"

# First key sets through the ISD.
run 0 "put-key --to SSD1" -- "${GP[@]}" put-key --to $SSD1 --new-kvn 0x30 --new-keys "$TMP/ssd1.keys"
has "PUT KEY: AES-128 key set 0x30 added to $SSD1; key check values verified"
lacks "$K1"
run 0 "put-key --to SSD2" -- "${GP[@]}" put-key --to $SSD2 --new-kvn 0x30 --new-keys "$TMP/ssd2.keys"
has "added to $SSD2"
run 1 "put-key --to an SD that does not exist" -- "${GP[@]}" put-key --to A000000151535099 \
    --new-kvn 0x30 --new-keys "$TMP/ssd1.keys"
has "INSTALL [for personalization] of A000000151535099: the card answered"

# Each SSD opens with its own keys only.
run 1 "SSD1 with SSD2's keys" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd2.keys" list
has "authentication failed"
run 1 "SSD1 with the ISD's keys" -- "${GP[@]}" --sd $SSD1 list
has "authentication failed"
run 1 "an SD that does not exist" -- "${GP[@]}" --sd A000000151535099 --keys "$TMP/ssd1.keys" list
has "SELECT A000000151535099"

# PERSONALIZED, each under its own session.
run 0 "SSD1 PERSONALIZED" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1.keys" set-state $SSD1 PERSONALIZED
has "SET STATUS: $SSD1 is now PERSONALIZED (0F)"
run 0 "SSD2 PERSONALIZED" -- "${GP[@]}" --sd $SSD2 --keys "$TMP/ssd2.keys" --kvn 0x30 set-state $SSD2 0F
has "is now PERSONALIZED"

# A later key set under SSD1's own session; then SSD1 opens with it.
run 0 "put-key under SSD1's own session" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1.keys" \
    put-key --new-kvn 0x31 --new-keys "$TMP/ssd1b.keys"
has "AES-256 key set 0x31 added"
run 0 "SSD1 with its second key set" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1b.keys" --kvn 0x31 list
has "DOM: $SSD1 (PERSONALIZED)"

# SSD1 may not lock SSD2 (neither associated nor Global Lock).
run 1 "SSD1 locks SSD2" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1.keys" lock $SSD2
has "SET STATUS of $SSD2"

run 0 "list after personalization" -- "${GP[@]}" list
has "DOM: $SSD1 (PERSONALIZED)"
has "DOM: $SSD2 (PERSONALIZED)"

# Extradition of SSD1 to SSD2.
run 0 "extradite SSD1 to SSD2" -- "${GP[@]}" extradite $SSD1 --to $SSD2
has "EXTRADITE: $SSD1 is now associated with security domain $SSD2"
run 0 "list shows the new association" -- "${GP[@]}" list
if ! grep -A1 -F "DOM: $SSD1" <<<"$out" | grep -qF "Parent:  $SSD2"; then
    echo "FAIL: $SSD1 is not listed with parent $SSD2"
    echo "$out" | sed 's/^/    /'
    fail=1
fi
run 1 "extradite to an SD that does not exist" -- "${GP[@]}" extradite $SSD1 --to A000000151535099
has "INSTALL [for extradition] of $SSD1 to A000000151535099: the card answered"

# A load file associated with SSD2 (install --to), its applet extradited to SSD1, when an echo
# load file can be had: $SEAM_ECHO_JCL, $SEAM_BUILD/applets/echo.jcl, or the converter's echo
# test package built here with `seam jc build` (needs javac).
JCL=${SEAM_ECHO_JCL:-${SEAM_BUILD:-build}/applets/echo.jcl}
if [ ! -f "$JCL" ] && command -v javac >/dev/null && [ -d tests/jc/convert/echo ] &&
    "$SEAM_BIN" jc build -o "$TMP/echo.jcl" --package-aid F07365616D01 \
        --applet Echo=F07365616D0101 tests/jc/convert/echo/*.java >"$TMP/jc.log" 2>&1; then
    JCL="$TMP/echo.jcl"
fi
if [ -f "$JCL" ]; then
    run 2 "a DAP file whose hash is not 32 bytes" -- "${GP[@]}" load "$JCL" --dap "$TMP/bad.dap"
    has "line 1: expected the 32-byte hash"
    run 2 "a DAP file with a malformed block" -- "${GP[@]}" load "$JCL" --dap "$TMP/bad2.dap"
    has "line 1: expected a DAP block"
    run 2 "a DAP file that does not exist" -- "${GP[@]}" load "$JCL" --dap "$TMP/none.dap"
    has "cannot read it"
    run 2 "a DAP key that is no key" -- "${GP[@]}" load "$JCL" --dap-key "$TMP/bad.pem"
    has "--dap-key $TMP/bad.pem"
    if command -v openssl >/dev/null; then
        openssl ecparam -name prime256v1 -genkey -noout -out "$TMP/dap.pem" 2>/dev/null
        "$SEAM_BIN" gp dap-sign --sd $SSD1 --key "$TMP/dap.pem" "$JCL" >"$TMP/ok.dap"
        # SSD1 has no DAP Verification privilege: the card refuses a block naming it
        run 1 "a DAP block for an SD without DAP Verification" -- "${GP[@]}" load "$JCL" \
            --dap "$TMP/ok.dap"
        has "LOAD of F07365616D01, block"
        has "6A80"
        run 1 "the same signed here" -- "${GP[@]}" load "$JCL" --dap-key "$TMP/dap.pem" --dap-sd $SSD1
        has "6A80"
    fi
    run 0 "install --to SSD2" -- "${GP[@]}" install "$JCL" --to $SSD2
    has "into $SSD2"
    # INSTALL [for load] names SSD2 for the load file; the applet belongs to the SD that ran
    # INSTALL [for install], here the ISD.
    run 0 "list: the package belongs to SSD2" -- "${GP[@]}" list
    if ! grep -A1 -F "PKG: F07365616D01" <<<"$out" | grep -qF "Parent:  $SSD2"; then
        echo "FAIL: the load file is not listed with parent $SSD2"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
    run 0 "extradite the applet to SSD1" -- "${GP[@]}" extradite F07365616D0101 --to $SSD1
    has "EXTRADITE: F07365616D0101 is now associated with security domain $SSD1"
    run 0 "SSD1 lists its applet" -- "${GP[@]}" --sd $SSD1 --keys "$TMP/ssd1.keys" --channel 3 list
    has "APP: F07365616D0101"
    run 0 "lock the applet" -- "${GP[@]}" lock F07365616D0101
    has "is now LOCKED"
    run 0 "unlock the applet" -- "${GP[@]}" unlock F07365616D0101
    run 0 "delete the package and applet" -- "${GP[@]}" delete F07365616D01 --deps
else
    echo "note: no echo load file (and no javac to build one): install --to not run"
fi

# Lock and unlock SSD2 from the ISD.
run 0 "lock SSD2" -- "${GP[@]}" lock $SSD2
has "SET STATUS: $SSD2 is now LOCKED (80)"
run 0 "list shows SSD2 LOCKED" -- "${GP[@]}" list
has "DOM: $SSD2 (LOCKED)"
run 1 "a locked SSD does not open" -- "${GP[@]}" --sd $SSD2 --keys "$TMP/ssd2.keys" list
run 0 "unlock SSD2" -- "${GP[@]}" unlock $SSD2
has "SET STATUS: $SSD2 unlocked"
run 0 "list shows SSD2 PERSONALIZED again" -- "${GP[@]}" list
has "DOM: $SSD2 (PERSONALIZED)"
run 1 "lock an AID that does not exist" -- "${GP[@]}" lock A000000151535099
has "the card answered"

# Delete both (SSD1 first: it is associated with SSD2).
run 0 "delete SSD1" -- "${GP[@]}" delete $SSD1
run 0 "delete SSD2" -- "${GP[@]}" delete $SSD2
run 0 "list after deletes" -- "${GP[@]}" list
lacks "$SSD1"
lacks "$SSD2"

# The card's own life cycle: lock-card and unlock-card (CARD_LOCKED is reached from SECURED).
run 0 "set-status SECURED" -- "${GP[@]}" set-status SECURED
run 0 "lock-card" -- "${GP[@]}" lock-card
has "CARD_LOCKED"
run 0 "unlock-card" -- "${GP[@]}" unlock-card
has "SECURED"

if [ $fail -ne 0 ]; then exit 1; fi
echo "test_gp_sd_cli: ok"
