#!/usr/bin/env bash
# The Java Card API jar (build/jc/api.jar) the way applets use it: test applets under
# tests/jc/api/good compile with javac against api.jar ALONE as bootclasspath (no JDK class),
# a client package compiles against a server package's Shareable interface, and sources that
# use what Java Card lacks (String, java.util, java.lang.Long, Object.hashCode, Error) do not.
# Then the jar itself: class file version 52 everywhere, no class outside the API packages,
# and constants checked with javap against the Java Card 3.0.5 API specification's values.
# Last, compile.jar (jc/compile/, the classes `seam jc build` gives javac after api.jar): exactly
# its five classes, none of them in api.jar or in the class directory the ROM is made from
# (romgen reads jc/api-classes), and the same sources still refused with it on the bootclasspath.
set -u
SEAM_BUILD=${SEAM_BUILD:-build}
jar="$SEAM_BUILD/jc/api.jar"
if ! command -v javac >/dev/null || ! command -v javap >/dev/null; then
    echo "javac/javap not installed (openjdk-17-jdk-headless): skipped"
    exit 77
fi
if [ ! -f "$jar" ]; then
    echo "FAIL: $jar missing (make builds it)"
    exit 1
fi
src=tests/jc/api
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# The flags `seam jc build` will use; "deprecation" and "overrides" lints would make javac look
# for java.lang.Deprecated and Object.hashCode, which Java Card does not have.
JFLAGS=(-source 8 -target 8 -encoding UTF-8 -Xlint:all,-options,-deprecation,-overrides -Werror)

# 1. Good applets compile against api.jar alone; the client against api.jar + the server.
mkdir -p "$tmp/good"
if ! out=$(javac "${JFLAGS[@]}" -bootclasspath "$jar" -d "$tmp/good" \
        "$src"/good/seamtest/echo/*.java "$src"/good/seamtest/purse/*.java 2>&1); then
    echo "FAIL: echo and purse applets do not compile against api.jar:"
    echo "$out" | sed 's/^/    /'
    fail=1
elif ! out=$(javac "${JFLAGS[@]}" -bootclasspath "$jar" -classpath "$tmp/good" \
        -d "$tmp/good" "$src"/good/seamtest/client/*.java 2>&1); then
    echo "FAIL: client applet does not compile against api.jar + the purse package:"
    echo "$out" | sed 's/^/    /'
    fail=1
fi
for c in seamtest/echo/EchoApplet seamtest/purse/PurseApplet seamtest/purse/Purse \
         seamtest/client/ClientApplet; do
    [ -f "$tmp/good/$c.class" ] || { echo "FAIL: $c.class not produced"; fail=1; }
done

# 2. What Java Card lacks does not compile; the error names the missing thing.
boot=$jar
refused() { # FILE WHAT-THE-ERROR-MENTIONS
    local f=$1 want=$2 out
    mkdir -p "$tmp/bad"
    if out=$(javac -source 8 -target 8 -Xlint:-options -bootclasspath "$boot" -d "$tmp/bad" \
            "$src/bad/$f" 2>&1); then
        echo "FAIL: $f compiled against $boot; it must not"
        fail=1
    elif ! grep -q -- "$want" <<<"$out"; then
        echo "FAIL: $f refused, but the error does not mention $want:"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
}
refused UsesString.java "String"
refused UsesUtil.java "package java.util does not exist"
refused UsesLongWrapper.java "symbol:   variable Long"
refused UsesHashCode.java "method hashCode()"
refused UsesError.java "class Error"
# Primitive long needs no class, so javac accepts it: refusing it is the converter's job.
if ! out=$(javac -source 8 -target 8 -Xlint:-options -bootclasspath "$jar" -d "$tmp/bad" \
        "$src/bad/UsesLong.java" 2>&1); then
    echo "FAIL: UsesLong.java should compile with javac (the converter refuses long):"
    echo "$out" | sed 's/^/    /'
    fail=1
fi

# 3. The jar: only API packages (seam.trust and org.globalplatform too), class files 52.0 (Java 8).
mkdir -p "$tmp/x"
jarabs=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
(cd "$tmp/x" && jar xf "$jarabs")
n=0
while IFS= read -r -d '' f; do
    rel=${f#"$tmp/x/"}
    case $rel in
        java/lang/*.class | javacard/framework/*.class | javacardx/apdu/*.class) ;;
        javacard/security/*.class | javacardx/crypto/*.class) ;;
        seam/trust/*.class) ;; # seam's own ROM package (jc/api/README.md)
        org/globalplatform/*.class) ;; # the GlobalPlatform Card API (docs/gp-api.md)
        *) echo "FAIL: unexpected class in api.jar: $rel"; fail=1 ;;
    esac
    ver=$(od -An -tu1 -j6 -N2 "$f" | tr -s ' ')
    if [ "$ver" != " 0 52" ]; then
        echo "FAIL: $rel has class file major version bytes '$ver', expected 0 52"
        fail=1
    fi
    n=$((n + 1))
done < <(find "$tmp/x" -name '*.class' -print0)
if [ "$n" -lt 33 ]; then
    echo "FAIL: api.jar has only $n classes"
    fail=1
fi

# 4. Constants as javap prints them, against the values in the Java Card 3.0.5 API
#    specification (javadoc "Constant Field Values"; ISO7816 values are ISO/IEC 7816-4's).
consts=$(javap -constants -classpath "$jar" javacard.framework.ISO7816 \
    javacard.framework.JCSystem javacard.framework.APDU javacard.framework.SystemException \
    javacard.framework.APDUException javacard.framework.TransactionException \
    javacard.framework.PINException 2>&1)
expect() { # CLASS FIELD TYPE VALUE
    local cls=$1 field=$2 type=$3 value=$4
    local block
    block=$(awk -v c="$cls" '/^(public )?(final )?(abstract )?(class|interface) /{on = ($0 ~ ("javacard\\.framework\\." c " "))} on' <<<"$consts")
    if ! grep -qE -- "(public static final )?$type $field = $value;" <<<"$block"; then
        echo "FAIL: $cls.$field is not ($type) $value:"
        grep -- " $field " <<<"$block" | sed 's/^/    /'
        fail=1
    fi
}
expect ISO7816 SW_NO_ERROR short -28672                     # 0x9000
expect ISO7816 SW_WRONG_LENGTH short 26368                  # 0x6700
expect ISO7816 SW_SECURITY_STATUS_NOT_SATISFIED short 27010 # 0x6982
expect ISO7816 SW_CONDITIONS_NOT_SATISFIED short 27013      # 0x6985
expect ISO7816 SW_WRONG_DATA short 27264                    # 0x6A80
expect ISO7816 SW_FILE_NOT_FOUND short 27266                # 0x6A82
expect ISO7816 SW_INCORRECT_P1P2 short 27270                # 0x6A86
expect ISO7816 SW_CORRECT_LENGTH_00 short 27648             # 0x6C00
expect ISO7816 SW_INS_NOT_SUPPORTED short 27904             # 0x6D00
expect ISO7816 SW_CLA_NOT_SUPPORTED short 28160             # 0x6E00
expect ISO7816 SW_UNKNOWN short 28416                       # 0x6F00
expect ISO7816 OFFSET_CDATA byte 5
expect ISO7816 OFFSET_EXT_CDATA byte 7
expect ISO7816 OFFSET_LC byte 4
expect ISO7816 INS_SELECT byte -92                          # 0xA4
expect JCSystem CLEAR_ON_RESET byte 1
expect JCSystem CLEAR_ON_DESELECT byte 2
expect JCSystem NOT_A_TRANSIENT_OBJECT byte 0
expect JCSystem MEMORY_TYPE_TRANSIENT_DESELECT byte 2
expect APDU PROTOCOL_T1 byte 1
expect APDU PROTOCOL_MEDIA_CONTACTLESS_TYPE_A byte -128     # 0x80
expect APDU PROTOCOL_MEDIA_USB byte -96                     # 0xA0
expect APDU STATE_OUTGOING_LENGTH_KNOWN byte 4
expect APDU STATE_ERROR_NO_T0_REISSUE byte -4
expect SystemException NO_TRANSIENT_SPACE short 2
expect SystemException ILLEGAL_USE short 6
expect APDUException NO_T0_GETRESPONSE short 170            # 0xAA
expect TransactionException BUFFER_FULL short 3
expect PINException ILLEGAL_STATE short 2

# 5. compile.jar: javac-only classes, never in api.jar nor in the ROM's classes.
cjar="$SEAM_BUILD/jc/compile.jar"
if [ ! -f "$cjar" ]; then
    echo "FAIL: $cjar missing (make builds it with api.jar)"
    fail=1
else
    mkdir -p "$tmp/c"
    cjarabs=$(cd "$(dirname "$cjar")" && pwd)/$(basename "$cjar")
    (cd "$tmp/c" && jar xf "$cjarabs")
    got=$(cd "$tmp/c" && find . -name '*.class' | sed 's|^\./||' | sort | tr '\n' ' ')
    exp="java/lang/Deprecated.class java/lang/Override.class java/lang/String.class "
    exp+="java/lang/SuppressWarnings.class java/lang/annotation/Annotation.class "
    [ "$got" = "$exp" ] || { echo "FAIL: compile.jar holds '$got', want '$exp'"; fail=1; }
    for c in $exp; do
        ver=$(od -An -tu1 -j6 -N2 "$tmp/c/$c" | tr -s ' ')
        [ "$ver" = " 0 52" ] || { echo "FAIL: compile.jar $c: major version '$ver'"; fail=1; }
        [ ! -e "$tmp/x/$c" ] || { echo "FAIL: $c (javac only) is in api.jar"; fail=1; }
        [ ! -e "$SEAM_BUILD/jc/api-classes/$c" ] ||
            { echo "FAIL: $c (javac only) is in jc/api-classes, which the ROM is made from"; fail=1; }
    done
    # The good applets compile the same way with it; what Java Card lacks is still refused.
    mkdir -p "$tmp/good2"
    if ! out=$(javac "${JFLAGS[@]}" -bootclasspath "$jar:$cjar" -d "$tmp/good2" \
            "$src"/good/seamtest/echo/*.java "$src"/good/seamtest/purse/*.java 2>&1); then
        echo "FAIL: echo and purse applets do not compile against api.jar + compile.jar:"
        echo "$out" | sed 's/^/    /'
        fail=1
    fi
    boot="$jar:$cjar"
    refused UsesString.java "String"
    refused UsesUtil.java "package java.util does not exist"
    refused UsesLongWrapper.java "symbol:   variable Long"
    refused UsesHashCode.java "method hashCode()"
    refused UsesError.java "class Error"
fi

if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "test_jc_api: OK ($n classes in api.jar, compile.jar apart)"
