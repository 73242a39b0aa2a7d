#!/usr/bin/env bash
# `seam jc build` of applets that carry annotations (issue 5: unmodified open-source applets,
# such as SmartPGP, use @Override and @SuppressWarnings("fallthrough")). javac gets
# build/jc/compile.jar after api.jar (jc/compile/README.md), so:
#  1. an applet with @Override on process(), @SuppressWarnings("fallthrough") on a method whose
#     switch falls through (-Xlint:all -Werror would refuse it otherwise) and a @Deprecated
#     method builds, installs with seam gp --store and answers through seam apdu --store;
#  2. the annotations leave no trace: the load file is byte for byte the one converted from the
#     same source with the annotation lines taken out (compiled by javac alone: the fall-through
#     warning is no longer suppressed there);
#  3. the annotations are really checked by javac: @Override on a method that overrides nothing
#     fails (exit 1);
#  4. a string literal now compiles (java.lang.String is in compile.jar), and the converter
#     refuses it: exit 1, a message naming class, method and the literal, no output file; the
#     same for a String field, and for a class implementing java.lang.annotation.Annotation
#     (not in the API the converter and the ROM know);
#  5. javac's own failures still exit 1, and when compile.jar cannot be found (an --api that
#     has none next to it, copied away from the build) the message says so.
set -u
SEAM_BIN=${SEAM_BIN:-build/seam}
SEAM_BUILD=${SEAM_BUILD:-build}
if ! command -v javac >/dev/null; then
    echo "javac not installed (openjdk-17-jdk-headless): skipped"
    exit 77
fi
jar="$SEAM_BUILD/jc/api.jar"
[ -f "$jar" ] || { echo "FAIL: $jar missing (make builds it)"; exit 1; }
[ -f "$SEAM_BUILD/jc/compile.jar" ] || { echo "FAIL: $SEAM_BUILD/jc/compile.jar missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
out=
check() { # description, then the command; its output is kept in $out
    local what=$1
    shift
    if ! out=$("$@" 2>&1); then
        echo "FAIL: $what:"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
want() { # text that must be in $out
    if ! grep -qF -- "$1" <<<"$out"; then
        echo "FAIL: output lacks '$1':"; echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
refused() { # WHAT EXPECTED-TEXT SOURCES... : seam jc build must exit 1, say it, write nothing
    local what=$1 text=$2 rc
    shift 2
    rm -f "$tmp/bad.jcl"
    out=$("$SEAM_BIN" jc build -o "$tmp/bad.jcl" --package-aid F07365616DA2 --api "$jar" "$@" 2>&1)
    rc=$?
    if [ "$rc" != 1 ]; then
        echo "FAIL: $what: exit $rc, want 1"; echo "$out" | sed 's/^/    /'; fail=1
    elif ! grep -qF -- "$text" <<<"$out"; then
        echo "FAIL: $what: message lacks '$text':"; echo "$out" | sed 's/^/    /'; fail=1
    fi
    [ ! -e "$tmp/bad.jcl" ] || { echo "FAIL: $what: load file written despite the refusal"; fail=1; }
}

# 1. The annotated applet: INS 20 with P1 = 1 or 2 counts through a fall-through switch and
#    answers (steps, calls of the deprecated counter); another P1 gives 6A86.
src=$tmp/src/com/example/annot
mkdir -p "$src"
cat >"$src/Annot.java" <<'EOF'
package com.example.annot;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;

public final class Annot extends Applet {
    private short calls;

    public static void install(byte[] b, short off, byte len) {
        new Annot().register();
    }

    @Override
    public void process(APDU apdu) {
        if (selectingApplet()) {
            return;
        }
        byte[] buf = apdu.getBuffer();
        if (buf[ISO7816.OFFSET_INS] != (byte) 0x20) {
            ISOException.throwIt(ISO7816.SW_INS_NOT_SUPPORTED);
        }
        buf[0] = steps(buf[ISO7816.OFFSET_P1]);
        buf[1] = (byte) count();
        apdu.setOutgoingAndSend((short) 0, (short) 2);
    }

    @SuppressWarnings("fallthrough")
    private static byte steps(byte p1) {
        byte r = 0;
        switch (p1) {
        case 2:
            r++;
        case 1:
            r++;
            break;
        default:
            ISOException.throwIt(ISO7816.SW_INCORRECT_P1P2);
        }
        return r;
    }

    @Deprecated
    short count() {
        return ++calls;
    }

    @Override
    @SuppressWarnings({"unused", "fallthrough"})
    public boolean select() {
        calls = 0;
        return true;
    }
}
EOF
check "seam jc build of the annotated applet" "$SEAM_BIN" jc build -o "$tmp/annot.jcl" \
    --package-aid F07365616DA1 --applet com.example.annot.Annot=F07365616DA101 "$src/Annot.java"
check "seam gp install" "$SEAM_BIN" gp --store "$tmp/card.img" install "$tmp/annot.jcl"
want "INSTALL: F07365616DA101"
check "seam apdu" "$SEAM_BIN" apdu --store "$tmp/card.img" 00A4040006F07365616DA101 \
    8020010000 8020020000 8020030000
want "< 01 01 90 00"
want "< 02 02 90 00"
want "< 6A 86"

# 2. No trace: the same source without the annotation lines converts to the same bytes.
plain=$tmp/plain/com/example/annot
mkdir -p "$plain"
grep -vE '^ *@(Override|SuppressWarnings|Deprecated)' "$src/Annot.java" >"$plain/Annot.java"
if grep -q '@' "$plain/Annot.java"; then
    echo "FAIL: the annotations were not all taken out of the plain copy"; fail=1
fi
# (javac by hand, without -Werror: the fall-through warning is no longer suppressed)
mkdir -p "$tmp/plaincls"
check "javac of the applet without annotations" javac -source 8 -target 8 -encoding UTF-8 \
    -Xlint:-options -implicit:none -bootclasspath "$jar" -d "$tmp/plaincls" "$plain/Annot.java"
check "seam jc convert of the applet without annotations" "$SEAM_BIN" jc convert \
    -o "$tmp/plain.jcl" --package-aid F07365616DA1 \
    --applet com.example.annot.Annot=F07365616DA101 --api "$jar" "$tmp/plaincls"
if ! cmp -s "$tmp/annot.jcl" "$tmp/plain.jcl"; then
    echo "FAIL: the annotations changed the load file"; fail=1
fi

# 3. javac checks @Override.
bad=$tmp/bad/com/example/bad
mkdir -p "$bad"
sed -e 's/package com.example.annot;/package com.example.bad;/' \
    -e 's/class Annot /class NoOverride /' -e 's/new Annot()/new NoOverride()/' \
    -e 's/^    @Deprecated$/    @Override/' "$src/Annot.java" >"$bad/NoOverride.java"
refused "@Override on count()" "method does not override" "$bad/NoOverride.java"
refused "@Override on count() (seam's line)" "seam jc build: javac failed" "$bad/NoOverride.java"

# 4. Strings compile, and the converter refuses them.
cat >"$bad/Literal.java" <<'EOF'
package com.example.bad;

import javacard.framework.APDU;
import javacard.framework.Applet;

public final class Literal extends Applet {
    private Object last;

    public static void install(byte[] b, short off, byte len) {
        new Literal().register();
    }

    @Override
    public void process(APDU apdu) {
        last = "hello";
    }
}
EOF
refused "a string literal" \
    'com/example/bad/Literal.process(Ljavacard/framework/APDU;)V: uses java/lang/String (string constant "hello" at pc' \
    "$bad/Literal.java"
cat >"$bad/Field.java" <<'EOF'
package com.example.bad;

final class Field {
    static final String NAME = "seam";
}
EOF
refused "a String constant field" \
    "com/example/bad/Field.NAME: uses java/lang/String (Java Card has no strings)" \
    "$bad/Field.java"
cat >"$bad/Annotates.java" <<'EOF'
package com.example.bad;

final class Annotates implements java.lang.annotation.Annotation {
}
EOF
refused "a class implementing java.lang.annotation.Annotation" \
    "references class java/lang/annotation/Annotation, in no known package" "$bad/Annotates.java"
# Concatenation and string methods still fail in javac (no StringBuilder, no members).
cat >"$bad/Concat.java" <<'EOF'
package com.example.bad;

final class Concat {
    short n;

    Object f() {
        return "n=" + n;
    }
}
EOF
refused "string concatenation" "seam jc build: javac failed" "$bad/Concat.java"

# 5. Without compile.jar next to the API (nor next to the seam binary), @Override does not
#    compile and the message says why. Only when the seam binary has no jc/compile.jar beside
#    it, i.e. when it is not run from the build directory.
mkdir -p "$tmp/bin" "$tmp/api"
cp "$jar" "$tmp/api/api.jar"
cp "$SEAM_BIN" "$tmp/bin/seam"
out=$("$tmp/bin/seam" jc build -o "$tmp/bad.jcl" --package-aid F07365616DA1 \
    --api "$tmp/api/api.jar" "$src/Annot.java" 2>&1)
rc=$?
if [ "$rc" != 1 ]; then
    echo "FAIL: build without compile.jar: exit $rc, want 1"; echo "$out" | sed 's/^/    /'
    fail=1
else
    want "compile.jar was not found next to the API"
fi
# ... and with compile.jar copied next to that api.jar it is found there.
cp "$SEAM_BUILD/jc/compile.jar" "$tmp/api/compile.jar"
check "build with compile.jar next to --api" "$tmp/bin/seam" jc build -o "$tmp/annot2.jcl" \
    --package-aid F07365616DA1 --applet com.example.annot.Annot=F07365616DA101 \
    --api "$tmp/api/api.jar" "$src/Annot.java"
if ! cmp -s "$tmp/annot.jcl" "$tmp/annot2.jcl"; then
    echo "FAIL: the build with --api elsewhere differs"; fail=1
fi

[ "$fail" = 0 ] && echo "test_jc_build_annot: ok"
exit "$fail"
