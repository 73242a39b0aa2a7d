/*
 * java.lang.SuppressWarnings for javac only (compile.jar, jc/compile/README.md): javac omits
 * the named lint warnings inside the annotated declaration (JLS §9.6.4.5). Retention is CLASS
 * (no @Retention, which needs java.lang.Enum): the element values are Utf8 entries of a
 * RuntimeInvisibleAnnotations attribute (JVMS §4.7.16.1, tag 's'), not String constants, and
 * the converter skips that attribute.
 */
package java.lang;

/** Names the javac lint warnings ("fallthrough", "unused", ...) to leave out. */
public @interface SuppressWarnings {
    /** The names of the warnings to suppress. */
    String[] value();
}
