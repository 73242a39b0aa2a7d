#!/usr/bin/env bash
# The real PC/SC test: `seam se --vpcd` behind vsmartcard's vpcd reader driver in a pcscd of our
# own, driven by smart card tools we did not write (pcsc_scan, opensc-tool, pyscard) and by
# `seam apdu --reader`. It also restarts pcscd and checks that the SE reconnects.
#
# It never touches a system pcscd: pcscd (pcsc-lite 1.9.9) always makes its socket at
# /run/pcscd/pcscd.comm, so it runs in a private mount namespace (unshare -m) where a
# directory of this test is bind-mounted over /run; the clients (libpcsclite) find that socket
# through PCSCLITE_CSOCK_NAME. Its reader.conf is ours too, with a vpcd port picked from this
# shell's PID (vpcd listens on PORT for "Virtual PCD 00 00" and PORT+1 for "... 00 01").
#
# Before that, without pcscd: `seam se --listen` with `seam apdu --connect`, exit codes, and a
# corrupt store. Every process started here is stopped by its PID in the EXIT trap. Exit 77
# (skipped) when pcscd, vpcd or a mount namespace is not available here.
set -u

SEAM_BIN=${SEAM_BIN:-${SEAM_BUILD:-build}/seam}
READER="Virtual PCD 00 00"
ISD_AID=A000000151000000
SELECT_ISD=00A4040008${ISD_AID}00

skip() {
    echo "SKIP test_vpcd: $*"
    exit 77
}
fail() {
    echo "FAIL test_vpcd: $*"
    for f in "$TMP"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last lines)"
        tail -n 25 "$f"
    done
    exit 1
}
ok() { echo "ok   $*"; PASSED=$((PASSED + 1)); }
PASSED=0

[ -x "$SEAM_BIN" ] || { echo "FAIL test_vpcd: no seam binary at $SEAM_BIN (set SEAM_BIN)"; exit 1; }

TMP=$(mktemp -d /tmp/seam-vpcd.XXXXXX)
PCSCD_PID=
SE_PID=
cleanup() {
    [ -n "$SE_PID" ] && kill "$SE_PID" 2>/dev/null
    [ -n "$PCSCD_PID" ] && kill "$PCSCD_PID" 2>/dev/null
    [ -n "$SE_PID" ] && wait "$SE_PID" 2>/dev/null
    [ -n "$PCSCD_PID" ] && wait "$PCSCD_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- the command line over a socket first (no pcscd needed) ----
"$SEAM_BIN" se --store "$TMP/sock.store" --listen "unix:$TMP/se.sock" >"$TMP/se-sock.log" 2>&1 &
SE_PID=$!
for _ in $(seq 1 50); do [ -S "$TMP/se.sock" ] && break; sleep 0.1; done
printf '# comment\n\n%s\n' "$SELECT_ISD" |
    "$SEAM_BIN" apdu --connect "unix:$TMP/se.sock" --atr 00CA006600 - >"$TMP/sock.out" 2>&1 ||
    fail "seam apdu --connect: $(cat "$TMP/sock.out")"
[ "$(grep -c '^< .*90 00$' "$TMP/sock.out")" = 2 ] || fail "socket APDUs: $(cat "$TMP/sock.out")"
grep -q '^ATR: 3B' "$TMP/sock.out" || fail "no ATR over the socket: $(cat "$TMP/sock.out")"
ok "seam se --listen unix: + seam apdu --connect (argv and stdin)"
"$SEAM_BIN" apdu --connect "unix:$TMP/se.sock" 00A4zz >"$TMP/bad.out" 2>&1
[ $? -eq 2 ] || fail "bad hex must exit 2"
"$SEAM_BIN" apdu --connect "unix:$TMP/nobody.sock" 00A40400 >"$TMP/bad.out" 2>&1
[ $? -eq 1 ] || fail "no server must exit 1"
ok "seam apdu: bad hex exits 2, no server exits 1"
kill -TERM "$SE_PID"
wait "$SE_PID"
rc=$?
SE_PID=
[ $rc -eq 0 ] || fail "seam se --listen exited $rc on SIGTERM"
[ ! -e "$TMP/se.sock" ] || fail "seam se left its socket file behind"
head -c 4096 /dev/zero | tr '\0' 'x' >"$TMP/corrupt.store"
"$SEAM_BIN" se --store "$TMP/corrupt.store" --listen "unix:$TMP/c.sock" >"$TMP/corrupt.log" 2>&1
[ $? -eq 1 ] || fail "a corrupt store must exit 1"
grep -q "corrupt" "$TMP/corrupt.log" || fail "no message for a corrupt store: $(cat "$TMP/corrupt.log")"
ok "seam se: SIGTERM exits 0; a corrupt store exits 1 with a message"

# ---- the real PC/SC stack ----
command -v pcscd >/dev/null || skip "pcscd is not installed (Debian: apt-get install pcscd)"
VPCD_LIB=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
[ -e "$VPCD_LIB" ] || skip "vpcd is not installed (Debian: apt-get install vsmartcard-vpcd)"
for tool in pcsc_scan opensc-tool unshare timeout; do
    command -v $tool >/dev/null || skip "$tool is not installed (pcsc-tools, opensc, util-linux, coreutils)"
done
unshare --mount --propagation private true 2>/dev/null ||
    skip "cannot make a private mount namespace here (need CAP_SYS_ADMIN) for a private pcscd"

# A vpcd port pair not in use, derived from our PID.
port_busy() { ss -ltnH 2>/dev/null | awk '{print $4}' | grep -qE ":($1|$(($1 + 1)))\$"; }
PORT=
for i in 0 1 2 3 4 5 6 7; do
    p=$((40000 + (($$ + i * 7919) % 10000) * 2))
    if ! port_busy $p; then PORT=$p; break; fi
done
[ -n "$PORT" ] || skip "no free port pair for vpcd"
HEXPORT=$(printf '0x%X' "$PORT")

mkdir -p "$TMP/run/pcscd"
# Debian's /etc/reader.conf.d/vpcd with our port: DEVICENAME "/dev/null:PORT" means vpcd
# listens (on all interfaces: vpcd binds INADDR_ANY) rather than connecting to a vicc.
cat >"$TMP/reader.conf" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$HEXPORT
LIBPATH      $VPCD_LIB
CHANNELID    $HEXPORT
EOF
export PCSCLITE_CSOCK_NAME="$TMP/run/pcscd/pcscd.comm"

start_pcscd() {
    rm -f "$PCSCLITE_CSOCK_NAME"
    unshare --mount --propagation private sh -c \
        "mount --bind '$TMP/run' /run && exec pcscd --foreground --info --config '$TMP/reader.conf'" \
        >>"$TMP/pcscd.log" 2>&1 &
    PCSCD_PID=$!
    for _ in $(seq 1 50); do
        [ -S "$PCSCLITE_CSOCK_NAME" ] && grep -q "daemon ready" "$TMP/pcscd.log" && return 0
        kill -0 "$PCSCD_PID" 2>/dev/null || break
        sleep 0.2
    done
    return 1
}
stop_pcscd() {
    kill "$PCSCD_PID" 2>/dev/null
    wait "$PCSCD_PID" 2>/dev/null
    PCSCD_PID=
}
# Waits until the reader shows a card (the SE connected to vpcd and answered its ATR).
wait_card() {
    for _ in $(seq 1 60); do
        opensc-tool -r "$READER" --atr >"$TMP/atr.out" 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}

start_pcscd || {
    if grep -qiE "operation not permitted|permission denied" "$TMP/pcscd.log"; then
        skip "pcscd cannot run here: $(tail -n 1 "$TMP/pcscd.log")"
    fi
    fail "private pcscd did not start"
}
ok "private pcscd (pid $PCSCD_PID) with vpcd on port $PORT"

"$SEAM_BIN" se --store "$TMP/se.store" --vpcd "127.0.0.1:$PORT" >"$TMP/se.log" 2>&1 &
SE_PID=$!
wait_card || fail "no card in \"$READER\" (seam se did not connect to vpcd)"
ATR=$(tr -d ' \n:' <"$TMP/atr.out" | tr a-f A-F)
[ -n "$ATR" ] || fail "empty ATR"
ok "card present in \"$READER\", ATR $ATR (opensc-tool --atr)"

# pcsc_scan (pcsc-tools) runs until stopped: give it a few seconds.
timeout 6 pcsc_scan -n >"$TMP/pcsc_scan.out" 2>&1
grep -q "Virtual PCD 00 00" "$TMP/pcsc_scan.out" || fail "pcsc_scan does not list the reader"
SCAN_ATR=$(grep -m1 "ATR:" "$TMP/pcsc_scan.out" | sed 's/.*ATR://' | tr -d ' ' | tr a-f A-F)
[ "$SCAN_ATR" = "$ATR" ] || fail "pcsc_scan ATR '$SCAN_ATR' differs from '$ATR'"
ok "pcsc_scan shows the reader and the same ATR"

opensc-tool -r "$READER" -c default -s "$SELECT_ISD" >"$TMP/opensc.out" 2>&1 ||
    fail "opensc-tool -s failed: $(cat "$TMP/opensc.out")"
grep -q "SW1=0x90, SW2=0x00" "$TMP/opensc.out" || fail "SELECT ISD via opensc-tool: $(cat "$TMP/opensc.out")"
ok "opensc-tool: SELECT ISD -> 9000"

if /usr/bin/python3 -c 'import smartcard' 2>/dev/null; then
    /usr/bin/python3 - "$READER" "$SELECT_ISD" >"$TMP/pyscard.out" 2>&1 <<'EOF' || fail "pyscard: $(cat "$TMP/pyscard.out")"
import sys
from smartcard.System import readers
from smartcard.util import toBytes, toHexString
name, apdu = sys.argv[1], sys.argv[2]
r = [x for x in readers() if str(x) == name]
if not r:
    sys.exit("reader %r not in %r" % (name, [str(x) for x in readers()]))
conn = r[0].createConnection()
conn.connect()
print("ATR", toHexString(conn.getATR()))
data, sw1, sw2 = conn.transmit(toBytes(apdu))
print("SELECT ISD ->", toHexString(data), "%02X %02X" % (sw1, sw2))
if (sw1, sw2) != (0x90, 0x00):
    sys.exit("SELECT ISD answered %02X%02X" % (sw1, sw2))
conn.disconnect()
EOF
    ok "pyscard: SELECT ISD -> 9000"
else
    echo "note: python3-pyscard not installed for /usr/bin/python3; pyscard step left out"
fi

"$SEAM_BIN" apdu --reader "$READER" --atr "$SELECT_ISD" >"$TMP/apdu.out" 2>&1 ||
    fail "seam apdu --reader: $(cat "$TMP/apdu.out")"
grep -q "^< .*90 00$" "$TMP/apdu.out" || fail "seam apdu SELECT ISD: $(cat "$TMP/apdu.out")"
grep -q "^ATR: $(echo "$ATR" | sed 's/../& /g; s/ $//')$" "$TMP/apdu.out" ||
    fail "seam apdu --atr disagrees with opensc-tool: $(cat "$TMP/apdu.out")"
ok "seam apdu --reader: SELECT ISD -> 9000"

# An unknown instruction is a card answer, not a transport error: exit 0.
"$SEAM_BIN" apdu --reader "$READER" 00EE000000 >"$TMP/apdu2.out" 2>&1 ||
    fail "seam apdu on an error SW: $(cat "$TMP/apdu2.out")"
grep -qE "^< 6[D-E] 00$" "$TMP/apdu2.out" || fail "INS EE: $(cat "$TMP/apdu2.out")"
ok "seam apdu: unsupported INS -> $(sed -n 's/^< //p' "$TMP/apdu2.out"), exit 0"

# ---- SCP03 and Java Card through PC/SC ----
# List the registry over an SCP03 session with the well-known test keys of a fresh store, then
# install the echo applet through the reader and drive it with opensc-tool and pyscard.
"$SEAM_BIN" gp --reader "$READER" list >"$TMP/gp.out" 2>&1 ||
    fail "seam gp --reader list: $(cat "$TMP/gp.out")"
grep -qi "$ISD_AID" "$TMP/gp.out" || fail "seam gp list shows no ISD: $(cat "$TMP/gp.out")"
ok "seam gp --reader list over SCP03"
ECHO_JCL=${SEAM_BUILD:-build}/applets/echo.jcl
[ -f "$ECHO_JCL" ] || fail "$ECHO_JCL missing (make builds it)"
"$SEAM_BIN" gp --reader "$READER" install "$ECHO_JCL" >"$TMP/gpi.out" 2>&1 ||
    fail "seam gp --reader install: $(cat "$TMP/gpi.out")"
ok "seam gp --reader install echo.jcl (LOAD + INSTALL over SCP03 through pcscd)"
opensc-tool -r "$READER" -s 00A4040007F07365616D0101 -s 8001000003AABBCC -s 8002000000 \
    >"$TMP/echo.out" 2>&1 || fail "opensc-tool to the echo applet: $(cat "$TMP/echo.out")"
grep -q "AA BB CC" "$TMP/echo.out" || fail "echo applet INS 01 via opensc-tool: $(cat "$TMP/echo.out")"
grep -q "00 01" "$TMP/echo.out" || fail "echo applet INS 02 via opensc-tool: $(cat "$TMP/echo.out")"
ok "opensc-tool: SELECT echo applet, INS 01 echoes AABBCC, INS 02 counts 0001"
if /usr/bin/python3 -c 'import smartcard' 2>/dev/null; then
    /usr/bin/python3 - "$READER" >"$TMP/pyecho.out" 2>&1 <<'EOF' || fail "pyscard echo: $(cat "$TMP/pyecho.out")"
import sys
from smartcard.System import readers
from smartcard.util import toBytes
r = [x for x in readers() if str(x) == sys.argv[1]][0]
c = r.createConnection()
c.connect()
_, s1, s2 = c.transmit(toBytes("00A4040007F07365616D0101"))
assert (s1, s2) == (0x90, 0), "select %02X%02X" % (s1, s2)
data, s1, s2 = c.transmit(toBytes("8002000000"))
assert (s1, s2) == (0x90, 0) and data == [0, 2], (data, s1, s2)
data, s1, s2 = c.transmit(toBytes("80FF000000"))
assert (s1, s2) == (0x6D, 0x00), "%02X%02X" % (s1, s2)
c.disconnect()
EOF
    ok "pyscard: echo applet counter 0002 (persistent across connections), unknown INS 6D00"
fi
# ---- end of SCP03 and Java Card through PC/SC ----

# pcscd restarts: the SE must come back by itself.
stop_pcscd
start_pcscd || fail "private pcscd did not restart"
wait_card || fail "seam se did not reconnect after pcscd restarted"
"$SEAM_BIN" apdu --reader "$READER" "$SELECT_ISD" >"$TMP/apdu3.out" 2>&1 ||
    fail "seam apdu after pcscd restart: $(cat "$TMP/apdu3.out")"
grep -q "^< .*90 00$" "$TMP/apdu3.out" || fail "SELECT after restart: $(cat "$TMP/apdu3.out")"
ok "seam se reconnected after pcscd restart"

# SIGTERM: seam se stops and exits 0.
kill -TERM "$SE_PID"
wait "$SE_PID"
rc=$?
SE_PID=
[ $rc -eq 0 ] || fail "seam se exited $rc on SIGTERM"
ok "seam se exits 0 on SIGTERM"

echo "$PASSED passed, 0 failed"
