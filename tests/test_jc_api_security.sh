#!/usr/bin/env bash
# Constants of javacard.security and javacardx.crypto in build/jc/api.jar, as javap prints them,
# against the values of the Java Card 3.0.5 Classic API specification (javac copies them into
# applets, and some applets hard-code the numbers). Values: the specification's "Constant Field
# Values" (docs.oracle.com/javacard/3.0.5/api), cross-checked with the constants tables applet
# test suites keep for real cards (e.g. JCAlgTest's JCConsts) and decompiled 3.x api_classic
# stubs for the 3.0.5 additions (ALG_AES_CMAC_128, ALG_AES_CTR, AEADCipher, RandomData).
# Also: the native-backed key and crypto classes are package-private (no public member beyond
# the specification).
set -u
SEAM_BUILD=${SEAM_BUILD:-build}
jar="$SEAM_BUILD/jc/api.jar"
if ! command -v javap >/dev/null; then
    echo "javap not installed (openjdk-17-jdk-headless): skipped"
    exit 77
fi
[ -f "$jar" ] || { echo "FAIL: $jar missing"; exit 1; }
fail=0
n=0
dump=$(javap -constants -classpath "$jar" javacard.security.KeyBuilder javacard.security.Signature \
    javacard.security.MessageDigest javacard.security.RandomData javacard.security.KeyPair \
    javacard.security.KeyAgreement javacard.security.Checksum javacard.security.CryptoException \
    javacardx.crypto.Cipher javacardx.crypto.AEADCipher 2>&1)
check() { # class name value
    local line
    line=$(echo "$dump" | awk -v c="$1" '/^(public )?(abstract )?(final )?class /{cur=$0} index(cur, c" ") || index(cur, c"{") {print}' |
        grep -E " $2 = " | head -1)
    n=$((n + 1))
    if ! echo "$line" | grep -qE " $2 = $3;"; then
        echo "FAIL: $1.$2: expected $3, javap says: ${line:-nothing}"
        fail=1
    fi
}
KB=javacard.security.KeyBuilder
for kv in TYPE_DES_TRANSIENT_RESET=1 TYPE_DES_TRANSIENT_DESELECT=2 TYPE_DES=3 TYPE_RSA_PUBLIC=4 \
    TYPE_RSA_PRIVATE=5 TYPE_RSA_CRT_PRIVATE=6 TYPE_DSA_PUBLIC=7 TYPE_DSA_PRIVATE=8 \
    TYPE_EC_F2M_PUBLIC=9 TYPE_EC_F2M_PRIVATE=10 TYPE_EC_FP_PUBLIC=11 TYPE_EC_FP_PRIVATE=12 \
    TYPE_AES_TRANSIENT_RESET=13 TYPE_AES_TRANSIENT_DESELECT=14 TYPE_AES=15 TYPE_HMAC=21 \
    TYPE_HMAC_TRANSIENT_RESET=19 TYPE_HMAC_TRANSIENT_DESELECT=20 \
    TYPE_RSA_CRT_PRIVATE_TRANSIENT_DESELECT=25 TYPE_EC_FP_PRIVATE_TRANSIENT_RESET=30 \
    TYPE_EC_FP_PRIVATE_TRANSIENT_DESELECT=31 ALG_TYPE_DES=1 ALG_TYPE_AES=2 ALG_TYPE_HMAC=9 \
    ALG_TYPE_EC_FP_PUBLIC=7 ALG_TYPE_EC_FP_PRIVATE=8 ALG_TYPE_RSA_CRT_PRIVATE=13 LENGTH_DES=64 \
    LENGTH_DES3_2KEY=128 LENGTH_DES3_3KEY=192 LENGTH_RSA_1024=1024 LENGTH_RSA_2048=2048 \
    LENGTH_RSA_4096=4096 LENGTH_EC_FP_256=256 LENGTH_EC_FP_384=384 LENGTH_EC_FP_521=521 \
    LENGTH_AES_128=128 LENGTH_AES_256=256 LENGTH_HMAC_SHA_256_BLOCK_64=64 \
    LENGTH_HMAC_SHA_512_BLOCK_128=128; do check $KB "${kv%%=*}" "${kv#*=}"; done
SG=javacard.security.Signature
for kv in ALG_DES_MAC8_ISO9797_M2=6 ALG_RSA_SHA_PKCS1=10 ALG_ECDSA_SHA=17 \
    ALG_AES_MAC_128_NOPAD=18 ALG_RSA_SHA_PKCS1_PSS=21 ALG_HMAC_SHA1=24 ALG_HMAC_SHA_256=25 \
    ALG_HMAC_SHA_512=27 ALG_ECDSA_SHA_256=33 ALG_ECDSA_SHA_384=34 ALG_ECDSA_SHA_224=37 \
    ALG_ECDSA_SHA_512=38 ALG_RSA_SHA_256_PKCS1=40 ALG_RSA_SHA_256_PKCS1_PSS=44 \
    ALG_RSA_SHA_512_PKCS1_PSS=46 ALG_AES_CMAC_128=49 SIG_CIPHER_RSA=3 SIG_CIPHER_ECDSA=5 \
    SIG_CIPHER_AES_MAC128=6 SIG_CIPHER_HMAC=7 MODE_SIGN=1 MODE_VERIFY=2; do
    check $SG "${kv%%=*}" "${kv#*=}"; done
MD=javacard.security.MessageDigest
for kv in ALG_NULL=0 ALG_SHA=1 ALG_MD5=2 ALG_RIPEMD160=3 ALG_SHA_256=4 ALG_SHA_384=5 \
    ALG_SHA_512=6 ALG_SHA_224=7 LENGTH_SHA=20 LENGTH_SHA_224=28 LENGTH_SHA_256=32 \
    LENGTH_SHA_384=48 LENGTH_SHA_512=64; do check $MD "${kv%%=*}" "${kv#*=}"; done
for kv in ALG_PSEUDO_RANDOM=1 ALG_SECURE_RANDOM=2 ALG_TRNG=3 ALG_PRESEEDED_DRBG=4 ALG_FAST=5 \
    ALG_KEYGENERATION=6; do check javacard.security.RandomData "${kv%%=*}" "${kv#*=}"; done
for kv in ALG_RSA=1 ALG_RSA_CRT=2 ALG_DSA=3 ALG_EC_F2M=4 ALG_EC_FP=5; do
    check javacard.security.KeyPair "${kv%%=*}" "${kv#*=}"; done
for kv in ALG_EC_SVDP_DH=1 ALG_EC_SVDP_DH_KDF=1 ALG_EC_SVDP_DHC=2 ALG_EC_SVDP_DH_PLAIN=3 \
    ALG_EC_SVDP_DHC_PLAIN=4 ALG_EC_PACE_GM=5 ALG_EC_SVDP_DH_PLAIN_XY=6 ALG_DH_PLAIN=7; do
    check javacard.security.KeyAgreement "${kv%%=*}" "${kv#*=}"; done
for kv in ALG_ISO3309_CRC16=1 ALG_ISO3309_CRC32=2; do
    check javacard.security.Checksum "${kv%%=*}" "${kv#*=}"; done
for kv in ILLEGAL_VALUE=1 UNINITIALIZED_KEY=2 NO_SUCH_ALGORITHM=3 INVALID_INIT=4 ILLEGAL_USE=5; do
    check javacard.security.CryptoException "${kv%%=*}" "${kv#*=}"; done
CI=javacardx.crypto.Cipher
for kv in ALG_DES_CBC_NOPAD=1 ALG_DES_ECB_NOPAD=5 ALG_RSA_PKCS1=10 ALG_RSA_NOPAD=12 \
    ALG_AES_BLOCK_128_CBC_NOPAD=13 ALG_AES_BLOCK_128_ECB_NOPAD=14 ALG_RSA_PKCS1_OAEP=15 \
    ALG_AES_CBC_ISO9797_M2=23 ALG_AES_CTR=-16 CIPHER_AES_CBC=1 CIPHER_AES_ECB=2 CIPHER_RSA=7 \
    PAD_NULL=0 PAD_NOPAD=1 PAD_ISO9797_M2=3 PAD_PKCS1=7 PAD_PKCS1_OAEP=9 MODE_DECRYPT=1 \
    MODE_ENCRYPT=2; do check $CI "${kv%%=*}" "${kv#*=}"; done
for kv in CIPHER_AES_GCM=-15 CIPHER_AES_CCM=-14 ALG_AES_GCM=-13 ALG_AES_CCM=-12; do
    check javacardx.crypto.AEADCipher "${kv%%=*}" "${kv#*=}"; done
# implementation classes are not public
for c in KeyBase AESKeyImpl ECPrivateKeyImpl SignatureImpl DigestImpl; do
    if javap -classpath "$jar" "javacard.security.$c" 2>/dev/null | grep -q "^public"; then
        echo "FAIL: javacard.security.$c is public"
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "ok: $n constants of javacard.security / javacardx.crypto"
exit $fail
