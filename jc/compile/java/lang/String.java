/*
 * java.lang.String for javac only (compile.jar, jc/compile/README.md). Java Card has no
 * strings; javac needs this class for the element type of SuppressWarnings.value (String[]) and
 * for the string literals annotations carry. It is final with a private constructor and no
 * other member, so an applet can do nothing with a string but hold a reference to one: a string
 * literal, a String field or parameter, new String[n] or instanceof String then compile, and
 * the converter refuses them ("uses java/lang/String"). Concatenation still fails in javac
 * (there is no StringBuilder), and so does any method call on a string.
 */
package java.lang;

/** Present for javac only: the type of string literals, with no member. */
public final class String {
    private String() {}
}
