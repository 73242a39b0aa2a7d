#!/usr/bin/env bash
# Installs the Debian 12 packages seam needs to build and test. Idempotent: it asks apt-get
# only for what is missing, so a second run costs one dpkg query.
set -euo pipefail
pkgs=(
  build-essential cmake pkg-config
  libssl-dev            # OpenSSL 3 libcrypto: every primitive seam uses
  libpcsclite-dev pcscd # PC/SC host side and the daemon the vpcd test starts
  vsmartcard-vpcd       # the virtual reader driver that makes seam a PC/SC card
  pcsc-tools opensc     # the ordinary smart card tools the tests drive the card with
  python3-pyscard       # pyscard, a PC/SC client we did not write
  libjansson-dev        # JSON reader for the test-vector files (tests only)
  clang libclang-rt-14-dev  # libFuzzer targets (make fuzz)
  openjdk-17-jdk-headless   # javac/jar: the Java Card API jar and Java Card applets
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "deps: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
