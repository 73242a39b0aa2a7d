#!/usr/bin/env bash
# The walk-through of docs/providers.md ("Two providers on one card"), command for command:
# two supplementary security domains made by the card issuer, their first keys put through the
# ISD, a DAP key for each provider and the issuer's token and receipt keys, the provider applet
# signed (dap-sign) and installed by provider A under Authorized Management, provider B's own
# copy signed and installed under Delegated Management with the issuer's tokens (receipts
# checked), each applet talked to over its own secure channel (seam gp send --applet), A's keys
# and the issuer's refused by B's applet, a DAP made for another file refused, B's package
# deleted with a token made offline (seam gp token).
#
# Through the real PC/SC stack when it can run here (a private pcscd with vpcd in a mount
# namespace, exactly as tests/test_vpcd.sh starts it), else through `seam se --listen`; the
# commands are the same but for the card option. Every process started here is stopped by its
# PID. Exit 77 (skipped) without javac or openssl, or when the provider applet is not built.
set -u
SEAM_BIN=${SEAM_BIN:-build/seam}
SEAM_BUILD=${SEAM_BUILD:-build}
SRC=$(pwd)
PROVIDER_JCL=$SEAM_BUILD/applets/provider.jcl
PROVIDER_JAVA=$SRC/applets/provider/src/seam/provider/Provider.java
for t in javac openssl; do
    command -v $t >/dev/null || { echo "$t not installed: skipped"; exit 77; }
done
[ -f "$PROVIDER_JCL" ] || { echo "$PROVIDER_JCL not built: skipped"; exit 77; }
[ -f "$PROVIDER_JAVA" ] || { echo "$PROVIDER_JAVA missing: skipped"; exit 77; }
case $SEAM_BIN in /*) ;; *) SEAM_BIN=$SRC/$SEAM_BIN ;; esac
case $PROVIDER_JCL in /*) ;; *) PROVIDER_JCL=$SRC/$PROVIDER_JCL ;; esac

TMP=$(mktemp -d /tmp/seam-readme-sd.XXXXXX)
SE_PID=
PCSCD_PID=
cleanup() {
    [ -n "$SE_PID" ] && kill "$SE_PID" 2>/dev/null
    [ -n "$PCSCD_PID" ] && kill "$PCSCD_PID" 2>/dev/null
    [ -n "$SE_PID" ] && wait "$SE_PID" 2>/dev/null
    [ -n "$PCSCD_PID" ] && wait "$PCSCD_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || exit 1
fail=0
. "$(dirname "$0")/cli_lib.sh" # run, has, lacks

# ---- the card: vpcd through a private pcscd, else a socket ----
READER="Virtual PCD 00 00"
VPCD_LIB=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
via=socket
if command -v pcscd >/dev/null && [ -e "$VPCD_LIB" ] && command -v opensc-tool >/dev/null &&
    unshare --mount --propagation private true 2>/dev/null; then
    PORT=$((40000 + (($$ * 3 + 17) % 10000) * 2))
    HEXPORT=$(printf '0x%X' "$PORT")
    mkdir -p "$TMP/run/pcscd"
    printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:%s\nLIBPATH      %s\nCHANNELID    %s\n' \
        "$HEXPORT" "$VPCD_LIB" "$HEXPORT" >"$TMP/reader.conf"
    export PCSCLITE_CSOCK_NAME="$TMP/run/pcscd/pcscd.comm"
    unshare --mount --propagation private sh -c \
        "mount --bind '$TMP/run' /run && exec pcscd --foreground --info --config '$TMP/reader.conf'" \
        >>"$TMP/pcscd.log" 2>&1 &
    PCSCD_PID=$!
    for _ in $(seq 1 50); do
        [ -S "$PCSCLITE_CSOCK_NAME" ] && grep -q "daemon ready" "$TMP/pcscd.log" && break
        sleep 0.2
    done
    if [ -S "$PCSCLITE_CSOCK_NAME" ]; then
        "$SEAM_BIN" se --store card.img --vpcd "127.0.0.1:$PORT" >"$TMP/se.log" 2>&1 &
        SE_PID=$!
        for _ in $(seq 1 60); do
            opensc-tool -r "$READER" --atr >/dev/null 2>&1 && { via=vpcd; break; }
            sleep 0.5
        done
    fi
    if [ $via != vpcd ]; then
        echo "note: pcscd with vpcd did not come up here; the walk-through goes over a socket"
        [ -n "$SE_PID" ] && { kill "$SE_PID"; wait "$SE_PID" 2>/dev/null; SE_PID=; }
        kill "$PCSCD_PID" 2>/dev/null; wait "$PCSCD_PID" 2>/dev/null; PCSCD_PID=
        rm -f card.img
    fi
fi
if [ $via = vpcd ]; then
    CARD=(--reader "$READER")
else
    "$SEAM_BIN" se --store card.img --listen "unix:$TMP/se.sock" --quiet >"$TMP/se.log" 2>&1 &
    SE_PID=$!
    for _ in $(seq 1 100); do [ -S "$TMP/se.sock" ] && break; sleep 0.1; done
    [ -S "$TMP/se.sock" ] || { echo "FAIL: seam se --listen did not start"; exit 1; }
    CARD=(--connect "unix:$TMP/se.sock")
fi
echo "the card: $via"

A=A000000151535001
B=A000000151535002

# ---- keys: files only ----
openssl rand -hex 16 >provA.keys
openssl rand -hex 16 >provB.keys
openssl ecparam -name prime256v1 -genkey -noout -out provA-dap.pem
openssl ecparam -name prime256v1 -genkey -noout -out provB-dap.pem
openssl ecparam -name prime256v1 -genkey -noout -out issuer-token.pem
openssl rand -hex 16 >issuer-receipt.key

# ---- 1. the issuer makes two SSDs and puts their first keys ----
run 0 "create-sd A" -- gp "${CARD[@]}" create-sd $A --privs authorized-management,dap-verification
has "CREATE-SD: security domain $A installed, privileges C04000 (SecurityDomain, DAPVerification, AuthorizedManagement)"
run 0 "create-sd B" -- gp "${CARD[@]}" create-sd $B --privs delegated-management,dap-verification
has "CREATE-SD: security domain $B installed, privileges E00000 (SecurityDomain, DAPVerification, DelegatedManagement)"
run 0 "put-key --to A" -- gp "${CARD[@]}" put-key --to $A --new-kvn 0x30 --new-keys provA.keys
has "PUT KEY: AES-128 key set 0x30 added to $A; key check values verified"
lacks "$(cat provA.keys)"
run 0 "put-key --to B" -- gp "${CARD[@]}" put-key --to $B --new-kvn 0x30 --new-keys provB.keys
has "added to $B"
run 0 "issuer token key" -- gp "${CARD[@]}" put-key --new-kid 1 --new-kvn 0x70 --ec-pub issuer-token.pem
has "PUT KEY: ECC P-256 public key KID 0x01 KVN 0x70 added"
run 0 "issuer receipt key" -- gp "${CARD[@]}" put-key --new-kid 1 --new-kvn 0x71 --new-keys issuer-receipt.key
has "PUT KEY: AES-128 key KID 0x01 KVN 0x71 added; key check value verified"
lacks "$(cat issuer-receipt.key)"

# ---- 2. each provider takes over its SSD ----
run 0 "A PERSONALIZED" -- gp "${CARD[@]}" --sd $A --keys provA.keys set-state $A PERSONALIZED
has "SET STATUS: $A is now PERSONALIZED (0F)"
run 0 "A DAP key" -- gp "${CARD[@]}" --sd $A --keys provA.keys put-key --new-kid 1 --new-kvn 0x73 --ec-pub provA-dap.pem
has "PUT KEY: ECC P-256 public key KID 0x01 KVN 0x73 added"
run 0 "B PERSONALIZED" -- gp "${CARD[@]}" --sd $B --keys provB.keys set-state $B PERSONALIZED
run 0 "B DAP key" -- gp "${CARD[@]}" --sd $B --keys provB.keys put-key --new-kid 1 --new-kvn 0x73 --ec-pub provB-dap.pem
run 1 "A's keys do not open B" -- gp "${CARD[@]}" --sd $B --keys provA.keys list
has "authentication failed"

# ---- 3. provider A: a signed applet, Authorized Management ----
run 0 "dap-sign A" -- gp dap-sign --sd $A --key provA-dap.pem "$PROVIDER_JCL"
echo "$out" >provA.dap
has "dap E24C4F08${A}C340"
run 0 "install A" -- gp "${CARD[@]}" --sd $A --keys provA.keys install "$PROVIDER_JCL" --dap provA.dap
has "LOAD: F070726F7601 (version 1.0, 1 applet) into $A"
has "DAP: $A signed the load file; the card verified it"
has "INSTALL: F070726F760101 from module F070726F760101 of F070726F7601, privileges 00: SELECTABLE"

# ---- 4. provider B: its own copy, signed, delegated with the issuer's tokens ----
mkdir -p provb
sed 's/^package seam\.provider;/package provb;/' "$PROVIDER_JAVA" >provb/Provider.java
run 0 "jc build B" -- jc build -o provB.jcl --package-aid F070726F7602 \
    --applet provb.Provider=F070726F760201 provb/Provider.java
run 0 "dap-sign B" -- gp dap-sign --sd $B --key provB-dap.pem provB.jcl
echo "$out" >provB.dap
# refusals first: A's DAP file for B's load file; B's file unsigned; B without a token
run 2 "a DAP file for another load file" -- gp "${CARD[@]}" --sd $B --keys provB.keys install provB.jcl \
    --dap provA.dap --token-key issuer-token.pem --token-id 01
has "was signed for another load file"
run 1 "B without a token" -- gp "${CARD[@]}" --sd $B --keys provB.keys install provB.jcl --dap provB.dap
has "INSTALL [for load] of F070726F7602 into $B: the card answered 6982"
run 1 "B signed by A's DAP key" -- gp "${CARD[@]}" --sd $B --keys provB.keys install provB.jcl \
    --dap-key provA-dap.pem --token-key issuer-token.pem --token-id 01
has "LOAD of F070726F7602, block"
has "6982"
run 0 "install B" -- gp "${CARD[@]}" --sd $B --keys provB.keys install provB.jcl --dap provB.dap \
    --token-key issuer-token.pem --token-id 02 --receipt-key issuer-receipt.key
has "LOAD: F070726F7602 (version 1.0, 1 applet) into $B"
has "DAP: $B signed the load file; the card verified it"
has "RECEIPT: verified with --receipt-key (confirmation counter 1, token 02)"
has "INSTALL: F070726F760201 from module F070726F760201 of F070726F7602"
has "RECEIPT: verified with --receipt-key (confirmation counter 2, token 03)"

run 0 "list" -- gp "${CARD[@]}" list
if ! grep -A1 -F "APP: F070726F760101" <<<"$out" | grep -qF "Parent:  $A"; then
    echo "FAIL: A's applet is not associated with $A"; echo "$out" | sed 's/^/    /'; fail=1
fi
if ! grep -A1 -F "APP: F070726F760201" <<<"$out" | grep -qF "Parent:  $B"; then
    echo "FAIL: B's applet is not associated with $B"; echo "$out" | sed 's/^/    /'; fail=1
fi

# ---- 5. each applet over its own secure channel ----
run 0 "A writes and reads" -- gp "${CARD[@]}" --keys provA.keys send --applet F070726F760101 \
    80D200000A6D657465722041203132 80B2000000
has "< 6D 65 74 65 72 20 41 20 31 32 90 00"
run 0 "B writes and reads" -- gp "${CARD[@]}" --keys provB.keys send --applet F070726F760201 \
    80D200000A6D657465722042203334 80B2000000
has "< 6D 65 74 65 72 20 42 20 33 34 90 00"
run 1 "A's keys on B's applet" -- gp "${CARD[@]}" --keys provA.keys send --applet F070726F760201 80B2000000
has "authentication failed"
lacks "6D 65 74 65 72"
run 1 "the issuer's keys on A's applet" -- gp "${CARD[@]}" send --applet F070726F760101 80B2000000
has "authentication failed"
run 0 "B's channel, -v: ciphertext on the wire" -- gp "${CARD[@]}" -v --channel 3 --keys provB.keys \
    send --applet F070726F760201 80B2000000
has "wire > 87B2"
has "< 6D 65 74 65 72 20 42 20 33 34 90 00"

# ---- 6. B deletes its package with a token made offline ----
run 0 "token offline" -- gp token --key issuer-token.pem --sd $B --id 04 --ins delete --p1 00 \
    --p2 80 --data 4F06F070726F7602
echo "$out" >delete-B.token
run 2 "a token for another AID" -- gp "${CARD[@]}" --sd $B --keys provB.keys delete F070726F7601 --deps \
    --token delete-B.token
has "holds no token for DELETE of F070726F7601"
# a token is bound to the SD it was made for: one made for A's SD, sent by B, is refused
run 0 "token for A's SD" -- gp token --key issuer-token.pem --sd $A --id 04 --ins delete --p1 00 \
    --p2 80 --data 4F06F070726F7602
echo "$out" >wrong-sd.token
run 1 "a token made for another SD" -- gp "${CARD[@]}" --sd $B --keys provB.keys delete F070726F7602 \
    --deps --token wrong-sd.token
has "6982"
has "security domain (--sd)"
run 0 "delete B" -- gp "${CARD[@]}" --sd $B --keys provB.keys delete F070726F7602 --deps \
    --token delete-B.token --receipt-key issuer-receipt.key
has "DELETE: F070726F7602 and its applications deleted"
has "RECEIPT: verified with --receipt-key (confirmation counter 3, token 04)"
run 1 "the token again" -- gp "${CARD[@]}" --sd $B --keys provB.keys delete F070726F7602 --deps \
    --token delete-B.token
run 0 "A's applet unaffected" -- gp "${CARD[@]}" --keys provA.keys send --applet F070726F760101 80B2000000
has "< 6D 65 74 65 72 20 41 20 31 32 90 00"

[ $fail -eq 0 ] && echo "test_readme_gp_sd: ok ($via)"
exit $fail
