/*
 * java.lang.annotation.Annotation for javac only (compile.jar, jc/compile/README.md): every
 * annotation type extends it implicitly (JLS §9.6), so javac needs it to compile Override,
 * SuppressWarnings and Deprecated. It has no members; it is not in api.jar nor in the card's
 * ROM, and the converter refuses an applet class that names it (no known package).
 */
package java.lang.annotation;

/** The implicit superinterface of annotation types; present for javac only. */
public interface Annotation {}
