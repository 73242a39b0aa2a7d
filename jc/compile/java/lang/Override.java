/*
 * java.lang.Override for javac only (compile.jar, jc/compile/README.md): javac checks that a
 * method marked with it overrides or implements one (JLS §9.6.4.4). There is no @Retention
 * (that needs java.lang.Enum), so the retention is CLASS: javac writes a
 * RuntimeInvisibleAnnotations attribute that names the type in a Utf8 entry only, and the
 * converter skips attributes it does not use (JVMS §4.7), so nothing reaches the card.
 */
package java.lang;

/** Marks a method that overrides or implements another; checked by javac. */
public @interface Override {}
