#!/bin/sh
# `seam gp dap-sign | token | verify-receipt` (src/cli/cmd_gp_sig.c) through the built binary:
# the AES DAP block is checked against OpenSSL's own CMAC of the Load File Data Block Hash
# (sha256 of the load file), the ECC block's shape, a token's layout, a receipt known answer
# (computed with `openssl mac -cipher AES-128-CBC ... CMAC`, as in tests/test_gp_dap.c), and
# the exit codes 0 / 1 / 2. Exit 77 (skipped) when openssl or xxd is missing, or while cmd_gp.c
# does not hand its argv to cmd_gp_offline yet.
set -u
SEAM_BIN=${SEAM_BIN:-}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then echo "SEAM_BIN not set: skipped"; exit 77; fi
for t in openssl xxd sha256sum; do
    command -v $t >/dev/null 2>&1 || { echo "$t missing: skipped"; exit 77; }
done
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

head -c 3000 /dev/urandom > "$D/lf.bin"
echo "2B7E151628AED2A6ABF7158809CF4F3C" > "$D/aes.hex"
SD=A000000151535041

if "$SEAM_BIN" gp dap-sign 2>&1 | grep -q "unknown command"; then
    echo "cmd_gp does not call cmd_gp_offline yet: skipped"; exit 77
fi
out=$("$SEAM_BIN" gp dap-sign --sd $SD --aes-key "$D/aes.hex" "$D/lf.bin" 2>"$D/err")
rc=$?
[ $rc -eq 0 ] || bad "dap-sign aes exit $rc: $(cat "$D/err")"
hash=$(sha256sum "$D/lf.bin" | cut -d' ' -f1 | tr a-f A-F)
echo "$out" | grep -q "^hash $hash\$" || bad "hash line: $out"
echo "$hash" | xxd -r -p > "$D/h.bin"
mac=$(openssl mac -cipher AES-128-CBC -macopt hexkey:2B7E151628AED2A6ABF7158809CF4F3C -in "$D/h.bin" CMAC)
echo "$out" | grep -q "^dap E21C4F08${SD}C310${mac}\$" || bad "aes dap block: $out (mac $mac)"

openssl ecparam -name prime256v1 -genkey -noout -out "$D/ec.pem" 2>/dev/null
out=$("$SEAM_BIN" gp dap-sign --sd $SD --key "$D/ec.pem" "$D/lf.bin") || bad "dap-sign ecc"
echo "$out" | grep -q "^dap E24C4F08${SD}C340[0-9A-F]\{128\}\$" || bad "ecc dap block: $out"
grep -q "PRIVATE" <<EOT && bad "a key was printed"
$out
EOT

# a token for INSTALL [for load]: ELF, SD, no hash, empty parameters
data=05A00000000108${SD}0000
out=$("$SEAM_BIN" gp token --key "$D/ec.pem" --sd $SD --id 01 --ins install --p1 02 --p2 00 \
      --data $data) || bad "token"
echo "$out" | grep -q "^05A00000000108${SD}0005B603930101" || bad "token layout: $out"
[ ${#out} -eq $(( (${#data} / 2 + 5 + 1 + 64) * 2 )) ] || bad "token length: $out"
"$SEAM_BIN" gp token --key "$D/ec.pem" --sd $SD --id 01 --ins install --p1 02 --p2 00 \
    --data 05A0 >/dev/null 2>&1 && bad "token accepted a truncated data field"
# a token is bound to the SD that sends the command (docs/dap.md): no --sd, no token (usage)
"$SEAM_BIN" gp token --key "$D/ec.pem" --id 01 --ins install --p1 02 --p2 00 --data $data \
    >/dev/null 2>&1
[ $? -eq 2 ] || bad "token without --sd: not a usage error"
"$SEAM_BIN" gp token --key "$D/ec.pem" --sd 0102 --id 01 --ins install --p1 02 --p2 00 \
    --data $data >/dev/null 2>&1
[ $? -eq 2 ] || bad "token with a 2-byte --sd: not a usage error"
out=$("$SEAM_BIN" gp token --key "$D/ec.pem" --id 07 --sd $SD --ins delete --p1 00 --p2 80 \
      --data 4F05A000000001) || bad "delete token"
echo "$out" | grep -q "^4F05A000000001B603930107 9E40\|^4F05A000000001B6039301079E40" \
    || bad "delete token layout: $out"

# receipt known answer (tests/test_gp_dap.c)
echo "000102030405060708090A0B0C0D0E0F" > "$D/rk.hex"
R=100C1E107A052F2F14F85B3D47135C0B3602000A0A1112131415161718191A
out=$("$SEAM_BIN" gp verify-receipt --key "$D/rk.hex" --aid A000000001 --aid $SD $R) \
    || bad "verify-receipt known answer"
echo "$out" | grep -q "counter 10" || bad "verify-receipt output: $out"
"$SEAM_BIN" gp verify-receipt --key "$D/rk.hex" --aid A000000001 --aid A000000151535042 $R \
    >/dev/null 2>&1
[ $? -eq 1 ] || bad "wrong context accepted"
"$SEAM_BIN" gp verify-receipt --key "$D/rk.hex" --aid A000000001 --aid $SD ${R%??}1B \
    >/dev/null 2>&1
[ $? -eq 1 ] || bad "tampered receipt accepted"
"$SEAM_BIN" gp verify-receipt --key "$D/rk.hex" $R >/dev/null 2>&1
[ $? -eq 2 ] || bad "usage error not 2"
"$SEAM_BIN" gp dap-sign --sd A0 "$D/lf.bin" >/dev/null 2>&1
[ $? -eq 2 ] || bad "dap-sign usage not 2"
# a token file used by `seam gp --token`: the line for another command is not taken (exit 2,
# with the `seam gp token` command that would make the right one), before anything changes
"$SEAM_BIN" gp token --key "$D/ec.pem" --sd A000000151000000 --id 09 --ins delete --p1 00 \
    --p2 00 --data 4F05A000000001 >"$D/del.tok" || bad "delete token for the file"
out=$("$SEAM_BIN" gp --store "$D/card.img" delete A000000002 --token "$D/del.tok" 2>&1)
[ $? -eq 2 ] || bad "a token for another AID: not exit 2: $out"
echo "$out" | grep -q "holds no token for DELETE of A000000002" || bad "token message: $out"
hint="seam gp token --sd A000000151000000 --ins delete --p1 00 --p2 00 --data 4F05A000000002"
echo "$out" | grep -q "$hint" \
    || bad "token hint: $out"
printf 'zz\n' >"$D/bad.dap"
out=$("$SEAM_BIN" gp --store "$D/card.img" delete A000000002 --dap "$D/bad.dap" 2>&1)
[ $? -eq 2 ] || bad "--dap with delete: not exit 2: $out"
exit $fail
