#!/usr/bin/env bash
# `seam gp` end to end against an in-process SE on a store file: info, list, put-key, list with
# the new keys, delete-key, lock/unlock, wrong keys, and usage errors (exit 2 with a message).
set -u
SEAM_BIN=${SEAM_BIN:-}
if [ -z "$SEAM_BIN" ] || [ ! -x "$SEAM_BIN" ]; then
    echo "SEAM_BIN not set or not executable: skipped"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img="$tmp/card.img"
fail=0
NEWKEY=000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F

. "$(dirname "$0")/cli_lib.sh" # run, has, lacks

run 0 "info" -- gp --store "$img" info
has "ATR: 3B"
has "GlobalPlatform version   2.3.1"
has "key version 255 (0xFF)  id 1  AES-128"
has "IC serial number"

run 0 "list with the test keys" -- gp --store "$img" list
has "ISD: A000000151000000"
has "Privs:   SecurityDomain"

run 0 "list at level 01, S16, verbose" -- gp --store "$img" --sec 0x01 --s16 -v list
has "authenticated with key set 0xFF"
has "S16"
has "plain> 80F28002024F00"

run 0 "put-key AES-256" -- gp --store "$img" put-key --new-kvn 0x30 --new-key $NEWKEY
has "AES-256 key set 0x30 added; key check values verified"

run 1 "list with the removed test keys" -- gp --store "$img" list
has "authentication failed: card cryptogram mismatch"

run 0 "list with the new keys" -- gp --store "$img" --kvn 0x30 --key $NEWKEY list
has "ISD: A000000151000000"

run 1 "unknown KVN" -- gp --store "$img" --kvn 0x44 --key $NEWKEY list
has "no key set with KVN 0x44"

run 0 "second key set, distinct keys" -- gp --store "$img" --key $NEWKEY put-key --new-kvn 0x31 \
    --new-enc 11111111111111111111111111111111 --new-mac 22222222222222222222222222222222 \
    --new-dek 33333333333333333333333333333333
has "AES-128 key set 0x31 added"
run 0 "list with the distinct keys" -- gp --store "$img" --kvn 0x31 \
    --key-enc 11111111111111111111111111111111 --key-mac 22222222222222222222222222222222 \
    --key-dek 33333333333333333333333333333333 list
run 0 "delete-key" -- gp --store "$img" --kvn 0x30 --key $NEWKEY delete-key --del-kvn 0x31
has "key set 0x31 deleted"
run 0 "info shows one set" -- gp --store "$img" info
has "key version  48 (0x30)  id 1  AES-256"
if grep -qF "(0x31)" <<<"$out"; then echo "FAIL: key set 31 still listed"; fail=1; fi

run 0 "set-status SECURED" -- gp --store "$img" --key $NEWKEY set-status SECURED
has "card life cycle is now SECURED (0F)"
run 0 "list shows SECURED" -- gp --store "$img" --key $NEWKEY list
has "ISD: A000000151000000 (SECURED)"
run 0 "lock" -- gp --store "$img" --key $NEWKEY lock
has "CARD_LOCKED"
run 0 "list while locked" -- gp --store "$img" --key $NEWKEY list
has "ISD: A000000151000000 (CARD_LOCKED)"
run 0 "unlock" -- gp --store "$img" --key $NEWKEY unlock
has "now SECURED"

run 0 "logical channel 2" -- gp --store "$img" --key $NEWKEY --channel 2 list
has "ISD: A000000151000000"

# Usage errors: exit 2 and a message that says what to do.
run 2 "no command" -- gp --store "$img"
has "no command given"
run 2 "unknown command" -- gp --store "$img" frobnicate
has "unknown command 'frobnicate'"
run 2 "unknown option" -- gp --store "$img" --frob list
has "unknown option '--frob'"
run 2 "bad key length" -- gp --store "$img" --key 0011 list
has "16, 24 or 32 bytes"
run 2 "bad hex" -- gp --store "$img" --key zz112233445566778899aabbccddeeff list
run 2 "bad level" -- gp --store "$img" --sec 0x07 list
has "--sec must be"
run 2 "put-key without kvn" -- gp --store "$img" put-key --new-key $NEWKEY
has "--new-kvn"
run 2 "put-key kvn out of range" -- gp --store "$img" put-key --new-kvn 300 --new-key $NEWKEY
run 2 "two transports" -- gp --store "$img" --connect unix:/nonexistent list
run 2 "partial key triple" -- gp --store "$img" --key-enc $NEWKEY list
run 2 "set-status without state" -- gp --store "$img" set-status
run 0 "help" -- gp --help
has "usage: seam gp"
run 1 "unreachable socket" -- gp --connect unix:$tmp/nothing info
has "cannot connect"

if [ $fail -ne 0 ]; then exit 1; fi
echo "test_gp_cli: ok"
