/*
 * java.lang.Error: NOT part of the Java Card API. javac itself needs this class to tell
 * unchecked from checked exceptions (JLS §11.1.1: unchecked = RuntimeException or Error), and
 * refuses any class with a throws clause or a throw statement without it. It is package-private
 * with a private constructor, so no applet can name, extend or throw it; the converter and the
 * card do not know it. See jc/api/README.md.
 */
package java.lang;

/** Present for javac only: unchecked throwables other than RuntimeException. */
class Error extends Throwable {
    private Error() {}
}
