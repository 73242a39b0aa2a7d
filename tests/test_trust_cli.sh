#!/usr/bin/env bash
# `seam trust` end to end (docs/trust.md): three roots made with `seam pki`, an issuing CA and
# organisation certificates; `seam trust sign` with two signers (one through an intermediate),
# checked by `seam trust verify` (the card's CMS parser + OpenSSL's CMS_verify) and by the
# `openssl cms -verify` command independently; `seam trust anchors` and `seam trust apdus`;
# the APDUs sent with `seam apdu --store` to a card that has no anchors yet (refused 6985).
# Refusals: a key that is not the certificate's, a missing parameter, unknown options (exit 2).
set -u
SEAM_BIN=${SEAM_BIN:-${SEAM_BUILD:+$SEAM_BUILD/seam}}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
command -v openssl >/dev/null || { echo "openssl command not found: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
run() {
    local want=$1 what=$2
    shift 2
    out=$("$SEAM_BIN" "$@" 2>&1)
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: $what: exit $rc (wanted $want)"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
for i in 1 2 3; do
    run 0 "root $i" pki root -o root$i --name "seam Root $i"
done
run 0 "issuing 2" pki issuing --ca root2 -o ica2 --name "seam Issuing CA 2"
run 0 "org 2" pki org --ca ica2 -o org2 --name "Example DNO" --role network-operator --usage sign
run 0 "org 3" pki org --ca root3 -o org3 --name "Example Supplier" --role supplier --usage sign

run 0 "sign" trust sign --op replace-anchor --cell 1 --root root3/cert.pem --counter 1700000000000 \
    --signer org2/key.pem,org2/cert.pem,ica2/cert.pem --signer org3/key.pem,org3/cert.pem -o cmd.der
run 0 "verify" trust verify cmd.der --root root1/cert.pem --root root2/cert.pem --root root3/cert.pem
run 1 "verify without root 2" trust verify cmd.der --root root1/cert.pem --root root3/cert.pem
cat root1/cert.pem root2/cert.pem root3/cert.pem > roots.pem
if ! openssl cms -verify -binary -inform DER -in cmd.der -CAfile roots.pem -purpose any \
    -no_check_time -out content.bin 2>/dev/null; then
    echo "FAIL: openssl cms -verify refuses the command"
    fail=1
fi
# the content starts with 80 01 01 (replace-anchor)
[ "$(head -c 3 content.bin | od -An -tx1 | tr -d ' \n')" = "800101" ] ||
    { echo "FAIL: content does not start with the operation"; fail=1; }

run 1 "wrong key" trust sign --op attest --counter 5 --signer org3/key.pem,org2/cert.pem -o x.der
run 2 "missing cell" trust sign --op revoke-anchor --counter 5 --signer org3/key.pem,org3/cert.pem -o y.der
run 2 "unknown op" trust sign --op format-card --counter 5 --signer org3/key.pem,org3/cert.pem -o z.der
run 2 "no subcommand" trust

run 0 "anchors" trust anchors -k 2 root1/cert.pem root2/cert.pem root3/cert.pem -o anchors.bin
run 2 "anchors k=1" trust anchors -k 1 root1/cert.pem root2/cert.pem root3/cert.pem -o a2.bin
run 0 "apdus" trust apdus cmd.der
echo "$out" > cmd.apdu
grep -q '^80E29' cmd.apdu || { echo "FAIL: no last STORE DATA block"; fail=1; }
# a card without anchors refuses the command (6985) after taking every block (9000)
out=$("$SEAM_BIN" apdu --store card.img - < cmd.apdu 2>&1)
echo "$out" | tail -1 | grep -q '69 85$' || { echo "FAIL: card answer: $out"; fail=1; }
exit $fail
