/* Test input for tests/test_classfile.c: the smallest useful class (fuzz seed). */
package cftest;

public class Tiny {
    static short counter;

    static short next() {
        return ++counter;
    }
}
