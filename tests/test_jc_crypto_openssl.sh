#!/usr/bin/env bash
# Cross-check of signatures and key agreement made by the card with Debian's openssl command
# line: the test package (tests/jc/sec, built into $SEAM_BUILD/tests/jcsec/sec.jcl) is installed
# with `seam gp --store FILE install`, then one `seam apdu --store FILE -` session drives the
# generic applet seam.sec.Harness: it generates an EC P-256 key pair and an RSA-2048 (CRT) key
# pair, signs a message with ECDSA-SHA-256, RSA PKCS#1 v1.5 SHA-256 and RSA-PSS SHA-256 (the 3.0.5
# getInstance(ALG_SHA_256, SIG_CIPHER_RSA, PAD_PKCS1_PSS) form), and does ECDH (DH_PLAIN) with a
# key pair made by openssl. openssl verifies the three signatures with the public keys read from
# the card (dgst -verify, pkeyutl -verify) and derives the same ECDH secret (pkeyutl -derive).
# A corrupted message must fail verification.
set -u
SEAM_BIN=${SEAM_BIN:-}
SEAM_BUILD=${SEAM_BUILD:-build}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ] || ! command -v openssl >/dev/null ||
    ! command -v xxd >/dev/null; then
    echo "SEAM_BIN, openssl or xxd missing: skipped"
    exit 77
fi
jcl=$SEAM_BUILD/tests/jcsec/sec.jcl
[ -f "$jcl" ] || { echo "no $jcl: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$SEAM_BIN" gp --store "$T/card" install "$jcl" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; bad "seam gp install"; exit 1; }

# the host's ECDH key pair; its public point (uncompressed) is the last 65 bytes of the DER SPKI
openssl ecparam -name prime256v1 -genkey -noout -out "$T/host.pem" 2>/dev/null
openssl pkey -in "$T/host.pem" -pubout -outform DER -out "$T/host.der"
peer=$(tail -c 65 "$T/host.der" | xxd -p | tr -d '\n')
msg=$(printf 'seam card signature test' | xxd -p | tr -d '\n')
printf 'seam card signature test' >"$T/msg.bin"
mlen=$(printf '%04x' $((${#msg} / 2)))

# One Harness command (see Harness.java): c INS P1 P2 [short arguments...]
c() {
    local ins=$1 p1=$2 p2=$3 data=""
    shift 3
    for a in "$@"; do data+=$(printf '%04x' $((a & 0xFFFF))); done
    if [ -n "$data" ]; then
        printf '80%s%s%s%02x%s00\n' "$ins" "$p1" "$p2" $((${#data} / 2)) "$data"
    else
        printf '80%s%s%s00\n' "$ins" "$p1" "$p2"
    fi
}
# WRITE hex at io offset
w() { printf '8001%04x%02x%s\n' "$1" $((${#2} / 2)) "$2"; }
ml=$((${#msg} / 2))
# io layout: 0 message, 100 EC W, 200 ECDSA signature, 300 peer point, 400 ECDH secret,
# 500 RSA modulus, 800 PKCS#1 signature, 1100 PSS signature. Slots: keys 1/2 EC, 4/5 RSA;
# objects 0 ECDSA, 1 KeyAgreement, 2 RSA PKCS#1, 3 RSA PSS.
{
    echo 00A4040009F07365616D5301AA02
    c 13 05 00 256 1 2            # KeyPair(ALG_EC_FP, 256).genKeyPair
    c 13 02 00 2048 4 5           # KeyPair(ALG_RSA_CRT, 2048).genKeyPair
    w 0 "$msg"
    c 12 01 06 100                # W -> io 100
    c 02 00 64 65                 # READ io 100, 65 bytes                        (line 6)
    c 20 00 01 33                 # Signature ALG_ECDSA_SHA_256
    c 21 00 02 1
    c 23 00 00 0 "$ml" 200        # sign -> io 200                               (line 9)
    c 02 00 c8 72                 # READ 72 bytes                                (line 10)
    w 300 "$peer"
    c 20 01 05 3                  # KeyAgreement ALG_EC_SVDP_DH_PLAIN
    c 21 01 02
    c 23 01 00 300 65 400         # generateSecret -> io 400
    c 02 01 90 32                 # READ the secret                              (line 15)
    c 12 04 00 500                # modulus -> io 500
    c 02 01 f4 256                # READ it                                      (line 17)
    c 20 02 01 40                 # Signature ALG_RSA_SHA_256_PKCS1
    c 21 02 05 1
    c 23 02 00 0 "$ml" 800
    c 02 03 20 256                # READ the PKCS#1 signature                    (line 21)
    c 20 03 02 4 3 8              # Signature(ALG_SHA_256, SIG_CIPHER_RSA, PAD_PKCS1_PSS)
    c 21 03 05 1
    c 23 03 00 0 "$ml" 1100
    c 02 04 4c 256                # READ the PSS signature                       (line 25)
} >"$T/cmds"
"$SEAM_BIN" apdu --store "$T/card" - <"$T/cmds" >"$T/out" 2>&1 || { cat "$T/out"; bad "seam apdu"; }
# response data of command n (1-based), without the status word; checks 9000
resp() {
    local line
    line=$(grep '^<' "$T/out" | sed -n "${1}p")
    case "$line" in
    *"90 00") ;;
    *) bad "command $1 answered: $line"; return ;;
    esac
    echo "$line" | sed 's/^< *//; s/ *90 00$//' | tr -d ' ' | tr A-F a-f
}
ecw=$(resp 6)
siglen=$((16#$(resp 9)))
ecsig=$(resp 10)
ecsig=${ecsig:0:$((2 * siglen))}
secret=$(resp 15)
modulus=$(resp 17)
pkcs1=$(resp 21)
pss=$(resp 25)

# card EC public key as SubjectPublicKeyInfo (id-ecPublicKey, prime256v1)
echo "3059301306072a8648ce3d020106082a8648ce3d030107034200$ecw" | xxd -r -p >"$T/card_ec.der"
openssl pkey -pubin -inform DER -in "$T/card_ec.der" -out "$T/card_ec.pem" 2>"$T/err" ||
    { cat "$T/err"; bad "card EC key not accepted by openssl"; }
echo "$ecsig" | xxd -r -p >"$T/ecdsa.sig"
openssl dgst -sha256 -verify "$T/card_ec.pem" -signature "$T/ecdsa.sig" "$T/msg.bin" \
    >"$T/v" 2>&1 && grep -q "Verified OK" "$T/v" || { cat "$T/v"; bad "ECDSA P-256 signature"; }
# ECDH: openssl derives the same x coordinate with the host key and the card's public key
openssl pkeyutl -derive -inkey "$T/host.pem" -peerkey "$T/card_ec.pem" -out "$T/z.bin" 2>"$T/err" ||
    { cat "$T/err"; bad "openssl derive"; }
[ "$(xxd -p "$T/z.bin" | tr -d '\n')" = "$secret" ] || bad "ECDH secret differs: card $secret"

# card RSA public key (n, e = 65537) as PKCS#1 RSAPublicKey, then SPKI PEM
cat >"$T/rsa.cnf" <<CNF
asn1=SEQUENCE:pub
[pub]
n=INTEGER:0x$modulus
e=INTEGER:0x010001
CNF
openssl asn1parse -genconf "$T/rsa.cnf" -out "$T/rsa.der" >/dev/null 2>&1 &&
    openssl rsa -RSAPublicKey_in -inform DER -in "$T/rsa.der" -pubout -out "$T/rsa.pem" 2>"$T/err" ||
    { cat "$T/err"; bad "card RSA key not accepted by openssl"; }
echo "$pkcs1" | xxd -r -p >"$T/pkcs1.sig"
echo "$pss" | xxd -r -p >"$T/pss.sig"
openssl dgst -sha256 -verify "$T/rsa.pem" -signature "$T/pkcs1.sig" "$T/msg.bin" >"$T/v" 2>&1 &&
    grep -q "Verified OK" "$T/v" || { cat "$T/v"; bad "RSA PKCS#1 v1.5 signature"; }
openssl dgst -sha256 -binary "$T/msg.bin" >"$T/msg.sha256"
openssl pkeyutl -verify -pubin -inkey "$T/rsa.pem" -in "$T/msg.sha256" -sigfile "$T/pss.sig" \
    -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 \
    >"$T/v" 2>&1 && grep -q "Signature Verified Successfully" "$T/v" ||
    { cat "$T/v"; bad "RSA-PSS signature"; }
# a changed message must not verify
printf 'seam card signature tesT' >"$T/bad.bin"
openssl dgst -sha256 -verify "$T/card_ec.pem" -signature "$T/ecdsa.sig" "$T/bad.bin" >/dev/null 2>&1 &&
    bad "ECDSA verified a changed message"
openssl dgst -sha256 -verify "$T/rsa.pem" -signature "$T/pkcs1.sig" "$T/bad.bin" >/dev/null 2>&1 &&
    bad "RSA verified a changed message"
[ $fail -eq 0 ] && echo "ok: openssl verified ECDSA P-256, RSA-2048 PKCS#1 v1.5 and PSS signatures made on the card and derived the card's ECDH P-256 secret"
exit $fail
