#!/usr/bin/env bash
# `seam jc build` and `seam jc convert` end to end: the echo test package (tests/jc/convert/echo)
# builds into a load file that starts with the magic and has the five sections of
# include/seam/jcl.h in order, each length exact; building twice, and converting javac's class
# files directly, give identical bytes. Sources outside the Java Card subset (long, float,
# String, synchronized, a 2-D array, a lambda) are refused with exit 1 and a message naming
# class, member and reason. Usage errors exit 2.
set -u
SEAM_BIN=${SEAM_BIN:-build/seam}
SEAM_BUILD=${SEAM_BUILD:-build}
if ! command -v javac >/dev/null; then
    echo "javac not installed (openjdk-17-jdk-headless): skipped"
    exit 77
fi
jar="$SEAM_BUILD/jc/api.jar"
[ -f "$jar" ] || { echo "FAIL: $jar missing (make builds it)"; exit 1; }
src=tests/jc/convert
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
AIDS=(--package-aid F07365616D01 --applet com.seam.test.echo.Echo=F07365616D0101)

# 1. build: exit 0 and a well-formed outer structure
if ! out=$("$SEAM_BIN" jc build -o "$tmp/echo.jcl" "${AIDS[@]}" --api "$jar" \
        "$src"/echo/*.java 2>&1); then
    echo "FAIL: seam jc build of the echo applet:"; echo "$out" | sed 's/^/    /'
    exit 1
fi
bytes=($(od -An -v -tx1 "$tmp/echo.jcl"))
n=${#bytes[@]}
head=$(printf '%s' "${bytes[@]:0:6}")
[ "$head" = "534a434c0100" ] || { echo "FAIL: header $head, want 534a434c0100 (SJCL 1.0)"; fail=1; }
off=6
for want in 01 02 03 04 05; do
    if [ $((off + 5)) -gt "$n" ]; then echo "FAIL: file ends before section $want"; fail=1; break; fi
    tag=${bytes[$off]}
    len=$((16#${bytes[$((off + 1))]}${bytes[$((off + 2))]}${bytes[$((off + 3))]}${bytes[$((off + 4))]}))
    [ "$tag" = "$want" ] || { echo "FAIL: section tag $tag at offset $off, want $want"; fail=1; break; }
    off=$((off + 5 + len))
done
[ "$off" = "$n" ] || { echo "FAIL: sections end at $off, file is $n bytes"; fail=1; }

# 2. deterministic: build again (API found next to the seam binary), and convert javac's output
if ! "$SEAM_BIN" jc build -o "$tmp/echo2.jcl" "${AIDS[@]}" "$src"/echo/*.java 2>"$tmp/err"; then
    echo "FAIL: second build (default API path):"; sed 's/^/    /' "$tmp/err"; fail=1
elif ! cmp -s "$tmp/echo.jcl" "$tmp/echo2.jcl"; then
    echo "FAIL: two builds of the same sources differ"; fail=1
fi
mkdir -p "$tmp/cls"
javac -source 8 -target 8 -encoding UTF-8 -Xlint:all,-options,-deprecation,-overrides -Werror \
    -bootclasspath "$jar" -d "$tmp/cls" "$src"/echo/*.java
if ! "$SEAM_BIN" jc convert -o "$tmp/echo3.jcl" "${AIDS[@]}" --api "$jar" "$tmp/cls" \
        2>"$tmp/err"; then
    echo "FAIL: seam jc convert:"; sed 's/^/    /' "$tmp/err"; fail=1
elif ! cmp -s "$tmp/echo.jcl" "$tmp/echo3.jcl"; then
    echo "FAIL: convert of javac's class files differs from build"; fail=1
fi

# 3. refusals: exit 1, message "class.member: reason", no output file
refused() { # HOW DIR PATTERN
    local how=$1 dir=$2 want=$3 out rc
    rm -f "$tmp/bad.jcl"
    if [ "$how" = build ]; then
        out=$("$SEAM_BIN" jc build -o "$tmp/bad.jcl" --package-aid F07365616D02 --api "$jar" \
            "$src/bad/$dir"/*.java 2>&1)
        rc=$?
    else # compiled against the JDK: javac cannot compile these against the Java Card API
        rm -rf "$tmp/jdk" && mkdir -p "$tmp/jdk"
        javac -source 8 -target 8 -Xlint:-options -d "$tmp/jdk" "$src/bad/$dir"/*.java
        out=$("$SEAM_BIN" jc convert -o "$tmp/bad.jcl" --package-aid F07365616D02 \
            --api "$jar" "$tmp/jdk" 2>&1)
        rc=$?
    fi
    if [ "$rc" != 1 ]; then
        echo "FAIL: $dir: exit $rc, want 1"; echo "$out" | sed 's/^/    /'; fail=1
    elif ! grep -qF -- "$want" <<<"$out"; then
        echo "FAIL: $dir: message lacks '$want':"; echo "$out" | sed 's/^/    /'; fail=1
    fi
    [ ! -e "$tmp/bad.jcl" ] || { echo "FAIL: $dir: output written despite the refusal"; fail=1; }
}
refused build long "com/seam/test/bad/longs/UsesLong.sum(SS)S: uses long (opcode i2l at pc 1)"
refused build float "com/seam/test/bad/floats/UsesFloat.scale: uses float (field of type F)"
refused build sync "com/seam/test/bad/sync/UsesSynchronized.bump()V: synchronized method"
refused build array2d \
    "com/seam/test/bad/arrays/UsesArray2D.corner()B: uses a multi-dimensional array (opcode multianewarray"
refused jdk string \
    "com/seam/test/bad/strings/UsesString.greeting()Ljava/lang/Object;: uses java/lang/String"
refused jdk lambda "com/seam/test/bad/lambda/UsesLambda.twice(S)S: uses invokedynamic"

# 4. --import: a client package compiles and converts against a converted server package; its
#    load file imports the server by AID. Without --import its reference is unresolved.
if ! "$SEAM_BIN" jc build -o "$tmp/srv.jcl" --package-aid F07365616D03 --api "$jar" \
        "$src"/server/*.java 2>"$tmp/err"; then
    echo "FAIL: build of the server package:"; sed 's/^/    /' "$tmp/err"; fail=1
elif ! "$SEAM_BIN" jc build -o "$tmp/cli.jcl" --package-aid F07365616D04 \
        --applet Client=F07365616D0401 --import "$tmp/srv.jcl" --api "$jar" \
        "$src"/client/*.java 2>"$tmp/err"; then
    echo "FAIL: build of the client package with --import:"; sed 's/^/    /' "$tmp/err"; fail=1
elif ! od -An -v -tx1 "$tmp/cli.jcl" | tr -d ' \n' | grep -q "06f07365616d0314636f6d2f7365616d2f746573742f736572766572"; then
    echo "FAIL: the client's load file does not import com/seam/test/server by its AID"; fail=1
else
    mkdir -p "$tmp/clicls"
    javac -source 8 -target 8 -Xlint:-options -bootclasspath "$jar" -d "$tmp/clicls" \
        "$src"/server/*.java "$src"/client/*.java
    rm -rf "$tmp/clicls/com/seam/test/server"
    out=$("$SEAM_BIN" jc convert -o "$tmp/cli3.jcl" --package-aid F07365616D04 --api "$jar" \
        "$tmp/clicls" 2>&1)
    [ $? = 1 ] && grep -qF "references class com/seam/test/server/Purse, in no known package" \
        <<<"$out" || { echo "FAIL: client without --import:"; echo "$out" | sed 's/^/    /'; fail=1; }
fi

# 5. usage
"$SEAM_BIN" jc >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: 'seam jc' without a command: want exit 2"; fail=1; }
"$SEAM_BIN" jc --help >/dev/null 2>&1 || { echo "FAIL: seam jc --help"; fail=1; }
"$SEAM_BIN" jc build --help | grep -q "package-aid" || { echo "FAIL: seam jc build --help"; fail=1; }
"$SEAM_BIN" jc build --package-aid F07365616D01 x.java >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: build without -o: want exit 2"; fail=1; }
"$SEAM_BIN" jc convert -o "$tmp/x.jcl" --package-aid F073 "$tmp/cls" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: a 2-byte package AID: want exit 2"; fail=1; }
"$SEAM_BIN" jc convert -o "$tmp/x.jcl" --package-aid F07365616D01 --applet Nope=F07365616D0101 \
    --api "$jar" "$tmp/cls" >/dev/null 2>&1
[ $? = 1 ] || { echo "FAIL: an applet class that does not exist: want exit 1"; fail=1; }

[ "$fail" = 0 ] && echo "ok: seam jc build/convert"
exit "$fail"
