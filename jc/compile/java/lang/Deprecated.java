/*
 * java.lang.Deprecated for javac only (compile.jar, jc/compile/README.md): javac marks the
 * declaration deprecated (JLS §9.6.4.6) and writes a Deprecated attribute and a
 * RuntimeInvisibleAnnotations attribute (retention CLASS: there is no @Retention, which needs
 * java.lang.Enum); the converter skips both. The elements are those of Java SE 9 and later, so
 * sources written for either form compile.
 */
package java.lang;

/** Marks a declaration that should no longer be used. */
public @interface Deprecated {
    /** The version in which the declaration became deprecated. */
    String since() default "";

    /** Whether the declaration is to be removed in a later version. */
    boolean forRemoval() default false;
}
