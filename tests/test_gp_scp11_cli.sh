#!/usr/bin/env bash
# `seam gp` over SCP11 (GP CS 2.3.1 Amendment F) end to end against an in-process SE on a store
# file, with a PKI made here by OpenSSL's command line: CA-KLOC and the OCE's ECKA certificate,
# a card CA and the SD's ECKA certificates.
#  - personalisation over SCP03 with the test keys: put-key --new-kid of CA-KLOC (from its
#    certificate) and of the SD key pairs (PEM keys), store-cert of SCP11b's certificate (BF21);
#  - SCP11b with the certificate read from the card, SCP11a and SCP11c with certificate files,
#    at every level; install / list / delete of the echo applet over SCP11c and 11a;
#  - refusals: an SD certificate from another CA, with the wrong key usage, an OCE key that is
#    not the certificate's, usage errors;
#  - `seam gp script`: an SCP11c put-key and install built without the card, replayed with
#    `seam apdu --store FILE -`, checked with `seam gp script-check`, the effect checked, and a
#    second replay (see the note printed about the card's replay protection).
# Skipped (77) without SEAM_BIN or the openssl command.
set -u
SEAM_BIN=${SEAM_BIN:-}
SEAM_BUILD=${SEAM_BUILD:-build}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
if ! command -v openssl >/dev/null; then
    echo "no openssl command: skipped"
    exit 77
fi
JCL=${SEAM_ECHO_JCL:-$SEAM_BUILD/applets/echo.jcl}
PKG=F07365616D01
APP=F07365616D0101
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
img="$tmp/card.img"
fail=0

. "$(dirname "$0")/cli_lib.sh" # run, has, lacks

# ---- the PKI ----
cd "$tmp" || exit 1
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
root() { # NAME CN
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 3650 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" -out "$1.pem" 2>/dev/null
}
leaf() { # NAME CN CA USAGE
    [ -f "$1.key" ] || key "$1.key"
    printf 'keyUsage=critical,%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n' \
        "$4" >"$1.ext"
    openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial $RANDOM -days 365 \
        -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
root kloc "CA-KLOC"
root cardca "Card CA"
root other "Other CA"
leaf oce "OCE" kloc keyAgreement
openssl ec -in oce.key -out oce.sec1.key 2>/dev/null # SEC 1 "EC PRIVATE KEY"
leaf sda "SD 11a" cardca keyAgreement
leaf sdb "SD 11b" cardca keyAgreement
leaf sdc "SD 11c" cardca keyAgreement
cp sdb.key sdbku.key
leaf sdbku "SD 11b" cardca "keyAgreement,digitalSignature"
cp sdb.key sdbother.key
leaf sdbother "SD 11b" other keyAgreement
openssl x509 -in sdc.pem -outform DER -out sdc.der
for f in kloc cardca oce sda sdb sdc sdbku sdbother; do
    [ -s "$f.pem" ] || { echo "FAIL: openssl did not make $f.pem"; exit 1; }
done
cd - >/dev/null || exit 1
P="$tmp"

# ---- personalisation over SCP03 ----
run 0 "CA-KLOC public key" -- gp --store "$img" put-key --new-kid 0x10 --new-kvn 1 --ec-pub "$P/kloc.pem"
has "ECC P-256 public key KID 0x10 KVN 0x01 added"
run 0 "SCP11a key pair" -- gp --store "$img" put-key --new-kid 0x11 --new-kvn 3 --ec-key "$P/sda.key"
run 0 "SCP11b key pair" -- gp --store "$img" put-key --new-kid 0x13 --new-kvn 1 --ec-key "$P/sdb.key"
has "ECC P-256 key pair KID 0x13 KVN 0x01 added"
run 0 "SCP11c key pair" -- gp --store "$img" put-key --new-kid 0x15 --new-kvn 3 --ec-key "$P/sdc.key"
run 0 "SCP11b certificate" -- gp --store "$img" store-cert "$P/sdb.pem" --new-kid 0x13 --new-kvn 1
has "1 certificate stored for key KID 0x13 KVN 0x01"
run 0 "info lists the ECC keys" -- gp --store "$img" info
has "id 19"

# ---- sessions ----
B=(--scp11b --kvn 1 --ca "$P/cardca.pem")
A=(--scp11a --kvn 3 --ca "$P/cardca.pem" --sd-cert "$P/sda.pem" --oce-key "$P/oce.key" --oce-cert "$P/oce.pem")
C=(--scp11c --kvn 3 --ca "$P/cardca.pem" --sd-cert "$P/sdc.der" --oce-key "$P/oce.sec1.key" --oce-cert "$P/oce.pem")
for sec in 0x01 0x03 0x11 0x33; do
    run 0 "SCP11b at $sec, certificate from the card" -- gp --store "$img" "${B[@]}" --sd-cert-from-card --sec $sec list
    has "ISD: A000000151000000"
    run 0 "SCP11a at $sec" -- gp --store "$img" "${A[@]}" --sec $sec list
    has "ISD: A000000151000000"
    run 0 "SCP11c at $sec" -- gp --store "$img" "${C[@]}" --sec $sec list
    has "ISD: A000000151000000"
done
run 0 "SCP11b verbose" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdb.pem" -v list
has "authenticated with SCP11b, SD key KID 0x13 KVN 0x01, level 33"
has "wire > 8088011353A60D9002110095013C"

# the card has no chain for 11a: the file is the fallback
run 0 "SCP11a, from the card with a file fallback" -- gp --store "$img" "${A[@]}" --sd-cert-from-card list
run 1 "SCP11a, from the card without a fallback" -- gp --store "$img" --scp11a --kvn 3 --ca "$P/cardca.pem" --sd-cert-from-card --oce-key "$P/oce.key" --oce-cert "$P/oce.pem" list
has "GET DATA BF21"

if [ -f "$JCL" ]; then
    run 0 "install over SCP11c" -- gp --store "$img" "${C[@]}" install "$JCL"
    has "INSTALL: $APP"
    run 0 "list over SCP11a" -- gp --store "$img" "${A[@]}" --sec 0x03 list
    has "APP: $APP (SELECTABLE)"
    # SCP11b does not authenticate the off-card entity: seam's card refuses DELETE in it (6982)
    run 1 "delete over SCP11b" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdb.pem" delete $PKG --deps
    has "6982"
    run 0 "delete over SCP11a" -- gp --store "$img" "${A[@]}" --sec 0x11 delete $PKG --deps
else
    echo "note: $JCL not built: install over SCP11 not tested"
fi

# ---- refusals ----
run 1 "SD certificate from another CA" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdbother.pem" list
has "is not acceptable"
run 1 "SD certificate with digitalSignature too" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdbku.pem" list
has "keyAgreement only"
run 1 "SD certificate of another key" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sda.pem" list
has "the receipt does not verify"
run 2 "OCE key not the certificate's" -- gp --store "$img" --scp11a --kvn 3 --ca "$P/cardca.pem" --sd-cert "$P/sda.pem" --oce-key "$P/sda.key" --oce-cert "$P/oce.pem" list
has "is not the key of the last --oce-cert"
run 1 "OCE chain the card's CA-KLOC did not issue" -- gp --store "$img" --scp11a --kvn 3 --ca "$P/cardca.pem" --sd-cert "$P/sda.pem" --oce-key "$P/sdb.key" --oce-cert "$P/sdbother.pem" list
has "6982"
run 2 "level 13" -- gp --store "$img" "${A[@]}" --sec 0x13 list
has "SCP11 has the levels"
run 2 "no --ca" -- gp --store "$img" --scp11b --kvn 1 --sd-cert "$P/sdb.pem" list
run 2 "11b with an OCE key" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdb.pem" --oce-key "$P/oce.key" list
run 2 "a certificate as the OCE key" -- gp --store "$img" --scp11a --kvn 3 --ca "$P/cardca.pem" --sd-cert "$P/sda.pem" --oce-key "$P/oce.pem" --oce-cert "$P/oce.pem" list
has "no readable PEM private key"
run 2 "a missing certificate file" -- gp --store "$img" "${B[@]}" --sd-cert "$P/nothing.pem" list
has "cannot open"

# ---- SCP11c off-line scripts ----
NEWKEY=303132333435363738393A3B3C3D3E3F
run 0 "script put-key" -- gp script -o "$P/put.apdu" "${C[@]}" put-key --new-kvn 0x31 --new-key $NEWKEY
has "APDUs written to"
grep -q "^# expect: " "$P/put.apdu" || { echo "FAIL: no expectations in the script"; fail=1; }
"$SEAM_BIN" apdu --store "$img" - <"$P/put.apdu" >"$P/put.log" 2>&1 || { echo "FAIL: replay"; fail=1; }
run 0 "script-check of the replay" -- gp script-check "$P/put.apdu" "$P/put.log"
has "as the script expects"
run 0 "the new key set works" -- gp --store "$img" --kvn 0x31 --key $NEWKEY list
has "ISD: A000000151000000"
"$SEAM_BIN" apdu --store "$img" - <"$P/put.apdu" >"$P/put2.log" 2>&1 || { echo "FAIL: replay 2"; fail=1; }
run 1 "script-check of a second replay" -- gp script-check "$P/put.apdu" "$P/put2.log"
# the card refuses the replayed SCP11c session itself
ma_sw=$(grep -A1 '^> 80 82 03 15' "$P/put2.log" | tail -1 | awk '{print $(NF-1) $NF}')
[ "$ma_sw" = 6982 ] || { echo "FAIL: replayed SCP11c MUTUAL AUTHENTICATE answered '$ma_sw', not 6982"; fail=1; }
if [ -f "$JCL" ]; then
    run 0 "script install" -- gp script -o "$P/inst.apdu" "${C[@]}" --sec 0x03 install "$JCL"
    "$SEAM_BIN" apdu --store "$img" - <"$P/inst.apdu" >"$P/inst.log" 2>&1 || { echo "FAIL: replay install"; fail=1; }
    run 0 "script-check of the install" -- gp script-check "$P/inst.apdu" "$P/inst.log"
    run 0 "the applet is there" -- gp --store "$img" "${B[@]}" --sd-cert "$P/sdb.pem" list
    has "APP: $APP (SELECTABLE)"
fi
run 2 "script needs --scp11c" -- gp script -o "$P/x.apdu" "${A[@]}" put-key --new-kvn 0x32 --new-key $NEWKEY
run 2 "script needs -o" -- gp script "${C[@]}" put-key --new-kvn 0x32 --new-key $NEWKEY
run 2 "script of list" -- gp script -o "$P/x.apdu" "${C[@]}" list
run 2 "script with a card" -- gp script -o "$P/x.apdu" --store "$img" "${C[@]}" lock
[ -e "$P/x.apdu" ] && { echo "FAIL: a refused script left a file"; fail=1; }
run 1 "script-check of a truncated log" -- gp script-check "$P/put.apdu" /dev/null

[ $fail -eq 0 ] && echo "test_gp_scp11_cli: all passed"
exit $fail
